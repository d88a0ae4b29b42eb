/* Bringing up and stopping the other CPUs, and cross-CPU function calls. */
#ifndef ASM_SMP_H
#define ASM_SMP_H

/*
 * The page below 1 MiB the AP start-up code is copied to (the STARTUP IPI
 * vector is its page number). The memory manager must never hand it out.
 */
#define TRAMPOLINE_PA 0x8000

#ifndef __ASSEMBLY__
#include <tessera/types.h>

/* Start every CPU the platform reports (up to NR_CPUS); returns when all are online or gave up. */
void smp_boot_cpus(void);

/* Set by arch_stop_other_cpus() before its NMIs: the NMI handler then parks the CPU for good. */
extern volatile bool cpus_stopping;

/* Bit n set: CPU n. NR_CPUS fits in 64 bits. */
typedef uint64_t cpu_bitmask_t;

/* The online CPUs, as a mask. */
cpu_bitmask_t cpu_online_mask(void);

/*
 * Run fn(arg) on every online CPU in mask (the caller's own CPU included if
 * set, run directly), with interrupts off on each, through the
 * CALL_FUNCTION_VECTOR IPI. With wait, return once every fn has returned;
 * without, once every target has taken the request. One request at a time
 * system-wide; a caller waiting for its turn serves requests aimed at it,
 * so two CPUs calling each other with interrupts off do not deadlock.
 */
void on_selected_cpus(cpu_bitmask_t mask, void (*fn)(void *arg), void *arg, bool wait);
/* The same on every other online CPU. */
void smp_call_function(void (*fn)(void *arg), void *arg, bool wait);

#endif

#endif
