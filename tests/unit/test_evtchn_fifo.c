/*
 * Event channels: the FIFO ABI (common/event_fifo.c). init_control and
 * expand_array with hostile arguments, the 2-level -> FIFO switch keeping
 * bound ports, linking on priority queues, READY and HEAD words, masking,
 * set_priority, moving a port between vCPUs, busy ports, the port limit,
 * EVTCHNOP_reset back to 2-level, page references, a guest racing the
 * hypervisor on its tail word, and random runs. Set-up in evtchn_test.h; the
 * guest side is a small model of Linux's events_fifo.c consumer.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/mm.h>
#include <tessera/p2m.h>
#include <tessera/page_info.h>

#include "evtchn_test.h"

#define CB_GFN 0x1000	 /* control blocks: one page per vCPU from here */
#define ARRAY_GFN 0x2000 /* event array pages from here */
#define W_PENDING (1u << EVTCHN_FIFO_PENDING)
#define W_MASKED (1u << EVTCHN_FIFO_MASKED)
#define W_LINKED (1u << EVTCHN_FIFO_LINKED)
#define W_BUSY (1u << EVTCHN_FIFO_BUSY)

/* Guest RAM at gfn: the page (its host view through page_to_virt). */
static struct page_info *ram_at(struct domain *d, uint64_t gfn)
{
	struct page_info *pg = alloc_domain_pages(d, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(pg);
	CU_ASSERT_EQUAL_FATAL(p2m_set_entry(d, _gfn(gfn), page_to_mfn(pg), p2m_ram_rw), 0);
	memset(page_to_virt(pg), 0, 4096);
	return pg;
}

static unsigned long refs(const struct page_info *pg)
{
	return pg->count_info & PGC_count_mask;
}

static long init_control(struct domain *d, uint32_t vcpu, uint64_t gfn, uint32_t offset,
			 uint8_t *link_bits)
{
	struct evtchn_init_control op = {
	    .control_gfn = gfn, .offset = offset, .vcpu = vcpu, .link_bits = 0xee};
	long rc = evtop(d, EVTCHNOP_init_control, &op);

	if (link_bits)
		*link_bits = op.link_bits;
	return rc;
}

static long expand(struct domain *d, uint64_t gfn)
{
	struct evtchn_expand_array op = {.array_gfn = gfn};

	return evtop(d, EVTCHNOP_expand_array, &op);
}

static long set_priority(struct domain *d, uint32_t port, uint32_t prio)
{
	struct evtchn_set_priority op = {.port = port, .priority = prio};

	return evtop(d, EVTCHNOP_set_priority, &op);
}

/* The guest's state: control blocks and array pages it gave. */
struct fifo_guest {
	struct domain *d;
	struct evtchn_fifo_control_block *cb[8];
	struct page_info *cb_pg[8];
	event_word_t *words[8];
	struct page_info *array_pg[8];
	unsigned int nr_pages;
};

/* Switch d to FIFO on every vCPU with pages array pages, as Linux at boot. */
static void fifo_on(struct fifo_guest *g, struct domain *d, unsigned int pages)
{
	uint8_t lb = 0;

	memset(g, 0, sizeof(*g));
	g->d = d;
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		g->cb_pg[i] = ram_at(d, CB_GFN + d->domain_id * 16 + i);
		CU_ASSERT_EQUAL_FATAL(init_control(d, i, CB_GFN + d->domain_id * 16 + i, 64, &lb),
				      0);
		CU_ASSERT_EQUAL(lb, EVTCHN_FIFO_LINK_BITS);
		g->cb[i] = (void *)((char *)page_to_virt(g->cb_pg[i]) + 64);
	}
	for (unsigned int i = 0; i < pages; i++) {
		uint64_t gfn = ARRAY_GFN + d->domain_id * 16 + i;

		g->array_pg[i] = ram_at(d, gfn);
		CU_ASSERT_EQUAL_FATAL(expand(d, gfn), 0);
		g->words[i] = page_to_virt(g->array_pg[i]);
	}
	g->nr_pages = pages;
}

static event_word_t *word(struct fifo_guest *g, uint32_t port)
{
	CU_ASSERT_FATAL(port / 1024 < g->nr_pages);
	return &g->words[port / 1024][port % 1024];
}

/*
 * The guest's consumer (Linux's consume_one_event, all at once): for each
 * READY queue of vcpu, highest priority first, walk from HEAD, unlink each
 * word and take it if pending and unmasked. Returns how many were taken, in out[].
 */
