/*
 * Event channels (common/event_channel.c, common/event_2l.c) through
 * HYPERVISOR_event_channel_op, over the fake guest memory and arch of
 * tests/unit/fake/fake_guest.c: every sub-op's success and error paths,
 * 2-level delivery (pending, mask, selector, upcall, kick), teardown, and
 * random sequences of operations that must keep the table consistent and
 * leak nothing.
 */
#include <stdlib.h>
#include <string.h>

#include <public/event_channel.h>
#include <public/sched.h>
#include <public/xen.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/hypercall.h>
#include <tessera/privilege.h>

#include "../../hypervisor/common/event_channel_priv.h"
#include "fake_guest.h"
#include "unit.h"

UNIT_SUITE(evtchn);

#define NR_FRAMES 4096

/* One scratch argument area per domain, reused: long random runs do not exhaust guest memory. */
#define MAX_DOMID 8
static uint64_t scratch_gva[MAX_DOMID];
static void *scratch_host[MAX_DOMID];

static void setup(void)
{
	fake_abi_setup(NR_FRAMES);
	memset(scratch_gva, 0, sizeof(scratch_gva));
	memset(scratch_host, 0, sizeof(scratch_host));
}

static void teardown(void)
{
	CU_ASSERT_EQUAL(fake_abi_teardown(), 0);
}

/* domain_create makes vCPU 0; the tests want them all. */
static void add_vcpus(struct domain *d)
{
	for (unsigned int i = 1; i < d->max_vcpus; i++)
		CU_ASSERT_PTR_NOT_NULL_FATAL(vcpu_create(d, i));
}

static struct domain *mkdom(domid_t id, uint32_t roles, unsigned int vcpus)
{
	struct domain *d = fake_domain_create(id, roles, vcpus);

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	add_vcpus(d);
	scratch_gva[id] = fake_guest_alloc(d, 64, &scratch_host[id]);
	return d;
}

/* A domain with a given port limit. */
static struct domain *mkdom_limit(domid_t id, uint32_t max_port)
{
	struct domain_create_args args = fake_domain_args("lim", ROLE_GUEST, 1);
	struct domain *d = NULL;

	args.max_evtchn_port = max_port;
	CU_ASSERT_EQUAL_FATAL(domain_create(id, &args, &d), 0);
	fake_guest_attach(d, 0);
	add_vcpus(d);
	scratch_gva[id] = fake_guest_alloc(d, 64, &scratch_host[id]);
	return d;
}

/* Run EVTCHNOP cmd as d's vCPU vcpu with *op (size bytes) in guest memory; copy the result back. */
static long evtop_on(struct domain *d, unsigned int vcpu, int cmd, void *op, size_t size)
{
	long rc;

	CU_ASSERT_FATAL(size <= 64);
	memcpy(scratch_host[d->domain_id], op, size);
	fake_set_current(d->vcpu[vcpu]);
	rc = fake_hypercall2(__HYPERVISOR_event_channel_op, (unsigned long)cmd,
			     scratch_gva[d->domain_id]);
	memcpy(op, scratch_host[d->domain_id], size);
	return rc;
}
#define evtop(d, cmd, op) evtop_on((d), 0, (cmd), (op), sizeof(*(op)))

static long alloc_unbound(struct domain *caller, domid_t dom, domid_t remote, uint32_t *port)
{
	struct evtchn_alloc_unbound op = { .dom = dom, .remote_dom = remote, .port = 0xdead };
	long rc = evtop(caller, EVTCHNOP_alloc_unbound, &op);

	if (port)
		*port = op.port;
	return rc;
}

static long bind_interdomain(struct domain *caller, domid_t rdom, uint32_t rport, uint32_t *lport)
{
	struct evtchn_bind_interdomain op = { .remote_dom = rdom, .remote_port = rport };
	long rc = evtop(caller, EVTCHNOP_bind_interdomain, &op);

	if (lport)
		*lport = op.local_port;
	return rc;
}

static long bind_virq(struct domain *caller, uint32_t virq, uint32_t vcpu, uint32_t *port)
{
	struct evtchn_bind_virq op = { .virq = virq, .vcpu = vcpu };
	long rc = evtop(caller, EVTCHNOP_bind_virq, &op);

	if (port)
		*port = op.port;
	return rc;
}

static long bind_ipi(struct domain *caller, uint32_t vcpu, uint32_t *port)
{
	struct evtchn_bind_ipi op = { .vcpu = vcpu };
	long rc = evtop(caller, EVTCHNOP_bind_ipi, &op);

	if (port)
		*port = op.port;
	return rc;
}

static long ev_close(struct domain *caller, uint32_t port)
{
	struct evtchn_close op = { .port = port };

	return evtop(caller, EVTCHNOP_close, &op);
}

static long ev_send(struct domain *caller, uint32_t port)
{
	struct evtchn_send op = { .port = port };

	return evtop(caller, EVTCHNOP_send, &op);
}

static long ev_unmask(struct domain *caller, uint32_t port)
{
	struct evtchn_unmask op = { .port = port };

	return evtop(caller, EVTCHNOP_unmask, &op);
}

static long bind_vcpu(struct domain *caller, uint32_t port, uint32_t vcpu)
{
	struct evtchn_bind_vcpu op = { .port = port, .vcpu = vcpu };

	return evtop(caller, EVTCHNOP_bind_vcpu, &op);
}

static long ev_reset(struct domain *caller, domid_t dom)
{
	struct evtchn_reset op = { .dom = dom };

	return evtop(caller, EVTCHNOP_reset, &op);
}

static long ev_status(struct domain *caller, domid_t dom, uint32_t port, struct evtchn_status *out)
{
	struct evtchn_status op = { .dom = dom, .port = port, .status = 0xff };
	long rc = evtop(caller, EVTCHNOP_status, &op);

	if (out)
		*out = op;
	return rc;
}

/* The status of a port that must be readable; 0xff on failure. */
static uint32_t status_of(struct domain *d, uint32_t port)
{
	struct evtchn_status st;

	if (ev_status(d, DOMID_SELF, port, &st))
		return 0xff;
	return st.status;
}

