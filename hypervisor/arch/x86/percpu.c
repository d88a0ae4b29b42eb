/* Per-CPU areas: the cpu_info records and the %gs base that finds them. */
#include <asm/system.h>
#include <tessera/percpu.h>

struct cpu_info cpu_infos[NR_CPUS];
unsigned int nr_cpus_online;

void percpu_init_this_cpu(unsigned int cpu, uint32_t apic_id)
{
	struct cpu_info *ci = &cpu_infos[cpu];

	ci->self = ci;
	ci->id = cpu;
	ci->apic_id = apic_id;
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)ci);
}
