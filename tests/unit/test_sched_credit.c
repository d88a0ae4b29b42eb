/*
 * The scheduler framework (common/sched/core.c) and the credit scheduler
 * (common/sched/credit.c), driven by fake time: the test jumps fake_now to
 * the earliest programmed hardware deadline, "fires" it and runs softirqs,
 * as the arch would. CPU-bound vCPUs are ones that never block. Runs on
 * CPUs 0 and 1 (CPU 0 also carries the credit accounting timer).
 */
#include <stdlib.h>
#include <tessera/errno.h>
#include <tessera/sched.h>
#include <tessera/softirq.h>
#include <tessera/timer.h>
#include "../../hypervisor/common/sched/private.h"
#include "fake_arch.h"
#include "fake_sched.h"
#include "unit.h"

struct tdom {
	struct domain d;
	struct vcpu *vp[4];
};

static s_time_t sched_test_clock = SECONDS(1000);

static int sched_suite_init(void)
{
	softirq_init();
	timer_subsys_init();
	sched_init();
	cpu_infos[0].online = true;
	return 0;
}

/* Start a test on CPU 0 at a fresh time, all softirqs handled. */
static void sreset(void)
{
	sched_test_clock += SECONDS(100);
	fake_now = sched_test_clock;
	fake_current_cpu = 0;
	do_softirq();
	fake_nr_switches = 0;
}

static void run_softirqs(unsigned int ncpu)
{
	bool busy = true;

	while (busy) {
		busy = false;
		for (unsigned int cpu = 0; cpu < ncpu; cpu++) {
			if (softirq_pending(cpu)) {
				fake_current_cpu = cpu;
				do_softirq();
				busy = true;
			}
		}
	}
	fake_current_cpu = 0;
}

/* Let CPUs [0, ncpu) run until fake_now reaches end. */
static void sim_run(unsigned int ncpu, s_time_t end)
{
	for (;;) {
		s_time_t next = end + 1;
		int which = -1;

		run_softirqs(ncpu);
		for (unsigned int cpu = 0; cpu < ncpu; cpu++) {
			s_time_t d = fake_timer_deadline[cpu];

			if (d > 0 && d < next) {
				next = d;
				which = (int)cpu;
			}
		}
		if (which < 0) {
			fake_now = end;
			return;
		}
		if (next > fake_now)
			fake_now = next;
		fake_current_cpu = (unsigned int)which;
		timer_interrupt();
	}
}

static struct vcpu *mk_vcpu(struct tdom *td, unsigned int id, unsigned int cpu, bool runnable)
{
	struct vcpu *v = calloc(1, sizeof(*v));

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	v->vcpu_id = id;
	v->domain = &td->d;
	v->pause_flags = runnable ? 0 : 1UL << VPF_blocked;
	td->vp[id] = v;
	CU_ASSERT_EQUAL_FATAL(sched_init_vcpu(v, cpu), 0);
	return v;
}

/* A domain with one vCPU on cpu. */
static struct vcpu *mk_dom(struct tdom *td, domid_t id, unsigned int cpu, bool runnable)
{
	td->d.domain_id = id;
	td->d.max_vcpus = 4;
	td->d.vcpu = td->vp;
	for (int i = 0; i < 4; i++)
		td->vp[i] = NULL;
	return mk_vcpu(td, 0, cpu, runnable);
}

/* Block every vCPU of the domains, let the CPUs notice, destroy and free them. */
static void rm_doms(unsigned int ncpu, struct tdom **tds, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = 0; j < 4; j++)
			if (tds[i]->vp[j])
				vcpu_block(tds[i]->vp[j]);
	sim_run(ncpu, fake_now + MILLISECS(1));
	for (unsigned int i = 0; i < n; i++) {
		for (unsigned int j = 0; j < 4; j++) {
			struct vcpu *v = tds[i]->vp[j];

			if (!v)
				continue;
			CU_ASSERT_FALSE(v->is_running);
			sched_destroy_vcpu(v);
			free(v);
			tds[i]->vp[j] = NULL;
		}
	}
}

