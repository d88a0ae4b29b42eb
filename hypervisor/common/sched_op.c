/*
 * HYPERVISOR_sched_op: what a guest asks of the scheduler for itself
 * (yield, block, poll) and shutting a domain down (its own, or another's
 * with the control role). Semantics and error codes follow Xen 4.17's
 * do_sched_op (xen/common/sched/core.c).
 *
 * Blocking is lazy: the handler marks the vCPU not runnable and returns;
 * the schedule softirq then takes it off its CPU on the way back to the
 * guest, and it resumes after the hypercall when woken. Against the
 * waker-races, every blocking path sets its flags first and only then
 * looks for the condition it waits on (events, pending ports), while
 * wakers publish the condition first and then test the flags; the atomic
 * bit operations order both sides.
 *
 * Locking: pause_flags by atomic bit operations; d->domain_lock for the
 * shutdown fields (SCHEDOP_shutdown_code); the poll timer is the vCPU's
 * own (armed only by its hypercalls).
 */
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/xen.h>
#include <tessera/bitmap.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/guest_access.h>
#include <tessera/hypercall.h>
#include <tessera/mm.h>
#include <tessera/percpu.h>
#include <tessera/privilege.h>
#include <tessera/sched.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include <asm/percpu.h>

/* As Xen's do_poll: "fairly arbitrary limit" on the ports of one SCHEDOP_poll. */
#define SCHED_POLL_MAX_PORTS 128

/*
 * Would an upcall be delivered to v right now (Xen's
 * local_events_need_delivery)? Upcall pending and not masked; HVM/PVH
 * guests never set the mask, so for them this is "upcall pending", which
 * may end a block or poll early: a spurious return, which both allow.
 */
static bool sched_events_need_delivery(const struct vcpu *v)
{
	const struct vcpu_info *vi = v->vcpu_info;

	return vi && READ_ONCE(vi->evtchn_upcall_pending) && !READ_ONCE(vi->evtchn_upcall_mask);
}

/*
 * SCHEDOP_block: as Xen's vcpu_block_enable_events, unmask upcalls (the
 * guest blocks with events enabled), then sleep unless one is already
 * pending. vcpu_mark_events_pending() wakes it through vcpu_unblock().
 */
static long sched_block(struct vcpu *v)
{
	if (v->vcpu_info)
		WRITE_ONCE(v->vcpu_info->evtchn_upcall_mask, 0);
	set_bit(VPF_blocked, &v->pause_flags);
	if (sched_events_need_delivery(v)) {
		clear_bit(VPF_blocked, &v->pause_flags);
		return 0;
	}
	vcpu_sleep(v); /* re-checks under the schedule lock: a wake-up meanwhile wins */
	return 0;
}

static void sched_poll_timer_fn(void *data)
{
	struct vcpu *v = data;

	/* Still polling (not woken by an event since): time is up. */
	if (test_and_clear_bit(VPF_polling, &v->pause_flags)) {
		WRITE_ONCE(v->poll_evtchn, 0);
		vcpu_unblock(v);
	}
}

void sched_poll_destroy(struct vcpu *v)
{
	struct timer *t = v->poll_timer;

	if (!t)
		return;
	v->poll_timer = NULL;
	kill_timer(t);
	xfree(t);
}

/* The poll timer, made on first use, on this CPU; NULL when out of memory. */
static struct timer *sched_poll_timer(struct vcpu *v)
{
	unsigned int cpu = smp_processor_id();
	struct timer *t = v->poll_timer;

	if (t) {
		if (t->cpu != cpu)
			(void)migrate_timer(t, cpu); /* on failure it fires from its old CPU */
		return t;
	}
	t = xzalloc(struct timer);
	if (!t)
		return NULL;
	if (init_timer(t, sched_poll_timer_fn, v, cpu)) {
		xfree(t);
		return NULL;
	}
	v->poll_timer = t;
	return t;
}

/* Give up polling before sleeping (something is pending already). */
static void sched_poll_cancel(struct vcpu *v)
{
	WRITE_ONCE(v->poll_evtchn, 0);
	clear_bit(VPF_polling, &v->pause_flags);
	clear_bit(VPF_blocked, &v->pause_flags);
}

/*
 * SCHEDOP_poll, as Xen 4.17's do_poll: sleep until one of the ports is
 * pending (masked or not), an upcall is due, or the absolute timeout
 * (system time; 0 = none) passes. Returns 0 at once if one of those holds
 * already. The port list is copied in once, before anything changes. As
 * Xen, ports are checked in order up to the first pending one, and a port
 * the domain's table does not have is -EINVAL.
 */
