/*
 * HYPERVISOR_sched_op (common/sched_op.c): yield, block, shutdown and its
 * code, remote shutdown's privilege, SCHEDOP_poll's immediate return, sleep,
 * wake-ups (polled port, other events, timeout) and errors, and random
 * arguments.
 */
#include <stdlib.h>

#include <public/sched.h>
#include <tessera/bitmap.h>

#include "misc_test.h"

UNIT_SUITE(sched_op);

static long sched(int cmd, uint64_t arg)
{
	return fake_hypercall2(__HYPERVISOR_sched_op, (unsigned long)cmd, arg);
}

static long poll_ports(struct domain *d, const uint32_t *ports, unsigned int nr, uint64_t timeout)
{
	struct sched_poll p = {.nr_ports = nr, .timeout = timeout};
	uint64_t pg = nr ? misc_put(d, ports, nr * sizeof(*ports), NULL) : 0;

	set_xen_guest_handle(p.ports, (evtchn_port_t *)pg);
	return sched(SCHEDOP_poll, misc_put(d, &p, sizeof(p), NULL));
}

static bool blocked(const struct vcpu *v)
{
	return test_bit(VPF_blocked, &v->pause_flags);
}

static bool polling(const struct vcpu *v)
{
	return test_bit(VPF_polling, &v->pause_flags);
}

UNIT_TEST(sched_op, yield_and_unknown_commands)
{
	struct domain *d;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(sched(SCHEDOP_yield, 0), 0);
	CU_ASSERT_EQUAL(sched(99, 0), -ENOSYS);
	CU_ASSERT_EQUAL(sched(-1, 0), -ENOSYS);
	CU_ASSERT_EQUAL(sched(SCHEDOP_watchdog, 0), -ENOSYS);
	CU_ASSERT_EQUAL(sched(SCHEDOP_pin_override, 0), -EPERM); /* not the hardware domain */
	(void)d;
	misc_teardown();
}

UNIT_TEST(sched_op, block_returns_at_once_when_an_upcall_is_pending)
{
	struct domain *d;
	struct vcpu *v;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 1);
	v = d->vcpu[0];
	v->vcpu_info->evtchn_upcall_mask = 1;
	v->vcpu_info->evtchn_upcall_pending = 1;
	CU_ASSERT_EQUAL(sched(SCHEDOP_block, 0), 0);
	CU_ASSERT_FALSE(blocked(v));
	CU_ASSERT_EQUAL(v->vcpu_info->evtchn_upcall_mask, 0); /* blocking enables events */
	misc_teardown();
}

UNIT_TEST(sched_op, block_sleeps_until_an_event_arrives)
{
	struct domain *d;
	struct vcpu *v;
	uint32_t port;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 1);
	v = d->vcpu[0];
	port = misc_bind_virq(d, VIRQ_TIMER, 0);
	v->vcpu_info->evtchn_upcall_mask = 1;
	CU_ASSERT_EQUAL(sched(SCHEDOP_block, 0), 0);
	CU_ASSERT_TRUE(blocked(v));
	CU_ASSERT_EQUAL(v->vcpu_info->evtchn_upcall_mask, 0);
	send_guest_vcpu_virq(v, VIRQ_TIMER);
	CU_ASSERT_TRUE(misc_port_pending(d, port));
	CU_ASSERT_FALSE(blocked(v));
	misc_teardown();
}

UNIT_TEST(sched_op, shutdown_records_the_reason_and_faults_on_a_bad_handle)
{
	struct sched_shutdown s = {.reason = SHUTDOWN_reboot};
	struct domain *d;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(sched(SCHEDOP_shutdown, fake_guest_end(d) - 2), -EFAULT);
	CU_ASSERT_EQUAL(sched(SCHEDOP_shutdown, 0), -EFAULT);
	CU_ASSERT_FALSE(d->is_shutting_down);
	CU_ASSERT_EQUAL(sched(SCHEDOP_shutdown, misc_put(d, &s, sizeof(s), NULL)), 0);
	CU_ASSERT_TRUE(d->is_shutting_down);
	CU_ASSERT_EQUAL(d->shutdown_code, SHUTDOWN_reboot);
	/* The first reason wins. */
	s.reason = SHUTDOWN_crash;
	CU_ASSERT_EQUAL(sched(SCHEDOP_shutdown, misc_put(d, &s, sizeof(s), NULL)), 0);
	CU_ASSERT_EQUAL(d->shutdown_code, SHUTDOWN_reboot);
	misc_teardown();
}

UNIT_TEST(sched_op, shutdown_code_is_kept_for_the_later_shutdown)
{
	struct sched_shutdown s = {.reason = SHUTDOWN_crash};
	struct domain *d;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(sched(SCHEDOP_shutdown_code, 8), -EFAULT);
	CU_ASSERT_EQUAL(sched(SCHEDOP_shutdown_code, misc_put(d, &s, sizeof(s), NULL)), 0);
	CU_ASSERT_FALSE(d->is_shutting_down); /* only recorded */
	s.reason = SHUTDOWN_suspend;	      /* a second code does not replace the first */
	CU_ASSERT_EQUAL(sched(SCHEDOP_shutdown_code, misc_put(d, &s, sizeof(s), NULL)), 0);
	s.reason = SHUTDOWN_poweroff;
	CU_ASSERT_EQUAL(sched(SCHEDOP_shutdown, misc_put(d, &s, sizeof(s), NULL)), 0);
	CU_ASSERT_TRUE(d->is_shutting_down);
	CU_ASSERT_EQUAL(d->shutdown_code, SHUTDOWN_crash);
	misc_teardown();
}

