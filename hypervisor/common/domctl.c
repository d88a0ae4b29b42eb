/*
 * HYPERVISOR_domctl: the toolstack's per-domain control interface (create,
 * destroy, pause/unpause, inspect, limits, vCPU context, boot names).
 * Tessera's own interface with Xen 4.17's numbers and layouts (public/domctl.h,
 * docs/abi.md); only a control domain may call it (docs/security.md: the
 * dispatcher checks the role, and do_domctl checks it again).
 *
 * Every call copies struct xen_domctl in once, checks the interface version
 * (-EACCES, as Xen), resolves op.domain to a reference (-ESRCH) and runs the
 * command under domctl_lock; results go back by copying the whole struct out
 * (Xen's "copyback") only where the command has outputs.
 *
 * Locking: domctl_lock serialises commands (as Xen's domctl_lock). It is
 * only ever try-locked: a control domain spinning on it could otherwise
 * deadlock against another one pausing it, so a busy lock turns into a
 * continuation. Lock order: docs/locking.md (domctl_lock is outermost).
 */
#include <tessera/arch.h>
#include <tessera/domctl.h>
#include <tessera/errno.h>
#include <tessera/grant_table.h>
#include <tessera/guest_access.h>
#include <tessera/hypercall.h>
#include <tessera/mm.h>
#include <tessera/percpu.h>
#include <tessera/privilege.h>
#include <tessera/sched.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <public/domctl.h>
#include <public/grant_table.h>
#include <public/xen.h>

static DEFINE_SPINLOCK(domctl_lock, LOCK_LEVEL_DOMCTL);

/* The createdomain flags Xen 4.17 knows; others are -EINVAL. */
#define CDF_KNOWN                                                                                  \
	(XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | XEN_DOMCTL_CDF_s3_integrity |                   \
	 XEN_DOMCTL_CDF_oos_off | XEN_DOMCTL_CDF_xs_domain | XEN_DOMCTL_CDF_iommu |                \
	 XEN_DOMCTL_CDF_nested_virt | XEN_DOMCTL_CDF_vpmu)

/* Emulated devices of the two HVM container flavours (Xen's emulation_flags_ok). */
#define EMU_PVH XEN_X86_EMU_LAPIC
#define EMU_HVM (XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI)

/* Guest pages are 4 KiB (the ABI's page size). */
#define DOMCTL_PAGE_SHIFT 12

/* Highest grant table version Tessera implements (v2 is -ENOSYS). */
#define GNTTAB_MAX_VERSION 1

static unsigned int domctl_emulation_flags(const struct domain *d)
{
	switch (d->mode) {
	case GUEST_MODE_PVH:
		return EMU_PVH;
	case GUEST_MODE_HVM:
		return EMU_HVM;
	default:
		return 0;
	}
}

/* Running time of v in ns, including the slice it is in now (as Xen's vcpu_runstate_get). */
static uint64_t vcpu_running_time(const struct vcpu *v)
{
	unsigned long flags;
	spinlock_t *lock = vcpu_schedule_lock(v, &flags);
	s_time_t t = v->runstate.time[VCPU_RUNSTATE_RUNNING];

	if (v->runstate.state == VCPU_RUNSTATE_RUNNING && NOW() > v->runstate.state_entry_time)
		t += NOW() - v->runstate.state_entry_time;
	spin_unlock_irqrestore(lock, flags);
	return t > 0 ? (uint64_t)t : 0;
}

