/*
 * arch_context_switch(): hand this CPU from one vCPU to another. Only idle
 * vCPUs exist so far, and they all run on the hypervisor stack they were
 * entered on, so a switch is just the change of cpu_info->curr. Saving and
 * loading guest state (and not returning, when entering a guest) comes with
 * guest vCPUs.
 */
#include <asm/percpu.h>
#include <tessera/arch.h>
#include <tessera/domain.h>
#include <tessera/panic.h>

void arch_context_switch(struct vcpu *prev, struct vcpu *next)
{
	if (!is_idle_vcpu(next))
		panic("context switch to d%uv%u: no guest mode yet", next->domain->domain_id,
		      next->vcpu_id);
	get_cpu_info()->curr = next;
}
