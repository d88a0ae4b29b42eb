/* The scheduler framework. */
#ifndef TESSERA_SCHED_H
#define TESSERA_SCHED_H

#include <tessera/compiler.h>

void sched_init(void);
/* Run this CPU's idle vCPU: schedule, then wait for interrupts. Never returns. */
void idle_loop(void) __noreturn;

#endif
