/*
 * Fake arch_context_switch() (records the switch, sets cpu_info->curr) and
 * weak malloc-backed xmalloc/xfree for code under test that allocates; a
 * real allocator linked into the unit tests replaces the weak ones.
 */
#include <stdlib.h>
#include <tessera/mm.h>
#include "fake_arch.h"
#include "fake_sched.h"

struct fake_switch fake_switch_log[FAKE_SWITCH_LOG];
unsigned int fake_nr_switches;

void arch_context_switch(struct vcpu *prev, struct vcpu *next)
{
	if (fake_nr_switches < FAKE_SWITCH_LOG)
		fake_switch_log[fake_nr_switches++] =
			(struct fake_switch){ fake_current_cpu, prev, next, fake_now };
	cpu_infos[fake_current_cpu].curr = next;
}

__attribute__((weak)) void *xmalloc_bytes(size_t size) { return malloc(size ? size : 1); }
__attribute__((weak)) void *xzalloc_bytes(size_t size) { return calloc(1, size ? size : 1); }
__attribute__((weak)) void xfree(void *p) { free(p); }