void domctl_getdomaininfo(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
	uint32_t flags = XEN_DOMINF_blocked, reason;
	uint64_t cpu_time = 0;

	memset(info, 0, sizeof(*info));
	info->domain = d->domain_id;
	info->max_vcpu_id = XEN_INVALID_MAX_VCPU_ID;

	/* As Xen: blocked only if every online vCPU is; running if any is on a CPU. */
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = READ_ONCE(d->vcpu[i]);
		unsigned long pf;

		if (!v)
			continue;
		pf = READ_ONCE(v->pause_flags);
		cpu_time += vcpu_running_time(v);
		info->max_vcpu_id = v->vcpu_id;
		if (pf & (1UL << VPF_down))
			continue;
		if (!(pf & (1UL << VPF_blocked)))
			flags &= ~XEN_DOMINF_blocked;
		if (READ_ONCE(v->is_running))
			flags |= XEN_DOMINF_running;
		info->nr_online_vcpus++;
	}
	info->cpu_time = cpu_time;
	if (!info->nr_online_vcpus)
		flags = 0;

	spin_lock(&d->domain_lock);
	if (d->state == DOMAIN_DEAD)
		flags |= XEN_DOMINF_dying; /* as Xen: only once teardown has finished */
	if (d->is_shut_down)
		flags |= XEN_DOMINF_shutdown;
	if (d->controller_pause_count)
		flags |= XEN_DOMINF_paused; /* as Xen: any domctl pause outstanding */
	/* No reason yet reads as Xen's SHUTDOWN_CODE_INVALID (~0): all high bits set. */
	reason = d->is_shutting_down ? d->shutdown_code : ~0u;
	spin_unlock(&d->domain_lock);
	if (has_role(d, ROLE_XENSTORE))
		flags |= XEN_DOMINF_xs_domain;
	if (d->mode != GUEST_MODE_PV)
		flags |=
		    XEN_DOMINF_hvm_guest | XEN_DOMINF_hap; /* PVH/HVM always use nested paging */
	info->flags = flags | (reason << XEN_DOMINF_shutdownshift);

	spin_lock(&d->page_alloc_lock);
	info->tot_pages = d->tot_pages;
	info->max_pages = d->max_pages;
	spin_unlock(&d->page_alloc_lock);
	/*
	 * PV: the machine frame of shared_info. Auto-translated: Xen gives the
	 * guest frame it was mapped at, which needs a reverse map Tessera does
	 * not keep; report none (docs/abi.md).
	 */
	if (d->mode == GUEST_MODE_PV && d->shared_info)
		info->shared_info_frame = mfn_x(page_to_mfn(virt_to_page(d->shared_info)));
	else
		info->shared_info_frame = ~0ULL;
	memcpy(info->handle, d->handle, sizeof(info->handle));
	info->arch_config.emulation_flags = domctl_emulation_flags(d);
}

/* The first listed domain (alive or dying) with domain_id >= from, with a reference. */
static struct domain *domctl_domain_from(unsigned int from)
{
	struct domain *d = first_domain(), *n;

	while (d && d->domain_id < from) {
		n = next_domain(d);
		put_domain(d);
		d = n;
	}
	return d;
}

/* Is domid free (not on the list, alive or dying) and not reserved? */
static bool domctl_domid_is_free(domid_t domid)
{
	struct domain *d;

	if (domid >= DOMID_FIRST_RESERVED)
		return false;
	d = get_domain_by_id_incl_dying(domid);
	if (!d)
		return true;
	put_domain(d);
	return false;
}

/* Check a createdomain request as Xen's sanitise_domain_config, and turn it into our args. */
static int domctl_createdomain_args(const struct xen_domctl_createdomain *c,
				    struct domain_create_args *args)
{
	bool hvm = c->flags & XEN_DOMCTL_CDF_hvm;

	if (c->flags & ~CDF_KNOWN)
		return -EINVAL;
	if (c->grant_opts & ~XEN_DOMCTL_GRANT_version_mask)
		return -EINVAL;
	if (c->max_vcpus < 1 || c->max_vcpus > MAX_VIRT_CPUS)
		return -EINVAL;
	if ((c->flags & XEN_DOMCTL_CDF_hap) && !hvm)
		return -EINVAL;
	/*
	 * What Tessera lacks is refused as Xen refuses it on a host without it:
	 * IOMMU, processor trace, vPMU, nested virtualisation, tboot's S3
	 * integrity, CPU pools other than pool 0.
	 */
	if (c->flags & (XEN_DOMCTL_CDF_iommu | XEN_DOMCTL_CDF_vpmu | XEN_DOMCTL_CDF_nested_virt |
			XEN_DOMCTL_CDF_s3_integrity))
		return -EINVAL;
	if (c->iommu_opts || c->vmtrace_size)
		return -EINVAL;
	if (c->cpupool_id)
		return -ENOENT;
	/* Grant version: 1..our highest (Xen's grant_table_init). */
	if (XEN_DOMCTL_GRANT_version(c->grant_opts) < 1 ||
	    XEN_DOMCTL_GRANT_version(c->grant_opts) > GNTTAB_MAX_VERSION)
		return -EINVAL;
	if (c->arch.misc_flags & ~XEN_X86_MSR_RELAXED)
		return -EINVAL;

