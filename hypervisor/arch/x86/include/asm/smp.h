/* Bringing up and stopping the other CPUs. */
#ifndef ASM_SMP_H
#define ASM_SMP_H

#include <tessera/types.h>

/* Start every CPU the platform reports (up to NR_CPUS); returns when all are online or gave up. */
void smp_boot_cpus(void);

/* Set by arch_stop_other_cpus() before its NMIs: the NMI handler then parks the CPU for good. */
extern volatile bool cpus_stopping;

#endif