/* Time v has spent running, including the stint in progress. */
static s_time_t run_time(const struct vcpu *v)
{
	s_time_t t = v->runstate.time[VCPU_RUNSTATE_RUNNING];

	if (v->runstate.state == VCPU_RUNSTATE_RUNNING)
		t += fake_now - v->runstate.state_entry_time;
	return t;
}

static bool switched_to(const struct vcpu *v)
{
	for (unsigned int i = 0; i < fake_nr_switches; i++)
		if (fake_switch_log[i].next == v)
			return true;
	return false;
}

UNIT_SUITE_WITH(sched_credit, sched_suite_init, NULL);

UNIT_TEST(sched_credit, every_cpu_has_an_idle_vcpu_of_the_idle_domain_and_starts_on_it)
{
	sreset();
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(idle_vcpu[cpu]);
		CU_ASSERT_TRUE(is_idle_vcpu(idle_vcpu[cpu]));
		CU_ASSERT_EQUAL(idle_vcpu[cpu]->processor, cpu);
		CU_ASSERT_PTR_EQUAL(idle_domain.vcpu[cpu], idle_vcpu[cpu]);
	}
	CU_ASSERT_EQUAL(idle_domain.domain_id, 0x7FFF);
	CU_ASSERT_PTR_EQUAL(curr_on_cpu(0), idle_vcpu[0]);
	CU_ASSERT_EQUAL(sched_init_cpu(0), 0); /* idempotent */
	/* Idle with nothing to run: no timer keeps the CPU busy. */
	CU_ASSERT_EQUAL(fake_timer_deadline[0], 0);
}

UNIT_TEST(sched_credit, weights_256_and_512_share_one_cpu_about_1_to_2)
{
	struct tdom da, db, *all[] = {&da, &db};
	struct vcpu *a, *b;
	s_time_t ta, tb;
	double ratio;

	sreset();
	a = mk_dom(&da, 1, 0, true);
	b = mk_dom(&db, 2, 0, true);
	CU_ASSERT_EQUAL(sched_adjust_weight(&db.d, 512), 0);
	sim_run(1, fake_now + SECONDS(6));
	ta = run_time(a);
	tb = run_time(b);
	CU_ASSERT(ta + tb >= SECONDS(6) - MILLISECS(1)); /* never idle */
	ratio = (double)tb / (double)ta;
	CU_ASSERT(ratio > 1.8 && ratio < 2.2);
	if (getenv("UNIT_VERBOSE") || !(ratio > 1.8 && ratio < 2.2))
		fprintf(stderr, "    weight 512 : 256 got %.3f : 1 (%ld ms : %ld ms)\n", ratio,
			(long)(tb / MILLISECS(1)), (long)(ta / MILLISECS(1)));
	rm_doms(1, all, 2);
}

UNIT_TEST(sched_credit, equal_weights_alternate_within_a_slice)
{
	struct tdom da, db, *all[] = {&da, &db};
	struct vcpu *a, *b;
	unsigned int runs = 0;

	sreset();
	a = mk_dom(&da, 1, 0, true);
	b = mk_dom(&db, 2, 0, true);
	sim_run(1, fake_now + MILLISECS(600));
	/* Every stint ends within one 30 ms slice, and the other vCPU runs next. */
	for (unsigned int i = 0; i + 1 < fake_nr_switches; i++) {
		struct fake_switch *s = &fake_switch_log[i], *n = &fake_switch_log[i + 1];

		if (is_idle_vcpu(s->next))
			continue;
		runs++;
		CU_ASSERT(n->when - s->when <= MILLISECS(30));
		CU_ASSERT_PTR_EQUAL(n->next, s->next == a ? b : a);
	}
	CU_ASSERT(runs >= 19);
	CU_ASSERT(run_time(a) >= MILLISECS(270) && run_time(a) <= MILLISECS(330));
	CU_ASSERT(run_time(b) >= MILLISECS(270) && run_time(b) <= MILLISECS(330));
	rm_doms(1, all, 2);
}

