/*
 * The scheduler framework: per-CPU scheduling state, the idle domain and
 * its idle vCPUs, runstate accounting, and schedule() (SCHEDULE_SOFTIRQ),
 * which asks the active scheduler for the next vCPU, arms the slice timer
 * that preempts it and switches. The policy lives in a struct scheduler
 * (credit.c); core only knows the hooks.
 *
 * Locking: see tessera/sched.h; order: docs/locking.md. prev's runstate
 * area is written after the schedule lock is dropped, before
 * prev->is_running is cleared.
 * arch_context_switch() is called with interrupts off and no lock held.
 */
#include <asm/system.h>
#include <tessera/arch.h>
#include <tessera/bitmap.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/panic.h>
#include <tessera/percpu.h>
#include <tessera/sched.h>
#include <tessera/softirq.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include "private.h"

struct sched_cpu {
	spinlock_t lock;	  /* the schedule lock */
	struct vcpu *curr;	  /* what schedule() last switched to */
	struct timer slice_timer; /* preempts curr at the end of its slice */
	unsigned long nr_switches;
	bool ready;
};

static DEFINE_PER_CPU(struct sched_cpu, sched_cpus);
static const struct scheduler *ops = &sched_credit_def;

static struct vcpu idle_vcpus[NR_CPUS];
struct vcpu *idle_vcpu[NR_CPUS];
struct domain idle_domain = {
    .domain_id = DOMID_IDLE,
    .max_vcpus = NR_CPUS,
    .vcpu = idle_vcpu,
};

spinlock_t *sched_cpu_lock(unsigned int cpu)
{
	return &per_cpu(sched_cpus, cpu).lock;
}

struct vcpu *curr_on_cpu(unsigned int cpu)
{
	return READ_ONCE(per_cpu(sched_cpus, cpu).curr);
}

spinlock_t *vcpu_schedule_lock(const struct vcpu *v, unsigned long *flags)
{
	for (;;) {
		unsigned int cpu = READ_ONCE(v->processor);
		spinlock_t *lock = sched_cpu_lock(cpu);

		*flags = spin_lock_irqsave(lock);
		if (likely(READ_ONCE(v->processor) == cpu))
			return lock;
		spin_unlock_irqrestore(lock, *flags); /* stolen meanwhile: follow it */
	}
}

/* Close the time spent in the current state and enter state (schedule lock held). */
static void vcpu_runstate_change(struct vcpu *v, int state, s_time_t now)
{
	struct vcpu_runstate *rs = &v->runstate;
	s_time_t delta = now - rs->state_entry_time;

	ASSERT(spin_is_held_by_me(sched_cpu_lock(v->processor)));
	if (delta > 0) {
		rs->time[rs->state] += delta;
		rs->state_entry_time = now;
	}
	rs->state = state;
}

/* The state a vCPU that is not running is in. */
static int vcpu_idle_state(const struct vcpu *v)
{
	if (vcpu_runnable(v))
		return VCPU_RUNSTATE_RUNNABLE;
	if (test_bit(VPF_down, &v->pause_flags))
		return VCPU_RUNSTATE_OFFLINE;
	return VCPU_RUNSTATE_BLOCKED;
}

