/*
 * Event channels through HYPERVISOR_event_channel_op: allocating and
 * binding ports (alloc_unbound, bind_interdomain, bind_virq, bind_ipi,
 * bind_vcpu), their limits and refusals, status, and the hypercall
 * surface (unprovided sub-ops, bad guest addresses). Set-up in
 * evtchn_test.h.
 */
#include "evtchn_test.h"

/* ===================== alloc_unbound ===================== */

UNIT_TEST(evtchn, alloc_unbound_gives_lowest_port_from_1_and_status_unbound)
{
	struct domain *a, *b;
	struct evtchn_status st;
	uint32_t p1, p2;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	b = ev_mkdom(2, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(ev_alloc_unbound(a, DOMID_SELF, b->domain_id, &p1), 0);
	CU_ASSERT_EQUAL(p1, 1);
	CU_ASSERT_EQUAL(ev_alloc_unbound(a, a->domain_id, DOMID_SELF, &p2), 0);
	CU_ASSERT_EQUAL(p2, 2);
	CU_ASSERT_EQUAL(ev_status(a, DOMID_SELF, p1, &st), 0);
	CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_unbound);
	CU_ASSERT_EQUAL(st.u.unbound.dom, 2);
	CU_ASSERT_EQUAL(st.vcpu, 0);
	/* remote_dom DOMID_SELF is recorded as the caller's id. */
	CU_ASSERT_EQUAL(ev_status(a, DOMID_SELF, p2, &st), 0);
	CU_ASSERT_EQUAL(st.u.unbound.dom, 1);
	/* A closed port is reused first. */
	CU_ASSERT_EQUAL(ev_close(a, p1), 0);
	CU_ASSERT_EQUAL(ev_alloc_unbound(a, DOMID_SELF, 7, &p1), 0);
	CU_ASSERT_EQUAL(p1, 1);
	ev_teardown();
}

UNIT_TEST(evtchn, alloc_unbound_in_another_domain_needs_the_control_role)
{
	struct domain *ctl, *a, *b;
	struct evtchn_status st;
	uint32_t port = 0;

	ev_setup();
	ctl = ev_mkdom(0, ROLE_CONTROL, 1);
	a = ev_mkdom(1, ROLE_GUEST, 1);
	b = ev_mkdom(2, ROLE_XENSTORE, 1);
	CU_ASSERT_EQUAL(ev_alloc_unbound(a, 2, 1, &port), -EPERM);
	CU_ASSERT_EQUAL(ev_alloc_unbound(b, 1, 2, &port), -EPERM);
	CU_ASSERT_EQUAL(ev_alloc_unbound(a, 5, 1, &port), -ESRCH); /* no such domain */
	CU_ASSERT_EQUAL(ev_alloc_unbound(a, DOMID_XEN, 1, &port), -ESRCH);
	/* The guest's table is untouched by the refusals. */
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 0);
	CU_ASSERT_EQUAL(b->evtchn->nr_active, 0);
	/* The control domain allocates in a, for b (the builder's store/console ports). */
	CU_ASSERT_EQUAL(ev_alloc_unbound(ctl, 1, 2, &port), 0);
	CU_ASSERT_EQUAL(port, 1);
	CU_ASSERT_EQUAL(ev_status(a, DOMID_SELF, port, &st), 0);
	CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_unbound);
	CU_ASSERT_EQUAL(st.u.unbound.dom, 2);
	/* ... and DOMID_SELF as remote means the caller (the control domain). */
	CU_ASSERT_EQUAL(ev_alloc_unbound(ctl, 1, DOMID_SELF, &port), 0);
	CU_ASSERT_EQUAL(ev_status(ctl, 1, port, &st), 0);
	CU_ASSERT_EQUAL(st.u.unbound.dom, 0);
	ev_teardown();
}