static unsigned int consume(struct fifo_guest *g, unsigned int vcpu, uint32_t *out,
			    unsigned int max)
{
	struct evtchn_fifo_control_block *cb = g->cb[vcpu];
	unsigned int n = 0;

	for (unsigned int q = 0; q < EVTCHN_FIFO_MAX_QUEUES; q++) {
		uint32_t port;

		if (!(__atomic_load_n(&cb->ready, __ATOMIC_SEQ_CST) & (1u << q)))
			continue;
		port = cb->head[q];
		/* A guest that corrupted its own links could loop: the model stops. */
		for (unsigned int steps = 0; port != 0 && port / 1024 < g->nr_pages && steps < 4096;
		     steps++) {
			event_word_t *w = word(g, port);
			event_word_t old = __atomic_fetch_and(
			    w, ~(W_LINKED | EVTCHN_FIFO_LINK_MASK), __ATOMIC_SEQ_CST);
			uint32_t next = old & EVTCHN_FIFO_LINK_MASK;

			if (next == 0)
				__atomic_fetch_and(&cb->ready, ~(1u << q), __ATOMIC_SEQ_CST);
			if ((old & W_PENDING) && !(old & W_MASKED)) {
				__atomic_fetch_and(w, ~W_PENDING, __ATOMIC_SEQ_CST);
				if (n < max)
					out[n] = port;
				n++;
			}
			port = next;
		}
		cb->head[q] = 0;
	}
	return n;
}

/* ===================== init_control and expand_array ===================== */

