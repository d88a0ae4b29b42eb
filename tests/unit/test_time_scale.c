/*
 * The fixed-point rate conversion behind NOW() and the APIC timer
 * (asm/time.h): exact to within one unit of the true quotient, and free of
 * overflow for a month of TSC cycles at 5 GHz.
 */
#include <asm/time.h>
#include "unit.h"

UNIT_SUITE(time_scale);

/* floor(count * to / from), computed the slow exact way. */
static uint64_t exact(uint64_t count, uint64_t from, uint64_t to)
{
	return (uint64_t)((unsigned __int128)count * to / from);
}

UNIT_TEST(time_scale, one_second_of_tsc_cycles_is_one_billion_ns)
{
	uint64_t hz[] = {1000000000ULL, 2294687000ULL, 2999999999ULL, 5200000000ULL};

	for (unsigned int i = 0; i < sizeof(hz) / sizeof(hz[0]); i++) {
		uint64_t ns = time_scale(hz[i], time_scale_mult(hz[i], 1000000000ULL));

		CU_ASSERT(ns <= 1000000000ULL && ns >= 1000000000ULL - 1);
	}
}

UNIT_TEST(time_scale, a_month_at_5ghz_does_not_overflow)
{
	uint64_t hz = 5000000000ULL, secs = 31ULL * 86400;
	uint64_t ns = time_scale(hz * secs, time_scale_mult(hz, 1000000000ULL));
	uint64_t want = secs * 1000000000ULL;

	/* Relative error below 1e-9 of a month is a few ms at most; the point is no wrap. */
	CU_ASSERT(ns <= want && want - ns < 4000000ULL);
}

UNIT_TEST(time_scale, ns_to_apic_ticks_matches_exact_division)
{
	uint64_t rates[] = {1000000000ULL, 1008123456ULL, 100000000ULL, 25000000ULL};
	uint64_t counts[] = {1, 999, 5000000, 4294967295ULL, 123456789012ULL};

	for (unsigned int r = 0; r < 4; r++) {
		uint64_t mult = time_scale_mult(1000000000ULL, rates[r]);

		for (unsigned int c = 0; c < 5; c++) {
			uint64_t got = time_scale(counts[c], mult),
				 want = exact(counts[c], 1000000000ULL, rates[r]);

			/* The multiplier is truncated: the result may be short, never long. */
			CU_ASSERT(got <= want && want - got <= 1 + counts[c] / (1ULL << 31));
		}
	}
}

UNIT_TEST(time_scale, mult_is_the_truncated_32_32_quotient)
{
	CU_ASSERT_EQUAL(time_scale_mult(1000000000ULL, 1000000000ULL), 1ULL << 32);
	CU_ASSERT_EQUAL(time_scale_mult(2000000000ULL, 1000000000ULL), 1ULL << 31);
	CU_ASSERT_EQUAL(time_scale_mult(3, 1), 0x55555555ULL);
	CU_ASSERT_EQUAL(time_scale_mult(1000000ULL, 2300000000ULL), 2300ULL << 32);
}