/* --- the guest's view of the 2-level state --- */
static bool pending(struct domain *d, uint32_t port)
{
	return (d->shared_info->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

static void set_mask(struct domain *d, uint32_t port, bool on)
{
	if (on)
		d->shared_info->evtchn_mask[port / 64] |= 1UL << (port % 64);
	else
		d->shared_info->evtchn_mask[port / 64] &= ~(1UL << (port % 64));
}

static bool sel(struct vcpu *v, uint32_t port)
{
	return (v->vcpu_info->evtchn_pending_sel >> (port / 64)) & 1;
}

static bool upcall(struct vcpu *v)
{
	return v->vcpu_info->evtchn_upcall_pending != 0;
}

/* What a guest's upcall handler does: take everything, clear it. */
static void guest_ack_all(struct domain *d)
{
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		if (!d->vcpu[i])
			continue;
		d->vcpu[i]->vcpu_info->evtchn_upcall_pending = 0;
		d->vcpu[i]->vcpu_info->evtchn_pending_sel = 0;
	}
	memset(d->shared_info->evtchn_pending, 0, sizeof(d->shared_info->evtchn_pending));
}

/* Interdomain pair: b allocates for a, a binds; returns a's port, *bport b's. */
static uint32_t connect(struct domain *a, struct domain *b, uint32_t *bport)
{
	uint32_t rp = 0, lp = 0;

	CU_ASSERT_EQUAL_FATAL(alloc_unbound(b, DOMID_SELF, a->domain_id, &rp), 0);
	CU_ASSERT_EQUAL_FATAL(bind_interdomain(a, b->domain_id, rp, &lp), 0);
	if (bport)
		*bport = rp;
	return lp;
}

/* ===================== alloc_unbound ===================== */

UNIT_TEST(evtchn, alloc_unbound_gives_lowest_port_from_1_and_status_unbound)
{
	struct domain *a, *b;
	struct evtchn_status st;
	uint32_t p1, p2;

	setup();
	a = mkdom(1, ROLE_GUEST, 1);
	b = mkdom(2, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(alloc_unbound(a, DOMID_SELF, b->domain_id, &p1), 0);
	CU_ASSERT_EQUAL(p1, 1);
	CU_ASSERT_EQUAL(alloc_unbound(a, a->domain_id, DOMID_SELF, &p2), 0);
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
	CU_ASSERT_EQUAL(alloc_unbound(a, DOMID_SELF, 7, &p1), 0);
	CU_ASSERT_EQUAL(p1, 1);
	teardown();
}

UNIT_TEST(evtchn, alloc_unbound_in_another_domain_needs_the_control_role)
{
	struct domain *ctl, *a, *b;
	struct evtchn_status st;
	uint32_t port = 0;

	setup();
	ctl = mkdom(0, ROLE_CONTROL, 1);
	a = mkdom(1, ROLE_GUEST, 1);
	b = mkdom(2, ROLE_XENSTORE, 1);
	CU_ASSERT_EQUAL(alloc_unbound(a, 2, 1, &port), -EPERM);
	CU_ASSERT_EQUAL(alloc_unbound(b, 1, 2, &port), -EPERM);
	CU_ASSERT_EQUAL(alloc_unbound(a, 5, 1, &port), -ESRCH); /* no such domain */
	CU_ASSERT_EQUAL(alloc_unbound(a, DOMID_XEN, 1, &port), -ESRCH);
	/* The guest's table is untouched by the refusals. */
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 0);
	CU_ASSERT_EQUAL(b->evtchn->nr_active, 0);
	/* The control domain allocates in a, for b (the builder's store/console ports). */
	CU_ASSERT_EQUAL(alloc_unbound(ctl, 1, 2, &port), 0);
	CU_ASSERT_EQUAL(port, 1);
	CU_ASSERT_EQUAL(ev_status(a, DOMID_SELF, port, &st), 0);
	CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_unbound);
	CU_ASSERT_EQUAL(st.u.unbound.dom, 2);
	/* ... and DOMID_SELF as remote means the caller (the control domain). */
	CU_ASSERT_EQUAL(alloc_unbound(ctl, 1, DOMID_SELF, &port), 0);
	CU_ASSERT_EQUAL(ev_status(ctl, 1, port, &st), 0);
	CU_ASSERT_EQUAL(st.u.unbound.dom, 0);
	teardown();
}

UNIT_TEST(evtchn, port_0_is_reserved_and_never_allocated)
{
	struct domain *a;
	struct evtchn_status st;

	setup();
	a = mkdom(1, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(ev_status(a, DOMID_SELF, 0, &st), 0);
	CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_closed);
	CU_ASSERT_EQUAL(ev_close(a, 0), -EINVAL);
	CU_ASSERT_EQUAL(ev_send(a, 0), -EINVAL);
	CU_ASSERT_EQUAL(bind_vcpu(a, 0, 0), -EINVAL);
	for (int i = 0; i < 10; i++) {
		uint32_t p;

		CU_ASSERT_EQUAL(alloc_unbound(a, DOMID_SELF, 0, &p), 0);
		CU_ASSERT_NOT_EQUAL(p, 0);
	}
	teardown();
}

UNIT_TEST(evtchn, full_table_gives_enospc_and_a_close_makes_room)
{
	struct domain *a;
	uint32_t p = 0;

	setup();
	a = mkdom_limit(1, 5);
	for (uint32_t i = 1; i <= 5; i++) {
		CU_ASSERT_EQUAL(alloc_unbound(a, DOMID_SELF, 0, &p), 0);
		CU_ASSERT_EQUAL(p, i);
	}
	CU_ASSERT_EQUAL(alloc_unbound(a, DOMID_SELF, 0, &p), -ENOSPC);
	CU_ASSERT_EQUAL(bind_ipi(a, 0, &p), -ENOSPC);
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_TIMER, 0, &p), -ENOSPC);
	CU_ASSERT_EQUAL(a->vcpu[0]->virq_to_evtchn[VIRQ_TIMER], 0);
	CU_ASSERT_EQUAL(ev_close(a, 3), 0);
	CU_ASSERT_EQUAL(bind_ipi(a, 0, &p), 0);
	CU_ASSERT_EQUAL(p, 3);
	teardown();
}

UNIT_TEST(evtchn, default_limit_is_port_1023_and_2level_caps_at_4095)
{
	struct domain *a, *b;
	uint32_t p = 0, n = 0;

	setup();
	a = mkdom(1, ROLE_GUEST, 1); /* max_evtchn_port 0: the default */
	while (alloc_unbound(a, DOMID_SELF, 0, &p) == 0)
		n++;
	CU_ASSERT_EQUAL(n, 1023);
	CU_ASSERT_EQUAL(alloc_unbound(a, DOMID_SELF, 0, &p), -ENOSPC);
	/* A port past the limit but inside an allocated bucket is valid, and closed. */
	CU_ASSERT_EQUAL(status_of(a, 1023), EVTCHNSTAT_unbound);

	b = mkdom_limit(2, 100000);
	n = 0;
	for (uint32_t last = 0; alloc_unbound(b, DOMID_SELF, 0, &p) == 0; last = p) {
		n++;
		CU_ASSERT_EQUAL(p, last + 1);
	}
	CU_ASSERT_EQUAL(n, 4095);
	CU_ASSERT_EQUAL(status_of(b, 4095), EVTCHNSTAT_unbound);
	CU_ASSERT_EQUAL(ev_close(b, 4096), -EINVAL);
	CU_ASSERT_EQUAL(ev_send(b, 0xffffffffu), -EINVAL);
	teardown();
}

/* ===================== bind_interdomain, send, delivery ===================== */

