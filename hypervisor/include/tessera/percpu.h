/*
 * Per-CPU data: each CPU has a struct cpu_info (found through %gs on x86),
 * and subsystems keep per-CPU variables as arrays indexed by CPU number.
 */
#ifndef TESSERA_PERCPU_H
#define TESSERA_PERCPU_H

#include <tessera/types.h>

struct vcpu;

struct cpu_info {
	struct cpu_info *self; /* must stay first: read as %gs:0 */
	unsigned int id;       /* logical CPU number, 0 = boot CPU */
	uint32_t apic_id;
	bool online;
	void *stack_top;   /* top of this CPU's hypervisor stack */
	struct vcpu *curr; /* vCPU running on this CPU (its idle vCPU when idle) */
};

extern struct cpu_info cpu_infos[NR_CPUS];
extern unsigned int nr_cpus_online;

#define DEFINE_PER_CPU(type, name) type per_cpu__##name[NR_CPUS]
#define DECLARE_PER_CPU(type, name) extern type per_cpu__##name[NR_CPUS]
#define per_cpu(name, cpu) (per_cpu__##name[(cpu)])
#define this_cpu(name) per_cpu(name, smp_processor_id())

#include <asm/percpu.h> /* get_cpu_info(), smp_processor_id() */

#define for_each_online_cpu(c)                                                                     \
	for ((c) = 0; (c) < NR_CPUS; (c)++)                                                        \
		if (cpu_infos[(c)].online)

#endif