UNIT_TEST(sched_credit, woken_vcpu_preempts_an_over_one)
{
	struct tdom da, db, dc, *all[] = {&da, &db, &dc};
	struct vcpu *c, *curr = NULL;
	s_time_t limit;

	sreset();
	mk_dom(&da, 1, 0, true);
	mk_dom(&db, 2, 0, true);
	c = mk_dom(&dc, 3, 0, false);
	/* Run until the vCPU on the CPU has overdrawn its credit. */
	limit = fake_now + SECONDS(3);
	while (fake_now < limit) {
		sim_run(1, fake_now + MILLISECS(1));
		curr = curr_on_cpu(0);
		if (!is_idle_vcpu(curr) && csched_vcpu_pri(curr) == CSCHED_PRI_OVER)
			break;
	}
	CU_ASSERT_EQUAL_FATAL(csched_vcpu_pri(curr), CSCHED_PRI_OVER);
	CU_ASSERT(csched_vcpu_credit(c) >= 0);
	vcpu_unblock(c);
	CU_ASSERT_EQUAL(csched_vcpu_pri(c), CSCHED_PRI_BOOST);
	CU_ASSERT_TRUE(softirq_pending(0) & (1UL << SCHEDULE_SOFTIRQ));
	do_softirq();
	CU_ASSERT_PTR_EQUAL(curr_on_cpu(0), c);
	CU_ASSERT_PTR_EQUAL(cpu_infos[0].curr, c);
	CU_ASSERT_FALSE(curr->is_running);
	CU_ASSERT_EQUAL(curr->runstate.state, VCPU_RUNSTATE_RUNNABLE);
	rm_doms(1, all, 3);
}

UNIT_TEST(sched_credit, wake_boost_ends_at_the_first_tick)
{
	struct tdom da, dc, *all[] = {&da, &dc};
	struct vcpu *c;

	sreset();
	mk_dom(&da, 1, 0, true);
	c = mk_dom(&dc, 2, 0, false);
	sim_run(1, fake_now + MILLISECS(45));
	vcpu_unblock(c);
	CU_ASSERT_EQUAL(csched_vcpu_pri(c), CSCHED_PRI_BOOST);
	run_softirqs(1);
	CU_ASSERT_PTR_EQUAL(curr_on_cpu(0), c);
	sim_run(1, fake_now + MILLISECS(11));
	CU_ASSERT_NOT_EQUAL(csched_vcpu_pri(c), CSCHED_PRI_BOOST);
	rm_doms(1, all, 2);
}

UNIT_TEST(sched_credit, idle_runs_only_when_nothing_is_runnable)
{
	struct tdom da, *all[] = {&da};
	struct vcpu *a, *idle = idle_vcpu[0];
	s_time_t idle_before;

	sreset();
	a = mk_dom(&da, 1, 0, true);
	run_softirqs(1);
	CU_ASSERT_PTR_EQUAL(curr_on_cpu(0), a);
	idle_before = run_time(idle);
	sim_run(1, fake_now + MILLISECS(500));
	CU_ASSERT_EQUAL(run_time(idle), idle_before);
	CU_ASSERT_EQUAL(run_time(a), MILLISECS(500));

	vcpu_block(a);
	run_softirqs(1);
	CU_ASSERT_PTR_EQUAL(curr_on_cpu(0), idle);
	CU_ASSERT_EQUAL(a->runstate.state, VCPU_RUNSTATE_BLOCKED);
	sim_run(1, fake_now + MILLISECS(100));
	CU_ASSERT_EQUAL(run_time(idle), idle_before + MILLISECS(100));
	CU_ASSERT_EQUAL(a->runstate.time[VCPU_RUNSTATE_BLOCKED], 0); /* still in progress */
	CU_ASSERT_EQUAL(fake_timer_deadline[0] == 0 || fake_timer_deadline[0] > fake_now, 1);

	vcpu_unblock(a);
	run_softirqs(1);
	CU_ASSERT_PTR_EQUAL(curr_on_cpu(0), a);
	CU_ASSERT_EQUAL(a->runstate.time[VCPU_RUNSTATE_BLOCKED], MILLISECS(100));
	rm_doms(1, all, 1);
}