	memset(args, 0, sizeof(*args));
	/* The flavour follows from the emulated devices asked for (Xen's emulation_flags_ok). */
	if (!hvm) {
		if (c->arch.emulation_flags != 0 && c->arch.emulation_flags != XEN_X86_EMU_PIT)
			return -EINVAL;
		args->mode = GUEST_MODE_PV;
	} else if (c->arch.emulation_flags == EMU_PVH) {
		args->mode = GUEST_MODE_PVH;
	} else if (c->arch.emulation_flags == EMU_HVM) {
		args->mode = GUEST_MODE_HVM;
	} else {
		return -EINVAL;
	}
	/* A toolstack can make a xenstore domain, never a control or hardware one. */
	args->roles = (c->flags & XEN_DOMCTL_CDF_xs_domain) ? ROLE_XENSTORE : ROLE_GUEST;
	args->max_vcpus = c->max_vcpus;
	args->max_evtchn_port = c->max_evtchn_port;
	args->max_grant_frames = c->max_grant_frames < 0 ? 0 : (uint32_t)c->max_grant_frames;
	args->max_maptrack_frames =
	    c->max_maptrack_frames < 0 ? 0 : (uint32_t)c->max_maptrack_frames;
	args->handle = c->handle;
	return 0;
}

/* XEN_DOMCTL_createdomain: op->domain in = wanted id (0 or reserved: pick), out = the id. */
static long domctl_createdomain(struct xen_domctl *op)
{
	static domid_t rover; /* where the last search for a free id stopped (domctl_lock) */
	struct domain_create_args args;
	struct domain *d;
	domid_t dom = op->domain;
	long ret;

	ret = domctl_createdomain_args(&op->u.createdomain, &args);
	if (ret)
		return ret;
	if (dom > 0 && dom < DOMID_FIRST_RESERVED) {
		if (!domctl_domid_is_free(dom))
			return -EEXIST;
	} else {
		/* As Xen: search upwards from the last id handed out, wrapping to 1. */
		for (dom = rover + 1; dom != rover; dom++) {
			if (dom >= DOMID_FIRST_RESERVED)
				dom = 1;
			if (domctl_domid_is_free(dom))
				break;
		}
		if (dom == rover)
			return -ENOMEM;
		rover = dom;
	}
	ret = domain_create(dom, &args, &d);
	if (ret)
		return ret;
	op->domain = d->domain_id;
	return 0;
}

/* XEN_DOMCTL_max_vcpus: create the vCPUs up to max, which createdomain already fixed. */
static long domctl_max_vcpus(struct domain *d, uint32_t max)
{
	long ret = 0;

	if (max != d->max_vcpus)
		return -EINVAL;
	domain_pause(d);
	for (unsigned int i = 0; i < max; i++) {
		if (!READ_ONCE(d->vcpu[i]) && !vcpu_create(d, i)) {
			ret = -ENOMEM;
			break;
		}
	}
	domain_unpause(d);
	return ret;
}

/* XEN_DOMCTL_setvcpucontext: PVH/HVM through the arch; a null handle resets the vCPU. */
static long domctl_setvcpucontext(struct domain *d, const struct xen_domctl_vcpucontext *vc)
{
	struct vcpu_guest_context *ctx = NULL;
	struct vcpu *v;
	long ret;

	if (vc->vcpu >= d->max_vcpus || !(v = READ_ONCE(d->vcpu[vc->vcpu])))
		return -EINVAL;
	/* The PV register state (page-table base, trap table...) comes with PV support. */
	if (d->mode == GUEST_MODE_PV)
		return -ENOSYS;
	if (!guest_handle_is_null(vc->ctxt)) {
		/* About 5 KiB: not for the hypervisor stack. */
		ctx = xmalloc(struct vcpu_guest_context);
		if (!ctx)
			return -ENOMEM;
		ret = -EFAULT;
		if (copy_from_guest(ctx, vc->ctxt, 1))
			goto out;
	}
	domain_pause(d);
	ret = arch_vcpu_set_context(v, ctx);
	if (!ret) {
		spin_lock(&d->domain_lock);
		v->is_initialised = ctx != NULL;
		/* As Xen's arch_set_info_guest: VGCF_online brings the vCPU up, else it is down. */
		if (ctx && (ctx->flags & VGCF_online))
			clear_bit(VPF_down, &v->pause_flags);
		else
			set_bit(VPF_down, &v->pause_flags);
		spin_unlock(&d->domain_lock);
	}
	domain_unpause(d);
out:
	xfree(ctx);
	return ret;
}

