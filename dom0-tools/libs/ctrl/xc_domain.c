/*
 * libxenctrl: the domain life cycle and inspection (Xen's xc_domain.c
 * subset, and Tessera's own gnttab_seed and boot names) over domctl and
 * sysctl getdomaininfolist (docs/abi.md 4.1).
 * No locking: one thread per handle.
 */
#include <errno.h>
#include <string.h>
#include <public/sched.h>
#include "xc_private.h"

static int domctl_simple(xc_interface *xch, uint32_t cmd, uint32_t domid)
{
	struct xen_domctl op;

	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.domain = (domid_t)domid;
	return xc__domctl(xch, &op);
}

int xc_domain_create(xc_interface *xch, uint32_t *pdomid, struct xen_domctl_createdomain *config)
{
	struct xen_domctl op;

	if (!pdomid || !config) {
		errno = EINVAL;
		return -1;
	}
	memset(&op, 0, sizeof(op));
	op.cmd = XEN_DOMCTL_createdomain;
	op.domain = (domid_t)*pdomid;
	op.u.createdomain = *config;
	if (xc__domctl(xch, &op))
		return -1;
	*pdomid = op.domain;
	*config = op.u.createdomain;
	return 0;
}

int xc_domain_destroy(xc_interface *xch, uint32_t domid)
{
	return domctl_simple(xch, XEN_DOMCTL_destroydomain, domid);
}

int xc_domain_pause(xc_interface *xch, uint32_t domid)
{
	return domctl_simple(xch, XEN_DOMCTL_pausedomain, domid);
}

int xc_domain_unpause(xc_interface *xch, uint32_t domid)
{
	return domctl_simple(xch, XEN_DOMCTL_unpausedomain, domid);
}

