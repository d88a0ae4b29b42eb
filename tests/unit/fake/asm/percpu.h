/* Fake per-CPU access for host unit tests: the "current CPU" is a variable tests set. */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <tessera/percpu.h>

extern unsigned int fake_current_cpu;

static inline struct cpu_info *get_cpu_info(void)
{
	return &cpu_infos[fake_current_cpu];
}
static inline unsigned int smp_processor_id(void)
{
	return fake_current_cpu;
}

#endif
