/*
 * HYPERVISOR_vcpu_op: a guest managing its own vCPUs: bringing them up and
 * down, where their vcpu_info and runstate live, their timers. Semantics and
 * error codes follow Xen 4.17's do_vcpu_op/common_vcpu_op
 * (xen/arch/x86/domain.c, xen/common/domain.c); docs/abi.md lists the
 * sub-ops that are -ENOSYS.
 *
 * The target vCPU is always one of the caller's own (vcpuid indexes the
 * caller's domain), so no privilege check is needed beyond that.
 *
 * Locking: d->domain_lock covers is_initialised/hvm_init_ctx, VPF_down
 * changes that must agree with is_initialised, and the switch of
 * vcpu_info/vcpu_info_page (Xen takes domain_lock for map_vcpu_info too).
 * Lock order: docs/locking.md (domain_lock -> schedule locks).
 */
#include <public/hvm/hvm_vcpu.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>
#include <tessera/arch.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/guest_access.h>
#include <tessera/hypercall.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include <tessera/page_info.h>
#include <tessera/sched.h>
#include <tessera/string.h>
#include <tessera/time.h>

#define VCPU_OP_PAGE_SIZE 4096UL

/* Largest period Xen accepts for VCPUOP_set_periodic_timer (its STIME_DELTA_MAX). */
#define VCPU_PERIOD_MAX ((s_time_t)(~0ULL >> 2))

/* ---- VCPUOP_register_vcpu_info ---- */

/*
 * A reference on the frame behind guest frame gfn of d, if d owns it as
 * ordinary writable RAM: the p2m for a translated guest, the frame itself
 * for PV (whose "gfn" is a machine frame). NULL otherwise.
 */
static struct page_info *vcpu_op_get_ram_page(struct domain *d, gfn_t gfn)
{
	enum p2m_type t = p2m_ram_rw;
	struct page_info *pg;
	mfn_t mfn;

	if (d->auto_translated) {
		if (!p2m_gfn_ok(gfn) || !d->p2m)
			return NULL;
		mfn = p2m_lookup(d, gfn, &t);
	} else {
		mfn = _mfn(gfn_x(gfn));
	}
	if (t != p2m_ram_rw || !mfn_valid(mfn))
		return NULL;
	pg = mfn_to_page(mfn);
	return get_page(pg, d) ? pg : NULL;
}

/*
 * As Xen 4.17's map_vcpu_info: the vcpu_info moves to gfn + offset for
 * good (once per vCPU), keeping its contents; all events are then marked
 * pending so none is lost in the move, and the time is republished there.
 * Done by the vCPU itself or on a vCPU that is down.
 */
static long vcpu_register_vcpu_info(struct vcpu *v, const struct vcpu_register_vcpu_info *info)
{
	struct domain *d = v->domain;
	struct vcpu_info *new_info, *old_info;
	struct page_info *pg;
	long ret;

	/* Inside one page, and aligned as the structure (Xen: -ENXIO for either). */
	if (info->offset > VCPU_OP_PAGE_SIZE - sizeof(struct vcpu_info) ||
	    (info->offset & (_Alignof(struct vcpu_info) - 1)))
		return -ENXIO;
	/* The ABI names the field mfn; for a translated guest it is a gfn. */
	pg = vcpu_op_get_ram_page(d, _gfn(info->mfn));
	if (!pg)
		return -EINVAL;

	spin_lock(&d->domain_lock);
	ret = -EINVAL;
	if (v->vcpu_info_page)
		goto out; /* registered already: once only */
	if (v != current && !test_bit(VPF_down, &v->pause_flags))
		goto out; /* another vCPU's only while it is down */
	new_info = (struct vcpu_info *)((char *)page_to_virt(pg) + info->offset);
	old_info = v->vcpu_info;
	if (v->vcpu_id >= XEN_LEGACY_MAX_VCPUS) {
		/* Had only the dummy: start clean, upcalls masked (PV's initial state). */
		memset(new_info, 0, sizeof(*new_info));
		new_info->evtchn_upcall_mask = 1;
	} else {
		memcpy(new_info, old_info, sizeof(*new_info));
	}
	WRITE_ONCE(v->vcpu_info, new_info);
	v->vcpu_info_page = pg;
	pg = NULL; /* the reference is v's now */
	ret = 0;
out:
	spin_unlock(&d->domain_lock);
	if (pg) {
		put_page(pg);
		return ret;
	}
	/* Pointer switched before the pending flags: an event now lands in the new place. */
	__atomic_store_n(&v->vcpu_info->evtchn_pending_sel, ~0UL, __ATOMIC_SEQ_CST);
	vcpu_mark_events_pending(v);
	update_vcpu_system_time(v);
	return 0;
}

