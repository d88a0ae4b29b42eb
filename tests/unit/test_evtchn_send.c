/*
 * Event channels: sending and 2-level delivery (pending bit, selector,
 * upcall flag, vCPU kick), masking and unmasking, VIRQ and IPI delivery,
 * and the helpers SCHEDOP_poll uses. Set-up in evtchn_test.h.
 */
#include "evtchn_test.h"

/* ===================== send and delivery ===================== */

UNIT_TEST(evtchn, interdomain_round_trip_raises_pending_selector_upcall_and_kick)
{
	struct domain *a, *b;
	struct evtchn_status st;
	uint32_t ap, bp;
	unsigned long kicks;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	b = ev_mkdom(2, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(ev_alloc_unbound(b, DOMID_SELF, 1, &bp), 0);
	kicks = fake_vcpu_kicks;
	CU_ASSERT_EQUAL(ev_bind_interdomain(a, 2, bp, &ap), 0);
	/* As Xen: the binder's new port is pending at once (events sent before were dropped). */
	CU_ASSERT(ev_pending(a, ap));
	CU_ASSERT(ev_sel(a->vcpu[0], ap));
	CU_ASSERT(ev_upcall(a->vcpu[0]));
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks + 1);
	CU_ASSERT_PTR_EQUAL(fake_vcpu_last_kicked, a->vcpu[0]);
	CU_ASSERT(!ev_pending(b, bp));

	CU_ASSERT_EQUAL(ev_status(a, DOMID_SELF, ap, &st), 0);
	CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_interdomain);
	CU_ASSERT_EQUAL(st.u.interdomain.dom, 2);
	CU_ASSERT_EQUAL(st.u.interdomain.port, bp);
	CU_ASSERT_EQUAL(ev_status(b, DOMID_SELF, bp, &st), 0);
	CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_interdomain);
	CU_ASSERT_EQUAL(st.u.interdomain.dom, 1);
	CU_ASSERT_EQUAL(st.u.interdomain.port, ap);

	/* a sends: b's bit, selector word, upcall, kick. */
	kicks = fake_vcpu_kicks;
	CU_ASSERT_EQUAL(ev_send(a, ap), 0);
	CU_ASSERT(ev_pending(b, bp));
	CU_ASSERT(ev_sel(b->vcpu[0], bp));
	CU_ASSERT(ev_upcall(b->vcpu[0]));
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks + 1);
	CU_ASSERT_PTR_EQUAL(fake_vcpu_last_kicked, b->vcpu[0]);
	/* Sending again while pending changes nothing and kicks nobody. */
	CU_ASSERT_EQUAL(ev_send(a, ap), 0);
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks + 1);

	/* b replies. */
	ev_guest_ack_all(a);
	CU_ASSERT_EQUAL(ev_send(b, bp), 0);
	CU_ASSERT(ev_pending(a, ap));
	CU_ASSERT(ev_upcall(a->vcpu[0]));
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks + 2);
	ev_teardown();
}

UNIT_TEST(evtchn, selector_already_set_means_no_new_upcall)
{
	struct domain *a, *b;
	uint32_t ap, bp;
	unsigned long kicks;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	b = ev_mkdom(2, ROLE_GUEST, 1);
	ap = ev_connect(a, b, &bp);
	/* The guest still has word 0 selected (not yet scanned) but cleared upcall_pending. */
	b->vcpu[0]->vcpu_info->evtchn_pending_sel = 1;
	kicks = fake_vcpu_kicks;
	CU_ASSERT_EQUAL(ev_send(a, ap), 0);
	CU_ASSERT(ev_pending(b, bp));
	CU_ASSERT(!ev_upcall(b->vcpu[0]));
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks);
	ev_teardown();
}

