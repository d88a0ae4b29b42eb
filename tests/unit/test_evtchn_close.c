/*
 * Event channels: closing ports, a domain's death (its peers become
 * unbound, the hypervisor's helpers cope with a dead table, VIRQ_DOM_EXC
 * at the end of domain_kill) and EVTCHNOP_reset, preempted included.
 * Set-up in evtchn_test.h.
 */
#include "evtchn_test.h"

/* ===================== close ===================== */

UNIT_TEST(evtchn, close_makes_the_peer_unbound_and_its_sends_go_nowhere)
{
	struct domain *a, *b;
	struct evtchn_status st;
	uint32_t ap, bp, ap2;
	unsigned long kicks;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	b = ev_mkdom(2, ROLE_GUEST, 1);
	ap = ev_connect(a, b, &bp);
	CU_ASSERT(ev_pending(a, ap));
	CU_ASSERT_EQUAL(ev_close(a, ap), 0);
	/* The closed port's pending bit is cleared, so its next user does not see a stale event. */
	CU_ASSERT(!ev_pending(a, ap));
	CU_ASSERT_EQUAL(ev_status_of(a, ap), EVTCHNSTAT_closed);
	CU_ASSERT_EQUAL(ev_status(b, DOMID_SELF, bp, &st), 0);
	CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_unbound);
	CU_ASSERT_EQUAL(st.u.unbound.dom, 1); /* waiting for a again */
	ev_guest_ack_all(a);
	kicks = fake_vcpu_kicks;
	CU_ASSERT_EQUAL(ev_send(b, bp), 0);
	CU_ASSERT(!ev_pending(a, ap));
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks);
	CU_ASSERT_EQUAL(ev_close(a, ap), -EINVAL); /* twice */
	/* a may bind again to the same port of b. */
	CU_ASSERT_EQUAL(ev_bind_interdomain(a, 2, bp, &ap2), 0);
	CU_ASSERT_EQUAL(ev_send(b, bp), 0);
	CU_ASSERT(ev_pending(a, ap2));
	ev_teardown();
}

UNIT_TEST(evtchn, close_errors_for_bad_ports)
{
	struct domain *a;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(ev_close(a, 1), -EINVAL);
	CU_ASSERT_EQUAL(ev_close(a, 64), -EINVAL);
	CU_ASSERT_EQUAL(ev_close(a, 4095), -EINVAL);
	CU_ASSERT_EQUAL(ev_close(a, 0xffffffffu), -EINVAL);
	ev_teardown();
}

/* ===================== domain teardown ===================== */

UNIT_TEST(evtchn, destroying_a_domain_leaves_its_peers_unbound_and_consistent)
{
	struct domain *a, *b, *c;
	struct evtchn_status st;
	uint32_t ap, bp, cp, cbp, up;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 2);
	b = ev_mkdom(2, ROLE_GUEST, 2);
	c = ev_mkdom(3, ROLE_GUEST, 1);
	ap = ev_connect(a, b, &bp);
	cp = ev_connect(c, b, &cbp);
	CU_ASSERT_EQUAL(ev_alloc_unbound(b, DOMID_SELF, 1, &up), 0);
	CU_ASSERT_EQUAL(ev_bind_virq(b, VIRQ_TIMER, 1, NULL), 0);
	CU_ASSERT_EQUAL(ev_bind_ipi(b, 1, NULL), 0);
	fake_domain_kill(b);
	CU_ASSERT_EQUAL(ev_status(a, DOMID_SELF, ap, &st), 0);
	CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_unbound);
	CU_ASSERT_EQUAL(st.u.unbound.dom, 2);
	CU_ASSERT_EQUAL(ev_status_of(c, cp), EVTCHNSTAT_unbound);
	/* Sending into the dead domain is harmless and reaches nobody. */
	ev_guest_ack_all(a);
	CU_ASSERT_EQUAL(ev_send(a, ap), 0);
	CU_ASSERT_EQUAL(ev_send(c, cp), 0);
	/* It is gone: binding to it fails, the hypervisor's helpers tolerate it. */
	CU_ASSERT_EQUAL(ev_bind_interdomain(a, 2, up, NULL), -ESRCH);
	CU_ASSERT_EQUAL(ev_close(a, ap), 0);
	CU_ASSERT_EQUAL(ev_close(c, cp), 0);
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 0);
	ev_teardown();
}

UNIT_TEST(evtchn, destroy_with_loopback_and_crossed_ports_in_both_lock_orders)
{
	struct domain *a, *b;
	uint32_t p1, p2;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	b = ev_mkdom(2, ROLE_GUEST, 1);
	/* Ports in both directions, so closing meets peers at lower and higher addresses. */
	for (int i = 0; i < 10; i++) {
		ev_connect(a, b, NULL);
		ev_connect(b, a, NULL);
	}
	CU_ASSERT_EQUAL(ev_alloc_unbound(a, DOMID_SELF, DOMID_SELF, &p1), 0);
	CU_ASSERT_EQUAL(ev_bind_interdomain(a, DOMID_SELF, p1, &p2), 0);
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 22);
	fake_domain_kill(a);
	/* b's 20 ports remain, all unbound now. */
	CU_ASSERT_EQUAL(b->evtchn->nr_active, 20);
	for (uint32_t p = 1; p <= 20; p++)
		CU_ASSERT_EQUAL(ev_status_of(b, p), EVTCHNSTAT_unbound);
	ev_teardown();
}

