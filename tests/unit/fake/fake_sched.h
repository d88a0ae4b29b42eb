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

#endif
