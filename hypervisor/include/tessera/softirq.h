/*
 * Softirqs: deferred work that runs on the CPU it was raised for, outside
 * interrupt context and with interrupts enabled. Each CPU has a word of
 * pending bits; do_softirq() runs the handlers of the set bits, lowest
 * number first, until none is left (a handler may raise more).
 *
 * Raising is lock-free (an atomic OR) and allowed from any context,
 * including interrupt handlers with interrupts off.
 */
#ifndef TESSERA_SOFTIRQ_H
#define TESSERA_SOFTIRQ_H

#include <tessera/types.h>

enum softirq_nr {
	TIMER_SOFTIRQ = 0,    /* run this CPU's expired software timers (common/timer.c) */
	SCHEDULE_SOFTIRQ = 1, /* pick the next vCPU for this CPU (common/sched/core.c) */
	CONSOLE_SOFTIRQ =
	    8, /* drain the PV console rings a guest notified (common/console_backend.c) */
	DOMAIN_EXIT_SOFTIRQ =
	    9, /* destroy shut-down domains whose policy says so (common/domain_exit.c) */
	/* Numbers up to NR_SOFTIRQS - 1 are free for new subsystems: add them here. */
	NR_SOFTIRQS = 16,
};

typedef void (*softirq_handler_t)(void);

/* Boot CPU, once: nothing pending anywhere. */
void softirq_init(void);
/* Install the handler of softirq nr (at init, before it can be raised). */
void open_softirq(unsigned int nr, softirq_handler_t fn);
/* Mark nr pending on the calling CPU. */
void raise_softirq(unsigned int nr);
/* Mark nr pending on cpu and, if that is another CPU and the bit was clear, send it an IPI. */
void cpu_raise_softirq(unsigned int cpu, unsigned int nr);
/* The pending bits of cpu (bit n = softirq n); 0 when nothing is pending. */
unsigned long softirq_pending(unsigned int cpu);
/*
 * Run this CPU's pending softirqs, lowest number first, until none is
 * pending. Interrupts must be on. Not re-entrant: never call it from a
 * softirq handler.
 */
void do_softirq(void);

#endif
