/*
 * Fake guest-time hooks (tessera/arch.h) for host unit tests: a settable
 * TSC, TSC-to-ns scale and boot wallclock.
 */
#ifndef FAKE_TIME_H
#define FAKE_TIME_H

#include <tessera/types.h>

extern uint64_t fake_tsc;     /* what arch_read_tsc() returns */
extern uint32_t fake_tsc_mul; /* arch_get_tsc_scale() */
extern int8_t fake_tsc_shift;
extern uint64_t fake_boot_wallclock_ns; /* arch_boot_wallclock_ns() */
extern unsigned long fake_tsc_reads;	/* arch_read_tsc() calls */

#endif