/* ---- runstate ---- */

/*
 * As Xen's vcpu_runstate_get: the times include the time in the current
 * state so far. The whole structure is cleared first: it goes to the guest
 * as it is, and the 4 bytes of padding after state would otherwise carry
 * whatever the hypervisor's stack held there.
 */
static void vcpu_runstate_get(const struct vcpu *v, struct vcpu_runstate_info *info)
{
	unsigned long flags;
	spinlock_t *lock;
	s_time_t delta;

	memset(info, 0, sizeof(*info));
	lock = vcpu_schedule_lock(v, &flags);
	info->state = v->runstate.state;
	info->state_entry_time = (uint64_t)v->runstate.state_entry_time;
	for (unsigned int i = 0; i < VCPU_RUNSTATE_COUNT; i++)
		info->time[i] = (uint64_t)v->runstate.time[i];
	spin_unlock_irqrestore(lock, flags);
	delta = NOW() - (s_time_t)info->state_entry_time;
	if (delta > 0 && (unsigned int)info->state < VCPU_RUNSTATE_COUNT)
		info->time[info->state] += (uint64_t)delta;
}

void vcpu_update_runstate_area(struct vcpu *v)
{
	XEN_GUEST_HANDLE(vcpu_runstate_info_t)
	area = guest_handle_from_arg(READ_ONCE(v->runstate_guest), vcpu_runstate_info_t);
	struct vcpu_runstate_info info;

	if (guest_handle_is_null(area))
		return;
	vcpu_runstate_get(v, &info);
	/* As Xen: a failed write is ignored; the next update tries again. */
	(void)copy_to_guest_vcpu(v, area, &info, 1);
}

/* ---- VCPUOP_initialise for PVH/HVM ---- */

/*
 * VCPUOP_initialise of a PVH/HVM vCPU: as Xen, -EEXIST once it has a
 * context; the validated context is kept for the arch to load before the
 * vCPU first runs, and the vCPU counts as initialised (VCPUOP_up works).
 */
static long vcpu_initialise(struct vcpu *v, XEN_GUEST_HANDLE(vcpu_hvm_context_t) arg)
{
	struct domain *d = v->domain;
	struct vcpu_hvm_context *ctx;
	long ret;

	/* As Xen: a vCPU beyond the legacy 32 needs a registered vcpu_info first. */
	if (v->vcpu_id >= XEN_LEGACY_MAX_VCPUS && !v->vcpu_info_page)
		return -EINVAL;
	if (d->mode == GUEST_MODE_PV)
		return -ENOSYS; /* a vcpu_guest_context: the PV issue (docs/abi.md) */
	ctx = xmalloc(struct vcpu_hvm_context);
	if (!ctx)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_guest(ctx, arg, 1))
		goto out;
	spin_lock(&d->domain_lock);
	ret = v->is_initialised ? -EEXIST : arch_vcpu_check_context(ctx);
	if (!ret) {
		v->hvm_init_ctx = ctx;
		ctx = NULL;
		v->is_initialised = true;
	}
	spin_unlock(&d->domain_lock);
out:
	xfree(ctx);
	return ret;
}

/* ---- up/down ---- */

static long vcpu_up(struct vcpu *v)
{
	struct domain *d = v->domain;
	bool wake = false;
	long ret = 0;

	spin_lock(&d->domain_lock);
	if (!v->is_initialised)
		ret = -EINVAL;
	else
		wake = test_and_clear_bit(VPF_down, &v->pause_flags);
	spin_unlock(&d->domain_lock);
	if (wake)
		vcpu_wake(v);
	return ret;
}

/* As Xen: taking down the last vCPU that is up powers the domain off instead. */
static long vcpu_down(struct vcpu *v)
{
	struct domain *d = v->domain;
	bool others_up = false;

	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *o = READ_ONCE(d->vcpu[i]);

		if (o && o != v && !test_bit(VPF_down, &o->pause_flags)) {
			others_up = true;
			break;
		}
	}
	if (!others_up) {
		domain_shutdown(d, SHUTDOWN_poweroff);
		return 0;
	}
	if (!test_and_set_bit(VPF_down, &v->pause_flags))
		vcpu_sleep(v);
	return 0;
}

/* ---- the hypercall ---- */