UNIT_TEST(evtchn, port_0_is_reserved_and_never_allocated)
{
	struct domain *a;
	struct evtchn_status st;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(ev_status(a, DOMID_SELF, 0, &st), 0);
	CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_closed);
	CU_ASSERT_EQUAL(ev_close(a, 0), -EINVAL);
	CU_ASSERT_EQUAL(ev_send(a, 0), -EINVAL);
	CU_ASSERT_EQUAL(ev_bind_vcpu(a, 0, 0), -EINVAL);
	for (int i = 0; i < 10; i++) {
		uint32_t p;

		CU_ASSERT_EQUAL(ev_alloc_unbound(a, DOMID_SELF, 0, &p), 0);
		CU_ASSERT_NOT_EQUAL(p, 0);
	}
	ev_teardown();
}

UNIT_TEST(evtchn, full_table_gives_enospc_and_a_close_makes_room)
{
	struct domain *a;
	uint32_t p = 0;

	ev_setup();
	a = ev_mkdom_limit(1, 5);
	for (uint32_t i = 1; i <= 5; i++) {
		CU_ASSERT_EQUAL(ev_alloc_unbound(a, DOMID_SELF, 0, &p), 0);
		CU_ASSERT_EQUAL(p, i);
	}
	CU_ASSERT_EQUAL(ev_alloc_unbound(a, DOMID_SELF, 0, &p), -ENOSPC);
	CU_ASSERT_EQUAL(ev_bind_ipi(a, 0, &p), -ENOSPC);
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_TIMER, 0, &p), -ENOSPC);
	CU_ASSERT_EQUAL(a->vcpu[0]->virq_to_evtchn[VIRQ_TIMER], 0);
	CU_ASSERT_EQUAL(ev_close(a, 3), 0);
	CU_ASSERT_EQUAL(ev_bind_ipi(a, 0, &p), 0);
	CU_ASSERT_EQUAL(p, 3);
	ev_teardown();
}

UNIT_TEST(evtchn, default_limit_is_port_1023_and_2level_caps_at_4095)
{
	struct domain *a, *b;
	uint32_t p = 0, n = 0;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1); /* max_evtchn_port 0: the default */
	while (ev_alloc_unbound(a, DOMID_SELF, 0, &p) == 0)
		n++;
	CU_ASSERT_EQUAL(n, 1023);
	CU_ASSERT_EQUAL(ev_alloc_unbound(a, DOMID_SELF, 0, &p), -ENOSPC);
	/* A port past the limit but inside an allocated bucket is valid, and closed. */
	CU_ASSERT_EQUAL(ev_status_of(a, 1023), EVTCHNSTAT_unbound);

	b = ev_mkdom_limit(2, 100000);
	n = 0;
	for (uint32_t last = 0; ev_alloc_unbound(b, DOMID_SELF, 0, &p) == 0; last = p) {
		n++;
		CU_ASSERT_EQUAL(p, last + 1);
	}
	CU_ASSERT_EQUAL(n, 4095);
	CU_ASSERT_EQUAL(ev_status_of(b, 4095), EVTCHNSTAT_unbound);
	CU_ASSERT_EQUAL(ev_close(b, 4096), -EINVAL);
	CU_ASSERT_EQUAL(ev_send(b, 0xffffffffu), -EINVAL);
	ev_teardown();
}

/* ===================== bind_interdomain ===================== */

