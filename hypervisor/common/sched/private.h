/*
 * Between the scheduler framework (core.c) and the schedulers (credit.c,
 * later credit2.c): the ops table and what core offers them.
 *
 * Every hook that names a vCPU or CPU is called with that CPU's schedule
 * lock held (credit.c asserts it) and interrupts off, except init,
 * alloc_vdata, free_vdata and adjust_weight, which are called with no
 * schedule lock held.
 */
#ifndef SCHED_PRIVATE_H
#define SCHED_PRIVATE_H

#include <tessera/domain.h>
#include <tessera/sched.h>
#include <tessera/spinlock.h>

/* What do_schedule decides: run task, and preempt it after time ns (< 0: no limit). */
struct task_slice {
	struct vcpu *task;
	s_time_t time;
};

struct scheduler {
	const char *name;
	unsigned int default_weight;
	s_time_t tslice;
	/* Global state (boot CPU, once). */
	int (*init)(void);
	/* Per-CPU state (run queue, timers); may allocate. */
	int (*init_cpu)(unsigned int cpu);
	/* Per-vCPU data, or NULL when out of memory. */
	void *(*alloc_vdata)(struct vcpu *v);
	void (*free_vdata)(void *priv);
	/* v joins / leaves the scheduler (queued if runnable / dequeued). */
	void (*insert_vcpu)(struct vcpu *v);
	void (*remove_vcpu)(struct vcpu *v);
	/* v is no longer runnable / has become runnable. */
	void (*sleep)(struct vcpu *v);
	void (*wake)(struct vcpu *v);
	/* v (running) gives up its slice; a schedule follows. */
	void (*yield)(struct vcpu *v);
	/* Pick what cpu runs next; the current vCPU (curr_on_cpu) is put back if runnable. */
	struct task_slice (*do_schedule)(unsigned int cpu, s_time_t now);
	int (*adjust_weight)(struct domain *d, unsigned int weight);
	void (*dump)(unsigned int cpu);
};

extern const struct scheduler sched_credit_def;

/* cpu's schedule lock (for a scheduler that takes a second CPU's lock, e.g. to steal work). */
spinlock_t *sched_cpu_lock(unsigned int cpu);

/* Credit scheduler introspection, for its unit tests and dumps. */
int csched_vcpu_credit(const struct vcpu *v);
int csched_vcpu_pri(const struct vcpu *v);
unsigned int csched_runq_len(unsigned int cpu);

/* Credit priorities (Xen's credit1 values): higher runs first. */
#define CSCHED_PRI_BOOST 0
#define CSCHED_PRI_UNDER (-1)
#define CSCHED_PRI_OVER (-2)
#define CSCHED_PRI_IDLE (-64)

#endif