UNIT_TEST(evtchn, masked_port_gets_no_upcall_until_unmasked)
{
	struct domain *a, *b;
	uint32_t ap, bp;
	unsigned long kicks;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	b = ev_mkdom(2, ROLE_GUEST, 1);
	ap = ev_connect(a, b, &bp);
	ev_set_mask(b, bp, true);
	kicks = fake_vcpu_kicks;
	CU_ASSERT_EQUAL(ev_send(a, ap), 0);
	CU_ASSERT(ev_pending(b, bp));
	CU_ASSERT(!ev_sel(b->vcpu[0], bp));
	CU_ASSERT(!ev_upcall(b->vcpu[0]));
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks);
	/* Unmask re-delivers the pending event. */
	CU_ASSERT_EQUAL(ev_unmask(b, bp), 0);
	CU_ASSERT(!(b->shared_info->evtchn_mask[bp / 64] & (1UL << (bp % 64))));
	CU_ASSERT(ev_sel(b->vcpu[0], bp));
	CU_ASSERT(ev_upcall(b->vcpu[0]));
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks + 1);
	CU_ASSERT_PTR_EQUAL(fake_vcpu_last_kicked, b->vcpu[0]);
	/* Unmasking a port that was not masked delivers nothing more. */
	ev_guest_ack_all(b);
	b->shared_info->evtchn_pending[bp / 64] |= 1UL << (bp % 64);
	CU_ASSERT_EQUAL(ev_unmask(b, bp), 0);
	CU_ASSERT(!ev_upcall(b->vcpu[0]));
	/* Unmask of a port that is not pending only clears the mask. */
	ev_guest_ack_all(b);
	ev_set_mask(b, bp, true);
	CU_ASSERT_EQUAL(ev_unmask(b, bp), 0);
	CU_ASSERT(!ev_upcall(b->vcpu[0]));
	CU_ASSERT_EQUAL(ev_unmask(b, 5000), -EINVAL);
	CU_ASSERT_EQUAL(ev_unmask(b, 64), -EINVAL); /* past the one bucket allocated */
	CU_ASSERT_EQUAL(ev_unmask(b, 63), 0);	    /* free, but valid: as Xen */
	ev_teardown();
}

UNIT_TEST(evtchn, send_on_unbound_is_dropped_and_on_free_or_virq_is_einval)
{
	struct domain *a;
	uint32_t up, vp;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(ev_alloc_unbound(a, DOMID_SELF, 2, &up), 0);
	CU_ASSERT_EQUAL(ev_send(a, up), 0);
	CU_ASSERT(!ev_pending(a, up));
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_TIMER, 0, &vp), 0);
	CU_ASSERT_EQUAL(ev_send(a, vp), -EINVAL);
	CU_ASSERT_EQUAL(ev_send(a, 20), -EINVAL); /* free */
	CU_ASSERT_EQUAL(ev_send(a, 64), -EINVAL); /* no table entry */
	CU_ASSERT_EQUAL(ev_send(a, 1u << 31), -EINVAL);
	ev_teardown();
}

/* ===================== VIRQ and IPI delivery ===================== */

UNIT_TEST(evtchn, vcpu_virq_timer_reaches_the_bound_vcpu_only)
{
	struct domain *a;
	uint32_t t0, t1;
	unsigned long kicks;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 2);
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_TIMER, 0, &t0), 0);
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_TIMER, 1, &t1), 0);
	kicks = fake_vcpu_kicks;
	send_guest_vcpu_virq(a->vcpu[1], VIRQ_TIMER);
	CU_ASSERT(ev_pending(a, t1));
	CU_ASSERT(!ev_pending(a, t0));
	CU_ASSERT(ev_upcall(a->vcpu[1]));
	CU_ASSERT(!ev_upcall(a->vcpu[0]));
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks + 1);
	CU_ASSERT_PTR_EQUAL(fake_vcpu_last_kicked, a->vcpu[1]);
	/* Unbound VIRQs are dropped silently. */
	send_guest_vcpu_virq(a->vcpu[0], VIRQ_DEBUG);
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks + 1);
	ev_teardown();
}