UNIT_TEST(sched_op, remote_shutdown_needs_the_control_role)
{
	struct sched_remote_shutdown rs = {.domain_id = 2, .reason = SHUTDOWN_poweroff};
	struct domain *ctl, *a, *b;

	misc_setup();
	ctl = misc_domain(0, ROLE_CONTROL, 1);
	b = misc_domain(2, ROLE_GUEST, 1);
	a = misc_domain(1, ROLE_GUEST, 1);
	/* A guest, on another domain and on itself: -EPERM, nothing happens. */
	CU_ASSERT_EQUAL(sched(SCHEDOP_remote_shutdown, misc_put(a, &rs, sizeof(rs), NULL)), -EPERM);
	rs.domain_id = 1;
	CU_ASSERT_EQUAL(sched(SCHEDOP_remote_shutdown, misc_put(a, &rs, sizeof(rs), NULL)), -EPERM);
	CU_ASSERT_FALSE(a->is_shutting_down || b->is_shutting_down);
	/* A domain that does not exist: -ESRCH (as Xen, before the permission check). */
	rs.domain_id = 77;
	CU_ASSERT_EQUAL(sched(SCHEDOP_remote_shutdown, misc_put(a, &rs, sizeof(rs), NULL)), -ESRCH);
	rs.domain_id = DOMID_SELF;
	CU_ASSERT_EQUAL(sched(SCHEDOP_remote_shutdown, misc_put(a, &rs, sizeof(rs), NULL)), -ESRCH);
	CU_ASSERT_EQUAL(sched(SCHEDOP_remote_shutdown, FAKE_GUEST_BASE - 4), -EFAULT);
	/* The control domain may. */
	fake_set_current(ctl->vcpu[0]);
	rs.domain_id = 2;
	rs.reason = SHUTDOWN_reboot;
	CU_ASSERT_EQUAL(sched(SCHEDOP_remote_shutdown, misc_put(ctl, &rs, sizeof(rs), NULL)), 0);
	CU_ASSERT_TRUE(b->is_shutting_down);
	CU_ASSERT_EQUAL(b->shutdown_code, SHUTDOWN_reboot);
	CU_ASSERT_FALSE(a->is_shutting_down || ctl->is_shutting_down);
	misc_teardown();
}

UNIT_TEST(sched_op, poll_returns_at_once_for_a_pending_port)
{
	struct domain *d;
	struct vcpu *v;
	uint32_t ports[2];

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 1);
	v = d->vcpu[0];
	ports[0] = misc_bind_virq(d, VIRQ_DEBUG, 0);
	ports[1] = misc_bind_virq(d, VIRQ_TIMER, 0);
	send_guest_vcpu_virq(v, VIRQ_TIMER);
	v->vcpu_info->evtchn_upcall_mask = 1; /* a PV poller keeps upcalls masked */
	CU_ASSERT_EQUAL(poll_ports(d, ports, 2, 0), 0);
	CU_ASSERT_FALSE(blocked(v));
	CU_ASSERT_FALSE(polling(v));
	CU_ASSERT_EQUAL(v->poll_evtchn, 0);
	misc_teardown();
}

UNIT_TEST(sched_op, poll_sleeps_until_the_polled_port_even_masked)
{
	struct domain *d;
	struct vcpu *v;
	uint32_t tmr;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 1);
	v = d->vcpu[0];
	(void)misc_bind_virq(d, VIRQ_DEBUG, 0);
	tmr = misc_bind_virq(d, VIRQ_TIMER, 0);
	/* Mask the polled port: a poller waits for the pending bit, not an upcall. */
	set_bit(tmr, (unsigned long *)d->shared_info->evtchn_mask);
	v->vcpu_info->evtchn_upcall_mask = 1;
	CU_ASSERT_EQUAL(poll_ports(d, &tmr, 1, 0), 0);
	CU_ASSERT_TRUE(blocked(v));
	CU_ASSERT_TRUE(polling(v));
	CU_ASSERT_EQUAL(v->poll_evtchn, (int)tmr);
	send_guest_vcpu_virq(v, VIRQ_TIMER);
	CU_ASSERT_FALSE(blocked(v));
	CU_ASSERT_FALSE(polling(v));
	misc_teardown();
}