UNIT_TEST(evtchn, bind_interdomain_refuses_wrong_ports_and_domains)
{
	struct domain *a, *b, *c;
	uint32_t bp, bp_c, lp = 0, ip;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	b = ev_mkdom(2, ROLE_GUEST, 1);
	c = ev_mkdom(3, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(ev_alloc_unbound(b, DOMID_SELF, 1, &bp), 0);
	CU_ASSERT_EQUAL(ev_alloc_unbound(b, DOMID_SELF, 3, &bp_c), 0);
	CU_ASSERT_EQUAL(ev_bind_ipi(b, 0, &ip), 0);
	CU_ASSERT_EQUAL(ev_bind_interdomain(a, 2, bp_c, &lp), -EINVAL); /* for c, not a */
	CU_ASSERT_EQUAL(ev_bind_interdomain(a, 2, ip, &lp), -EINVAL);	/* not unbound */
	CU_ASSERT_EQUAL(ev_bind_interdomain(a, 2, 0, &lp), -EINVAL);	/* reserved */
	CU_ASSERT_EQUAL(ev_bind_interdomain(a, 2, 40, &lp), -EINVAL);	/* free */
	CU_ASSERT_EQUAL(ev_bind_interdomain(a, 2, 64, &lp), -EINVAL);	/* no table entry */
	CU_ASSERT_EQUAL(ev_bind_interdomain(a, 2, 0x80000001u, &lp), -EINVAL);
	CU_ASSERT_EQUAL(ev_bind_interdomain(a, 9, bp, &lp), -ESRCH); /* no such domain */
	CU_ASSERT_EQUAL(ev_bind_interdomain(a, DOMID_IO, bp, &lp), -ESRCH);
	/* a's own port bp is free. */
	CU_ASSERT_EQUAL(ev_bind_interdomain(a, DOMID_SELF, bp, &lp), -EINVAL);
	/* The refusals took no port from a (a bucket may remain, all free). */
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 0);
	/* Bound once, the port is no longer unbound: a second bind fails. */
	CU_ASSERT_EQUAL(ev_bind_interdomain(a, 2, bp, &lp), 0);
	CU_ASSERT_EQUAL(ev_bind_interdomain(a, 2, bp, &lp), -EINVAL);
	CU_ASSERT_EQUAL(ev_bind_interdomain(c, 2, bp_c, &lp), 0);
	ev_teardown();
}

UNIT_TEST(evtchn, loopback_interdomain_in_one_domain_works_both_ways)
{
	struct domain *a;
	uint32_t p1, p2;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(ev_alloc_unbound(a, DOMID_SELF, DOMID_SELF, &p1), 0);
	CU_ASSERT_EQUAL(ev_bind_interdomain(a, DOMID_SELF, p1, &p2), 0);
	CU_ASSERT_NOT_EQUAL(p1, p2);
	ev_guest_ack_all(a);
	CU_ASSERT_EQUAL(ev_send(a, p2), 0);
	CU_ASSERT(ev_pending(a, p1));
	CU_ASSERT(!ev_pending(a, p2));
	CU_ASSERT_EQUAL(ev_send(a, p1), 0);
	CU_ASSERT(ev_pending(a, p2));
	CU_ASSERT_EQUAL(ev_close(a, p1), 0);
	CU_ASSERT_EQUAL(ev_status_of(a, p2), EVTCHNSTAT_unbound);
	CU_ASSERT_EQUAL(ev_close(a, p2), 0);
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 0);
	ev_teardown();
}

/* ===================== VIRQs, IPIs and bind_vcpu ===================== */

UNIT_TEST(evtchn, bind_virq_per_vcpu_and_global_rules)
{
	struct domain *a;
	struct evtchn_status st;
	uint32_t t0, t1, p;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 2);
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_TIMER, 0, &t0), 0);
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_TIMER, 1, &t1), 0);
	CU_ASSERT_NOT_EQUAL(t0, t1);
	CU_ASSERT_EQUAL(a->vcpu[1]->virq_to_evtchn[VIRQ_TIMER], t1);
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_TIMER, 1, &p), -EEXIST);
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_DEBUG, 1, &p), 0);
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_XENPMU, 1, &p), 0);
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_TIMER, 2, &p), -ENOENT); /* max_vcpus 2 */
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_TIMER, 0xffffffffu, &p), -ENOENT);
	CU_ASSERT_EQUAL(ev_bind_virq(a, NR_VIRQS, 0, &p), -EINVAL);
	CU_ASSERT_EQUAL(ev_bind_virq(a, 0xffffffffu, 0, &p), -EINVAL);
	/* Global VIRQs: vCPU 0 only, once. */
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_DOM_EXC, 1, &p), -EINVAL);
	/* The global check comes before the vCPU's, as Xen. */
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_CONSOLE, 5, &p), -EINVAL);
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_DOM_EXC, 0, &p), 0);
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_DOM_EXC, 0, &p), -EEXIST);
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_ARCH_0, 0, &p), 0);
	CU_ASSERT_EQUAL(ev_status(a, DOMID_SELF, t1, &st), 0);
	CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_virq);
	CU_ASSERT_EQUAL(st.u.virq, VIRQ_TIMER);
	CU_ASSERT_EQUAL(st.vcpu, 1);
	/* Closing unbinds: the VIRQ can be bound again. */
	CU_ASSERT_EQUAL(ev_close(a, t1), 0);
	CU_ASSERT_EQUAL(a->vcpu[1]->virq_to_evtchn[VIRQ_TIMER], 0);
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_TIMER, 1, &p), 0);
	ev_teardown();
}