/* One getdomaininfo record as Xen's xc_dominfo_t. */
static void dominfo_from(xc_dominfo_t *out, const struct xen_domctl_getdomaininfo *in)
{
	uint32_t f = in->flags;

	memset(out, 0, sizeof(*out));
	out->domid = in->domain;
	out->ssidref = in->ssidref;
	out->dying = !!(f & XEN_DOMINF_dying);
	out->shutdown = !!(f & XEN_DOMINF_shutdown);
	out->paused = !!(f & XEN_DOMINF_paused);
	out->blocked = !!(f & XEN_DOMINF_blocked);
	out->running = !!(f & XEN_DOMINF_running);
	out->hvm = !!(f & XEN_DOMINF_hvm_guest);
	out->debugged = !!(f & XEN_DOMINF_debugged);
	out->xenstore = !!(f & XEN_DOMINF_xs_domain);
	out->hap = !!(f & XEN_DOMINF_hap);
	out->shutdown_reason = (f >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
	out->crashed = out->shutdown && out->shutdown_reason == SHUTDOWN_crash;
	out->nr_pages = (unsigned long)in->tot_pages;
	out->nr_outstanding_pages = (unsigned long)in->outstanding_pages;
	out->nr_shared_pages = (unsigned long)in->shr_pages;
	out->nr_paged_pages = (unsigned long)in->paged_pages;
	out->max_memkb = (unsigned long)(in->max_pages << 2);
	out->shared_info_frame = (unsigned long)in->shared_info_frame;
	out->cpu_time = in->cpu_time;
	out->nr_online_vcpus = in->nr_online_vcpus;
	out->max_vcpu_id = in->max_vcpu_id;
	memcpy(out->handle, in->handle, sizeof(out->handle));
	out->cpupool = in->cpupool;
	out->gpaddr_bits = in->gpaddr_bits;
	out->arch_config = in->arch_config;
}

int xc_domain_getinfo(xc_interface *xch, uint32_t first_domid, unsigned int max_doms,
		      xc_dominfo_t *info)
{
	uint32_t next = first_domid;
	unsigned int n;

	if (!info && max_doms) {
		errno = EINVAL;
		return -1;
	}
	/* As Xen: one getdomaininfo per domain, each asking for the next id up. */
	for (n = 0; n < max_doms; n++) {
		struct xen_domctl op;

		memset(&op, 0, sizeof(op));
		op.cmd = XEN_DOMCTL_getdomaininfo;
		op.domain = (domid_t)next;
		if (xc__domctl(xch, &op))
			break;
		dominfo_from(&info[n], &op.u.getdomaininfo);
		next = (uint32_t)(uint16_t)op.domain + 1;
	}
	return (int)n;
}

int xc_domain_getinfolist(xc_interface *xch, uint32_t first_domain, unsigned int max_domains,
			  xc_domaininfo_t *info)
{
	size_t size = (size_t)max_domains * sizeof(*info);
	struct xen_sysctl op;
	void *buf;
	int ret;

	if (!info || !max_domains || max_domains > DOMID_FIRST_RESERVED) {
		errno = EINVAL;
		return -1;
	}
	buf = xc__bounce_in(xch, NULL, size);
	if (!buf)
		return -1;
	memset(&op, 0, sizeof(op));
	op.cmd = XEN_SYSCTL_getdomaininfolist;
	op.u.getdomaininfolist.first_domain = (domid_t)first_domain;
	op.u.getdomaininfolist.max_domains = max_domains;
	set_xen_guest_handle(op.u.getdomaininfolist.buffer, buf);
	ret = xc__sysctl(xch, &op);
	if (!ret && op.u.getdomaininfolist.num_domains > max_domains) {
		errno = EIO; /* more than the buffer holds: never from a sane hypervisor */
		ret = -1;
	}
	if (!ret)
		ret = (int)op.u.getdomaininfolist.num_domains;
	xc__bounce_out(xch, buf, ret < 0 ? NULL : info,
		       (size_t)(ret < 0 ? 0 : ret) * sizeof(*info));
	return ret;
}

int xc_domain_setmaxmem(xc_interface *xch, uint32_t domid, uint64_t max_memkb)
{
	struct xen_domctl op;

	memset(&op, 0, sizeof(op));
	op.cmd = XEN_DOMCTL_max_mem;
	op.domain = (domid_t)domid;
	op.u.max_mem.max_memkb = max_memkb;
	return xc__domctl(xch, &op);
}

int xc_domain_max_vcpus(xc_interface *xch, uint32_t domid, unsigned int max)
{
	struct xen_domctl op;

	memset(&op, 0, sizeof(op));
	op.cmd = XEN_DOMCTL_max_vcpus;
	op.domain = (domid_t)domid;
	op.u.max_vcpus.max = max;
	return xc__domctl(xch, &op);
}

/* set (out NULL) or get (out set) a vCPU's context through a bounced vcpu_guest_context. */
static int vcpucontext(xc_interface *xch, uint32_t cmd, uint32_t domid, uint32_t vcpu,
		       vcpu_guest_context_any_t *ctxt)
{
	struct xen_domctl op;
	void *buf;
	int ret;

	if (!ctxt) {
		errno = EINVAL;
		return -1;
	}
	buf =
	    xc__bounce_in(xch, cmd == XEN_DOMCTL_setvcpucontext ? &ctxt->c : NULL, sizeof(ctxt->c));
	if (!buf)
		return -1;
	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.domain = (domid_t)domid;
	op.u.vcpucontext.vcpu = vcpu;
	set_xen_guest_handle(op.u.vcpucontext.ctxt, buf);
	ret = xc__domctl(xch, &op);
	xc__bounce_out(xch, buf, !ret && cmd == XEN_DOMCTL_getvcpucontext ? &ctxt->c : NULL,
		       sizeof(ctxt->c));
	return ret;
}

int xc_vcpu_setcontext(xc_interface *xch, uint32_t domid, uint32_t vcpu,
		       vcpu_guest_context_any_t *ctxt)
{
	return vcpucontext(xch, XEN_DOMCTL_setvcpucontext, domid, vcpu, ctxt);
}

int xc_vcpu_getcontext(xc_interface *xch, uint32_t domid, uint32_t vcpu,
		       vcpu_guest_context_any_t *ctxt)
{
	return vcpucontext(xch, XEN_DOMCTL_getvcpucontext, domid, vcpu, ctxt);
}

int xc_tessera_gnttab_seed(xc_interface *xch, uint32_t domid, uint32_t ref, uint32_t grantee,
			   xen_pfn_t gfn, int readonly)
{
	struct xen_domctl op;

	memset(&op, 0, sizeof(op));
	op.cmd = XEN_DOMCTL_tessera_gnttab_seed;
	op.domain = (domid_t)domid;
	op.u.tessera_gnttab_seed.ref = ref;
	op.u.tessera_gnttab_seed.grantee = (domid_t)grantee;
	op.u.tessera_gnttab_seed.flags = readonly ? XEN_DOMCTL_TESSERA_SEED_readonly : 0;
	op.u.tessera_gnttab_seed.gfn = gfn;
	return xc__domctl(xch, &op);
}

int xc_tessera_get_boot_name(xc_interface *xch, uint32_t domid, char *name, size_t len)
{
	struct xen_domctl op;
	const char *src = op.u.tessera_get_boot_name.name;
	size_t n;

	if (!name || !len) {
		errno = EINVAL;
		return -1;
	}
	memset(&op, 0, sizeof(op));
	op.cmd = XEN_DOMCTL_tessera_get_boot_name;
	op.domain = (domid_t)domid;
	if (xc__domctl(xch, &op))
		return -1;
	/* Never past the hypervisor's buffer, even without its NUL. */
	n = strnlen(src, sizeof(op.u.tessera_get_boot_name.name));
	if (n >= len)
		n = len - 1;
	memcpy(name, src, n);
	name[n] = '\0';
	return 0;
}