UNIT_TEST(evtchn, global_virq_goes_to_privileged_binders_and_follows_bind_vcpu)
{
	struct domain *ctl, *store, *g, *victim;
	uint32_t cp, sp, gp, dp;

	ev_setup();
	ctl = ev_mkdom(0, ROLE_CONTROL, 2);
	store = ev_mkdom(1, ROLE_XENSTORE, 1);
	g = ev_mkdom(2, ROLE_GUEST, 1);
	victim = ev_mkdom(3, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(ev_bind_virq(ctl, VIRQ_DOM_EXC, 0, &cp), 0);
	CU_ASSERT_EQUAL(ev_bind_virq(store, VIRQ_DOM_EXC, 0, &sp), 0);
	CU_ASSERT_EQUAL(ev_bind_virq(g, VIRQ_DOM_EXC, 0, &gp), 0);
	CU_ASSERT_EQUAL(ev_bind_virq(ctl, VIRQ_CONSOLE, 0, &dp), 0);
	/* Move the control domain's DOM_EXC to vCPU 1. */
	CU_ASSERT_EQUAL(ev_bind_vcpu(ctl, cp, 1), 0);
	ev_guest_ack_all(ctl);
	domain_shutdown(victim, SHUTDOWN_poweroff);
	CU_ASSERT(ev_pending(ctl, cp));
	CU_ASSERT(ev_upcall(ctl->vcpu[1]));
	CU_ASSERT(!ev_upcall(ctl->vcpu[0]));
	CU_ASSERT(ev_pending(store, sp));
	CU_ASSERT(!ev_pending(g, gp)); /* a plain guest may bind it but is never raised */
	CU_ASSERT(!ev_pending(ctl, dp));
	send_global_virq(VIRQ_CONSOLE);
	CU_ASSERT(ev_pending(ctl, dp));
	/* send_guest_global_virq names the domain itself. */
	send_guest_global_virq(g, VIRQ_DOM_EXC);
	CU_ASSERT(ev_pending(g, gp));
	ev_teardown();
}

UNIT_TEST(evtchn, ipi_raises_its_own_port_on_the_bound_vcpu)
{
	struct domain *a;
	struct evtchn_status st;
	uint32_t p;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 3);
	CU_ASSERT_EQUAL(ev_bind_ipi(a, 2, &p), 0);
	CU_ASSERT_EQUAL(ev_status(a, DOMID_SELF, p, &st), 0);
	CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_ipi);
	CU_ASSERT_EQUAL(st.vcpu, 2);
	CU_ASSERT_EQUAL(evtop_on(a, 1, EVTCHNOP_send, &(struct evtchn_send){.port = p},
				 sizeof(struct evtchn_send)),
			0);
	CU_ASSERT(ev_pending(a, p));
	CU_ASSERT(ev_upcall(a->vcpu[2]));
	CU_ASSERT(!ev_upcall(a->vcpu[0]));
	CU_ASSERT(!ev_upcall(a->vcpu[1]));
	CU_ASSERT_EQUAL(ev_bind_ipi(a, 3, &p), -ENOENT);
	CU_ASSERT_EQUAL(ev_bind_ipi(a, 0x10000, &p), -ENOENT);
	ev_teardown();
}

/* ===================== SCHEDOP_poll support ===================== */

UNIT_TEST(evtchn, port_is_pending_and_valid_for_poll)
{
	struct domain *a, *b;
	uint32_t ap, bp;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	b = ev_mkdom(2, ROLE_GUEST, 1);
	ap = ev_connect(a, b, &bp);
	CU_ASSERT(evtchn_port_is_valid(b, bp));
	CU_ASSERT(evtchn_port_is_valid(b, 63));
	CU_ASSERT(!evtchn_port_is_valid(b, 64));
	CU_ASSERT(!evtchn_port_is_pending(b, bp));
	CU_ASSERT(!evtchn_port_is_pending(b, 100000));
	CU_ASSERT_EQUAL(evtchn_send(a, ap), 0);
	CU_ASSERT(evtchn_port_is_pending(b, bp));
	ev_teardown();
}

UNIT_TEST(evtchn, event_wakes_a_poller_of_that_port_even_when_masked)
{
	struct domain *a, *b;
	struct vcpu *v;
	uint32_t ap, bp, ap2, bp2;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	b = ev_mkdom(2, ROLE_GUEST, 1);
	ap = ev_connect(a, b, &bp);
	ap2 = ev_connect(a, b, &bp2);
	v = b->vcpu[0];
	ev_set_mask(b, bp, true);
	ev_set_mask(b, bp2, true);
	/* Polling bp only: an event on bp2 does not wake it. */
	v->poll_evtchn = (int)bp;
	set_bit(VPF_polling, &v->pause_flags);
	CU_ASSERT_EQUAL(evtchn_send(a, ap2), 0);
	CU_ASSERT(test_bit(VPF_polling, &v->pause_flags));
	CU_ASSERT_EQUAL(evtchn_send(a, ap), 0);
	CU_ASSERT(!test_bit(VPF_polling, &v->pause_flags));
	CU_ASSERT_EQUAL(v->poll_evtchn, 0);
	/* Polling several ports (-1): any event wakes it. */
	v->poll_evtchn = -1;
	set_bit(VPF_polling, &v->pause_flags);
	ev_guest_ack_all(b);
	CU_ASSERT_EQUAL(evtchn_send(a, ap2), 0);
	CU_ASSERT(!test_bit(VPF_polling, &v->pause_flags));
	ev_teardown();
}