UNIT_TEST(evtchn, interdomain_round_trip_raises_pending_selector_upcall_and_kick)
{
	struct domain *a, *b;
	struct evtchn_status st;
	uint32_t ap, bp;
	unsigned long kicks;

	setup();
	a = mkdom(1, ROLE_GUEST, 1);
	b = mkdom(2, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(alloc_unbound(b, DOMID_SELF, 1, &bp), 0);
	kicks = fake_vcpu_kicks;
	CU_ASSERT_EQUAL(bind_interdomain(a, 2, bp, &ap), 0);
	/* As Xen: the binder's new port is pending at once (events sent before were dropped). */
	CU_ASSERT(pending(a, ap));
	CU_ASSERT(sel(a->vcpu[0], ap));
	CU_ASSERT(upcall(a->vcpu[0]));
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks + 1);
	CU_ASSERT_PTR_EQUAL(fake_vcpu_last_kicked, a->vcpu[0]);
	CU_ASSERT(!pending(b, bp));

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
	CU_ASSERT(pending(b, bp));
	CU_ASSERT(sel(b->vcpu[0], bp));
	CU_ASSERT(upcall(b->vcpu[0]));
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks + 1);
	CU_ASSERT_PTR_EQUAL(fake_vcpu_last_kicked, b->vcpu[0]);
	/* Sending again while pending changes nothing and kicks nobody. */
	CU_ASSERT_EQUAL(ev_send(a, ap), 0);
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks + 1);

	/* b replies. */
	guest_ack_all(a);
	CU_ASSERT_EQUAL(ev_send(b, bp), 0);
	CU_ASSERT(pending(a, ap));
	CU_ASSERT(upcall(a->vcpu[0]));
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks + 2);
	teardown();
}

UNIT_TEST(evtchn, selector_already_set_means_no_new_upcall)
{
	struct domain *a, *b;
	uint32_t ap, bp;
	unsigned long kicks;

	setup();
	a = mkdom(1, ROLE_GUEST, 1);
	b = mkdom(2, ROLE_GUEST, 1);
	ap = connect(a, b, &bp);
	/* The guest still has word 0 selected (not yet scanned) but cleared upcall_pending. */
	b->vcpu[0]->vcpu_info->evtchn_pending_sel = 1;
	kicks = fake_vcpu_kicks;
	CU_ASSERT_EQUAL(ev_send(a, ap), 0);
	CU_ASSERT(pending(b, bp));
	CU_ASSERT(!upcall(b->vcpu[0]));
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks);
	teardown();
}

UNIT_TEST(evtchn, masked_port_gets_no_upcall_until_unmasked)
{
	struct domain *a, *b;
	uint32_t ap, bp;
	unsigned long kicks;

	setup();
	a = mkdom(1, ROLE_GUEST, 1);
	b = mkdom(2, ROLE_GUEST, 1);
	ap = connect(a, b, &bp);
	set_mask(b, bp, true);
	kicks = fake_vcpu_kicks;
	CU_ASSERT_EQUAL(ev_send(a, ap), 0);
	CU_ASSERT(pending(b, bp));
	CU_ASSERT(!sel(b->vcpu[0], bp));
	CU_ASSERT(!upcall(b->vcpu[0]));
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks);
	/* Unmask re-delivers the pending event. */
	CU_ASSERT_EQUAL(ev_unmask(b, bp), 0);
	CU_ASSERT(!(b->shared_info->evtchn_mask[bp / 64] & (1UL << (bp % 64))));
	CU_ASSERT(sel(b->vcpu[0], bp));
	CU_ASSERT(upcall(b->vcpu[0]));
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks + 1);
	CU_ASSERT_PTR_EQUAL(fake_vcpu_last_kicked, b->vcpu[0]);
	/* Unmasking a port that was not masked delivers nothing more. */
	guest_ack_all(b);
	b->shared_info->evtchn_pending[bp / 64] |= 1UL << (bp % 64);
	CU_ASSERT_EQUAL(ev_unmask(b, bp), 0);
	CU_ASSERT(!upcall(b->vcpu[0]));
	/* Unmask of a port that is not pending only clears the mask. */
	guest_ack_all(b);
	set_mask(b, bp, true);
	CU_ASSERT_EQUAL(ev_unmask(b, bp), 0);
	CU_ASSERT(!upcall(b->vcpu[0]));
	CU_ASSERT_EQUAL(ev_unmask(b, 5000), -EINVAL);
	CU_ASSERT_EQUAL(ev_unmask(b, 64), -EINVAL); /* past the one bucket allocated */
	CU_ASSERT_EQUAL(ev_unmask(b, 63), 0);       /* free, but valid: as Xen */
	teardown();
}

UNIT_TEST(evtchn, bind_interdomain_refuses_wrong_ports_and_domains)
{
	struct domain *a, *b, *c;
	uint32_t bp, bp_c, lp = 0, ip;

	setup();
	a = mkdom(1, ROLE_GUEST, 1);
	b = mkdom(2, ROLE_GUEST, 1);
	c = mkdom(3, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(alloc_unbound(b, DOMID_SELF, 1, &bp), 0);
	CU_ASSERT_EQUAL(alloc_unbound(b, DOMID_SELF, 3, &bp_c), 0);
	CU_ASSERT_EQUAL(bind_ipi(b, 0, &ip), 0);
	CU_ASSERT_EQUAL(bind_interdomain(a, 2, bp_c, &lp), -EINVAL);  /* for c, not a */
	CU_ASSERT_EQUAL(bind_interdomain(a, 2, ip, &lp), -EINVAL);    /* not unbound */
	CU_ASSERT_EQUAL(bind_interdomain(a, 2, 0, &lp), -EINVAL);     /* reserved */
	CU_ASSERT_EQUAL(bind_interdomain(a, 2, 40, &lp), -EINVAL);    /* free */
	CU_ASSERT_EQUAL(bind_interdomain(a, 2, 64, &lp), -EINVAL);    /* no table entry */
	CU_ASSERT_EQUAL(bind_interdomain(a, 2, 0x80000001u, &lp), -EINVAL);
	CU_ASSERT_EQUAL(bind_interdomain(a, 9, bp, &lp), -ESRCH);     /* no such domain */
	CU_ASSERT_EQUAL(bind_interdomain(a, DOMID_IO, bp, &lp), -ESRCH);
	CU_ASSERT_EQUAL(bind_interdomain(a, DOMID_SELF, bp, &lp), -EINVAL); /* a's port bp is free */
	/* The refusals took no port from a (a bucket may remain, all free). */
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 0);
	/* Bound once, the port is no longer unbound: a second bind fails. */
	CU_ASSERT_EQUAL(bind_interdomain(a, 2, bp, &lp), 0);
	CU_ASSERT_EQUAL(bind_interdomain(a, 2, bp, &lp), -EINVAL);
	CU_ASSERT_EQUAL(bind_interdomain(c, 2, bp_c, &lp), 0);
	teardown();
}