UNIT_TEST(sched_credit, sleeping_vcpu_never_runs)
{
	struct tdom da, db, dc, *all[] = {&da, &db, &dc};
	struct vcpu *a, *b, *c;

	sreset();
	a = mk_dom(&da, 1, 0, true);
	b = mk_dom(&db, 2, 0, false);
	c = mk_dom(&dc, 3, 0, true);
	sim_run(1, fake_now + SECONDS(1));
	CU_ASSERT_EQUAL(run_time(b), 0);
	CU_ASSERT_FALSE(switched_to(b));
	/* Blocking one that waits in the queue takes it out of the queue. */
	CU_ASSERT_EQUAL(csched_runq_len(0), 1);
	{
		struct vcpu *queued = curr_on_cpu(0) == a ? c : a;
		s_time_t before = run_time(queued);

		vcpu_block(queued);
		CU_ASSERT_EQUAL(csched_runq_len(0), 0);
		fake_nr_switches = 0;
		sim_run(1, fake_now + SECONDS(1));
		CU_ASSERT_EQUAL(run_time(queued), before);
		CU_ASSERT_FALSE(switched_to(queued));
	}
	rm_doms(1, all, 3);
}

/*
 * A pause flag is set before vcpu_sleep() takes the schedule lock: a
 * schedule in between finds the vCPU still queued and must not run it
 * (the hypervisor once hit its "next is runnable" assertion this way when
 * a 2-vCPU guest rebooted); it runs again once woken.
 */
UNIT_TEST(sched_credit, vcpu_paused_while_queued_is_skipped_until_woken)
{
	struct tdom da, dc, *all[] = {&da, &dc};
	struct vcpu *a, *c, *queued;
	s_time_t before;

	sreset();
	a = mk_dom(&da, 1, 0, true);
	c = mk_dom(&dc, 2, 0, true);
	run_softirqs(1);
	CU_ASSERT_EQUAL_FATAL(csched_runq_len(0), 1);
	queued = curr_on_cpu(0) == a ? c : a;
	set_bit(VPF_paused, &queued->pause_flags); /* vcpu_sleep() not called yet */
	before = run_time(queued);
	fake_nr_switches = 0;
	sim_run(1, fake_now + MILLISECS(200)); /* slices end: the queue is looked at */
	CU_ASSERT_FALSE(switched_to(queued));
	CU_ASSERT_EQUAL(run_time(queued), before);
	CU_ASSERT_EQUAL(csched_runq_len(0), 0);
	vcpu_sleep(queued); /* the pauser's own call, late: nothing left to do */
	clear_bit(VPF_paused, &queued->pause_flags);
	vcpu_wake(queued);
	fake_nr_switches = 0;
	sim_run(1, fake_now + MILLISECS(200));
	CU_ASSERT_TRUE(switched_to(queued));
	rm_doms(1, all, 2);
}

UNIT_TEST(sched_credit, removed_vcpu_leaves_the_runqueue)
{
	struct tdom da, db, *all[] = {&da, &db};
	struct vcpu *a, *queued;

	sreset();
	a = mk_dom(&da, 1, 0, true);
	mk_dom(&db, 2, 0, true);
	run_softirqs(1);
	CU_ASSERT_EQUAL(csched_runq_len(0), 1);
	queued = curr_on_cpu(0) == a ? db.vp[0] : a;
	sched_destroy_vcpu(queued);
	CU_ASSERT_EQUAL(csched_runq_len(0), 0);
	/* Freed: any later use by the scheduler is caught by ASan. */
	if (queued == a)
		da.vp[0] = NULL;
	else
		db.vp[0] = NULL;
	free(queued);
	fake_nr_switches = 0;
	sim_run(1, fake_now + MILLISECS(300));
	CU_ASSERT_EQUAL(fake_nr_switches, 0);
	rm_doms(1, all, 2);
}

