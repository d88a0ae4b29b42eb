/*
 * arch_context_switch(): hand this CPU from one vCPU to another. Every vCPU
 * runs on the hypervisor stack of the CPU it is on: a guest vCPU's state
 * lives in v->arch.hvm (the vendor's control block and registers, the FPU
 * image), all saved by the time the run
 * loop (hvm_funcs->run, from idle_loop) returned to schedule(). So a switch
 * is the change of cpu_info->curr; idle_loop then enters next's guest.
 * next's runstate area (VCPUOP_register_runstate_memory_area) is refreshed
 * for the guest to read; prev's was, by schedule(), before it let prev go.
 */
#include <asm/percpu.h>
#include <tessera/arch.h>
#include <tessera/domain.h>

void arch_context_switch(struct vcpu *prev, struct vcpu *next)
{
	get_cpu_info()->curr = next;
	(void)prev;
	if (!is_idle_vcpu(next) && next->runstate_guest)
		vcpu_update_runstate_area(next);
}
