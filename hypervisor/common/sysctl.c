/*
 * HYPERVISOR_sysctl: the toolstack's whole-machine interface (host facts,
 * the domain list, the hypervisor console log). Tessera's own interface
 * with Xen 4.17's numbers and layouts (public/sysctl.h, docs/abi.md); only
 * a control domain may call it (docs/security.md).
 *
 * As Xen's do_sysctl: copy struct xen_sysctl in once, check the interface
 * version (-EACCES), run the command under sysctl_lock, copy the struct
 * back when the command succeeded.
 *
 * Locking: sysctl_lock serialises commands; it is only try-locked (a busy
 * lock becomes a continuation, as Xen) so a vCPU never spins in here.
 * Lock order: docs/locking.md (sysctl_lock is outermost).
 */
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/domctl.h>
#include <tessera/errno.h>
#include <tessera/guest_access.h>
#include <tessera/hypercall.h>
#include <tessera/mm.h>
#include <tessera/percpu.h>
#include <tessera/privilege.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <public/sysctl.h>
#include <public/xen.h>

static DEFINE_SPINLOCK(sysctl_lock, LOCK_LEVEL_SYSCTL);

/* XEN_SYSCTL_physinfo: what the toolstack sizes domains by. */
static void sysctl_physinfo(struct xen_sysctl_physinfo *pi)
{
	memset(pi, 0, sizeof(*pi));
	/* One socket of single-threaded cores: Tessera does not read the topology. */
	pi->threads_per_core = 1;
	pi->cores_per_socket = nr_cpus_online;
	pi->nr_cpus = nr_cpus_online;
	pi->max_cpu_id = NR_CPUS - 1;
	pi->nr_nodes = 1; /* no NUMA */
	pi->max_node_id = 0;
	pi->cpu_khz = arch_cpu_khz();
	/*
	 * Only what a guest can use today: grant tables v1 (v2 is -ENOSYS), and
	 * hvm with hap when PVH guests run (SVM with NPT). pv is reported once
	 * PV guests run; no IOMMU, shadow paging, vmtrace or vPMU.
	 */
	pi->capabilities = XEN_SYSCTL_PHYSCAP_gnttab_v1;
	if (arch_hvm_hap())
		pi->capabilities |= XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap;
	pi->total_pages = total_heap_pages();
	pi->free_pages = total_free_pages();
	pi->max_mfn = max_page ? max_page - 1 : 0;
}

/* XEN_SYSCTL_getdomaininfolist: domains from first_domain up, as many as fit. */
static long sysctl_getdomaininfolist(struct xen_sysctl_getdomaininfolist *op)
{
	struct xen_domctl_getdomaininfo info;
	struct domain *d, *n;
	uint32_t num = 0;
	long ret = 0;

	for (d = first_domain(); d; d = n) {
		n = next_domain(d);
		if (d->domain_id >= op->first_domain && num < op->max_domains) {
			domctl_getdomaininfo(d, &info);
			if (copy_to_guest_offset(op->buffer, num, &info, 1))
				ret = -EFAULT;
			else
				num++;
		}
		put_domain(d);
		/* Stop at a fault or a full buffer (but always drop the reference taken). */
		if (ret || num == op->max_domains) {
			if (n)
				put_domain(n);
			break;
		}
	}
	op->num_domains = num;
	return ret;
}

/*
 * XEN_SYSCTL_readconsole, as Xen's read_console_ring: copy history from the
 * console ring (from op->index if incremental and still kept, else from the
 * oldest byte) until the buffer is full or the ring is drained; op->index
 * comes back where reading stopped, op->count as the bytes copied. clear
 * then forgets what was read. Copied through a small bounce buffer: the
 * ring lock is never held across a guest copy.
 */
static long sysctl_readconsole(struct xen_sysctl_readconsole *op)
{
	char chunk[256];
	uint32_t idx = op->index, sofar = 0;
	bool incremental = op->incremental;

	/* At least one read, even for count 0: it sets the index as Xen does. */
	for (;;) {
		uint32_t want =
		    op->count - sofar < sizeof(chunk) ? op->count - sofar : sizeof(chunk);
		size_t n = console_ring_read(chunk, want, &idx, incremental);

		if (n && copy_to_guest_offset(op->buffer, sofar, chunk, n))
			return -EFAULT;
		sofar += (uint32_t)n;
		incremental = true; /* go on from where this chunk stopped */
		if (!n || sofar == op->count)
			break;
	}
	if (op->clear)
		console_ring_clear(idx);
	op->count = sofar;
	op->index = idx;
	return 0;
}

long do_sysctl(const struct hypercall_args *args)
{
	XEN_GUEST_HANDLE(xen_sysctl_t) u_sysctl = guest_handle_from_arg(args->a[0], xen_sysctl_t);
	struct xen_sysctl op;
	long ret;

	/* The dispatcher checked the role already; a second look costs nothing. */
	ret = priv_control(current->domain);
	if (ret)
		return ret;
	if (copy_from_guest(&op, u_sysctl, 1))
		return -EFAULT;
	if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
		return -EACCES;
	if (!spin_trylock(&sysctl_lock))
		return hypercall_create_continuation(__HYPERVISOR_sysctl, "h", u_sysctl.p);

	switch (op.cmd) {
	case XEN_SYSCTL_readconsole:
		ret = sysctl_readconsole(&op.u.readconsole);
		break;
	case XEN_SYSCTL_physinfo:
		sysctl_physinfo(&op.u.physinfo);
		break;
	case XEN_SYSCTL_getdomaininfolist:
		ret = sysctl_getdomaininfolist(&op.u.getdomaininfolist);
		break;
	default:
		ret = -ENOSYS;
		break;
	}
	spin_unlock(&sysctl_lock);

	if (!ret && copy_to_guest(u_sysctl, &op, 1))
		ret = -EFAULT;
	return ret;
}