UNIT_TEST(evtchn, fifo_init_control_refuses_hostile_arguments)
{
	struct domain *a;
	struct page_info *pg;
	unsigned long r;
	uint8_t lb = 0;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 2);
	pg = ram_at(a, CB_GFN);
	r = refs(pg);
	CU_ASSERT_EQUAL(init_control(a, 2, CB_GFN, 0, NULL), -ENOENT);
	CU_ASSERT_EQUAL(init_control(a, 0xffffffffu, CB_GFN, 0, NULL), -ENOENT);
	/* The 72-byte block must fit the page, 8-byte aligned. */
	CU_ASSERT_EQUAL(init_control(a, 0, CB_GFN, 4096 - 72 + 8, NULL), -EINVAL);
	CU_ASSERT_EQUAL(init_control(a, 0, CB_GFN, 0xfffffff8u, NULL), -EINVAL);
	CU_ASSERT_EQUAL(init_control(a, 0, CB_GFN, 4, NULL), -EINVAL);
	/* Frames that are not its RAM. */
	CU_ASSERT_EQUAL(init_control(a, 0, CB_GFN + 1, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(init_control(a, 0, ~0ULL, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(init_control(a, 0, 1ULL << 52, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(refs(pg), r);
	CU_ASSERT_PTR_NULL(a->evtchn->fifo);
	CU_ASSERT_PTR_EQUAL(a->evtchn->ops, &evtchn_port_ops_2l);
	/* The last offset that fits; link_bits comes back. */
	CU_ASSERT_EQUAL(init_control(a, 0, CB_GFN, 4096 - 72, &lb), 0);
	CU_ASSERT_EQUAL(lb, EVTCHN_FIFO_LINK_BITS);
	CU_ASSERT_EQUAL(refs(pg), r + 1);
	CU_ASSERT_PTR_EQUAL(a->evtchn->ops, &evtchn_port_ops_fifo);
	/* Once per vCPU; another vCPU may share the page. */
	CU_ASSERT_EQUAL(init_control(a, 0, CB_GFN, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(refs(pg), r + 1);
	CU_ASSERT_EQUAL(init_control(a, 1, CB_GFN, 0, NULL), 0);
	CU_ASSERT_EQUAL(refs(pg), r + 2);
	/* Another domain's RAM frame is not the caller's. */
	{
		struct domain *b = ev_mkdom(2, ROLE_GUEST, 1);

		CU_ASSERT_EQUAL(init_control(b, 0, CB_GFN, 0, NULL), -EINVAL);
		CU_ASSERT_PTR_EQUAL(b->evtchn->ops, &evtchn_port_ops_2l);
	}
	/* A bad argument pointer. */
	fake_set_current(a->vcpu[0]);
	CU_ASSERT_EQUAL(fake_hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_init_control, 8),
			-EFAULT);
	CU_ASSERT_EQUAL(fake_hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_expand_array, 8),
			-EFAULT);
	CU_ASSERT_EQUAL(fake_hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_set_priority, 8),
			-EFAULT);
	ev_teardown();
}

UNIT_TEST(evtchn, fifo_expand_array_stops_at_131072_ports_and_holds_each_page)
{
	struct domain *a;
	struct page_info *pgs[129];
	struct fifo_guest g;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(expand(a, ARRAY_GFN), -EOPNOTSUPP);
	fifo_on(&g, a, 0);
	CU_ASSERT_EQUAL(expand(a, ARRAY_GFN + 500), -EINVAL);
	for (unsigned int i = 0; i < 129; i++)
		pgs[i] = ram_at(a, ARRAY_GFN + 1000 + i);
	for (unsigned int i = 0; i < 128; i++)
		CU_ASSERT_EQUAL(expand(a, ARRAY_GFN + 1000 + i), 0);
	CU_ASSERT_EQUAL(expand(a, ARRAY_GFN + 1000 + 128), -ENOSPC);
	CU_ASSERT_EQUAL(refs(pgs[0]), 2);
	CU_ASSERT_EQUAL(refs(pgs[127]), 2);
	CU_ASSERT_EQUAL(refs(pgs[128]), 1);
	fake_guest_detach(a);
	fake_domain_kill(a);
	/* Teardown let go of every page: the leak check in ev_teardown sees them freed. */
	ev_teardown();
}

/* ===================== delivery ===================== */

UNIT_TEST(evtchn, fifo_send_links_on_the_default_queue_sets_ready_head_and_kicks_once)
{
	struct domain *a, *b;
	struct fifo_guest g;
	uint32_t ap, bp, ap2, bp2, got[8];
	unsigned long kicks;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	b = ev_mkdom(2, ROLE_GUEST, 1);
	fifo_on(&g, b, 1);
	ap = ev_connect(a, b, &bp);
	ap2 = ev_connect(a, b, &bp2);
	kicks = fake_vcpu_kicks;
	CU_ASSERT_EQUAL(ev_send(a, ap), 0);
	CU_ASSERT_EQUAL(*word(&g, bp), W_PENDING | W_LINKED);
	CU_ASSERT_EQUAL(g.cb[0]->head[EVTCHN_FIFO_PRIORITY_DEFAULT], bp);
	CU_ASSERT_EQUAL(g.cb[0]->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
	CU_ASSERT(ev_upcall(b->vcpu[0]));
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks + 1);
	CU_ASSERT_PTR_EQUAL(fake_vcpu_last_kicked, b->vcpu[0]);
	/* Nothing on the 2-level side. */
	CU_ASSERT(!ev_pending(b, bp));
	/* A second port goes behind the first: the tail's LINK names it, no new kick. */
	CU_ASSERT_EQUAL(ev_send(a, ap2), 0);
	CU_ASSERT_EQUAL(*word(&g, bp), W_PENDING | W_LINKED | bp2);
	CU_ASSERT_EQUAL(*word(&g, bp2), W_PENDING | W_LINKED);
	CU_ASSERT_EQUAL(g.cb[0]->head[EVTCHN_FIFO_PRIORITY_DEFAULT], bp);
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks + 1);
	/* Sending again while pending changes nothing. */
	CU_ASSERT_EQUAL(ev_send(a, ap), 0);
	CU_ASSERT_EQUAL(*word(&g, bp), W_PENDING | W_LINKED | bp2);
	CU_ASSERT(evtchn_port_is_pending(b, bp));
	/* The guest takes both, in order. */
	CU_ASSERT_EQUAL(consume(&g, 0, got, 8), 2);
	CU_ASSERT_EQUAL(got[0], bp);
	CU_ASSERT_EQUAL(got[1], bp2);
	CU_ASSERT_EQUAL(g.cb[0]->ready, 0);
	CU_ASSERT(!evtchn_port_is_pending(b, bp));
	/* The queue is empty: the next event is a new head (the stale tail is not linked). */
	b->vcpu[0]->vcpu_info->evtchn_upcall_pending = 0;
	CU_ASSERT_EQUAL(ev_send(a, ap2), 0);
	CU_ASSERT_EQUAL(g.cb[0]->head[EVTCHN_FIFO_PRIORITY_DEFAULT], bp2);
	CU_ASSERT_EQUAL(*word(&g, bp), 0);
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks + 2);
	CU_ASSERT_EQUAL(consume(&g, 0, got, 8), 1);
	/* And the port that was the tail can be relinked as the head. */
	CU_ASSERT_EQUAL(ev_send(a, ap2), 0);
	CU_ASSERT_EQUAL(g.cb[0]->head[EVTCHN_FIFO_PRIORITY_DEFAULT], bp2);
	CU_ASSERT_EQUAL(consume(&g, 0, got, 8), 1);
	ev_teardown();
}

UNIT_TEST(evtchn, fifo_priorities_order_delivery_and_set_priority_checks_its_arguments)
{
	struct domain *a;
	struct fifo_guest g;
	uint32_t p[4], got[8];

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	fifo_on(&g, a, 1);
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(ev_bind_ipi(a, 0, &p[i]), 0);
	CU_ASSERT_EQUAL(set_priority(a, p[0], EVTCHN_FIFO_PRIORITY_MIN), 0);
	CU_ASSERT_EQUAL(set_priority(a, p[1], 3), 0);
	CU_ASSERT_EQUAL(set_priority(a, p[2], EVTCHN_FIFO_PRIORITY_MAX), 0);
	CU_ASSERT_EQUAL(set_priority(a, p[3], EVTCHN_FIFO_PRIORITY_MIN + 1), -EINVAL);
	CU_ASSERT_EQUAL(set_priority(a, p[3], 0xffffffffu), -EINVAL);
	CU_ASSERT_EQUAL(set_priority(a, 64, 3), -EINVAL);
	CU_ASSERT_EQUAL(set_priority(a, 1u << 31, 3), -EINVAL);
	CU_ASSERT_EQUAL(set_priority(a, 63, 3), 0); /* free but valid, as Xen */
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(ev_send(a, p[i]), 0);
	CU_ASSERT_EQUAL(g.cb[0]->ready, (1u << 15) | (1u << 3) | (1u << 0) | (1u << 7));
	CU_ASSERT_EQUAL(g.cb[0]->head[0], p[2]);
	CU_ASSERT_EQUAL(g.cb[0]->head[3], p[1]);
	CU_ASSERT_EQUAL(g.cb[0]->head[7], p[3]);
	CU_ASSERT_EQUAL(g.cb[0]->head[15], p[0]);
	CU_ASSERT_EQUAL(consume(&g, 0, got, 8), 4);
	CU_ASSERT_EQUAL(got[0], p[2]);
	CU_ASSERT_EQUAL(got[1], p[1]);
	CU_ASSERT_EQUAL(got[2], p[3]);
	CU_ASSERT_EQUAL(got[3], p[0]);
	/* A closed and rebound port starts at the default priority again. */
	CU_ASSERT_EQUAL(ev_close(a, p[2]), 0);
	CU_ASSERT_EQUAL(ev_bind_ipi(a, 0, &p[2]), 0);
	CU_ASSERT_EQUAL(ev_send(a, p[2]), 0);
	CU_ASSERT_EQUAL(g.cb[0]->head[EVTCHN_FIFO_PRIORITY_DEFAULT], p[2]);
	ev_teardown();
}

UNIT_TEST(evtchn, fifo_masked_word_stays_unlinked_until_unmask)
{
	struct domain *a;
	struct fifo_guest g;
	uint32_t p, got[4];
	unsigned long kicks;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	fifo_on(&g, a, 1);
	CU_ASSERT_EQUAL(ev_bind_ipi(a, 0, &p), 0);
	*word(&g, p) = W_MASKED;
	kicks = fake_vcpu_kicks;
	CU_ASSERT_EQUAL(ev_send(a, p), 0);
	CU_ASSERT_EQUAL(*word(&g, p), W_MASKED | W_PENDING);
	CU_ASSERT_EQUAL(g.cb[0]->ready, 0);
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks);
	{
		unsigned long flags = spin_lock_irqsave(&a->event_lock);
		struct evtchn *chn = evtchn_from_port(a->evtchn, p);

		CU_ASSERT(a->evtchn->ops->is_masked(a, chn, p));
		CU_ASSERT(a->evtchn->ops->is_pending(a, chn, p));
		CU_ASSERT(!a->evtchn->ops->is_masked(a, chn, 5));   /* word 5: 0 */
		CU_ASSERT(a->evtchn->ops->is_masked(a, chn, 2000)); /* no word: masked */
		spin_unlock_irqrestore(&a->event_lock, flags);
	}
	CU_ASSERT_EQUAL(ev_unmask(a, p), 0);
	CU_ASSERT_EQUAL(*word(&g, p), W_PENDING | W_LINKED);
	CU_ASSERT_EQUAL(g.cb[0]->head[EVTCHN_FIFO_PRIORITY_DEFAULT], p);
	CU_ASSERT_EQUAL(fake_vcpu_kicks, kicks + 1);
	CU_ASSERT_EQUAL(consume(&g, 0, got, 4), 1);
	/* Unmask of a port that is not pending only clears MASKED. */
	*word(&g, p) = W_MASKED;
	CU_ASSERT_EQUAL(ev_unmask(a, p), 0);
	CU_ASSERT_EQUAL(*word(&g, p), 0);
	CU_ASSERT_EQUAL(g.cb[0]->ready, 0);
	/* Ports without a word: unmask is a no-op, send is remembered. */
	CU_ASSERT_EQUAL(ev_unmask(a, 63), 0);
	CU_ASSERT_EQUAL(ev_unmask(a, 64), -EINVAL);
	ev_teardown();
}

UNIT_TEST(evtchn, fifo_virqs_ipis_and_bind_vcpu_use_each_vcpus_own_queues)
{
	struct domain *a;
	struct fifo_guest g;
	uint32_t t0, t1, p, got[4];

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 2);
	fifo_on(&g, a, 1);
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_TIMER, 0, &t0), 0);
	CU_ASSERT_EQUAL(ev_bind_virq(a, VIRQ_TIMER, 1, &t1), 0);
	send_guest_vcpu_virq(a->vcpu[1], VIRQ_TIMER);
	CU_ASSERT_EQUAL(g.cb[1]->head[EVTCHN_FIFO_PRIORITY_DEFAULT], t1);
	CU_ASSERT_EQUAL(g.cb[0]->ready, 0);
	CU_ASSERT(ev_upcall(a->vcpu[1]));
	CU_ASSERT(!ev_upcall(a->vcpu[0]));
	CU_ASSERT_EQUAL(consume(&g, 1, got, 4), 1);
	CU_ASSERT_EQUAL(got[0], t1);
	/* A port linked on vCPU 0, consumed, then moved to vCPU 1: vCPU 0's stale tail is dropped.
	 */
	CU_ASSERT_EQUAL(ev_alloc_unbound(a, DOMID_SELF, 1, &p), 0);
	{
		uint32_t lp;

		CU_ASSERT_EQUAL(ev_bind_interdomain(a, DOMID_SELF, p, &lp), 0);
		CU_ASSERT_EQUAL(consume(&g, 0, got, 4), 1); /* the bind's own event */
		CU_ASSERT_EQUAL(ev_send(a, lp), 0);
		CU_ASSERT_EQUAL(g.cb[0]->head[EVTCHN_FIFO_PRIORITY_DEFAULT], p);
		CU_ASSERT_EQUAL(consume(&g, 0, got, 4), 1);
		CU_ASSERT_EQUAL(ev_bind_vcpu(a, p, 1), 0);
		CU_ASSERT_EQUAL(ev_send(a, lp), 0);
		CU_ASSERT_EQUAL(g.cb[1]->head[EVTCHN_FIFO_PRIORITY_DEFAULT], p);
		CU_ASSERT_EQUAL(a->evtchn->fifo != NULL, true);
		/* Now an event for vCPU 0 must start a new queue, not link behind p. */
		send_guest_vcpu_virq(a->vcpu[0], VIRQ_TIMER);
		CU_ASSERT_EQUAL(g.cb[0]->head[EVTCHN_FIFO_PRIORITY_DEFAULT], t0);
		CU_ASSERT_EQUAL(*word(&g, p) & EVTCHN_FIFO_LINK_MASK, 0);
		CU_ASSERT_EQUAL(consume(&g, 0, got, 4), 1);
		CU_ASSERT_EQUAL(got[0], t0);
		CU_ASSERT_EQUAL(consume(&g, 1, got, 4), 1);
		CU_ASSERT_EQUAL(got[0], p);
	}
	ev_teardown();
}

