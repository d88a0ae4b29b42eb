/*
 * The scheduler framework (common/sched/core.c): per-CPU schedule locks,
 * the idle domain with one idle vCPU per CPU, and schedule(), the
 * SCHEDULE_SOFTIRQ handler that asks the active scheduler (credit) for the
 * next vCPU, arms the slice timer and switches.
 *
 * Locking: each CPU has a schedule lock (irqsave) protecting its run queue
 * and the scheduling fields of every vCPU assigned to it. A vCPU's lock is
 * that of v->processor, which can change while the lock is not held
 * (migration), so vcpu_schedule_lock() re-checks after taking it.
 * Lock order: docs/locking.md (schedule lock -> scheduler private lock ->
 * timer heap lock).
 */
#ifndef TESSERA_SCHED_H
#define TESSERA_SCHED_H

#include <tessera/compiler.h>
#include <tessera/domain.h>
#include <tessera/spinlock.h>

extern struct domain idle_domain;
extern struct vcpu *idle_vcpu[NR_CPUS];

/* Boot CPU, once, after timer_subsys_init(): the scheduler and every CPU's idle vCPU. */
void sched_init(void);
/* Set up cpu's scheduling state and idle vCPU; idempotent (sched_init does every CPU). */
int sched_init_cpu(unsigned int cpu);
/* Run this CPU's idle vCPU: softirqs, then wait for interrupts. Never returns. */
void idle_loop(void) __noreturn;

/*
 * Give v to the scheduler, assigned to processor; it is queued if runnable
 * (pause_flags clear). 0, -EINVAL (bad CPU) or -ENOMEM.
 */
int sched_init_vcpu(struct vcpu *v, unsigned int processor);
/* Take v from the scheduler. v must not be running: make it not runnable and let it be descheduled
 * first. */
void sched_destroy_vcpu(struct vcpu *v);

/* v became runnable (its last pause flag was cleared): queue it, preempting if it deserves. */
void vcpu_wake(struct vcpu *v);
/* v stopped being runnable (a pause flag was set): dequeue it, or deschedule it soon if running. */
void vcpu_sleep(struct vcpu *v);
/* Set VPF_blocked and sleep / clear it and wake: SCHEDOP_block and event delivery. */
void vcpu_block(struct vcpu *v);
void vcpu_unblock(struct vcpu *v);
/* The running vCPU of this CPU gives up the rest of its slice. */
void vcpu_yield(void);

/*
 * SCHEDOP_poll (common/sched_op.c). A polling vCPU has VPF_blocked and
 * VPF_polling set and v->poll_evtchn says what it waits for (a port, or -1
 * for any of several). It ends when a polled port becomes pending (the
 * event channel code clears VPF_polling, then vcpu_unblock), at its
 * timeout, or at any other wake-up (vcpu_unblock ends the poll too, as
 * Xen's). Kill and free v's poll timer (vCPU teardown; v not running):
 */
void sched_poll_destroy(struct vcpu *v);

/* Set the weight (1..65535; default 256) of every vCPU of d. 0 or -EINVAL. */
int sched_adjust_weight(struct domain *d, unsigned int weight);

/* The vCPU cpu's scheduler last switched to (its idle vCPU when idle). */
struct vcpu *curr_on_cpu(unsigned int cpu);
/* Lock v's CPU's schedule lock, following migrations; returns the lock taken. */
spinlock_t *vcpu_schedule_lock(const struct vcpu *v, unsigned long *flags);
/* Log every online CPU's current vCPU and run queue. */
void sched_dump(void);

#endif
