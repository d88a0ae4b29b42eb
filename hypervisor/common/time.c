/*
 * Guest time: what a guest reads to tell the time, and its one-shot timer.
 *
 *  - System time is NOW(): ns since the hypervisor booted. Each vCPU's
 *    vcpu_info->time (the pvclock) lets the guest compute it from its own
 *    TSC: a (tsc_timestamp, system_time) pair sampled together plus the
 *    TSC-to-ns scale. The TSC is read before NOW(), so the guest's clock is
 *    at most a few ns ahead of ours and a timer set for the guest's time t
 *    never fires before the guest sees t.
 *  - The wallclock in shared_info is UTC at system time 0 (boot wallclock
 *    from the arch, plus the domain's offset from domctl settimeoffset); the
 *    guest adds system time.
 *  - Both follow the ABI's version protocol (Xen's version_update_begin/end):
 *    the version is made odd, the fields are written, then it is made even
 *    again and greater than before; a guest that sees an odd or changed
 *    version retries. At rest the version is always even.
 *  - The singleshot timer (VCPUOP_set_singleshot_timer, set_timer_op) raises
 *    VIRQ_TIMER on its vCPU at the deadline (Xen's send_timer_event).
 *
 * Locking: wc_lock serialises wallclock writers. A vCPU's pvclock is written
 * on its own CPU or while it is paused (see tessera/time.h), and its
 * singleshot timer is armed only by the vCPU itself (its hypercalls), so
 * neither needs a lock of its own; the timer code locks its heaps.
 */
#include <public/vcpu.h>
#include <public/xen.h>
#include <tessera/arch.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/hypercall.h>
#include <tessera/mm.h>
#include <tessera/percpu.h>
#include <tessera/spinlock.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include <asm/percpu.h>

#define NS_PER_SEC 1000000000ULL

static DEFINE_SPINLOCK(wc_lock, LOCK_LEVEL_WALLCLOCK);

/* Publish stores in order to a guest reading concurrently (free on x86, whose stores stay ordered).
 */
