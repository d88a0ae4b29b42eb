/* x86 per-CPU access: %gs base points at this CPU's struct cpu_info. */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <asm/msr-index.h>
#include <tessera/percpu.h>

static inline struct cpu_info *get_cpu_info(void)
{
	struct cpu_info *ci;

	__asm__("mov %%gs:0, %0" : "=r"(ci));
	return ci;
}

static inline unsigned int smp_processor_id(void)
{
	return get_cpu_info()->id;
}

/* Point %gs at cpu_infos[cpu] on the calling CPU. */
void percpu_init_this_cpu(unsigned int cpu, uint32_t apic_id);

#endif