UNIT_TEST(evtchn, fifo_vcpu_without_control_block_keeps_the_event_pending)
{
	struct domain *a;
	struct page_info *pg;
	uint32_t p;
	event_word_t *w;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 2);
	pg = ram_at(a, CB_GFN);
	CU_ASSERT_EQUAL(init_control(a, 0, CB_GFN, 0, NULL), 0);
	w = page_to_virt(ram_at(a, ARRAY_GFN));
	CU_ASSERT_EQUAL(expand(a, ARRAY_GFN), 0);
	CU_ASSERT_EQUAL(ev_bind_ipi(a, 1, &p), 0);
	CU_ASSERT_EQUAL(ev_send(a, p), 0);
	CU_ASSERT_EQUAL(w[p], W_PENDING);
	CU_ASSERT(!ev_upcall(a->vcpu[1]));
	CU_ASSERT(evtchn_port_is_pending(a, p));
	CU_ASSERT_EQUAL(refs(pg), 2);
	ev_teardown();
}

/* ===================== the switch, busy ports, limits ===================== */

UNIT_TEST(evtchn, fifo_switch_keeps_bound_ports_and_raises_what_was_pending)
{
	struct domain *a, *b;
	struct fifo_guest g;
	uint32_t ap, bp, ap2, bp2, got[4];

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	b = ev_mkdom(2, ROLE_GUEST, 1);
	ap = ev_connect(a, b, &bp);
	ap2 = ev_connect(a, b, &bp2);
	ev_guest_ack_all(b);
	CU_ASSERT_EQUAL(ev_send(a, ap), 0); /* pending in the 2-level bitmap */
	CU_ASSERT(ev_pending(b, bp));
	fifo_on(&g, b, 0);
	/* No word yet: a send is remembered, not lost. */
	CU_ASSERT_EQUAL(ev_send(a, ap2), 0);
	CU_ASSERT_EQUAL(g.cb[0]->ready, 0);
	CU_ASSERT(!evtchn_port_is_pending(b, bp2));
	g.array_pg[0] = ram_at(b, ARRAY_GFN + 99);
	g.words[0] = page_to_virt(g.array_pg[0]);
	g.nr_pages = 1;
	CU_ASSERT_EQUAL(expand(b, ARRAY_GFN + 99), 0);
	/* Both are raised when their page comes, in port order. */
	CU_ASSERT_EQUAL(consume(&g, 0, got, 4), 2);
	CU_ASSERT_EQUAL(got[0], bp);
	CU_ASSERT_EQUAL(got[1], bp2);
	/* And the ports work as before, both ways. */
	CU_ASSERT_EQUAL(ev_send(a, ap), 0);
	CU_ASSERT_EQUAL(consume(&g, 0, got, 4), 1);
	ev_guest_ack_all(a);
	CU_ASSERT_EQUAL(ev_send(b, bp2), 0);
	CU_ASSERT(ev_pending(a, ap2)); /* a is still 2-level */
	ev_teardown();
}

