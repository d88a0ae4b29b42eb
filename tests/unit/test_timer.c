/* common/timer.c: per-CPU deadline heaps, expiry, reprogramming. Runs as CPUs 5 and 6. */
#include <stdlib.h>
#include <tessera/softirq.h>
#include <tessera/timer.h>
#include "fake_arch.h"
#include "unit.h"

#define TCPU 5
#define TCPU2 6
#define TLOG 512

static int tlog[TLOG];
static unsigned int tlog_cpu[TLOG];
static unsigned int tn;

static void tfn(void *data)
{
	if (tn < TLOG) {
		tlog_cpu[tn] = fake_current_cpu;
		tlog[tn++] = (int)(intptr_t)data;
	}
}

static int timer_suite_init(void)
{
	timer_subsys_init();
	return 0;
}

/* Start a test on TCPU at time 1 s with an empty log. */
static void treset(void)
{
	fake_current_cpu = TCPU;
	fake_now = SECONDS(1);
	tn = 0;
}

/* The hardware one-shot of cpu fires at fake_now. */
static void tfire(unsigned int cpu)
{
	unsigned int saved = fake_current_cpu;

	fake_current_cpu = cpu;
	timer_interrupt();
	do_softirq();
	fake_current_cpu = saved;
}

static void tinit(struct timer *t, int id, unsigned int cpu)
{
	CU_ASSERT_EQUAL_FATAL(init_timer(t, tfn, (void *)(intptr_t)id, cpu), 0);
}

UNIT_SUITE_WITH(timer, timer_suite_init, NULL);

