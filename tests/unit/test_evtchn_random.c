/*
 * Event channels: random sequences of EVTCHNOP calls by three domains
 * (with mask games, acknowledgements, VIRQs and domains dying and coming
 * back) that must keep every table consistent and leak nothing. Set-up in
 * evtchn_test.h.
 */
#include <stdlib.h>
#include <string.h>

#include "evtchn_test.h"

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
				CU_ASSERT_FATAL(!ev_pending(d, p));
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
				uint32_t owner =
				    c->u.virq == VIRQ_TIMER || c->u.virq == VIRQ_DEBUG ||
					    c->u.virq == VIRQ_XENOPROF || c->u.virq == VIRQ_XENPMU
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
	static const domid_t ids[] = {0, 1, 2, 3, DOMID_SELF, DOMID_XEN, DOMID_INVALID, 0xffff};

	return rand() % 4 ? (domid_t)(rand() % RND_DOMS) : ids[rand() % 8];
}

static struct domain *rnd_make(domid_t id)
{
	/* Domain 0 is the controller; small limits so tables fill up. */
	struct domain_create_args args =
	    fake_domain_args("rnd", id == 0 ? ROLE_CONTROL : ROLE_GUEST, 1 + (unsigned)(id % 3));

	args.max_evtchn_port = id == 2 ? 40 : 0;
	return ev_mkdom_with(id, &args);
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

	ev_setup();
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
			/* close, send, unmask, and the rest: a port (or garbage) in the first word.
			 */
			op.cl.port = rnd_port();
			break;
		}
		/* The guest plays with its mask bits and acknowledges events now and then. */
		if (rand() % 10 == 0)
			ev_set_mask(d, rnd_port() % 4096, rand() % 2);
		if (rand() % 7 == 0)
			ev_guest_ack_all(d);
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
	ev_teardown();
}
