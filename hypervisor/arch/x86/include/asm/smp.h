/* Bringing up the other CPUs. */
#ifndef ASM_SMP_H
#define ASM_SMP_H

/* Start every CPU the platform reports (up to NR_CPUS); returns when all are online or gave up. */
void smp_boot_cpus(void);

#endif
