/* Softirqs: deferred work run on the CPU that raised it, with interrupts on. */
#ifndef TESSERA_SOFTIRQ_H
#define TESSERA_SOFTIRQ_H

void softirq_init(void);

#endif
