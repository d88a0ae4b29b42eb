/*
 * The hooks common code needs from the architecture, one line of contract
 * each. Implemented in arch/x86/.
 */
#ifndef TESSERA_ARCH_H
#define TESSERA_ARCH_H

#include <tessera/compiler.h>
#include <tessera/types.h>

/* Exit status codes written to QEMU's isa-debug-exit (QEMU exits with code*2+1). */
enum hv_exit_code {
	HV_EXIT_SUCCESS = 0x10, /* QEMU status 33: a test run finished cleanly */
	HV_EXIT_PANIC = 0x11,   /* QEMU status 35: the hypervisor panicked */
	HV_EXIT_FAILURE = 0x12, /* QEMU status 37: a self-test failed */
};

/* Stop the machine: end QEMU through isa-debug-exit if present, else halt all CPUs forever. */
void arch_shutdown(enum hv_exit_code code) __noreturn;
/* Stop the other CPUs (NMI or IPI) so that only the caller runs; safe from panic. */
void arch_stop_other_cpus(void);
/* Print a stack trace of the calling context, symbolised. */
void arch_dump_stack(void);


/* Program this CPU's one-shot timer to interrupt at (or just after) deadline; 0 = stop it.
 * The interrupt calls timer_interrupt() (common/timer.c) with interrupts off. */
void arch_timer_set_deadline(s_time_t deadline);
/* Make CPU cpu run its pending softirqs soon (an IPI; a no-op for the calling CPU). */
void arch_send_softirq_ipi(unsigned int cpu);

struct vcpu;
/* Make next this CPU's running vCPU in place of prev (cpu_info->curr = next); called by
 * schedule() with interrupts off and no lock held. Returns when next is the idle vCPU. */
void arch_context_switch(struct vcpu *prev, struct vcpu *next);

#endif