UNIT_TEST(sched_op, poll_ends_on_any_other_wake_up_too)
{
	struct domain *d;
	struct vcpu *v;
	uint32_t dbg, tmr;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 1);
	v = d->vcpu[0];
	dbg = misc_bind_virq(d, VIRQ_DEBUG, 0);
	tmr = misc_bind_virq(d, VIRQ_TIMER, 0);
	CU_ASSERT_EQUAL(poll_ports(d, &tmr, 1, 0), 0);
	CU_ASSERT_TRUE(blocked(v) && polling(v));
	/* An unmasked event on another port: the upcall wakes the vCPU and ends the poll. */
	send_guest_vcpu_virq(v, VIRQ_DEBUG);
	CU_ASSERT_TRUE(misc_port_pending(d, dbg));
	CU_ASSERT_FALSE(blocked(v));
	CU_ASSERT_FALSE(polling(v));
	CU_ASSERT_TRUE(vcpu_runnable(v) || test_bit(VPF_down, &v->pause_flags) ||
		       test_bit(VPF_paused, &v->pause_flags));
	misc_teardown();
}

UNIT_TEST(sched_op, poll_times_out_at_its_deadline)
{
	struct domain *d;
	struct vcpu *v;
	uint32_t tmr;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 1);
	v = d->vcpu[0];
	tmr = misc_bind_virq(d, VIRQ_TIMER, 0);
	CU_ASSERT_EQUAL(poll_ports(d, &tmr, 1, (uint64_t)(fake_now + MILLISECS(5))), 0);
	CU_ASSERT_TRUE(blocked(v) && polling(v));
	misc_run_until(fake_now + MILLISECS(4));
	CU_ASSERT_TRUE(blocked(v) && polling(v));
	misc_run_until(fake_now + MILLISECS(1));
	CU_ASSERT_FALSE(blocked(v));
	CU_ASSERT_FALSE(polling(v));
	/* No ports at all and a timeout: a plain timed sleep. */
	CU_ASSERT_EQUAL(poll_ports(d, NULL, 0, (uint64_t)(fake_now + MILLISECS(1))), 0);
	CU_ASSERT_TRUE(blocked(v));
	misc_run_until(fake_now + MILLISECS(1));
	CU_ASSERT_FALSE(blocked(v));
	misc_teardown();
}

UNIT_TEST(sched_op, poll_rejects_bad_arguments_without_blocking)
{
	uint32_t ports[129] = {0};
	struct sched_poll p = {.nr_ports = 1};
	struct domain *d;
	struct vcpu *v;
	uint32_t tmr;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 1);
	v = d->vcpu[0];
	tmr = misc_bind_virq(d, VIRQ_TIMER, 0);
	for (unsigned int i = 0; i < 129; i++)
		ports[i] = tmr;
	CU_ASSERT_EQUAL(poll_ports(d, ports, 129, 0), -EINVAL); /* Xen's limit is 128 */
	CU_ASSERT_EQUAL(sched(SCHEDOP_poll, fake_guest_end(d) - 4), -EFAULT);
	set_xen_guest_handle(p.ports, (evtchn_port_t *)(fake_guest_end(d) - 2));
	CU_ASSERT_EQUAL(sched(SCHEDOP_poll, misc_put(d, &p, sizeof(p), NULL)), -EFAULT);
	ports[0] = 5000; /* beyond the domain's table */
	CU_ASSERT_EQUAL(poll_ports(d, ports, 2, 0), -EINVAL);
	CU_ASSERT_FALSE(blocked(v) || polling(v));
	CU_ASSERT_EQUAL(v->poll_evtchn, 0);
	/* 128 ports is fine. */
	ports[0] = tmr;
	CU_ASSERT_EQUAL(poll_ports(d, ports, 128, 0), 0);
	CU_ASSERT_TRUE(blocked(v) && polling(v));
	CU_ASSERT_EQUAL(v->poll_evtchn, -1);
	misc_teardown();
}

UNIT_TEST(sched_op, random_arguments_never_crash_or_leak)
{
	uint64_t seed = 0x5eed5c4ed0beefULL;
	struct domain *ctl, *d;

	misc_setup();
	ctl = misc_domain(0, ROLE_CONTROL, 1);
	d = misc_domain(1, ROLE_GUEST, 2);
	(void)misc_bind_virq(d, VIRQ_TIMER, 0);
	for (unsigned int i = 0; i < 20000; i++) {
		struct domain *who = misc_rand(&seed) % 4 ? d : ctl;
		int cmd = (int)(misc_rand(&seed) % 10) - 1;
		unsigned long arg = misc_rand_arg(&seed, who);
		void *host = fake_guest_host(who, arg);

		/* Random contents too, where the argument lands in guest memory. */
		if (host && arg + 24 <= fake_guest_end(who))
			for (unsigned int b = 0; b < 24; b++)
				((uint8_t *)host)[b] = (uint8_t)misc_rand(&seed);
		if (cmd == SCHEDOP_shutdown || cmd == SCHEDOP_remote_shutdown)
			continue; /* would end the run early; covered above */
		fake_set_current(who->vcpu[0]);
		(void)sched(cmd, arg);
		/* Never leave a vCPU asleep for the next round. */
		vcpu_unblock(who->vcpu[0]);
		if (misc_rand(&seed) % 64 == 0)
			misc_run_until(fake_now + MILLISECS(1));
	}
	misc_teardown();
}
