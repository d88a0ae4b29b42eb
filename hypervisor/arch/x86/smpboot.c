/* STUB */
#include <asm/smp.h>
#include <tessera/arch.h>
#include <tessera/percpu.h>
volatile bool cpus_stopping;
void smp_boot_cpus(void) { cpu_infos[0].online = true; nr_cpus_online = 1; }
void arch_stop_other_cpus(void) {}
void arch_send_softirq_ipi(unsigned int cpu) {}