/* XEN_DOMCTL_getvcpucontext: copy out what setvcpucontext (or the builder) gave the vCPU. */
static long domctl_getvcpucontext(struct domain *d, const struct xen_domctl_vcpucontext *vc)
{
	struct vcpu_guest_context *ctx;
	struct vcpu *v;
	long ret;

	if (vc->vcpu >= d->max_vcpus || !(v = READ_ONCE(d->vcpu[vc->vcpu])) || v == current)
		return -EINVAL;
	if (d->mode == GUEST_MODE_PV)
		return -ENOSYS;
	if (!READ_ONCE(v->is_initialised))
		return -ENODATA;
	ctx = xzalloc(struct vcpu_guest_context);
	if (!ctx)
		return -ENOMEM;
	vcpu_pause(v);
	ret = arch_vcpu_get_context(v, ctx);
	vcpu_unpause(v);
	if (!ret && copy_to_guest(vc->ctxt, ctx, 1))
		ret = -EFAULT;
	xfree(ctx);
	return ret;
}

/*
 * XEN_DOMCTL_tessera_gnttab_seed: a builder's reserved grant entry (the
 * console or store ring for its backend), as the hypervisor's own builder
 * writes it (gnttab_seed_entry). Only the reserved entries, which a guest
 * does not hand out itself, and never to a reserved domid.
 */
static long domctl_gnttab_seed(struct domain *d, const struct xen_domctl_tessera_gnttab_seed *s)
{
	if (s->ref >= GNTTAB_NR_RESERVED_ENTRIES || (s->flags & ~XEN_DOMCTL_TESSERA_SEED_readonly))
		return -EINVAL;
	return gnttab_seed_entry(d, s->ref, s->grantee, _gfn(s->gfn),
				 s->flags & XEN_DOMCTL_TESSERA_SEED_readonly);
}

/*
 * XEN_DOMCTL_tessera_get_boot_name: the boot plan's name of a domain the
 * hypervisor built at boot (domain_create's name, set only by the boot
 * builder and never changed afterwards, so read without a lock).
 */
_Static_assert(sizeof(((struct domain *)0)->name) <= XEN_DOMCTL_TESSERA_BOOT_NAME_LEN,
	       "every boot name fits the domctl's buffer");

static long domctl_get_boot_name(const struct domain *d,
				 struct xen_domctl_tessera_get_boot_name *out)
{
	memset(out, 0, sizeof(*out));
	if (!d->name[0])
		return -ENOENT;
	strlcpy(out->name, d->name, sizeof(out->name));
	return 0;
}

/* XEN_DOMCTL_getdomaininfo: the domain asked for, or else the next one up (as Xen). */
static long domctl_getdomaininfo_op(struct xen_domctl *op)
{
	struct domain *d = get_domain_by_id_incl_dying(op->domain);

	if (!d) {
		if (op->domain >= DOMID_FIRST_RESERVED)
			return -EINVAL;
		d = domctl_domain_from(op->domain);
		if (!d)
			return -ESRCH;
	}
	domctl_getdomaininfo(d, &op->u.getdomaininfo);
	op->domain = op->u.getdomaininfo.domain;
	put_domain(d);
	return 0;
}