UNIT_TEST(evtchn, loopback_interdomain_in_one_domain_works_both_ways)
{
	struct domain *a;
	uint32_t p1, p2;

	setup();
	a = mkdom(1, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(alloc_unbound(a, DOMID_SELF, DOMID_SELF, &p1), 0);
	CU_ASSERT_EQUAL(bind_interdomain(a, DOMID_SELF, p1, &p2), 0);
	CU_ASSERT_NOT_EQUAL(p1, p2);
	guest_ack_all(a);
	CU_ASSERT_EQUAL(ev_send(a, p2), 0);
	CU_ASSERT(pending(a, p1));
	CU_ASSERT(!pending(a, p2));
	CU_ASSERT_EQUAL(ev_send(a, p1), 0);
	CU_ASSERT(pending(a, p2));
	CU_ASSERT_EQUAL(ev_close(a, p1), 0);
	CU_ASSERT_EQUAL(status_of(a, p2), EVTCHNSTAT_unbound);
	CU_ASSERT_EQUAL(ev_close(a, p2), 0);
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 0);
	teardown();
}

UNIT_TEST(evtchn, send_on_unbound_is_dropped_and_on_free_or_virq_is_einval)
{
	struct domain *a;
	uint32_t up, vp;

	setup();
	a = mkdom(1, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(alloc_unbound(a, DOMID_SELF, 2, &up), 0);
	CU_ASSERT_EQUAL(ev_send(a, up), 0);
	CU_ASSERT(!pending(a, up));
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_TIMER, 0, &vp), 0);
	CU_ASSERT_EQUAL(ev_send(a, vp), -EINVAL);
	CU_ASSERT_EQUAL(ev_send(a, 20), -EINVAL);  /* free */
	CU_ASSERT_EQUAL(ev_send(a, 64), -EINVAL);  /* no table entry */
	CU_ASSERT_EQUAL(ev_send(a, 1u << 31), -EINVAL);
	teardown();
}

/* ===================== close and teardown ===================== */

UNIT_TEST(evtchn, close_makes_the_peer_unbound_and_its_sends_go_nowhere)
{
	struct domain *a, *b;
	struct evtchn_status st;
	uint32_t ap, bp, ap2;
	unsigned long kicks;

	setup();
	a = mkdom(1, ROLE_GUEST, 1);
	b = mkdom(2, ROLE_GUEST, 1);
	ap = connect(a, b, &bp);
	CU_ASSERT(pending(a, ap));
	CU_ASSERT_EQUAL(ev_close(a, ap), 0);
	/* The closed port's pending bit is cleared, so its next user does not see a stale event. */
	CU_ASSERT(!pending(a, ap));
	CU_ASSERT_EQUAL(status_of(a, ap), EVTCHNSTAT_closed);
	CU_ASSERT_EQUAL(ev_status(b, DOMID_SELF, bp, &st), 0);
	CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_unbound);
	CU_ASSERT_EQUAL(st.u.unbound.dom, 1); /* waiting for a again */
	guest_ack_all(a);
	kicks = fake_vcpu_kicks;
	CU_ASSERT_EQUAL(ev_send(b, bp), 0);
	CU_ASSERT(!pending(a, ap));
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks);
	CU_ASSERT_EQUAL(ev_close(a, ap), -EINVAL); /* twice */
	/* a may bind again to the same port of b. */
	CU_ASSERT_EQUAL(bind_interdomain(a, 2, bp, &ap2), 0);
	CU_ASSERT_EQUAL(ev_send(b, bp), 0);
	CU_ASSERT(pending(a, ap2));
	teardown();
}

UNIT_TEST(evtchn, close_errors_for_bad_ports)
{
	struct domain *a;

	setup();
	a = mkdom(1, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(ev_close(a, 1), -EINVAL);
	CU_ASSERT_EQUAL(ev_close(a, 64), -EINVAL);
	CU_ASSERT_EQUAL(ev_close(a, 4095), -EINVAL);
	CU_ASSERT_EQUAL(ev_close(a, 0xffffffffu), -EINVAL);
	teardown();
}

UNIT_TEST(evtchn, destroying_a_domain_leaves_its_peers_unbound_and_consistent)
{
	struct domain *a, *b, *c;
	struct evtchn_status st;
	uint32_t ap, bp, cp, cbp, up;

	setup();
	a = mkdom(1, ROLE_GUEST, 2);
	b = mkdom(2, ROLE_GUEST, 2);
	c = mkdom(3, ROLE_GUEST, 1);
	ap = connect(a, b, &bp);
	cp = connect(c, b, &cbp);
	CU_ASSERT_EQUAL(alloc_unbound(b, DOMID_SELF, 1, &up), 0);
	CU_ASSERT_EQUAL(bind_virq(b, VIRQ_TIMER, 1, NULL), 0);
	CU_ASSERT_EQUAL(bind_ipi(b, 1, NULL), 0);
	fake_domain_kill(b);
	CU_ASSERT_EQUAL(ev_status(a, DOMID_SELF, ap, &st), 0);
	CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_unbound);
	CU_ASSERT_EQUAL(st.u.unbound.dom, 2);
	CU_ASSERT_EQUAL(status_of(c, cp), EVTCHNSTAT_unbound);
	/* Sending into the dead domain is harmless and reaches nobody. */
	guest_ack_all(a);
	CU_ASSERT_EQUAL(ev_send(a, ap), 0);
	CU_ASSERT_EQUAL(ev_send(c, cp), 0);
	/* It is gone: binding to it fails, the hypervisor's helpers tolerate it. */
	CU_ASSERT_EQUAL(bind_interdomain(a, 2, up, NULL), -ESRCH);
	CU_ASSERT_EQUAL(ev_close(a, ap), 0);
	CU_ASSERT_EQUAL(ev_close(c, cp), 0);
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 0);
	teardown();
}

UNIT_TEST(evtchn, destroy_with_loopback_and_crossed_ports_in_both_lock_orders)
{
	struct domain *a, *b;
	uint32_t p1, p2;

	setup();
	a = mkdom(1, ROLE_GUEST, 1);
	b = mkdom(2, ROLE_GUEST, 1);
	/* Ports in both directions, so closing meets peers at lower and higher addresses. */
	for (int i = 0; i < 10; i++) {
		connect(a, b, NULL);
		connect(b, a, NULL);
	}
	CU_ASSERT_EQUAL(alloc_unbound(a, DOMID_SELF, DOMID_SELF, &p1), 0);
	CU_ASSERT_EQUAL(bind_interdomain(a, DOMID_SELF, p1, &p2), 0);
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 22);
	fake_domain_kill(a);
	/* b's 20 ports remain, all unbound now. */
	CU_ASSERT_EQUAL(b->evtchn->nr_active, 20);
	for (uint32_t p = 1; p <= 20; p++)
		CU_ASSERT_EQUAL(status_of(b, p), EVTCHNSTAT_unbound);
	teardown();
}