UNIT_TEST(evtchn, fifo_a_sender_that_saw_the_2level_ops_during_the_switch_loses_nothing)
{
	struct domain *a, *b;
	struct fifo_guest g;
	uint32_t bp, got[4];

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	b = ev_mkdom(2, ROLE_GUEST, 1);
	(void)ev_connect(a, b, &bp);
	ev_guest_ack_all(b);
	fifo_on(&g, b, 1);
	/*
	 * A peer's send that read b's ops just before the switch published
	 * FIFO, and sets the 2-level bit only now, after the switch's copy.
	 */
	evtchn_port_ops_2l.set_pending(b->vcpu[0], evtchn_from_port(b->evtchn, bp), bp);
	CU_ASSERT(ev_pending(b, bp));
	CU_ASSERT_EQUAL(consume(&g, 0, got, 4), 1);
	CU_ASSERT_EQUAL(got[0], bp);
	ev_teardown();
}

UNIT_TEST(evtchn, fifo_port_still_linked_is_not_reused)
{
	struct domain *a;
	struct fifo_guest g;
	uint32_t p, q, got[4];

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	fifo_on(&g, a, 1);
	CU_ASSERT_EQUAL(ev_bind_ipi(a, 0, &p), 0);
	CU_ASSERT_EQUAL(ev_send(a, p), 0);
	CU_ASSERT_EQUAL(ev_close(a, p), 0);
	/* Close cleared PENDING but the guest has not unlinked it: skip it (Xen's is_busy). */
	CU_ASSERT_EQUAL(*word(&g, p), W_LINKED);
	CU_ASSERT_EQUAL(ev_bind_ipi(a, 0, &q), 0);
	CU_ASSERT_NOT_EQUAL(q, p);
	/* The guest unlinks it (and takes nothing: not pending); then it is free again. */
	CU_ASSERT_EQUAL(consume(&g, 0, got, 4), 0);
	CU_ASSERT_EQUAL(ev_close(a, q), 0);
	CU_ASSERT_EQUAL(ev_bind_ipi(a, 0, &q), 0);
	CU_ASSERT_EQUAL(q, p);
	ev_teardown();
}