/* Commands on an existing domain d (a reference held, d != NULL). */
static long domctl_on_domain(struct xen_domctl *op, struct domain *d, bool *copyback,
			     XEN_GUEST_HANDLE(xen_domctl_t) u_domctl)
{
	struct domain *self = current->domain;
	long ret;

	switch (op->cmd) {
	case XEN_DOMCTL_destroydomain:
		if (d == self)
			return -EINVAL; /* as Xen's domain_kill */
		ret = domain_kill(d);
		if (ret == -ERESTART)
			ret = hypercall_create_continuation(__HYPERVISOR_domctl, "h", u_domctl.p);
		return ret;

	case XEN_DOMCTL_pausedomain:
		if (d == self)
			return -EINVAL; /* cannot wait for itself to stop */
		return domain_pause_by_controller(d);

	case XEN_DOMCTL_unpausedomain:
		return domain_unpause_by_controller(d);

	case XEN_DOMCTL_max_mem: {
		/* KiB to pages, rounding down; as Xen, tot_pages may stay above it. */
		uint64_t pages = op->u.max_mem.max_memkb >> (DOMCTL_PAGE_SHIFT - 10);

		spin_lock(&d->page_alloc_lock);
		d->max_pages = pages > ~0UL ? ~0UL : (unsigned long)pages;
		spin_unlock(&d->page_alloc_lock);
		return 0;
	}

	case XEN_DOMCTL_max_vcpus:
		if (d == self)
			return -EINVAL; /* no domain_pause() of itself */
		return domctl_max_vcpus(d, op->u.max_vcpus.max);

	case XEN_DOMCTL_setvcpucontext:
		if (d == self)
			return -EINVAL;
		return domctl_setvcpucontext(d, &op->u.vcpucontext);

	case XEN_DOMCTL_getvcpucontext:
		ret = domctl_getvcpucontext(d, &op->u.vcpucontext);
		*copyback = ret == 0;
		return ret;

	case XEN_DOMCTL_tessera_gnttab_seed:
		return domctl_gnttab_seed(d, &op->u.tessera_gnttab_seed);

	case XEN_DOMCTL_tessera_get_boot_name:
		ret = domctl_get_boot_name(d, &op->u.tessera_get_boot_name);
		*copyback = ret == 0;
		return ret;

	case XEN_DOMCTL_settimeoffset:
		/* As Xen: store the offset and republish the wallclock in shared_info. */
		domain_set_time_offset(d, op->u.settimeoffset.time_offset_seconds);
		return 0;

	default:
		return -ENOSYS;
	}
}

long do_domctl(const struct hypercall_args *args)
{
	XEN_GUEST_HANDLE(xen_domctl_t) u_domctl = guest_handle_from_arg(args->a[0], xen_domctl_t);
	struct xen_domctl op;
	struct domain *d = NULL;
	bool copyback = false;
	long ret;

	/* The dispatcher checked the role already; a second look costs nothing. */
	if (!has_role(current->domain, ROLE_CONTROL | ROLE_XENSTORE))
		return -EPERM;
	if (copy_from_guest(&op, u_domctl, 1))
		return -EFAULT;
	if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
		return -EACCES;
	/* The xenstore domain may only ask getdomaininfo (docs/security.md). */
	ret = priv_domctl(current->domain, op.cmd);
	if (ret)
		return ret;

	switch (op.cmd) {
	case XEN_DOMCTL_createdomain:
	case XEN_DOMCTL_getdomaininfo:
		break; /* no domain, or looked up by the command */
	case XEN_DOMCTL_destroydomain:
		/* A dying domain must still be found, to resume its teardown. */
		d = get_domain_by_id_incl_dying(op.domain);
		if (!d)
			return -ESRCH;
		break;
	default:
		d = get_domain_by_id(op.domain);
		if (!d)
			return -ESRCH;
		break;
	}

	if (!spin_trylock(&domctl_lock)) {
		ret = hypercall_create_continuation(__HYPERVISOR_domctl, "h", u_domctl.p);
		goto out;
	}
	switch (op.cmd) {
	case XEN_DOMCTL_createdomain:
		ret = domctl_createdomain(&op);
		copyback = ret == 0;
		break;
	case XEN_DOMCTL_getdomaininfo:
		ret = domctl_getdomaininfo_op(&op);
		copyback = ret == 0;
		break;
	default:
		ret = domctl_on_domain(&op, d, &copyback, u_domctl);
		break;
	}
	spin_unlock(&domctl_lock);

	if (copyback && copy_to_guest(u_domctl, &op, 1))
		ret = -EFAULT;
out:
	if (d)
		put_domain(d);
	return ret;
}