/* SCHEDULE_SOFTIRQ: pick the next vCPU for this CPU and switch to it. */
static void schedule(void)
{
	unsigned int cpu = smp_processor_id();
	struct sched_cpu *sc = &per_cpu(sched_cpus, cpu);
	struct vcpu *prev, *next;
	struct task_slice ts;
	unsigned long flags;
	s_time_t now;

	flags = spin_lock_irqsave(&sc->lock);
	now = NOW();
	prev = sc->curr;
	stop_timer(&sc->slice_timer);
	ts = ops->do_schedule(cpu, now);
	next = ts.task;
	BUG_ON(!next || next->processor != cpu);
	ASSERT(is_idle_vcpu(next) || vcpu_runnable(next));
	if (ts.time >= 0)
		set_timer(&sc->slice_timer, now + ts.time);
	if (next == prev) {
		spin_unlock_irqrestore(&sc->lock, flags);
		return;
	}
	vcpu_runstate_change(prev, vcpu_idle_state(prev), now);
	vcpu_runstate_change(next, VCPU_RUNSTATE_RUNNING, now);
	next->is_running = true;
	WRITE_ONCE(sc->curr, next);
	sc->nr_switches++;
	spin_unlock(&sc->lock);
	/*
	 * prev's runstate area is written through prev's own page tables, so
	 * while prev is still ours (is_running keeps other CPUs from taking
	 * it): once another CPU runs it, its guest state and CR3 change under the walk
	 * and the tables walked may be freed and reused, and the write lands in
	 * some other guest page. As Xen, which updates prev's area before it
	 * lets prev go. Outside the schedule lock: the walk takes the p2m lock.
	 */
	if (!is_idle_vcpu(prev))
		vcpu_update_runstate_area(prev);
	__atomic_store_n(&prev->is_running, false, __ATOMIC_RELEASE);
	arch_context_switch(prev, next);
	local_irq_restore(flags);
}

static void slice_timer_fn(void *data)
{
	raise_softirq(SCHEDULE_SOFTIRQ);
}

int sched_init_cpu(unsigned int cpu)
{
	struct sched_cpu *sc;
	struct vcpu *idle;
	int ret;

	if (cpu >= NR_CPUS)
		return -EINVAL;
	sc = &per_cpu(sched_cpus, cpu);
	if (sc->ready)
		return 0;
	spin_lock_init(&sc->lock, LOCK_LEVEL_SCHED);
	idle = &idle_vcpus[cpu];
	idle->vcpu_id = cpu;
	idle->processor = cpu;
	idle->domain = &idle_domain;
	idle->is_running = true;
	idle->runstate.state = VCPU_RUNSTATE_RUNNING;
	idle->runstate.state_entry_time = NOW();
	idle_vcpu[cpu] = idle;
	ret = init_timer(&sc->slice_timer, slice_timer_fn, NULL, cpu);
	if (ret)
		return ret;
	ret = ops->init_cpu(cpu);
	if (ret) {
		kill_timer(&sc->slice_timer);
		return ret;
	}
	sc->curr = idle;
	if (!cpu_infos[cpu].curr)
		cpu_infos[cpu].curr = idle;
	__atomic_store_n(&sc->ready, true, __ATOMIC_RELEASE);
	return 0;
}

void sched_init(void)
{
	int ret;

	ret = ops->init();
	if (ret)
		panic("scheduler %s: init failed (%d)", ops->name, ret);
	/* Every possible CPU now, so secondary CPUs need no allocation to reach idle_loop(). */
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		ret = sched_init_cpu(cpu);
		if (ret)
			panic("scheduler: CPU%u init failed (%d)", cpu, ret);
	}
	open_softirq(SCHEDULE_SOFTIRQ, schedule);
	pr_info("Scheduler: %s (weight %u, %u ms slice)", ops->name, ops->default_weight,
		(unsigned int)(ops->tslice / MILLISECS(1)));
}

void idle_loop(void)
{
	unsigned int cpu = smp_processor_id();

	if (sched_init_cpu(cpu))
		panic("CPU%u: no scheduling state", cpu);
	raise_softirq(SCHEDULE_SOFTIRQ);
	for (;;) {
		local_irq_enable();
		do_softirq();
		/* Check and halt with interrupts off, so a softirq raised in between wakes us. */
		local_irq_disable();
		if (softirq_pending(cpu))
			continue;
		/* A guest vCPU runs until a softirq (schedule, timers) needs this CPU. */
		if (!is_idle_vcpu(current))
			arch_vcpu_run(current);
		else
			safe_halt();
	}
}