UNIT_TEST(evtchn, fifo_lifts_the_4095_port_cap_up_to_the_domains_limit)
{
	struct domain *a, *b;
	struct fifo_guest g;
	uint32_t p = 0, n = 0, got[4];

	ev_setup();
	a = ev_mkdom_limit(1, 5000);
	while (ev_alloc_unbound(a, DOMID_SELF, 0, &p) == 0)
		n++;
	CU_ASSERT_EQUAL(n, 4095); /* 2-level */
	fifo_on(&g, a, 5);
	while (ev_alloc_unbound(a, DOMID_SELF, 0, &p) == 0)
		n++;
	CU_ASSERT_EQUAL(n, 5000);
	CU_ASSERT_EQUAL(ev_status_of(a, 5000), EVTCHNSTAT_unbound);
	CU_ASSERT_EQUAL(ev_close(a, 4500), 0);
	CU_ASSERT_EQUAL(ev_bind_ipi(a, 0, &p), 0);
	CU_ASSERT_EQUAL(p, 4500);
	CU_ASSERT_EQUAL(ev_send(a, 4500), 0);
	CU_ASSERT_EQUAL(consume(&g, 0, got, 4), 1);
	CU_ASSERT_EQUAL(got[0], 4500);
	/* A port past the array pages is remembered until its page comes. */
	CU_ASSERT_EQUAL(ev_close(a, 4999), 0);
	CU_ASSERT_EQUAL(ev_bind_ipi(a, 0, &p), 0);
	/* A creator's limit past the ABI's is capped at 131071. */
	b = ev_mkdom_limit(2, 1000000);
	CU_ASSERT_EQUAL(b->evtchn->max_port, EVTCHN_FIFO_NR_CHANNELS - 1);
	ev_teardown();
}

/* ===================== reset, teardown, poll ===================== */