static inline void time_wmb(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static uint32_t version_update_begin(uint32_t v)
{
	return (v + 1) | 1;
}

void update_vcpu_system_time(struct vcpu *v)
{
	struct vcpu_info *vi = v->vcpu_info;
	struct vcpu_time_info *t;
	uint32_t mul, version;
	uint64_t tsc;
	s_time_t now;
	int8_t shift;

	if (!vi)
		return;
	t = &vi->time;
	arch_get_tsc_scale(&mul, &shift);
	tsc = arch_read_tsc();
	now = NOW();

	version = version_update_begin(READ_ONCE(t->version));
	WRITE_ONCE(t->version, version);
	time_wmb();
	WRITE_ONCE(t->tsc_timestamp, tsc);
	WRITE_ONCE(t->system_time, (uint64_t)now);
	WRITE_ONCE(t->tsc_to_system_mul, mul);
	WRITE_ONCE(t->tsc_shift, shift);
	/*
	 * No XEN_PVCLOCK_TSC_STABLE_BIT: as Xen without clocksource=tsc, guests
	 * keep their cross-vCPU monotonicity check rather than trust that every
	 * CPU's TSC is in step.
	 */
	WRITE_ONCE(t->flags, 0);
	time_wmb();
	WRITE_ONCE(t->version, version + 1);
}

void update_domain_wallclock_time(struct domain *d)
{
	struct shared_info *s = d->shared_info;
	uint64_t boot_ns = arch_boot_wallclock_ns();
	uint64_t sec = boot_ns / NS_PER_SEC + (uint64_t)d->time_offset_seconds;
	uint32_t version;
	unsigned long flags;

	if (!s)
		return;
	flags = spin_lock_irqsave(&wc_lock);
	version = version_update_begin(READ_ONCE(s->wc_version));
	WRITE_ONCE(s->wc_version, version);
	time_wmb();
	WRITE_ONCE(s->wc_sec, (uint32_t)sec);
	WRITE_ONCE(s->wc_nsec, (uint32_t)(boot_ns % NS_PER_SEC));
	WRITE_ONCE(s->wc_sec_hi, (uint32_t)(sec >> 32));
	time_wmb();
	WRITE_ONCE(s->wc_version, version + 1);
	spin_unlock_irqrestore(&wc_lock, flags);
}

void domain_set_time_offset(struct domain *d, int64_t offset_seconds)
{
	WRITE_ONCE(d->time_offset_seconds, offset_seconds);
	update_domain_wallclock_time(d);
}

void vcpu_send_timer_event(struct vcpu *v)
{
	send_guest_vcpu_virq(v, VIRQ_TIMER);
}

static void vcpu_singleshot_timer_fn(void *data)
{
	vcpu_send_timer_event(data);
}

int vcpu_set_singleshot_timer(struct vcpu *v, s_time_t deadline)
{
	unsigned int cpu = smp_processor_id();
	struct timer *t = v->singleshot_timer;

	if (!t) {
		/* First use: the timer lives as long as the vCPU (vcpu_time_destroy). */
		t = xzalloc(struct timer);
		if (!t)
			return -ENOMEM;
		if (init_timer(t, vcpu_singleshot_timer_fn, v, cpu)) {
			xfree(t);
			return -ENOMEM;
		}
		v->singleshot_timer = t;
	} else if (t->cpu != cpu) {
		/* Fire where the vCPU runs, as Xen; if that cannot be had, its old CPU will do. */
		(void)migrate_timer(t, cpu);
	}
	set_timer(t, deadline);
	return 0;
}

void vcpu_stop_singleshot_timer(struct vcpu *v)
{
	if (v->singleshot_timer)
		stop_timer(v->singleshot_timer);
}

/*
 * The periodic timer re-arms itself one period after the deadline it was
 * due at, so ticks keep their phase; if the hypervisor fell a whole period
 * behind, it counts from now instead of firing a burst to catch up (Xen's
 * vcpu_periodic_timer_work also sends one event for a late period).
 */
static void vcpu_periodic_timer_fn(void *data)
{
	struct vcpu *v = data;
	struct timer *t = v->periodic_timer;
	s_time_t period = READ_ONCE(v->periodic_period), next, now = NOW();

	if (!period)
		return;
	vcpu_send_timer_event(v);
	next = t->expires + period;
	if (next <= now)
		next = now + period;
	set_timer(t, next);
}

int vcpu_set_periodic_timer(struct vcpu *v, s_time_t period)
{
	struct timer *t = v->periodic_timer;

	if (!period) {
		WRITE_ONCE(v->periodic_period, 0);
		if (t)
			stop_timer(t);
		return 0;
	}
	if (!t) {
		t = xzalloc(struct timer);
		if (!t)
			return -ENOMEM;
		if (init_timer(t, vcpu_periodic_timer_fn, v, smp_processor_id())) {
			xfree(t);
			return -ENOMEM;
		}
		v->periodic_timer = t;
	}
	WRITE_ONCE(v->periodic_period, period);
	set_timer(t, NOW() + period);
	return 0;
}

static void vcpu_timer_free(struct timer **tp)
{
	struct timer *t = *tp;

	if (!t)
		return;
	*tp = NULL;
	kill_timer(t);
	xfree(t);
}

void vcpu_time_destroy(struct vcpu *v)
{
	v->periodic_period = 0;
	vcpu_timer_free(&v->periodic_timer);
	vcpu_timer_free(&v->singleshot_timer);
}

/*
 * set_timer_op(timeout): a singleshot at absolute system time timeout; 0
 * stops it. As Xen: a deadline that wrapped negative, or more than 2^50 ns
 * (13 days) ahead, is what old Linux jiffy arithmetic produces when it has
 * no timer pending at all, so it becomes a tick in 100 ms rather than an
 * immediate one (which would spin) or none (which could lose a timer).
 */
long do_set_timer_op(const struct hypercall_args *args)
{
	s_time_t timeout = (s_time_t)args->a[0];
	struct vcpu *v = current;
	s_time_t offset;

	if (timeout == 0) {
		vcpu_stop_singleshot_timer(v);
		return 0;
	}
	offset = (s_time_t)((uint64_t)timeout - (uint64_t)NOW());
	if (timeout < 0 || (offset > 0 && (offset >> 50) != 0))
		timeout = NOW() + MILLISECS(100);
	return vcpu_set_singleshot_timer(v, timeout);
}
