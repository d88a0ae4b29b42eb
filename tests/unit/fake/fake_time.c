/* Fake guest-time hooks: see fake_time.h. Defaults: a 2 GHz TSC (mul 2^31, shift 0). */
#include <tessera/arch.h>
#include "fake_time.h"

uint64_t fake_tsc;
uint32_t fake_tsc_mul = 1U << 31;
int8_t fake_tsc_shift;
uint64_t fake_boot_wallclock_ns;
unsigned long fake_tsc_reads;

void arch_get_tsc_scale(uint32_t *mul, int8_t *shift)
{
	*mul = fake_tsc_mul;
	*shift = fake_tsc_shift;
}

uint64_t arch_read_tsc(void)
{
	fake_tsc_reads++;
	return fake_tsc;
}

uint64_t arch_boot_wallclock_ns(void)
{
	return fake_boot_wallclock_ns;
}