static long sched_poll(struct vcpu *v, const struct sched_poll *p)
{
	uint32_t ports[SCHED_POLL_MAX_PORTS];
	struct domain *d = v->domain;
	struct timer *t = NULL;
	unsigned int i;
	long ret;

	if (p->nr_ports > SCHED_POLL_MAX_PORTS)
		return -EINVAL;
	if (p->nr_ports && copy_from_guest(ports, p->ports, p->nr_ports))
		return -EFAULT;
	if (p->timeout) {
		t = sched_poll_timer(v);
		if (!t)
			return -ENOMEM;
	} else if (v->poll_timer) {
		stop_timer(v->poll_timer); /* left armed by a poll that ended early */
	}

	/* Say what we wait for before saying that we wait (event code reads it after VPF_polling).
	 */
	WRITE_ONCE(v->poll_evtchn, p->nr_ports == 1 ? (int)ports[0] : -1);
	set_bit(VPF_polling, &v->pause_flags);
	set_bit(VPF_blocked, &v->pause_flags);

	ret = 0;
	if (sched_events_need_delivery(v))
		goto ready;
	for (i = 0; i < p->nr_ports; i++) {
		if (!evtchn_port_is_valid(d, ports[i])) {
			ret = -EINVAL;
			goto ready;
		}
		if (evtchn_port_is_pending(d, ports[i]))
			goto ready;
	}

	if (t)
		set_timer(t, (s_time_t)p->timeout);
	vcpu_sleep(v);
	return 0;

ready:
	sched_poll_cancel(v);
	return ret;
}

/* SCHEDOP_remote_shutdown: Xen's XSM_DM_PRIV; Tessera has no device-model role, so control only. */
static long sched_remote_shutdown(const struct sched_remote_shutdown *rs)
{
	struct domain *d = get_domain_by_id(rs->domain_id);
	long ret;

	/* As Xen: a domain that does not exist is -ESRCH before any permission check. */
	if (!d)
		return -ESRCH;
	ret = priv_control(current->domain);
	if (!ret)
		domain_shutdown(d, (uint8_t)rs->reason);
	put_domain(d);
	return ret;
}

/*
 * SCHEDOP_shutdown_code: record the reason a later shutdown will report
 * (the first recorded or given reason wins), without shutting down.
 */
static void sched_shutdown_code(struct domain *d, unsigned int reason)
{
	spin_lock(&d->domain_lock);
	if (!d->shutdown_code_set && !d->is_shutting_down) {
		d->shutdown_code = (uint8_t)reason;
		d->shutdown_code_set = true;
	}
	spin_unlock(&d->domain_lock);
}

/*
 * do_sched_op(cmd, arg). Reasons are taken as Xen takes them: truncated to
 * 8 bits and not range-checked (a stored code, never an index).
 */
long do_sched_op(const struct hypercall_args *args)
{
	int cmd = (int)args->a[0];
	XEN_GUEST_HANDLE(void) arg = guest_handle_from_arg(args->a[1], void);
	struct vcpu *v = current;

	switch (cmd) {
	case SCHEDOP_yield:
		vcpu_yield();
		return 0;

	case SCHEDOP_block:
		return sched_block(v);

	case SCHEDOP_shutdown: {
		struct sched_shutdown s;

		if (copy_from_guest(&s, guest_handle_cast(arg, sched_shutdown_t), 1))
			return -EFAULT;
		domain_shutdown(v->domain, (uint8_t)s.reason);
		return 0;
	}

	case SCHEDOP_shutdown_code: {
		struct sched_shutdown s;

		if (copy_from_guest(&s, guest_handle_cast(arg, sched_shutdown_t), 1))
			return -EFAULT;
		sched_shutdown_code(v->domain, s.reason);
		return 0;
	}

	case SCHEDOP_poll: {
		struct sched_poll p;

		if (copy_from_guest(&p, guest_handle_cast(arg, sched_poll_t), 1))
			return -EFAULT;
		return sched_poll(v, &p);
	}

	case SCHEDOP_remote_shutdown: {
		struct sched_remote_shutdown rs;

		if (copy_from_guest(&rs, guest_handle_cast(arg, sched_remote_shutdown_t), 1))
			return -EFAULT;
		return sched_remote_shutdown(&rs);
	}

	case SCHEDOP_watchdog:
		/* Not implemented (docs/abi.md): no domain watchdogs yet. */
		return -ENOSYS;

	case SCHEDOP_pin_override:
		/* As Xen, only the hardware domain may ask; Tessera does not pin vCPUs
		 * (docs/abi.md). */
		if (!has_role(v->domain, ROLE_HARDWARE))
			return -EPERM;
		return -ENOSYS;

	default:
		return -ENOSYS;
	}
}