UNIT_TEST(sched_credit, yield_hands_the_cpu_to_the_other_vcpu)
{
	struct tdom da, db, *all[] = {&da, &db};
	struct vcpu *first;

	sreset();
	mk_dom(&da, 1, 0, true);
	mk_dom(&db, 2, 0, true);
	run_softirqs(1);
	first = curr_on_cpu(0);
	sim_run(1, fake_now + MILLISECS(1));
	CU_ASSERT_PTR_EQUAL(curr_on_cpu(0), first);
	vcpu_yield();
	run_softirqs(1);
	CU_ASSERT_PTR_NOT_EQUAL(curr_on_cpu(0), first);
	CU_ASSERT_FALSE(is_idle_vcpu(curr_on_cpu(0)));
	rm_doms(1, all, 2);
}

UNIT_TEST(sched_credit, idle_cpu_steals_work_queued_on_a_busy_cpu)
{
	struct tdom da, db, *all[] = {&da, &db};
	struct vcpu *a, *b;

	sreset();
	cpu_infos[1].online = true;
	nr_cpus_online = 2;
	a = mk_dom(&da, 1, 0, true);
	b = mk_dom(&db, 2, 0, true);
	sim_run(2, fake_now + MILLISECS(300));
	/* Both ran all the time: one of them moved to CPU 1. */
	CU_ASSERT(run_time(a) >= MILLISECS(290));
	CU_ASSERT(run_time(b) >= MILLISECS(290));
	CU_ASSERT_NOT_EQUAL(a->processor, b->processor);
	rm_doms(2, all, 2);
	CU_ASSERT_PTR_EQUAL(curr_on_cpu(1), idle_vcpu[1]);
	cpu_infos[1].online = false;
	nr_cpus_online = 1;
}

UNIT_TEST(sched_credit, weight_out_of_range_or_on_idle_domain_is_rejected)
{
	struct tdom da, *all[] = {&da};

	sreset();
	mk_dom(&da, 1, 0, false);
	CU_ASSERT_EQUAL(sched_adjust_weight(&da.d, 0), -EINVAL);
	CU_ASSERT_EQUAL(sched_adjust_weight(&da.d, 65536), -EINVAL);
	CU_ASSERT_EQUAL(sched_adjust_weight(&da.d, 65535), 0);
	CU_ASSERT_EQUAL(sched_adjust_weight(&idle_domain, 256), -EINVAL);
	rm_doms(1, all, 1);
}

UNIT_TEST(sched_credit, switching_to_a_guest_vcpu_records_it_as_cpu_current)
{
	struct tdom da, *all[] = {&da};
	struct vcpu *a;

	sreset();
	a = mk_dom(&da, 1, 0, true);
	run_softirqs(1);
	CU_ASSERT_EQUAL_FATAL(fake_nr_switches, 1);
	CU_ASSERT_PTR_EQUAL(fake_switch_log[0].prev, idle_vcpu[0]);
	CU_ASSERT_PTR_EQUAL(fake_switch_log[0].next, a);
	CU_ASSERT_TRUE(a->is_running);
	CU_ASSERT_FALSE(idle_vcpu[0]->is_running);
	rm_doms(1, all, 1);
	CU_ASSERT_TRUE(idle_vcpu[0]->is_running);
	CU_ASSERT_PTR_EQUAL(cpu_infos[0].curr, idle_vcpu[0]);
	CU_ASSERT_EQUAL(fake_timer_deadline[0], 0);
}
