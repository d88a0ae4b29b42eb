/*
 * Fake arch_context_switch() (records the switch, sets cpu_info->curr) and
 * the malloc-backed allocator that core.mk substitutes for xmalloc in the
 * timer, softirq and scheduler sources.
 */
#include <stdlib.h>
#include "fake_arch.h"
#include "fake_sched.h"

struct fake_switch fake_switch_log[FAKE_SWITCH_LOG];
unsigned int fake_nr_switches;

void arch_context_switch(struct vcpu *prev, struct vcpu *next)
{
	if (fake_nr_switches < FAKE_SWITCH_LOG)
		fake_switch_log[fake_nr_switches++] =
		    (struct fake_switch){fake_current_cpu, prev, next, fake_now};
	cpu_infos[fake_current_cpu].curr = next;
}

void *fake_core_xmalloc_bytes(size_t size)
{
	return malloc(size ? size : 1);
}
void *fake_core_xzalloc_bytes(size_t size)
{
	return calloc(1, size ? size : 1);
}
void fake_core_xfree(void *p)
{
	free(p);
}