UNIT_TEST(evtchn, fifo_reset_goes_back_to_2level_and_releases_every_page)
{
	struct domain *a, *b;
	struct fifo_guest g;
	uint32_t ap, bp;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	b = ev_mkdom(2, ROLE_GUEST, 2);
	fifo_on(&g, b, 3);
	ap = ev_connect(a, b, &bp);
	CU_ASSERT_EQUAL(refs(g.cb_pg[1]), 2);
	CU_ASSERT_EQUAL(refs(g.array_pg[2]), 2);
	CU_ASSERT_EQUAL(ev_reset(b, DOMID_SELF), 0);
	CU_ASSERT_PTR_EQUAL(b->evtchn->ops, &evtchn_port_ops_2l);
	CU_ASSERT_PTR_NULL(b->evtchn->fifo);
	for (int i = 0; i < 2; i++)
		CU_ASSERT_EQUAL(refs(g.cb_pg[i]), 1);
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(refs(g.array_pg[i]), 1);
	CU_ASSERT_EQUAL(set_priority(b, 1, 3), -ENOSYS);
	CU_ASSERT_EQUAL(expand(b, ARRAY_GFN), -EOPNOTSUPP);
	/* 2-level works again, and FIFO can be set up again (same frames). */
	ap = ev_connect(a, b, &bp);
	ev_guest_ack_all(b);
	CU_ASSERT_EQUAL(ev_send(a, ap), 0);
	CU_ASSERT(ev_pending(b, bp));
	CU_ASSERT_EQUAL(init_control(b, 0, CB_GFN + 2 * 16, 64, NULL), 0);
	CU_ASSERT_EQUAL(expand(b, ARRAY_GFN + 2 * 16), 0);
	CU_ASSERT_EQUAL(refs(g.cb_pg[0]), 2);
	CU_ASSERT_EQUAL(ev_send(a, ap), 0);
	CU_ASSERT_EQUAL(g.cb[0]->head[EVTCHN_FIFO_PRIORITY_DEFAULT], bp);
	ev_teardown();
}

UNIT_TEST(evtchn, fifo_domain_death_drops_its_page_references)
{
	struct domain *a, *b;
	struct fifo_guest g;
	uint32_t ap, bp;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	b = ev_mkdom(2, ROLE_GUEST, 3);
	fifo_on(&g, b, 2);
	ap = ev_connect(a, b, &bp);
	CU_ASSERT_EQUAL(ev_send(a, ap), 0);
	fake_guest_detach(b);
	fake_domain_kill(b);
	/* The peer sees its port unbound; sends go nowhere. */
	CU_ASSERT_EQUAL(ev_status_of(a, ap), EVTCHNSTAT_unbound);
	CU_ASSERT_EQUAL(ev_send(a, ap), 0);
	ev_teardown(); /* the leak check: every frame b's FIFO held was freed */
}

UNIT_TEST(evtchn, fifo_event_wakes_a_poller_even_when_masked)
{
	struct domain *a, *b;
	struct fifo_guest g;
	struct vcpu *v;
	uint32_t ap, bp;

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	b = ev_mkdom(2, ROLE_GUEST, 1);
	fifo_on(&g, b, 1);
	ap = ev_connect(a, b, &bp);
	*word(&g, bp) = W_MASKED;
	v = b->vcpu[0];
	v->poll_evtchn = (int)bp;
	set_bit(VPF_polling, &v->pause_flags);
	CU_ASSERT_EQUAL(evtchn_send(a, ap), 0);
	CU_ASSERT(!test_bit(VPF_polling, &v->pause_flags));
	CU_ASSERT(evtchn_port_is_pending(b, bp));
	ev_teardown();
}

/* ===================== a guest racing the hypervisor ===================== */

struct racer {
	event_word_t *w;
	volatile bool stop;
	unsigned long flips;
};

/* The guest's other vCPU: flips MASKED on the tail word as fast as it can (allowed on a LINKED
 * word). */
static void *racer_run(void *arg)
{
	struct racer *r = arg;

	while (!r->stop) {
		__atomic_fetch_xor(r->w, W_MASKED, __ATOMIC_SEQ_CST);
		r->flips++;
	}
	return NULL;
}