UNIT_TEST(evtchn, hypervisor_helpers_on_a_dead_table_do_nothing)
{
	struct domain *a;

	setup();
	a = mkdom(1, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_TIMER, 0, NULL), 0);
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
	teardown();
}

/* ===================== VIRQs ===================== */

UNIT_TEST(evtchn, bind_virq_per_vcpu_and_global_rules)
{
	struct domain *a;
	struct evtchn_status st;
	uint32_t t0, t1, p;

	setup();
	a = mkdom(1, ROLE_GUEST, 2);
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_TIMER, 0, &t0), 0);
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_TIMER, 1, &t1), 0);
	CU_ASSERT_NOT_EQUAL(t0, t1);
	CU_ASSERT_EQUAL(a->vcpu[1]->virq_to_evtchn[VIRQ_TIMER], t1);
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_TIMER, 1, &p), -EEXIST);
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_DEBUG, 1, &p), 0);
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_XENPMU, 1, &p), 0);
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_TIMER, 2, &p), -ENOENT);  /* max_vcpus 2 */
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_TIMER, 0xffffffffu, &p), -ENOENT);
	CU_ASSERT_EQUAL(bind_virq(a, NR_VIRQS, 0, &p), -EINVAL);
	CU_ASSERT_EQUAL(bind_virq(a, 0xffffffffu, 0, &p), -EINVAL);
	/* Global VIRQs: vCPU 0 only, once. */
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_DOM_EXC, 1, &p), -EINVAL);
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_CONSOLE, 5, &p), -EINVAL); /* global check first, as Xen */
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_DOM_EXC, 0, &p), 0);
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_DOM_EXC, 0, &p), -EEXIST);
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_ARCH_0, 0, &p), 0);
	CU_ASSERT_EQUAL(ev_status(a, DOMID_SELF, t1, &st), 0);
	CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_virq);
	CU_ASSERT_EQUAL(st.u.virq, VIRQ_TIMER);
	CU_ASSERT_EQUAL(st.vcpu, 1);
	/* Closing unbinds: the VIRQ can be bound again. */
	CU_ASSERT_EQUAL(ev_close(a, t1), 0);
	CU_ASSERT_EQUAL(a->vcpu[1]->virq_to_evtchn[VIRQ_TIMER], 0);
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_TIMER, 1, &p), 0);
	teardown();
}

UNIT_TEST(evtchn, vcpu_virq_timer_reaches_the_bound_vcpu_only)
{
	struct domain *a;
	uint32_t t0, t1;
	unsigned long kicks;

	setup();
	a = mkdom(1, ROLE_GUEST, 2);
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_TIMER, 0, &t0), 0);
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_TIMER, 1, &t1), 0);
	kicks = fake_vcpu_kicks;
	send_guest_vcpu_virq(a->vcpu[1], VIRQ_TIMER);
	CU_ASSERT(pending(a, t1));
	CU_ASSERT(!pending(a, t0));
	CU_ASSERT(upcall(a->vcpu[1]));
	CU_ASSERT(!upcall(a->vcpu[0]));
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks + 1);
	CU_ASSERT_PTR_EQUAL(fake_vcpu_last_kicked, a->vcpu[1]);
	/* Unbound VIRQs are dropped silently. */
	send_guest_vcpu_virq(a->vcpu[0], VIRQ_DEBUG);
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks + 1);
	teardown();
}

UNIT_TEST(evtchn, global_virq_goes_to_privileged_binders_and_follows_bind_vcpu)
{
	struct domain *ctl, *store, *g, *victim;
	uint32_t cp, sp, gp, dp;

	setup();
	ctl = mkdom(0, ROLE_CONTROL, 2);
	store = mkdom(1, ROLE_XENSTORE, 1);
	g = mkdom(2, ROLE_GUEST, 1);
	victim = mkdom(3, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(bind_virq(ctl, VIRQ_DOM_EXC, 0, &cp), 0);
	CU_ASSERT_EQUAL(bind_virq(store, VIRQ_DOM_EXC, 0, &sp), 0);
	CU_ASSERT_EQUAL(bind_virq(g, VIRQ_DOM_EXC, 0, &gp), 0);
	CU_ASSERT_EQUAL(bind_virq(ctl, VIRQ_CONSOLE, 0, &dp), 0);
	/* Move the control domain's DOM_EXC to vCPU 1. */
	CU_ASSERT_EQUAL(bind_vcpu(ctl, cp, 1), 0);
	guest_ack_all(ctl);
	domain_shutdown(victim, SHUTDOWN_poweroff);
	CU_ASSERT(pending(ctl, cp));
	CU_ASSERT(upcall(ctl->vcpu[1]));
	CU_ASSERT(!upcall(ctl->vcpu[0]));
	CU_ASSERT(pending(store, sp));
	CU_ASSERT(!pending(g, gp)); /* a plain guest may bind it but is never raised */
	CU_ASSERT(!pending(ctl, dp));
	send_global_virq(VIRQ_CONSOLE);
	CU_ASSERT(pending(ctl, dp));
	/* send_guest_global_virq names the domain itself. */
	send_guest_global_virq(g, VIRQ_DOM_EXC);
	CU_ASSERT(pending(g, gp));
	teardown();
}

/* As Xen's domain_kill: the end of a teardown raises VIRQ_DOM_EXC again (the store cleans up). */
UNIT_TEST(evtchn, domain_kill_raises_dom_exc_for_the_store_once_the_domain_is_gone)
{
	struct domain *store, *victim;
	uint32_t sp;

	setup();
	store = mkdom(1, ROLE_XENSTORE, 1);
	victim = mkdom(3, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(bind_virq(store, VIRQ_DOM_EXC, 0, &sp), 0);
	guest_ack_all(store);
	while (domain_kill(victim) == -ERESTART)
		;
	CU_ASSERT(pending(store, sp));
	CU_ASSERT_PTR_NULL(get_domain_by_id(3));
	teardown();
}

/* ===================== IPIs and bind_vcpu ===================== */

UNIT_TEST(evtchn, ipi_raises_its_own_port_on_the_bound_vcpu)
{
	struct domain *a;
	struct evtchn_status st;
	uint32_t p;

	setup();
	a = mkdom(1, ROLE_GUEST, 3);
	CU_ASSERT_EQUAL(bind_ipi(a, 2, &p), 0);
	CU_ASSERT_EQUAL(ev_status(a, DOMID_SELF, p, &st), 0);
	CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_ipi);
	CU_ASSERT_EQUAL(st.vcpu, 2);
	CU_ASSERT_EQUAL(evtop_on(a, 1, EVTCHNOP_send, &(struct evtchn_send){ .port = p },
				 sizeof(struct evtchn_send)), 0);
	CU_ASSERT(pending(a, p));
	CU_ASSERT(upcall(a->vcpu[2]));
	CU_ASSERT(!upcall(a->vcpu[0]));
	CU_ASSERT(!upcall(a->vcpu[1]));
	CU_ASSERT_EQUAL(bind_ipi(a, 3, &p), -ENOENT);
	CU_ASSERT_EQUAL(bind_ipi(a, 0x10000, &p), -ENOENT);
	teardown();
}

UNIT_TEST(evtchn, bind_vcpu_moves_unbound_interdomain_and_global_virq_only)
{
	struct domain *a, *b;
	struct evtchn_status st;
	uint32_t ap, bp, up, tp, ip, gp;

	setup();
	a = mkdom(1, ROLE_GUEST, 2);
	b = mkdom(2, ROLE_GUEST, 1);
	bp = 0;
	ap = connect(a, b, &bp);
	CU_ASSERT_EQUAL(alloc_unbound(a, DOMID_SELF, 2, &up), 0);
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_TIMER, 0, &tp), 0);
	CU_ASSERT_EQUAL(bind_ipi(a, 0, &ip), 0);
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_CON_RING, 0, &gp), 0);

	CU_ASSERT_EQUAL(bind_vcpu(a, ap, 1), 0);
	CU_ASSERT_EQUAL(bind_vcpu(a, up, 1), 0);
	CU_ASSERT_EQUAL(bind_vcpu(a, gp, 1), 0);
	CU_ASSERT_EQUAL(bind_vcpu(a, tp, 1), -EINVAL);
	CU_ASSERT_EQUAL(bind_vcpu(a, ip, 1), -EINVAL);
	CU_ASSERT_EQUAL(bind_vcpu(a, 30, 1), -EINVAL);  /* free */
	CU_ASSERT_EQUAL(bind_vcpu(a, 64, 1), -EINVAL);  /* no entry */
	CU_ASSERT_EQUAL(bind_vcpu(a, ap, 2), -ENOENT);
	CU_ASSERT_EQUAL(bind_vcpu(a, 9999, 7), -ENOENT); /* the vCPU is checked first, as Xen */
	CU_ASSERT_EQUAL(ev_status(a, DOMID_SELF, ap, &st), 0);
	CU_ASSERT_EQUAL(st.vcpu, 1);
	CU_ASSERT_EQUAL(ev_status(a, DOMID_SELF, tp, &st), 0);
	CU_ASSERT_EQUAL(st.vcpu, 0);

	guest_ack_all(a);
	CU_ASSERT_EQUAL(ev_send(b, bp), 0);
	CU_ASSERT(upcall(a->vcpu[1]));
	CU_ASSERT(sel(a->vcpu[1], ap));
	CU_ASSERT(!upcall(a->vcpu[0]));
	/* The unbound port keeps its vCPU when someone binds to it. */
	uint32_t bp2;
	CU_ASSERT_EQUAL(bind_interdomain(b, 1, up, &bp2), 0);
	guest_ack_all(a);
	CU_ASSERT_EQUAL(ev_send(b, bp2), 0);
	CU_ASSERT(upcall(a->vcpu[1]));
	CU_ASSERT(!upcall(a->vcpu[0]));
	teardown();
}

