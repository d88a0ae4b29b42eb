/* x86 time: local APIC, TSC calibration, the one-shot APIC timer. */
#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <tessera/time.h>
#include <tessera/types.h>

/*
 * Boot CPU, after mm_init(): read the MADT, mask the IOAPICs and PICs,
 * enable the local APIC, calibrate the TSC (NOW() starts at 0 here) and the
 * APIC timer, and install the timer interrupt.
 */
void time_init(void);
/* Secondary CPU, after apic_setup_this_cpu(): its one-shot APIC timer (stopped). */
void time_init_ap(void);

/* Calibrated frequencies (0 before time_init). */
extern uint64_t tsc_hz, apic_timer_hz;

/* Busy-wait at least us microseconds (by the TSC; needs time_init). */
void udelay(unsigned long us);

/*
 * Fixed-point rate conversion: mult = to_hz * 2^32 / from_hz, so that
 * count_in_to_units = count_in_from_units * mult >> 32. The product is taken
 * on 128 bits: no overflow while count * mult < 2^96, i.e. for any count
 * below 2^64 when mult < 2^32 (from_hz > to_hz), and for years of counts
 * otherwise. The long division avoids 128-bit division (no libgcc).
 */
static inline uint64_t time_scale_mult(uint64_t from_hz, uint64_t to_hz)
{
	uint64_t q = to_hz / from_hz, r = to_hz % from_hz;

	for (int i = 0; i < 32; i++) {
		r <<= 1;
		q <<= 1;
		if (r >= from_hz) {
			r -= from_hz;
			q |= 1;
		}
	}
	return q;
}

static inline uint64_t time_scale(uint64_t count, uint64_t mult)
{
	return (uint64_t)(((unsigned __int128)count * mult) >> 32);
}

#endif