UNIT_TEST(evtchn, hypervisor_helpers_on_a_dead_table_do_nothing)
{
	struct domain *a;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_TIMER, 0, NULL), 0);
	CU_ASSERT(get_domain(a));
	fake_guest_detach(a);
	fake_domain_kill(a);
	/* a is dead but we still hold a reference: every helper copes with no table. */
	CU_ASSERT_PTR_NULL(a->evtchn);
	CU_ASSERT_EQUAL(evtchn_send(a, 1), -EINVAL);
	CU_ASSERT(!evtchn_port_is_pending(a, 1));
	CU_ASSERT(!evtchn_port_is_valid(a, 1));
	send_guest_vcpu_virq(a->vcpu[0], VIRQ_TIMER);
	send_guest_global_virq(a, VIRQ_DOM_EXC);
	send_global_virq(VIRQ_DOM_EXC);
	uint32_t port;
	CU_ASSERT_EQUAL(evtchn_alloc_unbound_port(a, 0, &port), -EINVAL);
	evtchn_domain_destroy(a); /* twice is harmless */
	put_domain(a);
	ev_teardown();
}

/* As Xen's domain_kill: the end of a teardown raises VIRQ_DOM_EXC again (the store cleans up). */
UNIT_TEST(evtchn, domain_kill_raises_dom_exc_for_the_store_once_the_domain_is_gone)
{
	struct domain *store, *victim;
	uint32_t sp;

	ev_setup();
	store = ev_mkdom(1, ROLE_XENSTORE, 1);
	victim = ev_mkdom(3, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(ev_bind_virq(store, VIRQ_DOM_EXC, 0, &sp), 0);
	ev_guest_ack_all(store);
	while (domain_kill(victim) == -ERESTART)
		;
	CU_ASSERT(ev_pending(store, sp));
	CU_ASSERT_PTR_NULL(get_domain_by_id(3));
	ev_teardown();
}

/* ===================== reset ===================== */

UNIT_TEST(evtchn, reset_closes_every_port_and_peers_become_unbound)
{
	struct domain *ctl, *a, *b;
	uint32_t ap, bp;

	ev_setup();
	ctl = ev_mkdom(0, ROLE_CONTROL, 1);
	a = ev_mkdom(1, ROLE_GUEST, 2);
	b = ev_mkdom(2, ROLE_GUEST, 1);
	ap = ev_connect(a, b, &bp);
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_TIMER, 1, NULL), 0);
	CU_ASSERT_EQUAL(ev_bind_ipi(a, 1, NULL), 0);
	CU_ASSERT_EQUAL(ev_alloc_unbound(a, DOMID_SELF, 0, NULL), 0);

	CU_ASSERT_EQUAL(ev_reset(b, 1), -EPERM);
	CU_ASSERT_EQUAL(ev_reset(b, 9), -ESRCH);
	/* The controller may reset a only while it has a paused (domains start so). */
	CU_ASSERT_EQUAL(domain_unpause_by_controller(a), 0);
	CU_ASSERT_EQUAL(ev_reset(ctl, 1), -EINVAL);
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 4);
	CU_ASSERT_EQUAL(ev_reset(a, DOMID_SELF), 0);
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 0);
	CU_ASSERT_EQUAL(a->vcpu[1]->virq_to_evtchn[VIRQ_TIMER], 0);
	CU_ASSERT_EQUAL(ev_status_of(a, ap), EVTCHNSTAT_closed);
	CU_ASSERT_EQUAL(ev_status_of(b, bp), EVTCHNSTAT_unbound);
	/* Usable again afterwards. */
	CU_ASSERT_EQUAL(ev_bind_interdomain(a, 2, bp, &ap), 0);
	CU_ASSERT_EQUAL(domain_pause_by_controller(a), 0);
	CU_ASSERT_EQUAL(ev_reset(ctl, 1), 0);
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 0);
	/* Controller pauses are counted: allowed while any one is outstanding. */
	CU_ASSERT_EQUAL(domain_pause_by_controller(a), 0);
	CU_ASSERT_EQUAL(domain_unpause_by_controller(a), 0);
	CU_ASSERT_EQUAL(ev_reset(ctl, 1), 0);
	CU_ASSERT_EQUAL(domain_unpause_by_controller(a), 0);
	CU_ASSERT_EQUAL(ev_reset(ctl, 1), -EINVAL);
	ev_teardown();
}

UNIT_TEST(evtchn, reset_of_many_ports_is_preempted_and_continued)
{
	struct domain *a;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	for (int i = 0; i < 500; i++)
		CU_ASSERT_EQUAL(ev_alloc_unbound(a, DOMID_SELF, 0, NULL), 0);
	fake_preempt_after(1);
	CU_ASSERT_EQUAL(ev_reset(a, DOMID_SELF), 0);
	fake_preempt_after(-1);
	CU_ASSERT(fake_hypercall_restarts >= 2);
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 0);
	CU_ASSERT_EQUAL(a->evtchn->reset_next, 0);
	/* A stray continuation sub-op with no reset under way is refused. */
	CU_ASSERT_EQUAL(evtop(a, 14, &(struct evtchn_reset){.dom = DOMID_SELF}), -EBUSY);
	ev_teardown();
}