UNIT_TEST(evtchn, bind_vcpu_moves_unbound_interdomain_and_global_virq_only)
{
	struct domain *a, *b;
	struct evtchn_status st;
	uint32_t ap, bp, up, tp, ip, gp;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 2);
	b = ev_mkdom(2, ROLE_GUEST, 1);
	bp = 0;
	ap = ev_connect(a, b, &bp);
	CU_ASSERT_EQUAL(ev_alloc_unbound(a, DOMID_SELF, 2, &up), 0);
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_TIMER, 0, &tp), 0);
	CU_ASSERT_EQUAL(ev_bind_ipi(a, 0, &ip), 0);
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_CON_RING, 0, &gp), 0);

	CU_ASSERT_EQUAL(ev_bind_vcpu(a, ap, 1), 0);
	CU_ASSERT_EQUAL(ev_bind_vcpu(a, up, 1), 0);
	CU_ASSERT_EQUAL(ev_bind_vcpu(a, gp, 1), 0);
	CU_ASSERT_EQUAL(ev_bind_vcpu(a, tp, 1), -EINVAL);
	CU_ASSERT_EQUAL(ev_bind_vcpu(a, ip, 1), -EINVAL);
	CU_ASSERT_EQUAL(ev_bind_vcpu(a, 30, 1), -EINVAL); /* free */
	CU_ASSERT_EQUAL(ev_bind_vcpu(a, 64, 1), -EINVAL); /* no entry */
	CU_ASSERT_EQUAL(ev_bind_vcpu(a, ap, 2), -ENOENT);
	CU_ASSERT_EQUAL(ev_bind_vcpu(a, 9999, 7), -ENOENT); /* the vCPU is checked first, as Xen */
	CU_ASSERT_EQUAL(ev_status(a, DOMID_SELF, ap, &st), 0);
	CU_ASSERT_EQUAL(st.vcpu, 1);
	CU_ASSERT_EQUAL(ev_status(a, DOMID_SELF, tp, &st), 0);
	CU_ASSERT_EQUAL(st.vcpu, 0);

	ev_guest_ack_all(a);
	CU_ASSERT_EQUAL(ev_send(b, bp), 0);
	CU_ASSERT(ev_upcall(a->vcpu[1]));
	CU_ASSERT(ev_sel(a->vcpu[1], ap));
	CU_ASSERT(!ev_upcall(a->vcpu[0]));
	/* The unbound port keeps its vCPU when someone binds to it. */
	uint32_t bp2;
	CU_ASSERT_EQUAL(ev_bind_interdomain(b, 1, up, &bp2), 0);
	ev_guest_ack_all(a);
	CU_ASSERT_EQUAL(ev_send(b, bp2), 0);
	CU_ASSERT(ev_upcall(a->vcpu[1]));
	CU_ASSERT(!ev_upcall(a->vcpu[0]));
	ev_teardown();
}

/* ===================== status ===================== */