long do_vcpu_op(const struct hypercall_args *args)
{
	int cmd = (int)args->a[0];
	unsigned long vcpuid = args->a[1];
	XEN_GUEST_HANDLE(void) arg = guest_handle_from_arg(args->a[2], void);
	struct domain *d = current->domain;
	struct vcpu *v;

	/* As Xen's domain_vcpu(): a vCPU id the domain does not have is -ENOENT. */
	if (vcpuid >= d->max_vcpus || !(v = READ_ONCE(d->vcpu[vcpuid])))
		return -ENOENT;

	switch (cmd) {
	case VCPUOP_initialise:
		return vcpu_initialise(v, guest_handle_cast(arg, vcpu_hvm_context_t));

	case VCPUOP_up:
		return vcpu_up(v);

	case VCPUOP_down:
		return vcpu_down(v);

	case VCPUOP_is_up:
		return !test_bit(VPF_down, &v->pause_flags);

	case VCPUOP_get_runstate_info: {
		struct vcpu_runstate_info info;

		vcpu_runstate_get(v, &info);
		return copy_to_guest(guest_handle_cast(arg, vcpu_runstate_info_t), &info, 1)
			   ? -EFAULT
			   : 0;
	}

	case VCPUOP_register_runstate_memory_area: {
		struct vcpu_register_runstate_memory_area area;

		if (copy_from_guest(
			&area, guest_handle_cast(arg, vcpu_register_runstate_memory_area_t), 1))
			return -EFAULT;
		/*
		 * As Xen for HVM guests: any address is accepted (0 unregisters)
		 * and the area is written now and at each context switch; a write
		 * that faults is skipped, not reported. Now means through the
		 * caller's page tables (Xen's __copy_to_guest), not v's: v may be
		 * another vCPU, running elsewhere with its CR3 changing.
		 */
		WRITE_ONCE(v->runstate_guest, area.addr.p);
		if (area.addr.p) {
			struct vcpu_runstate_info info;

			vcpu_runstate_get(v, &info);
			(void)copy_to_guest(area.addr.h, &info, 1);
		}
		return 0;
	}

	case VCPUOP_set_periodic_timer: {
		struct vcpu_set_periodic_timer set;

		if (copy_from_guest(&set, guest_handle_cast(arg, vcpu_set_periodic_timer_t), 1))
			return -EFAULT;
		if (set.period_ns < (uint64_t)MILLISECS(1) ||
		    set.period_ns > (uint64_t)VCPU_PERIOD_MAX)
			return -EINVAL;
		return vcpu_set_periodic_timer(v, (s_time_t)set.period_ns);
	}

	case VCPUOP_stop_periodic_timer:
		return vcpu_set_periodic_timer(v, 0);

	case VCPUOP_set_singleshot_timer: {
		struct vcpu_set_singleshot_timer set;

		if (v != current)
			return -EINVAL;
		if (copy_from_guest(&set, guest_handle_cast(arg, vcpu_set_singleshot_timer_t), 1))
			return -EFAULT;
		/*
		 * As Xen 4.17.2 and later: VCPU_SSHOTTMR_future is ignored (Linux
		 * before 4.7 retried forever on -ETIME) and a deadline already
		 * past raises VIRQ_TIMER at once. Like Xen, the deadline is
		 * compared unsigned: one beyond 2^63 counts as future and is then
		 * due at once.
		 */
		if (set.timeout_abs_ns < (uint64_t)NOW()) {
			vcpu_stop_singleshot_timer(v);
			vcpu_send_timer_event(v);
			return 0;
		}
		return vcpu_set_singleshot_timer(v, (s_time_t)set.timeout_abs_ns);
	}

	case VCPUOP_stop_singleshot_timer:
		if (v != current)
			return -EINVAL;
		vcpu_stop_singleshot_timer(v);
		return 0;

	case VCPUOP_register_vcpu_info: {
		struct vcpu_register_vcpu_info info;

		if (copy_from_guest(&info, guest_handle_cast(arg, vcpu_register_vcpu_info_t), 1))
			return -EFAULT;
		return vcpu_register_vcpu_info(v, &info);
	}

	case VCPUOP_register_vcpu_time_memory_area: /* docs/abi.md: Linux copes (no vDSO pvclock) */
	case VCPUOP_send_nmi:
	case VCPUOP_get_physid:
	default:
		return -ENOSYS;
	}
}

void vcpu_op_destroy(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct vcpu_hvm_context *ctx;
	struct page_info *pg;

	vcpu_time_destroy(v);
	sched_poll_destroy(v);
	v->runstate_guest = 0;
	spin_lock(&d->domain_lock);
	ctx = v->hvm_init_ctx;
	v->hvm_init_ctx = NULL;
	pg = v->vcpu_info_page;
	if (pg) {
		v->vcpu_info_page = NULL;
		vcpu_info_reset(v);
	}
	spin_unlock(&d->domain_lock);
	xfree(ctx);
	if (pg)
		put_page(pg);
}
