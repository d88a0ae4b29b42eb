/*
 * The TSC as guests see it, for the pvclock in vcpu_time_info (common/time.c).
 *
 * NOW() (arch/x86/time.c) is (tsc - tsc_at_boot) * mult >> 32 with
 * mult = 10^9 * 2^32 / tsc_hz. The pvclock's form is
 * ((delta << shift) * mul) >> 32 with a 32-bit mul, so with a TSC of 1 GHz
 * or more (mult < 2^32) shift is 0 and mul is mult itself: guest time then
 * advances exactly as NOW() does and never drifts from the deadlines the
 * hypervisor's timers use. A slower TSC gives mult >= 2^32: it is halved
 * until it fits and shift counts the halvings (the low bits lost are a
 * relative error below 2^-31).
 *
 * Locking: none; tsc_hz is written once at boot before guests run.
 */
#include <asm/system.h>
#include <asm/time.h>
#include <tessera/arch.h>

void arch_get_tsc_scale(uint32_t *mul, int8_t *shift)
{
	uint64_t hz = READ_ONCE(tsc_hz), mult;
	int8_t s = 0;

	if (!hz) {
		*mul = 0;
		*shift = 0;
		return;
	}
	mult = time_scale_mult(hz, 1000000000ULL);
	while (mult >> 32) {
		mult >>= 1;
		s++;
	}
	*mul = (uint32_t)mult;
	*shift = s;
}

uint64_t arch_read_tsc(void)
{
	return rdtsc();
}