UNIT_TEST(evtchn, fifo_guest_flipping_its_tail_word_cannot_hold_the_hypervisor)
{
	struct domain *a;
	struct fifo_guest g;
	struct racer r = {0};
	pthread_t t;
	uint32_t tail, p, got[4];

	ev_setup();
	a = ev_mkdom(1, ROLE_GUEST, 1);
	fifo_on(&g, a, 1);
	CU_ASSERT_EQUAL(ev_bind_ipi(a, 0, &tail), 0);
	CU_ASSERT_EQUAL(ev_bind_ipi(a, 0, &p), 0);
	r.w = word(&g, tail);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, racer_run, &r), 0);
	/*
	 * Each round links tail (if unmasked just then) and p behind it, racing
	 * the flips (or giving up after Xen's bound); every send returns. Then
	 * the guest unlinks both.
	 */
	for (int i = 0; i < 20000; i++) {
		CU_ASSERT_EQUAL(ev_send(a, tail), 0);
		CU_ASSERT_EQUAL(ev_send(a, p), 0);
		__atomic_fetch_and(word(&g, p), ~(W_PENDING | W_LINKED | EVTCHN_FIFO_LINK_MASK),
				   __ATOMIC_SEQ_CST);
		__atomic_fetch_and(word(&g, tail), ~(W_PENDING | W_LINKED | EVTCHN_FIFO_LINK_MASK),
				   __ATOMIC_SEQ_CST);
	}
	r.stop = true;
	pthread_join(t, NULL);
	/* BUSY is never left set by the hypervisor. */
	CU_ASSERT_EQUAL(*word(&g, tail) & W_BUSY, 0);
	*word(&g, tail) &= ~W_MASKED;
	(void)consume(&g, 0, got, 4);
	ev_teardown();
}

/* ===================== random ===================== */

UNIT_TEST(evtchn, fifo_random_operations_keep_queues_sane_and_leak_nothing)
{
	struct domain *d[2];
	struct fifo_guest g[2];
	unsigned long ok = 0, taken = 0;

	ev_setup();
	srand(4242);
	d[0] = ev_mkdom(1, ROLE_GUEST, 2);
	d[1] = ev_mkdom(2, ROLE_GUEST, 2);
	fifo_on(&g[0], d[0], 1);
	memset(&g[1], 0, sizeof(g[1])); /* d[1] switches at a random moment */
	g[1].d = d[1];
	for (int step = 0; step < 20000; step++) {
		int i = rand() % 2;
		struct domain *x = d[i];
		uint32_t port = rand() % 8 ? (uint32_t)(rand() % 80) : (uint32_t)rand();
		uint32_t got[64];
		long rc = 0;

		switch (rand() % 12) {
		case 0:
			rc = ev_alloc_unbound(x, DOMID_SELF, (domid_t)(1 + rand() % 2), NULL);
			break;
		case 1: {
			struct domain *y = d[rand() % 2];
			struct evtchn_domain *ed = y->evtchn;

			for (uint32_t p = 1; p < ed->nr_valid; p++) {
				struct evtchn *c = evtchn_from_port(ed, p);

				if (c->state == ECS_UNBOUND &&
				    c->u.unbound.remote_domid == x->domain_id) {
					rc = ev_bind_interdomain(x, y->domain_id, p, NULL);
					break;
				}
			}
			break;
		}
		case 2:
			rc = ev_bind_ipi(x, (uint32_t)(rand() % 3), NULL);
			break;
		case 3:
			rc = ev_close(x, port);
			break;
		case 4:
		case 5:
			rc = ev_send(x, port);
			break;
		case 6:
			rc = set_priority(x, port, (uint32_t)(rand() % 18));
			break;
		case 7:
			rc = ev_unmask(x, port);
			break;
		case 8:
			rc = ev_bind_vcpu(x, port, (uint32_t)(rand() % 3));
			break;
		case 9:
			/* Hostile control-block and array arguments, now and then a good one. */
			if (rand() % 4 == 0 && g[i].cb[0] == NULL) {
				fifo_on(&g[i], x, 1);
			} else {
				uint64_t gfn = rand() % 2 ? (uint64_t)rand() : ARRAY_GFN + 1;

				rc = init_control(x, (uint32_t)(rand() % 3), gfn,
						  (uint32_t)rand() % 5000, NULL);
				CU_ASSERT_FATAL(rc < 0 && rc > -200);
				rc = expand(x, gfn);
			}
			break;
		case 10:
			/* The guest plays with its words: masks, clears, even corrupts links. */
			if (g[i].nr_pages && port < 1024) {
				event_word_t *w = word(&g[i], port);

				*w ^= (event_word_t)rand() & (W_MASKED | W_PENDING);
				if (rand() % 20 == 0)
					*w = (event_word_t)rand();
			}
			break;
		default:
			for (unsigned int v = 0; v < 2; v++)
				if (g[i].cb[v] != NULL && rand() % 2) {
					/* Corrupted links could loop forever in the model: bound
					 * it. */
					if (rand() % 50 == 0)
						memset(g[i].words[0], 0, 4096);
					taken += consume(&g[i], v, got, 64) > 0;
				}
			break;
		}
		CU_ASSERT_FATAL(rc <= 0 && rc > -200);
		if (rc == 0)
			ok++;
		if (rand() % 3000 == 0) {
			/* Reset, then maybe come back to FIFO later (random case 9). */
			if (ev_reset(x, DOMID_SELF) == 0)
				memset(&g[i], 0, sizeof(g[i])), g[i].d = x;
		}
	}
	CU_ASSERT(ok > 5000);
	CU_ASSERT(taken > 100);
	ev_teardown();
}