UNIT_TEST(timer, fires_in_deadline_order_not_arming_order)
{
	static const int ms[5] = {50, 10, 40, 20, 30};
	struct timer t[5];

	treset();
	for (int i = 0; i < 5; i++) {
		tinit(&t[i], ms[i], TCPU);
		set_timer(&t[i], fake_now + MILLISECS(ms[i]));
	}
	CU_ASSERT_EQUAL(fake_timer_deadline[TCPU], fake_now + MILLISECS(10));
	fake_now += MILLISECS(100);
	tfire(TCPU);
	CU_ASSERT_EQUAL(tn, 5);
	for (unsigned int i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(tlog[i], 10 * (int)(i + 1));
	CU_ASSERT_EQUAL(fake_timer_deadline[TCPU], 0);
	for (int i = 0; i < 5; i++) {
		CU_ASSERT_FALSE(timer_is_active(&t[i]));
		kill_timer(&t[i]);
	}
}

UNIT_TEST(timer, only_due_timers_run_and_the_next_deadline_is_programmed)
{
	struct timer a, b;
	s_time_t t0;

	treset();
	t0 = fake_now;
	tinit(&a, 1, TCPU);
	tinit(&b, 2, TCPU);
	set_timer(&a, t0 + MILLISECS(10));
	set_timer(&b, t0 + MILLISECS(20));
	fake_now = t0 + MILLISECS(15);
	tfire(TCPU);
	CU_ASSERT_EQUAL(tn, 1);
	CU_ASSERT_EQUAL(tlog[0], 1);
	CU_ASSERT_EQUAL(fake_timer_deadline[TCPU], t0 + MILLISECS(20));
	CU_ASSERT_TRUE(timer_is_active(&b));
	/* A deadline exactly now counts as due. */
	fake_now = t0 + MILLISECS(20);
	tfire(TCPU);
	CU_ASSERT_EQUAL(tn, 2);
	CU_ASSERT_EQUAL(tlog[1], 2);
	kill_timer(&a);
	kill_timer(&b);
}

UNIT_TEST(timer, equal_deadlines_fire_in_arming_order)
{
	struct timer t[6];

	treset();
	for (int i = 0; i < 6; i++)
		tinit(&t[i], i, TCPU);
	/* Arm in the order 3 1 5 0 4 2, all for the same instant. */
	static const int order[6] = {3, 1, 5, 0, 4, 2};
	for (int i = 0; i < 6; i++)
		set_timer(&t[order[i]], fake_now + MILLISECS(5));
	fake_now += MILLISECS(5);
	tfire(TCPU);
	CU_ASSERT_EQUAL_FATAL(tn, 6);
	for (int i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(tlog[i], order[i]);
	for (int i = 0; i < 6; i++)
		kill_timer(&t[i]);
}

UNIT_TEST(timer, stopped_pending_timer_never_fires)
{
	struct timer a, b, c;

	treset();
	tinit(&a, 1, TCPU);
	tinit(&b, 2, TCPU);
	tinit(&c, 3, TCPU);
	set_timer(&a, fake_now + MILLISECS(1));
	set_timer(&b, fake_now + MILLISECS(2));
	set_timer(&c, fake_now + MILLISECS(3));
	stop_timer(&b);
	CU_ASSERT_FALSE(timer_is_active(&b));
	stop_timer(&b); /* stopping an inactive timer is a no-op */
	fake_now += MILLISECS(10);
	tfire(TCPU);
	CU_ASSERT_EQUAL(tn, 2);
	CU_ASSERT_EQUAL(tlog[0], 1);
	CU_ASSERT_EQUAL(tlog[1], 3);
	kill_timer(&a);
	kill_timer(&b);
	kill_timer(&c);
}

UNIT_TEST(timer, rearming_an_armed_timer_moves_its_deadline)
{
	struct timer a, b;

	treset();
	tinit(&a, 1, TCPU);
	tinit(&b, 2, TCPU);
	set_timer(&a, fake_now + MILLISECS(1));
	set_timer(&b, fake_now + MILLISECS(2));
	set_timer(&a, fake_now + MILLISECS(3));
	CU_ASSERT_EQUAL(fake_timer_deadline[TCPU], fake_now + MILLISECS(2));
	fake_now += MILLISECS(3);
	tfire(TCPU);
	CU_ASSERT_EQUAL_FATAL(tn, 2);
	CU_ASSERT_EQUAL(tlog[0], 2);
	CU_ASSERT_EQUAL(tlog[1], 1);
	kill_timer(&a);
	kill_timer(&b);
}

static struct timer periodic;
static int periodic_left;

static void periodic_fn(void *data)
{
	tfn(data);
	if (--periodic_left > 0)
		set_timer(&periodic, periodic.expires + MILLISECS(10));
}

UNIT_TEST(timer, callback_rearms_itself_for_later)
{
	treset();
	CU_ASSERT_EQUAL_FATAL(init_timer(&periodic, periodic_fn, (void *)7, TCPU), 0);
	periodic_left = 3;
	set_timer(&periodic, fake_now + MILLISECS(10));
	for (int step = 1; step <= 5; step++) {
		fake_now += MILLISECS(10);
		tfire(TCPU);
		CU_ASSERT_EQUAL(tn, (unsigned int)(step < 3 ? step : 3));
		if (step < 3)
			CU_ASSERT_EQUAL(fake_timer_deadline[TCPU], fake_now + MILLISECS(10));
	}
	CU_ASSERT_FALSE(timer_is_active(&periodic));
	CU_ASSERT_EQUAL(fake_timer_deadline[TCPU], 0);
	kill_timer(&periodic);
}

static struct timer chain_second;

static void chain_first_fn(void *data)
{
	tfn(data);
	set_timer(&chain_second, fake_now); /* due at once: runs in this same softirq run */
}

UNIT_TEST(timer, callback_arms_another_timer_that_is_already_due)
{
	struct timer first;

	treset();
	CU_ASSERT_EQUAL_FATAL(init_timer(&first, chain_first_fn, (void *)1, TCPU), 0);
	tinit(&chain_second, 2, TCPU);
	set_timer(&first, fake_now + MILLISECS(1));
	fake_now += MILLISECS(1);
	tfire(TCPU);
	CU_ASSERT_EQUAL_FATAL(tn, 2);
	CU_ASSERT_EQUAL(tlog[0], 1);
	CU_ASSERT_EQUAL(tlog[1], 2);
	CU_ASSERT_EQUAL(softirq_pending(TCPU), 0UL);
	kill_timer(&first);
	kill_timer(&chain_second);
}

UNIT_TEST(timer, hardware_follows_the_earliest_when_it_is_removed_or_moved)
{
	struct timer a, b;
	s_time_t t0;

	treset();
	t0 = fake_now;
	tinit(&a, 1, TCPU);
	tinit(&b, 2, TCPU);
	set_timer(&b, t0 + MILLISECS(20));
	CU_ASSERT_EQUAL(fake_timer_deadline[TCPU], t0 + MILLISECS(20));
	set_timer(&a, t0 + MILLISECS(10));
	CU_ASSERT_EQUAL(fake_timer_deadline[TCPU], t0 + MILLISECS(10));
	stop_timer(&a);
	CU_ASSERT_EQUAL(fake_timer_deadline[TCPU], t0 + MILLISECS(20));
	set_timer(&a, t0 + MILLISECS(30));
	CU_ASSERT_EQUAL(fake_timer_deadline[TCPU], t0 + MILLISECS(20));
	kill_timer(&b);
	CU_ASSERT_EQUAL(fake_timer_deadline[TCPU], t0 + MILLISECS(30));
	stop_timer(&a);
	CU_ASSERT_EQUAL(fake_timer_deadline[TCPU], 0);
	kill_timer(&a);
}

UNIT_TEST(timer, heap_grows_past_its_first_array_and_keeps_order)
{
	enum { N = 300 };
	struct timer *t = calloc(N, sizeof(*t));
	unsigned int seed = 12345;

	treset();
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	for (int i = 0; i < N; i++)
		tinit(&t[i], i, TCPU);
	/* Distinct deadlines in a scrambled order: deadline of timer i is 1 + (i*7919 mod N) us. */
	for (int i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		set_timer(&t[i], fake_now + MICROSECS(1 + (i * 7919) % N));
	}
	fake_now += MILLISECS(1);
	tfire(TCPU);
	CU_ASSERT_EQUAL_FATAL(tn, N);
	for (unsigned int k = 0; k < N; k++)
		CU_ASSERT_EQUAL((tlog[k] * 7919) % N, (int)k);
	for (int i = 0; i < N; i++)
		kill_timer(&t[i]);
	free(t);
}

UNIT_TEST(timer, killed_timer_ignores_set_and_frees_its_slot)
{
	struct timer a;

	treset();
	tinit(&a, 1, TCPU);
	set_timer(&a, fake_now + MILLISECS(1));
	kill_timer(&a);
	CU_ASSERT_EQUAL(fake_timer_deadline[TCPU], 0);
	set_timer(&a, fake_now + MILLISECS(1));
	CU_ASSERT_FALSE(timer_is_active(&a));
	fake_now += MILLISECS(2);
	tfire(TCPU);
	CU_ASSERT_EQUAL(tn, 0);
	kill_timer(&a); /* twice is harmless */
	/* Slots come back: many init/kill cycles never exhaust the heap. */
	for (int i = 0; i < 1000; i++) {
		tinit(&a, 1, TCPU);
		kill_timer(&a);
	}
}

UNIT_TEST(timer, arming_on_another_cpu_makes_that_cpu_reprogram)
{
	struct timer r;
	unsigned int ipis;

	treset();
	fake_current_cpu = TCPU2;
	do_softirq();
	fake_current_cpu = TCPU;
	fake_timer_deadline[TCPU2] = 0;
	ipis = fake_softirq_ipis[TCPU2];
	tinit(&r, 9, TCPU2);
	set_timer(&r, fake_now + MILLISECS(4));
	CU_ASSERT_EQUAL(fake_timer_deadline[TCPU], 0); /* not ours to program */
	CU_ASSERT_TRUE(softirq_pending(TCPU2) & (1UL << TIMER_SOFTIRQ));
	CU_ASSERT_EQUAL(fake_softirq_ipis[TCPU2], ipis + 1);
	fake_current_cpu = TCPU2;
	do_softirq();
	CU_ASSERT_EQUAL(fake_timer_deadline[TCPU2], fake_now + MILLISECS(4));
	CU_ASSERT_EQUAL(tn, 0);
	fake_now += MILLISECS(4);
	tfire(TCPU2);
	CU_ASSERT_EQUAL_FATAL(tn, 1);
	CU_ASSERT_EQUAL(tlog_cpu[0], TCPU2);
	fake_current_cpu = TCPU;
	kill_timer(&r);
}

UNIT_TEST(timer, migrated_timer_fires_on_its_new_cpu)
{
	struct timer m;

	treset();
	tinit(&m, 4, TCPU);
	set_timer(&m, fake_now + MILLISECS(2));
	CU_ASSERT_EQUAL(fake_timer_deadline[TCPU], fake_now + MILLISECS(2));
	CU_ASSERT_EQUAL(migrate_timer(&m, TCPU2), 0);
	CU_ASSERT_EQUAL(m.cpu, TCPU2);
	CU_ASSERT_TRUE(timer_is_active(&m));
	CU_ASSERT_EQUAL(fake_timer_deadline[TCPU], 0);
	fake_now += MILLISECS(2);
	tfire(TCPU);
	CU_ASSERT_EQUAL(tn, 0);
	tfire(TCPU2);
	CU_ASSERT_EQUAL_FATAL(tn, 1);
	CU_ASSERT_EQUAL(tlog_cpu[0], TCPU2);
	kill_timer(&m);
}