UNIT_TEST(evtchn, status_of_other_domains_needs_the_control_role)
{
	struct domain *ctl, *a, *b;
	struct evtchn_status st;
	uint32_t ap, bp;

	ev_setup();
	ctl = ev_mkdom(0, ROLE_CONTROL, 1);
	a = ev_mkdom(1, ROLE_GUEST, 1);
	b = ev_mkdom(2, ROLE_GUEST, 1);
	ap = ev_connect(a, b, &bp);
	CU_ASSERT_EQUAL(ev_status(a, 2, bp, &st), -EPERM);
	CU_ASSERT_EQUAL(ev_status(a, 0, 0, &st), -EPERM);
	CU_ASSERT_EQUAL(ev_status(a, 77, 1, &st), -ESRCH);
	CU_ASSERT_EQUAL(ev_status(ctl, 2, bp, &st), 0);
	CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_interdomain);
	CU_ASSERT_EQUAL(st.u.interdomain.dom, 1);
	CU_ASSERT_EQUAL(st.u.interdomain.port, ap);
	CU_ASSERT_EQUAL(ev_status(ctl, 1, 64, &st), -EINVAL);
	CU_ASSERT_EQUAL(ev_status(ctl, 1, 0xffffffffu, &st), -EINVAL);
	CU_ASSERT_EQUAL(ev_status(ctl, 1, 63, &st), 0);
	CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_closed);
	ev_teardown();
}

/* ===================== hypercall surface ===================== */

UNIT_TEST(evtchn, pirq_unknown_ops_and_2level_set_priority_are_enosys)
{
	struct domain *a;
	struct evtchn_init_control ic = {.control_gfn = 0x7fffffff};
	struct evtchn_expand_array ea = {0};
	struct evtchn_set_priority sp = {.port = 1, .priority = 3};
	struct evtchn_bind_pirq bp = {.pirq = 1};

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	/* The FIFO ops exist (test_evtchn_fifo.c); before init_control, as Xen: */
	CU_ASSERT_EQUAL(evtop(a, EVTCHNOP_expand_array, &ea), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(evtop(a, EVTCHNOP_set_priority, &sp), -ENOSYS); /* valid port, 2-level */
	sp.port = 64;
	CU_ASSERT_EQUAL(evtop(a, EVTCHNOP_set_priority, &sp), -EINVAL); /* no table entry */
	CU_ASSERT_EQUAL(evtop(a, EVTCHNOP_init_control, &ic), -EINVAL); /* no such RAM */
	CU_ASSERT_EQUAL(evtop(a, EVTCHNOP_bind_pirq, &bp), -ENOSYS);
	CU_ASSERT_EQUAL(evtop(a, 15, &bp), -ENOSYS);
	CU_ASSERT_EQUAL(evtop(a, -1, &bp), -ENOSYS);
	ev_teardown();
}

UNIT_TEST(evtchn, bad_guest_addresses_give_efault_and_change_nothing)
{
	struct domain *a;
	static const int cmds[] = {EVTCHNOP_alloc_unbound, EVTCHNOP_bind_interdomain,
				   EVTCHNOP_bind_virq,	   EVTCHNOP_bind_ipi,
				   EVTCHNOP_close,	   EVTCHNOP_send,
				   EVTCHNOP_status,	   EVTCHNOP_bind_vcpu,
				   EVTCHNOP_unmask,	   EVTCHNOP_reset};

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	fake_set_current(a->vcpu[0]);
	for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		CU_ASSERT_EQUAL(fake_hypercall2(__HYPERVISOR_event_channel_op, cmds[i], 0),
				-EFAULT);
		/* Straddling the end of guest memory (every argument is 2 bytes or more). */
		CU_ASSERT_EQUAL(
		    fake_hypercall2(__HYPERVISOR_event_channel_op, cmds[i], fake_guest_end(a) - 1),
		    -EFAULT);
	}
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 0);
	ev_teardown();
}

UNIT_TEST(evtchn, failed_copy_out_reports_efault_and_the_port_can_be_closed)
{
	struct domain *a;
	uint32_t p = 0;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	fake_copy_fail_after = 1; /* the copy in succeeds, the copy out fails */
	CU_ASSERT_EQUAL(ev_alloc_unbound(a, DOMID_SELF, 0, &p), -EFAULT);
	fake_copy_fail_after = -1;
	/* As Xen, the port stays allocated; the guest (or teardown) closes it. */
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 1);
	CU_ASSERT_EQUAL(ev_status_of(a, 1), EVTCHNSTAT_unbound);
	CU_ASSERT_EQUAL(ev_close(a, 1), 0);
	ev_teardown();
}