/* ===================== status ===================== */

UNIT_TEST(evtchn, status_of_other_domains_needs_the_control_role)
{
	struct domain *ctl, *a, *b;
	struct evtchn_status st;
	uint32_t ap, bp;

	setup();
	ctl = mkdom(0, ROLE_CONTROL, 1);
	a = mkdom(1, ROLE_GUEST, 1);
	b = mkdom(2, ROLE_GUEST, 1);
	ap = connect(a, b, &bp);
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
	teardown();
}

/* ===================== reset ===================== */

UNIT_TEST(evtchn, reset_closes_every_port_and_peers_become_unbound)
{
	struct domain *ctl, *a, *b;
	uint32_t ap, bp;

	setup();
	ctl = mkdom(0, ROLE_CONTROL, 1);
	a = mkdom(1, ROLE_GUEST, 2);
	b = mkdom(2, ROLE_GUEST, 1);
	ap = connect(a, b, &bp);
	CU_ASSERT_EQUAL(bind_virq(a, VIRQ_TIMER, 1, NULL), 0);
	CU_ASSERT_EQUAL(bind_ipi(a, 1, NULL), 0);
	CU_ASSERT_EQUAL(alloc_unbound(a, DOMID_SELF, 0, NULL), 0);

	CU_ASSERT_EQUAL(ev_reset(b, 1), -EPERM);
	CU_ASSERT_EQUAL(ev_reset(b, 9), -ESRCH);
	/* The controller may reset a only while it has a paused (domains start so). */
	CU_ASSERT_EQUAL(domain_unpause_by_controller(a), 0);
	CU_ASSERT_EQUAL(ev_reset(ctl, 1), -EINVAL);
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 4);
	CU_ASSERT_EQUAL(ev_reset(a, DOMID_SELF), 0);
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 0);
	CU_ASSERT_EQUAL(a->vcpu[1]->virq_to_evtchn[VIRQ_TIMER], 0);
	CU_ASSERT_EQUAL(status_of(a, ap), EVTCHNSTAT_closed);
	CU_ASSERT_EQUAL(status_of(b, bp), EVTCHNSTAT_unbound);
	/* Usable again afterwards. */
	CU_ASSERT_EQUAL(bind_interdomain(a, 2, bp, &ap), 0);
	CU_ASSERT_EQUAL(domain_pause_by_controller(a), 0);
	CU_ASSERT_EQUAL(ev_reset(ctl, 1), 0);
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 0);
	/* Controller pauses are counted: allowed while any one is outstanding. */
	CU_ASSERT_EQUAL(domain_pause_by_controller(a), 0);
	CU_ASSERT_EQUAL(domain_unpause_by_controller(a), 0);
	CU_ASSERT_EQUAL(ev_reset(ctl, 1), 0);
	CU_ASSERT_EQUAL(domain_unpause_by_controller(a), 0);
	CU_ASSERT_EQUAL(ev_reset(ctl, 1), -EINVAL);
	teardown();
}

UNIT_TEST(evtchn, reset_of_many_ports_is_preempted_and_continued)
{
	struct domain *a;

	setup();
	a = mkdom(1, ROLE_GUEST, 1);
	for (int i = 0; i < 500; i++)
		CU_ASSERT_EQUAL(alloc_unbound(a, DOMID_SELF, 0, NULL), 0);
	fake_preempt_after(1);
	CU_ASSERT_EQUAL(ev_reset(a, DOMID_SELF), 0);
	fake_preempt_after(-1);
	CU_ASSERT(fake_hypercall_restarts >= 2);
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 0);
	CU_ASSERT_EQUAL(a->evtchn->reset_next, 0);
	/* A stray continuation sub-op with no reset under way is refused. */
	CU_ASSERT_EQUAL(evtop(a, 14, &(struct evtchn_reset){ .dom = DOMID_SELF }), -EBUSY);
	teardown();
}

