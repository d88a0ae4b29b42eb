/* common/softirq.c: pending bits, ordering, cross-CPU raises. Runs as CPU 7 and 8. */
#include <tessera/softirq.h>
#include "fake_arch.h"
#include "unit.h"

#define SI_A 10
#define SI_B 11
#define SI_C 12
#define SI_D 13

static int si_log[32];
static unsigned int si_n;
static unsigned int si_reraise; /* how many more times SI_D raises itself */

static void si_record(int nr)
{
	if (si_n < 32)
		si_log[si_n++] = nr;
}

static void si_a(void)
{
	si_record(SI_A);
}
static void si_b(void)
{
	si_record(SI_B);
}
static void si_c(void)
{
	si_record(SI_C);
	raise_softirq(SI_A); /* lower number: must run before SI_D, which is already pending */
}
static void si_d(void)
{
	si_record(SI_D);
	if (si_reraise) {
		si_reraise--;
		raise_softirq(SI_D);
	}
}

static int si_setup(void)
{
	open_softirq(SI_A, si_a);
	open_softirq(SI_B, si_b);
	open_softirq(SI_C, si_c);
	open_softirq(SI_D, si_d);
	return 0;
}

static void si_reset(void)
{
	fake_current_cpu = 7;
	si_n = 0;
	si_reraise = 0;
	do_softirq();
	si_n = 0;
}

UNIT_SUITE_WITH(softirq, si_setup, NULL);

UNIT_TEST(softirq, raised_handler_runs_once_and_pending_clears)
{
	si_reset();
	raise_softirq(SI_B);
	CU_ASSERT_EQUAL(softirq_pending(7), 1UL << SI_B);
	do_softirq();
	CU_ASSERT_EQUAL(si_n, 1);
	CU_ASSERT_EQUAL(si_log[0], SI_B);
	CU_ASSERT_EQUAL(softirq_pending(7), 0UL);
	do_softirq();
	CU_ASSERT_EQUAL(si_n, 1);
}

UNIT_TEST(softirq, lowest_number_runs_first)
{
	si_reset();
	raise_softirq(SI_D);
	raise_softirq(SI_B);
	raise_softirq(SI_A);
	do_softirq();
	CU_ASSERT_EQUAL(si_n, 3);
	CU_ASSERT_EQUAL(si_log[0], SI_A);
	CU_ASSERT_EQUAL(si_log[1], SI_B);
	CU_ASSERT_EQUAL(si_log[2], SI_D);
}

UNIT_TEST(softirq, lower_number_raised_by_a_handler_overtakes_pending_higher_ones)
{
	si_reset();
	raise_softirq(SI_D);
	raise_softirq(SI_C);
	do_softirq();
	CU_ASSERT_EQUAL(si_n, 3);
	CU_ASSERT_EQUAL(si_log[0], SI_C);
	CU_ASSERT_EQUAL(si_log[1], SI_A);
	CU_ASSERT_EQUAL(si_log[2], SI_D);
}

UNIT_TEST(softirq, do_softirq_loops_until_nothing_is_pending)
{
	si_reset();
	si_reraise = 4;
	raise_softirq(SI_D);
	do_softirq();
	CU_ASSERT_EQUAL(si_n, 5);
	CU_ASSERT_EQUAL(softirq_pending(7), 0UL);
}

UNIT_TEST(softirq, raise_on_another_cpu_sets_its_bit_and_sends_one_ipi)
{
	unsigned int ipis;

	si_reset();
	fake_current_cpu = 8;
	do_softirq();
	fake_current_cpu = 7;
	ipis = fake_softirq_ipis[8];
	cpu_raise_softirq(8, SI_B);
	CU_ASSERT_EQUAL(softirq_pending(8), 1UL << SI_B);
	CU_ASSERT_EQUAL(fake_softirq_ipis[8], ipis + 1);
	/* Already pending there: the first IPI covers it. */
	cpu_raise_softirq(8, SI_B);
	CU_ASSERT_EQUAL(fake_softirq_ipis[8], ipis + 1);
	cpu_raise_softirq(8, SI_A);
	CU_ASSERT_EQUAL(fake_softirq_ipis[8], ipis + 2);
	/* Not ours: our do_softirq leaves it alone. */
	do_softirq();
	CU_ASSERT_EQUAL(si_n, 0);
	fake_current_cpu = 8;
	do_softirq();
	CU_ASSERT_EQUAL(si_n, 2);
	CU_ASSERT_EQUAL(softirq_pending(8), 0UL);
	fake_current_cpu = 7;
}

UNIT_TEST(softirq, raise_on_own_cpu_sends_no_ipi)
{
	unsigned int ipis;

	si_reset();
	ipis = fake_softirq_ipis[7];
	cpu_raise_softirq(7, SI_A);
	CU_ASSERT_EQUAL(fake_softirq_ipis[7], ipis);
	CU_ASSERT_EQUAL(softirq_pending(7), 1UL << SI_A);
	do_softirq();
	CU_ASSERT_EQUAL(si_n, 1);
}
