/* Fake arch hooks for the scheduler's unit tests: context switches are recorded. */
#ifndef FAKE_SCHED_H
#define FAKE_SCHED_H

#include <tessera/domain.h>

#define FAKE_SWITCH_LOG 4096

struct fake_switch {
	unsigned int cpu;
	struct vcpu *prev, *next;
	s_time_t when;
};

/* Every arch_context_switch() call, in order (the log stops growing when full). */
extern struct fake_switch fake_switch_log[FAKE_SWITCH_LOG];
extern unsigned int fake_nr_switches;

/* What xmalloc_bytes/xzalloc_bytes/xfree become in the sources core.mk lists. */
void *fake_core_xmalloc_bytes(size_t size);
void *fake_core_xzalloc_bytes(size_t size);
void fake_core_xfree(void *p);

#endif