/* ===================== hypercall surface ===================== */

UNIT_TEST(evtchn, fifo_pirq_and_unknown_ops_are_enosys)
{
	struct domain *a;
	struct evtchn_init_control ic = { 0 };
	struct evtchn_expand_array ea = { 0 };
	struct evtchn_set_priority sp = { .port = 1, .priority = 3 };
	struct evtchn_bind_pirq bp = { .pirq = 1 };

	setup();
	a = mkdom(1, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(evtop(a, EVTCHNOP_init_control, &ic), -ENOSYS);
	CU_ASSERT_EQUAL(evtop(a, EVTCHNOP_expand_array, &ea), -ENOSYS);
	CU_ASSERT_EQUAL(evtop(a, EVTCHNOP_set_priority, &sp), -ENOSYS);
	CU_ASSERT_EQUAL(evtop(a, EVTCHNOP_bind_pirq, &bp), -ENOSYS);
	CU_ASSERT_EQUAL(evtop(a, 15, &bp), -ENOSYS);
	CU_ASSERT_EQUAL(evtop(a, -1, &bp), -ENOSYS);
	teardown();
}

UNIT_TEST(evtchn, bad_guest_addresses_give_efault_and_change_nothing)
{
	struct domain *a;
	static const int cmds[] = { EVTCHNOP_alloc_unbound, EVTCHNOP_bind_interdomain,
				    EVTCHNOP_bind_virq, EVTCHNOP_bind_ipi, EVTCHNOP_close,
				    EVTCHNOP_send, EVTCHNOP_status, EVTCHNOP_bind_vcpu,
				    EVTCHNOP_unmask, EVTCHNOP_reset };

	setup();
	a = mkdom(1, ROLE_GUEST, 1);
	fake_set_current(a->vcpu[0]);
	for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		CU_ASSERT_EQUAL(fake_hypercall2(__HYPERVISOR_event_channel_op, cmds[i], 0), -EFAULT);
		/* Straddling the end of guest memory (every argument is 2 bytes or more). */
		CU_ASSERT_EQUAL(fake_hypercall2(__HYPERVISOR_event_channel_op, cmds[i],
						fake_guest_end(a) - 1), -EFAULT);
	}
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 0);
	teardown();
}

UNIT_TEST(evtchn, failed_copy_out_reports_efault_and_the_port_can_be_closed)
{
	struct domain *a;
	uint32_t p = 0;

	setup();
	a = mkdom(1, ROLE_GUEST, 1);
	fake_copy_fail_after = 1; /* the copy in succeeds, the copy out fails */
	CU_ASSERT_EQUAL(alloc_unbound(a, DOMID_SELF, 0, &p), -EFAULT);
	fake_copy_fail_after = -1;
	/* As Xen, the port stays allocated; the guest (or teardown) closes it. */
	CU_ASSERT_EQUAL(a->evtchn->nr_active, 1);
	CU_ASSERT_EQUAL(status_of(a, 1), EVTCHNSTAT_unbound);
	CU_ASSERT_EQUAL(ev_close(a, 1), 0);
	teardown();
}

/* ===================== SCHEDOP_poll support ===================== */

UNIT_TEST(evtchn, port_is_pending_and_valid_for_poll)
{
	struct domain *a, *b;
	uint32_t ap, bp;

	setup();
	a = mkdom(1, ROLE_GUEST, 1);
	b = mkdom(2, ROLE_GUEST, 1);
	ap = connect(a, b, &bp);
	CU_ASSERT(evtchn_port_is_valid(b, bp));
	CU_ASSERT(evtchn_port_is_valid(b, 63));
	CU_ASSERT(!evtchn_port_is_valid(b, 64));
	CU_ASSERT(!evtchn_port_is_pending(b, bp));
	CU_ASSERT(!evtchn_port_is_pending(b, 100000));
	CU_ASSERT_EQUAL(evtchn_send(a, ap), 0);
	CU_ASSERT(evtchn_port_is_pending(b, bp));
	teardown();
}

UNIT_TEST(evtchn, event_wakes_a_poller_of_that_port_even_when_masked)
{
	struct domain *a, *b;
	struct vcpu *v;
	uint32_t ap, bp, ap2, bp2;

	setup();
	a = mkdom(1, ROLE_GUEST, 1);
	b = mkdom(2, ROLE_GUEST, 1);
	ap = connect(a, b, &bp);
	ap2 = connect(a, b, &bp2);
	v = b->vcpu[0];
	set_mask(b, bp, true);
	set_mask(b, bp2, true);
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
	guest_ack_all(b);
	CU_ASSERT_EQUAL(evtchn_send(a, ap2), 0);
	CU_ASSERT(!test_bit(VPF_polling, &v->pause_flags));
	teardown();
}

/* ===================== randomized ===================== */

#define RND_DOMS 3

/* Check the table invariants of every live domain (private structures). */
static void check_invariants(struct domain **doms)
{
	for (int i = 0; i < RND_DOMS; i++) {
		struct domain *d = doms[i];
		struct evtchn_domain *ed;
		uint32_t active = 0;

		if (!d)
			continue;
		ed = d->evtchn;
		CU_ASSERT_PTR_NOT_NULL_FATAL(ed);
		CU_ASSERT_FATAL(ed->nr_valid % EVTCHN_PORTS_PER_BUCKET == 0);
		CU_ASSERT_FATAL(ed->nr_valid <= EVTCHN_2L_MAX_PORTS);
		CU_ASSERT_FATAL(evtchn_from_port(ed, 0)->state == ECS_RESERVED);
		for (uint32_t p = 1; p < ed->nr_valid; p++) {
			struct evtchn *c = evtchn_from_port(ed, p);

			CU_ASSERT_FATAL(c->notify_vcpu_id < d->max_vcpus);
			switch (c->state) {
			case ECS_FREE:
				/* A free port carries no stale pending bit. */
				CU_ASSERT_FATAL(!pending(d, p));
				break;
			case ECS_INTERDOMAIN: {
				struct domain *r = c->u.interdomain.remote_dom;
				struct evtchn *rc;

				active++;
				CU_ASSERT_PTR_NOT_NULL_FATAL(r->evtchn);
				CU_ASSERT_FATAL(c->u.interdomain.remote_port < r->evtchn->nr_valid);
				rc = evtchn_from_port(r->evtchn, c->u.interdomain.remote_port);
				CU_ASSERT_FATAL(rc->state == ECS_INTERDOMAIN);
				CU_ASSERT_PTR_EQUAL_FATAL(rc->u.interdomain.remote_dom, d);
				CU_ASSERT_FATAL(rc->u.interdomain.remote_port == p);
				break;
			}
			case ECS_VIRQ: {
				uint32_t owner = c->u.virq == VIRQ_TIMER || c->u.virq == VIRQ_DEBUG ||
							 c->u.virq == VIRQ_XENOPROF ||
							 c->u.virq == VIRQ_XENPMU
						 ? c->notify_vcpu_id
						 : 0;

				active++;
				CU_ASSERT_FATAL(c->u.virq < NR_VIRQS);
				CU_ASSERT_FATAL(d->vcpu[owner]->virq_to_evtchn[c->u.virq] == p);
				break;
			}
			case ECS_UNBOUND:
			case ECS_IPI:
				active++;
				break;
			default:
				CU_FAIL_FATAL("bad state");
			}
		}
		CU_ASSERT_FATAL(active == ed->nr_active);
		/* Every VIRQ binding names a VIRQ port of that VIRQ. */
		for (unsigned int vi = 0; vi < d->max_vcpus; vi++)
			for (uint32_t q = 0; q < NR_VIRQS; q++) {
				uint32_t p = d->vcpu[vi]->virq_to_evtchn[q];

				if (!p)
					continue;
				CU_ASSERT_FATAL(p < ed->nr_valid);
				CU_ASSERT_FATAL(evtchn_from_port(ed, p)->state == ECS_VIRQ);
				CU_ASSERT_FATAL(evtchn_from_port(ed, p)->u.virq == q);
			}
	}
}