int sched_init_vcpu(struct vcpu *v, unsigned int processor)
{
	unsigned long flags;
	spinlock_t *lock;
	void *priv;

	if (processor >= NR_CPUS ||
	    !__atomic_load_n(&per_cpu(sched_cpus, processor).ready, __ATOMIC_ACQUIRE))
		return -EINVAL;
	priv = ops->alloc_vdata(v);
	if (!priv)
		return -ENOMEM;
	v->processor = processor;
	v->is_running = false;
	v->sched_priv = priv;
	for (unsigned int i = 0; i < VCPU_RUNSTATE_COUNT; i++)
		v->runstate.time[i] = 0;
	v->runstate.state = vcpu_idle_state(v);
	v->runstate.state_entry_time = NOW();
	lock = vcpu_schedule_lock(v, &flags);
	ops->insert_vcpu(v);
	spin_unlock_irqrestore(lock, flags);
	return 0;
}

void sched_destroy_vcpu(struct vcpu *v)
{
	unsigned long flags;
	spinlock_t *lock = vcpu_schedule_lock(v, &flags);
	void *priv = v->sched_priv;

	BUG_ON(v->is_running || curr_on_cpu(v->processor) == v);
	ops->remove_vcpu(v);
	v->sched_priv = NULL;
	spin_unlock_irqrestore(lock, flags);
	ops->free_vdata(priv);
}

void vcpu_wake(struct vcpu *v)
{
	unsigned long flags;
	spinlock_t *lock = vcpu_schedule_lock(v, &flags);

	if (vcpu_runnable(v)) {
		if (v->runstate.state >= VCPU_RUNSTATE_BLOCKED)
			vcpu_runstate_change(v, VCPU_RUNSTATE_RUNNABLE, NOW());
		ops->wake(v);
	}
	spin_unlock_irqrestore(lock, flags);
}

void vcpu_sleep(struct vcpu *v)
{
	unsigned long flags;
	spinlock_t *lock = vcpu_schedule_lock(v, &flags);

	if (!vcpu_runnable(v)) {
		/* A running vCPU changes state when schedule() takes it off. */
		if (v->runstate.state == VCPU_RUNSTATE_RUNNABLE)
			vcpu_runstate_change(v, vcpu_idle_state(v), NOW());
		ops->sleep(v);
	}
	spin_unlock_irqrestore(lock, flags);
}

void vcpu_block(struct vcpu *v)
{
	set_bit(VPF_blocked, &v->pause_flags);
	vcpu_sleep(v);
}

void vcpu_unblock(struct vcpu *v)
{
	if (!test_and_clear_bit(VPF_blocked, &v->pause_flags))
		return;
	/*
	 * As Xen's vcpu_unblock: any wake-up also ends a SCHEDOP_poll, else an
	 * event on a port it does not poll (an IPI it must answer) could not
	 * wake it. Whoever clears the last of the two flags finds v runnable.
	 */
	if (test_bit(VPF_polling, &v->pause_flags)) {
		WRITE_ONCE(v->poll_evtchn, 0);
		clear_bit(VPF_polling, &v->pause_flags);
	}
	vcpu_wake(v);
}

void vcpu_yield(void)
{
	unsigned int cpu = smp_processor_id();
	struct sched_cpu *sc = &per_cpu(sched_cpus, cpu);
	unsigned long flags = spin_lock_irqsave(&sc->lock);

	if (!is_idle_vcpu(sc->curr))
		ops->yield(sc->curr);
	spin_unlock_irqrestore(&sc->lock, flags);
	raise_softirq(SCHEDULE_SOFTIRQ);
}

int sched_adjust_weight(struct domain *d, unsigned int weight)
{
	if (weight < 1 || weight > 65535 || is_idle_domain(d))
		return -EINVAL;
	return ops->adjust_weight(d, weight);
}

void sched_dump(void)
{
	unsigned int cpu;

	pr_info("Scheduler: %s", ops->name);
	for_each_online_cpu(cpu)
	{
		struct sched_cpu *sc = &per_cpu(sched_cpus, cpu);
		unsigned long flags = spin_lock_irqsave(&sc->lock);

		pr_info("CPU%u: running d%uv%u, %lu switches", cpu, sc->curr->domain->domain_id,
			sc->curr->vcpu_id, sc->nr_switches);
		ops->dump(cpu);
		spin_unlock_irqrestore(&sc->lock, flags);
	}
}
