/* State of the fake arch layer that tests read and set. */
#ifndef FAKE_ARCH_H
#define FAKE_ARCH_H

#include <setjmp.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/panic.h>
#include <tessera/percpu.h>
#include <tessera/time.h>

extern unsigned int fake_current_cpu;
extern s_time_t fake_now;
extern s_time_t fake_timer_deadline[NR_CPUS];
extern unsigned int fake_softirq_ipis[NR_CPUS];
/* Set to a jmp_buf to catch the next panic() (longjmp with 1); message in fake_panic_msg. */
extern jmp_buf *fake_panic_jmp;
extern char fake_panic_msg[256];

#endif