static uint32_t rnd_port(void)
{
	switch (rand() % 8) {
	case 0:
		return (uint32_t)rand();
	case 1:
		return 4096 + (uint32_t)(rand() % 64);
	case 2:
		return 0;
	default:
		return (uint32_t)(rand() % 70);
	}
}

static domid_t rnd_domid(void)
{
	static const domid_t ids[] = { 0, 1, 2, 3, DOMID_SELF, DOMID_XEN, DOMID_INVALID, 0xffff };

	return rand() % 4 ? (domid_t)(rand() % RND_DOMS) : ids[rand() % 8];
}

static struct domain *rnd_make(domid_t id)
{
	/* Domain 0 is the controller; small limits so tables fill up. */
	struct domain_create_args args =
		fake_domain_args("rnd", id == 0 ? ROLE_CONTROL : ROLE_GUEST, 1 + (unsigned)(id % 3));
	struct domain *d = NULL;

	args.max_evtchn_port = id == 2 ? 40 : 0;
	CU_ASSERT_EQUAL_FATAL(domain_create(id, &args, &d), 0);
	fake_guest_attach(d, 0);
	add_vcpus(d);
	scratch_gva[id] = fake_guest_alloc(d, 64, &scratch_host[id]);
	return d;
}

/* Aim a bind at a port some domain left unbound for d, so binds succeed often enough. */
static void pick_bindable(struct domain **doms, struct domain *d, struct evtchn_bind_interdomain *b)
{
	struct domain *r = doms[rand() % RND_DOMS];
	struct evtchn_domain *ed = r->evtchn;

	for (uint32_t p = 1; p < ed->nr_valid; p++) {
		struct evtchn *c = evtchn_from_port(ed, p);

		if (c->state == ECS_UNBOUND && c->u.unbound.remote_domid == d->domain_id) {
			b->remote_dom = r == d && rand() % 2 ? DOMID_SELF : r->domain_id;
			b->remote_port = p;
			return;
		}
	}
}

UNIT_TEST(evtchn, random_operations_keep_invariants_and_leak_nothing)
{
	struct domain *doms[RND_DOMS];
	unsigned long ok = 0;

	setup();
	srand(12345);
	for (int i = 0; i < RND_DOMS; i++)
		doms[i] = rnd_make((domid_t)i);
	for (int step = 0; step < 30000; step++) {
		struct domain *d = doms[rand() % RND_DOMS];
		unsigned int vcpu = (unsigned)rand() % d->max_vcpus;
		uint32_t rv = (uint32_t)rand() % 4 ? (uint32_t)(rand() % 4) : (uint32_t)rand();
		union {
			struct evtchn_alloc_unbound au;
			struct evtchn_bind_interdomain bi;
			struct evtchn_bind_virq bv;
			struct evtchn_bind_ipi ipi;
			struct evtchn_close cl;
			struct evtchn_send se;
			struct evtchn_status st;
			struct evtchn_bind_vcpu bvc;
			struct evtchn_unmask um;
			struct evtchn_reset rs;
			uint8_t raw[64];
		} op;
		int cmd = rand() % 16;
		long rc;

		memset(&op, 0, sizeof(op));
		switch (cmd) {
		case EVTCHNOP_alloc_unbound:
			op.au.dom = rand() % 3 ? DOMID_SELF : rnd_domid();
			op.au.remote_dom = rnd_domid();
			break;
		case EVTCHNOP_bind_interdomain:
			op.bi.remote_dom = rnd_domid();
			op.bi.remote_port = rnd_port();
			if (rand() % 2)
				pick_bindable(doms, d, &op.bi);
			break;
		case EVTCHNOP_bind_virq:
			op.bv.virq = rand() % 4 ? (uint32_t)(rand() % 26) : (uint32_t)rand();
			op.bv.vcpu = rv;
			break;
		case EVTCHNOP_bind_ipi:
			op.ipi.vcpu = rv;
			break;
		case EVTCHNOP_status:
			op.st.dom = rnd_domid();
			op.st.port = rnd_port();
			break;
		case EVTCHNOP_bind_vcpu:
			op.bvc.port = rnd_port();
			op.bvc.vcpu = rv;
			break;
		case EVTCHNOP_reset:
			if (rand() % 8)
				continue; /* rare */
			op.rs.dom = rnd_domid();
			break;
		default:
			/* close, send, unmask, and the rest: a port (or garbage) in the first word. */
			op.cl.port = rnd_port();
			break;
		}
		/* The guest plays with its mask bits and acknowledges events now and then. */
		if (rand() % 10 == 0)
			set_mask(d, rnd_port() % 4096, rand() % 2);
		if (rand() % 7 == 0)
			guest_ack_all(d);
		/* Occasionally the hypervisor raises VIRQs, or a domain dies and comes back. */
		if (rand() % 50 == 0)
			send_guest_vcpu_virq(d->vcpu[vcpu], VIRQ_TIMER);
		if (rand() % 80 == 0)
			send_global_virq(VIRQ_DOM_EXC);
		if (rand() % 400 == 0) {
			domid_t id = d->domain_id;

			fake_guest_detach(d); /* the fake keys memory by pointer: drop it first */
			fake_domain_kill(d);
			doms[id] = rnd_make(id);
			check_invariants(doms);
			continue;
		}
		rc = evtop_on(d, vcpu, cmd, &op, sizeof(op));
		CU_ASSERT_FATAL(rc <= 0 && rc > -200);
		if (rc == 0)
			ok++;
		if (step % 16 == 0)
			check_invariants(doms);
	}
	check_invariants(doms);
	/* Enough operations succeeded for the run to mean something. */
	CU_ASSERT(ok > 3000);
	teardown();
}
