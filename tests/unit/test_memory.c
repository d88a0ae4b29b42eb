/*
 * HYPERVISOR_memory_op (common/memory.c) over the fake guest memory and the
 * core's domains and p2m: reservations (populate, increase, decrease) with
 * their continuations and partial counts, the reservation queries, the
 * memory map, add_to_physmap(_batch) for each space, remove_from_physmap,
 * permissions, bad handles, and randomized arguments. Every test ends with
 * fake_abi_teardown(), which kills every domain and checks no frame leaked.
 */
#include <stdlib.h>
#include <string.h>
#include <public/memory.h>
#include <public/xen.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/grant_table.h>
#include <tessera/memory.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include "fake_guest.h"
#include "unit.h"

#define FRAMES 4096
#define MEMOP_EXTENT_SHIFT 6

UNIT_SUITE(memory);

static struct domain *guest, *ctl;

static void setup(void)
{
	fake_abi_setup(FRAMES);
	ctl = fake_domain_create(0, ROLE_CONTROL, 1);
	guest = fake_domain_create(1, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctl);
	CU_ASSERT_PTR_NOT_NULL_FATAL(guest);
	fake_set_current(guest->vcpu[0]);
}

static void teardown(void)
{
	fake_preempt_after(-1);
	fake_copy_fail_after = -1;
	CU_ASSERT_EQUAL(fake_abi_teardown(), 0);
}

static long memop(struct domain *caller, unsigned long cmd, uint64_t arg)
{
	fake_set_current(caller->vcpu[0]);
	return fake_hypercall2(__HYPERVISOR_memory_op, cmd, arg);
}

/* Put a reservation (and its extent list) in caller's memory; returns its address. */
static uint64_t put_reservation(struct domain *caller, domid_t domid, const xen_pfn_t *list,
				unsigned long n, unsigned int order, unsigned int flags,
				xen_pfn_t **host_list)
{
	struct xen_memory_reservation *r;
	uint64_t lva = 0, rva;

	if (n) {
		lva = fake_guest_put(caller, list, n * sizeof(*list));
		if (host_list)
			*host_list = fake_guest_host(caller, lva);
	}
	rva = fake_guest_alloc(caller, sizeof(*r), (void **)&r);
	r->extent_start.p = (xen_pfn_t *)(uintptr_t)lva;
	r->nr_extents = n;
	r->extent_order = order;
	r->mem_flags = flags;
	r->domid = domid;
	return rva;
}

static long reservation(struct domain *caller, unsigned int op, domid_t domid,
			const xen_pfn_t *list, unsigned long n, unsigned int order)
{
	return memop(caller, op, put_reservation(caller, domid, list, n, order, 0, NULL));
}

static enum p2m_type type_at(struct domain *d, uint64_t gfn)
{
	enum p2m_type t;

	p2m_lookup(d, _gfn(gfn), &t);
	return t;
}

static unsigned long refs(mfn_t mfn)
{
	return mfn_to_page(mfn)->count_info & PGC_count_mask;
}

static long stat_op(struct domain *caller, unsigned int op, domid_t domid)
{
	struct xen_memory_domain md = {.domid = domid};

	return memop(caller, op, fake_guest_put(caller, &md, sizeof(md)));
}

static long add_to_physmap(struct domain *caller, domid_t domid, unsigned int space,
			   xen_ulong_t idx, xen_pfn_t gpfn)
{
	struct xen_add_to_physmap x = {.domid = domid, .space = space, .idx = idx, .gpfn = gpfn};

	return memop(caller, XENMEM_add_to_physmap, fake_guest_put(caller, &x, sizeof(x)));
}

static long remove_from_physmap(struct domain *caller, domid_t domid, xen_pfn_t gpfn)
{
	struct xen_remove_from_physmap x = {.domid = domid, .gpfn = gpfn};

	return memop(caller, XENMEM_remove_from_physmap, fake_guest_put(caller, &x, sizeof(x)));
}

/* add_to_physmap_batch of n entries; errs returned through *errs_host. */
static long batch(struct domain *caller, domid_t domid, unsigned int space, domid_t foreign,
		  const xen_ulong_t *idxs, const xen_pfn_t *gpfns, unsigned int n, int **errs_host)
{
	struct xen_add_to_physmap_batch b = {
	    .domid = domid, .space = (uint16_t)space, .size = (uint16_t)n};
	uint64_t eva;

	b.u.foreign_domid = foreign;
	b.idxs.p = (xen_ulong_t *)(uintptr_t)fake_guest_put(caller, idxs, n * sizeof(*idxs));
	b.gpfns.p = (xen_pfn_t *)(uintptr_t)fake_guest_put(caller, gpfns, n * sizeof(*gpfns));
	eva = fake_guest_alloc(caller, n * sizeof(int) + 1, (void **)errs_host);
	memset(*errs_host, 0x55, n * sizeof(int));
	b.errs.p = (int *)(uintptr_t)eva;
	return memop(caller, XENMEM_add_to_physmap_batch, fake_guest_put(caller, &b, sizeof(b)));
}

/* ---- populate_physmap ---- */

UNIT_TEST(memory, populate_maps_each_gfn_to_a_fresh_owned_frame)
{
	xen_pfn_t gfns[] = {0, 5, 0x12345, 7};

	setup();
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, gfns, 4, 0), 4);
	CU_ASSERT_EQUAL(guest->tot_pages, 4);
	for (unsigned int i = 0; i < 4; i++) {
		enum p2m_type t;
		mfn_t mfn = p2m_lookup(guest, _gfn(gfns[i]), &t);

		CU_ASSERT_EQUAL(t, p2m_ram_rw);
		CU_ASSERT_PTR_EQUAL(page_get_owner(mfn_to_page(mfn)), guest);
	}
	CU_ASSERT_EQUAL(stat_op(guest, XENMEM_maximum_gpfn, DOMID_SELF), 0x12345);
	teardown();
}

UNIT_TEST(memory, populate_of_an_order_maps_every_frame_of_the_extent)
{
	xen_pfn_t gfns[] = {0x200, 0x1000};

	setup();
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, gfns, 2, 9), 2);
	CU_ASSERT_EQUAL(guest->tot_pages, 1024);
	for (unsigned int j = 0; j < 512; j++) {
		CU_ASSERT_EQUAL(type_at(guest, 0x200 + j), p2m_ram_rw);
		CU_ASSERT_EQUAL(type_at(guest, 0x1000 + j), p2m_ram_rw);
	}
	CU_ASSERT_EQUAL(type_at(guest, 0x400), p2m_invalid);
	teardown();
}

UNIT_TEST(memory, populate_of_an_aligned_2m_extent_is_one_block_for_the_arch)
{
	xen_pfn_t gfns[] = {0x600}, part[] = {0x800};
	unsigned long calls;

	setup();
	calls = fake_p2m_update_calls;
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, gfns, 1, 9), 1);
	CU_ASSERT_EQUAL(fake_p2m_update_calls, calls + 1);
	CU_ASSERT_EQUAL(fake_p2m_last.order, 9);
	CU_ASSERT_EQUAL(gfn_x(fake_p2m_last.gfn), 0x600);
	/* Over a block that already has an entry: page by page (the old frame is given back). */
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, gfns, 1, 0), 1);
	part[0] = 0x600;
	calls = fake_p2m_update_calls;
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, part, 1, 9), 1);
	CU_ASSERT_EQUAL(fake_p2m_update_calls, calls + 512);
	CU_ASSERT_EQUAL(fake_p2m_last.order, 0);
	CU_ASSERT_EQUAL(type_at(guest, 0x7ff), p2m_ram_rw);
	teardown();
}

UNIT_TEST(memory, populate_then_decrease_gives_every_frame_back)
{
	xen_pfn_t gfns[64];
	unsigned long free_before;

	setup();
	for (unsigned int i = 0; i < 64; i++)
		gfns[i] = (xen_pfn_t)i * 0x10001; /* spread: p2m nodes are made and pruned */
	free_before = total_free_pages();
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, gfns, 64, 0), 64);
	CU_ASSERT(total_free_pages() < free_before - 64);
	CU_ASSERT_EQUAL(stat_op(guest, XENMEM_current_reservation, DOMID_SELF), 64);
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_decrease_reservation, DOMID_SELF, gfns, 64, 0),
			64);
	CU_ASSERT_EQUAL(guest->tot_pages, 0);
	CU_ASSERT_EQUAL(type_at(guest, gfns[10]), p2m_invalid);
	CU_ASSERT_EQUAL(total_free_pages(), free_before);
	teardown();
}

UNIT_TEST(memory, populate_over_max_pages_returns_the_partial_count)
{
	xen_pfn_t gfns[] = {1, 2, 3, 4, 5};

	setup();
	guest->max_pages = 3;
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, gfns, 5, 0), 3);
	CU_ASSERT_EQUAL(type_at(guest, 3), p2m_ram_rw);
	CU_ASSERT_EQUAL(type_at(guest, 4), p2m_invalid);
	CU_ASSERT_EQUAL(stat_op(guest, XENMEM_maximum_reservation, DOMID_SELF), 3);
	teardown();
}

UNIT_TEST(memory, populate_extent_order_above_the_callers_limit_does_nothing)
{
	xen_pfn_t gfn = 0;

	setup();
	/* A guest may ask order 9 at most (Xen's domU default); a control domain more. */
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, &gfn, 1, 10), 0);
	CU_ASSERT_EQUAL(guest->tot_pages, 0);
	CU_ASSERT_EQUAL(reservation(ctl, XENMEM_populate_physmap, 1, &gfn, 1, 10), 1);
	CU_ASSERT_EQUAL(guest->tot_pages, 1024);
	CU_ASSERT_EQUAL(reservation(ctl, XENMEM_populate_physmap, 1, &gfn, 1, MAX_ORDER + 1), 0);
	teardown();
}

UNIT_TEST(memory, populate_beyond_p2m_max_gfn_stops_at_that_extent)
{
	xen_pfn_t gfns[] = {1, P2M_MAX_GFN, P2M_MAX_GFN + 1, 2};
	xen_pfn_t edge = P2M_MAX_GFN - 1; /* an order-1 extent crossing the top */
	unsigned long free_before;

	setup();
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, gfns, 4, 0), 2);
	CU_ASSERT_EQUAL(type_at(guest, P2M_MAX_GFN), p2m_ram_rw);
	CU_ASSERT_EQUAL(type_at(guest, 2), p2m_invalid);
	free_before = total_free_pages();
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, &edge, 1, 2), 0);
	CU_ASSERT_EQUAL(total_free_pages(), free_before);
	teardown();
}

UNIT_TEST(memory, reservation_errors_return_the_extents_done_not_an_errno)
{
	xen_pfn_t gfns[] = {1, 2};

	setup();
	/* As Xen: unknown domain, no permission, bad handle all answer 0 extents. */
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, 77, gfns, 2, 0), 0);
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, 0, gfns, 2, 0), 0);
	CU_ASSERT_EQUAL(ctl->tot_pages, 0);
	CU_ASSERT_EQUAL(memop(guest, XENMEM_populate_physmap, 0x10), 0);
	CU_ASSERT_EQUAL(memop(guest, XENMEM_populate_physmap, fake_guest_end(guest) - 4), 0);
	/* A control domain may populate a guest. */
	CU_ASSERT_EQUAL(reservation(ctl, XENMEM_populate_physmap, 1, gfns, 2, 0), 2);
	CU_ASSERT_EQUAL(guest->tot_pages, 2);
	CU_ASSERT_EQUAL(ctl->tot_pages, 0);
	teardown();
}

UNIT_TEST(memory, populate_with_an_extent_list_running_off_guest_memory_counts_what_was_readable)
{
	struct xen_memory_reservation *r;
	uint64_t rva, lva;
	xen_pfn_t *list;

	setup();
	/* The last two entries of the list sit in guest memory, the third is past its end. */
	lva = fake_guest_end(guest) - 2 * sizeof(xen_pfn_t);
	list = fake_guest_host(guest, lva);
	list[0] = 10;
	list[1] = 11;
	rva = fake_guest_alloc(guest, sizeof(*r), (void **)&r);
	r->extent_start.p = (xen_pfn_t *)(uintptr_t)lva;
	r->nr_extents = 3;
	r->domid = DOMID_SELF;
	CU_ASSERT_EQUAL(memop(guest, XENMEM_populate_physmap, rva), 2);
	/* A list whose end wraps the address space does nothing. */
	r->extent_start.p = (xen_pfn_t *)(uintptr_t)(~0UL - 8);
	r->nr_extents = 4;
	CU_ASSERT_EQUAL(memop(guest, XENMEM_populate_physmap, rva), 0);
	CU_ASSERT_EQUAL(guest->tot_pages, 2);
	teardown();
}

UNIT_TEST(memory, populate_continuation_resumes_at_the_next_extent)
{
	enum { N = 200 };
	xen_pfn_t gfns[N];

	setup();
	for (unsigned int i = 0; i < N; i++)
		gfns[i] = 1000 + i;
	fake_preempt_after(7);
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, gfns, N, 0), N);
	/* 8 extents a call (7 checks pass, the 8th preempts): 25 calls. */
	CU_ASSERT_EQUAL(fake_hypercall_restarts, N / 8 - 1);
	fake_preempt_after(-1);
	CU_ASSERT_EQUAL(guest->tot_pages, N);
	for (unsigned int i = 0; i < N; i++)
		CU_ASSERT_EQUAL(type_at(guest, 1000 + i), p2m_ram_rw);
	teardown();
}

UNIT_TEST(memory, start_extent_in_cmd_is_where_a_reservation_begins)
{
	xen_pfn_t gfns[] = {10, 11, 12, 13, 14};
	uint64_t rva;

	setup();
	rva = put_reservation(guest, DOMID_SELF, gfns, 5, 0, 0, NULL);
	CU_ASSERT_EQUAL(memop(guest, XENMEM_populate_physmap | (3UL << MEMOP_EXTENT_SHIFT), rva),
			5);
	CU_ASSERT_EQUAL(type_at(guest, 12), p2m_invalid);
	CU_ASSERT_EQUAL(type_at(guest, 13), p2m_ram_rw);
	CU_ASSERT_EQUAL(guest->tot_pages, 2);
	/* A start at or past the end is returned as it is. */
	CU_ASSERT_EQUAL(memop(guest, XENMEM_populate_physmap | (9UL << MEMOP_EXTENT_SHIFT), rva),
			9);
	CU_ASSERT_EQUAL(guest->tot_pages, 2);
	teardown();
}

UNIT_TEST(memory, too_many_extents_to_encode_a_continuation_do_nothing)
{
	xen_pfn_t gfn = 1;
	struct xen_memory_reservation *r;
	uint64_t rva;

	setup();
	rva = put_reservation(guest, DOMID_SELF, &gfn, 1, 0, 0, NULL);
	r = fake_guest_host(guest, rva);
	r->nr_extents = (UINT32_MAX >> MEMOP_EXTENT_SHIFT) + 1UL;
	CU_ASSERT_EQUAL(memop(guest, XENMEM_populate_physmap, rva), 0);
	CU_ASSERT_EQUAL(guest->tot_pages, 0);
	teardown();
}

UNIT_TEST(memory, populate_flags_we_cannot_honour_do_nothing)
{
	xen_pfn_t gfn = 1;

	setup();
	/* Address-width below the machine's, populate-on-demand, a guest's exact node. */
	CU_ASSERT_EQUAL(
	    memop(guest, XENMEM_populate_physmap,
		  put_reservation(guest, DOMID_SELF, &gfn, 1, 0, XENMEMF_address_bits(13), NULL)),
	    0);
	CU_ASSERT_EQUAL(
	    memop(guest, XENMEM_populate_physmap,
		  put_reservation(guest, DOMID_SELF, &gfn, 1, 0, XENMEMF_populate_on_demand, NULL)),
	    0);
	CU_ASSERT_EQUAL(
	    memop(guest, XENMEM_populate_physmap,
		  put_reservation(guest, DOMID_SELF, &gfn, 1, 0, XENMEMF_exact_node(0), NULL)),
	    0);
	CU_ASSERT_EQUAL(guest->tot_pages, 0);
	/* A wide enough width and a privileged caller's node 0 are fine. */
	CU_ASSERT_EQUAL(
	    memop(guest, XENMEM_populate_physmap,
		  put_reservation(guest, DOMID_SELF, &gfn, 1, 0, XENMEMF_address_bits(40), NULL)),
	    1);
	gfn = 2;
	CU_ASSERT_EQUAL(memop(ctl, XENMEM_populate_physmap,
			      put_reservation(ctl, 1, &gfn, 1, 0, XENMEMF_exact_node(0), NULL)),
			1);
	CU_ASSERT_EQUAL(guest->tot_pages, 2);
	teardown();
}

UNIT_TEST(memory, populate_over_a_populated_gfn_replaces_and_frees_the_old_frame)
{
	xen_pfn_t gfn = 9;
	mfn_t first;

	setup();
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, &gfn, 1, 0), 1);
	first = p2m_lookup(guest, _gfn(9), NULL);
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, &gfn, 1, 0), 1);
	CU_ASSERT_FALSE(mfn_eq(p2m_lookup(guest, _gfn(9), NULL), first));
	CU_ASSERT_EQUAL(guest->tot_pages, 1);
	CU_ASSERT_EQUAL(mfn_to_page(first)->count_info & PGC_allocated, 0);
	teardown();
}

UNIT_TEST(memory, a_failing_p2m_update_undoes_the_extent)
{
	xen_pfn_t gfn = 0x40;
	unsigned long free_before;

	setup();
	free_before = total_free_pages();
	fake_p2m_update_fail_next = -ENOMEM;
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, &gfn, 1, 2), 0);
	CU_ASSERT_EQUAL(guest->tot_pages, 0);
	for (unsigned int j = 0; j < 4; j++)
		CU_ASSERT_EQUAL(type_at(guest, 0x40 + j), p2m_invalid);
	CU_ASSERT_EQUAL(total_free_pages(), free_before);
	teardown();
}

UNIT_TEST(memory, pv_populate_and_increase_report_machine_frames)
{
	struct domain_create_args args = fake_domain_args("pv", ROLE_GUEST, 1);
	xen_pfn_t list[3] = {100, 101, 102}, *host;
	struct domain *pv;

	setup();
	args.mode = GUEST_MODE_PV;
	CU_ASSERT_EQUAL_FATAL(domain_create(2, &args, &pv), 0);
	fake_guest_attach(pv, 0);
	CU_ASSERT_FALSE(pv->auto_translated);
	CU_ASSERT_EQUAL(memop(pv, XENMEM_populate_physmap,
			      put_reservation(pv, DOMID_SELF, list, 3, 0, 0, &host)),
			3);
	for (unsigned int i = 0; i < 3; i++)
		CU_ASSERT_PTR_EQUAL(page_get_owner(mfn_to_page(_mfn(host[i]))), pv);
	/* decrease takes machine frames back. */
	CU_ASSERT_EQUAL(reservation(pv, XENMEM_decrease_reservation, DOMID_SELF, host, 3, 0), 3);
	CU_ASSERT_EQUAL(pv->tot_pages, 0);
	CU_ASSERT_EQUAL(memop(pv, XENMEM_increase_reservation,
			      put_reservation(pv, DOMID_SELF, list, 2, 1, 0, &host)),
			2);
	CU_ASSERT_EQUAL(pv->tot_pages, 4);
	CU_ASSERT_PTR_EQUAL(page_get_owner(mfn_to_page(_mfn(host[1]))), pv);
	/* Somebody else's frame is not given up. */
	list[0] = mfn_x(page_to_mfn(virt_to_page(pv->shared_info)));
	CU_ASSERT_EQUAL(reservation(pv, XENMEM_decrease_reservation, DOMID_SELF, list, 1, 0), 0);
	list[0] = ~0UL;
	CU_ASSERT_EQUAL(reservation(pv, XENMEM_decrease_reservation, DOMID_SELF, list, 1, 0), 0);
	CU_ASSERT_EQUAL(stat_op(pv, XENMEM_maximum_gpfn, DOMID_SELF), -ENOSYS);
	CU_ASSERT_EQUAL(remove_from_physmap(pv, DOMID_SELF, 1), -EACCES);
	teardown();
}

/* ---- increase / decrease ---- */

UNIT_TEST(memory, increase_reservation_on_a_translated_domain_allocates_unmapped_frames)
{
	setup();
	CU_ASSERT_EQUAL(memop(guest, XENMEM_increase_reservation,
			      put_reservation(guest, DOMID_SELF, NULL, 0, 0, 0, NULL)),
			0);
	{
		struct xen_memory_reservation *r;
		uint64_t rva = fake_guest_alloc(guest, sizeof(*r), (void **)&r);

		r->nr_extents = 3;
		r->extent_order = 1;
		r->domid = DOMID_SELF;
		CU_ASSERT_EQUAL(memop(guest, XENMEM_increase_reservation, rva), 3);
	}
	CU_ASSERT_EQUAL(guest->tot_pages, 6);
	CU_ASSERT_EQUAL(stat_op(guest, XENMEM_maximum_gpfn, DOMID_SELF), 0);
	teardown();
}

UNIT_TEST(memory, decrease_of_an_unpopulated_gfn_stops_there)
{
	xen_pfn_t pop[] = {1, 2}, dec[] = {1, 3, 2};

	setup();
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, pop, 2, 0), 2);
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_decrease_reservation, DOMID_SELF, dec, 3, 0), 1);
	CU_ASSERT_EQUAL(type_at(guest, 1), p2m_invalid);
	CU_ASSERT_EQUAL(type_at(guest, 2), p2m_ram_rw);
	CU_ASSERT_EQUAL(guest->tot_pages, 1);
	teardown();
}

UNIT_TEST(memory, decrease_of_a_shared_info_gfn_only_unhooks_it)
{
	xen_pfn_t gfn = 0x50;

	setup();
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x50), 0);
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_decrease_reservation, DOMID_SELF, &gfn, 1, 0), 1);
	CU_ASSERT_EQUAL(type_at(guest, 0x50), p2m_invalid);
	CU_ASSERT_PTR_NOT_NULL(guest->shared_info);
	teardown();
}

UNIT_TEST(memory, decrease_continuation_finishes_every_extent)
{
	enum { N = 50 };
	xen_pfn_t gfns[N];

	setup();
	for (unsigned int i = 0; i < N; i++)
		gfns[i] = 3 * i;
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, gfns, N, 0), N);
	fake_preempt_after(3);
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_decrease_reservation, DOMID_SELF, gfns, N, 0), N);
	CU_ASSERT(fake_hypercall_restarts > 0);
	fake_preempt_after(-1);
	CU_ASSERT_EQUAL(guest->tot_pages, 0);
	teardown();
}

/* ---- reservation queries ---- */

UNIT_TEST(memory, reservation_queries_check_domain_privilege_and_handle)
{
	xen_pfn_t gfn = 3;

	setup();
	guest->max_pages = 100;
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, &gfn, 1, 0), 1);
	CU_ASSERT_EQUAL(stat_op(guest, XENMEM_current_reservation, DOMID_SELF), 1);
	CU_ASSERT_EQUAL(stat_op(guest, XENMEM_maximum_reservation, 1), 100);
	CU_ASSERT_EQUAL(stat_op(ctl, XENMEM_current_reservation, 1), 1);
	CU_ASSERT_EQUAL(stat_op(ctl, XENMEM_maximum_gpfn, 1), 3);
	CU_ASSERT_EQUAL(stat_op(guest, XENMEM_current_reservation, 0), -EPERM);
	CU_ASSERT_EQUAL(stat_op(guest, XENMEM_current_reservation, 42), -ESRCH);
	CU_ASSERT_EQUAL(stat_op(guest, XENMEM_current_reservation, DOMID_IDLE), -ESRCH);
	CU_ASSERT_EQUAL(memop(guest, XENMEM_current_reservation, 0x1000), -EFAULT);
	CU_ASSERT_EQUAL(memop(guest, XENMEM_current_reservation | (1UL << MEMOP_EXTENT_SHIFT),
			      fake_guest_alloc(guest, 8, NULL)),
			-EINVAL);
	CU_ASSERT_EQUAL(memop(guest, XENMEM_maximum_ram_page, 0), (long)max_page);
	teardown();
}

UNIT_TEST(memory, unknown_and_unimplemented_commands_are_enosys)
{
	static const unsigned int unimplemented[] = {
	    XENMEM_machphys_mfn_list,
	    XENMEM_exchange,
	    XENMEM_machine_memory_map,
	    XENMEM_machphys_mapping,
	    XENMEM_set_pod_target,
	    XENMEM_get_pod_target,
	    XENMEM_paging_op,
	    XENMEM_access_op,
	    XENMEM_sharing_op,
	    XENMEM_claim_pages,
	    XENMEM_get_vnumainfo,
	    XENMEM_reserved_device_memory_map,
	    XENMEM_acquire_resource,
	    8,
	    29,
	    63,
	};

	setup();
	for (unsigned int i = 0; i < sizeof(unimplemented) / sizeof(unimplemented[0]); i++) {
		CU_ASSERT_EQUAL(memop(guest, unimplemented[i], 0), -ENOSYS);
		CU_ASSERT_EQUAL(memop(ctl, unimplemented[i], 0), -ENOSYS);
	}
	/* A start extent on a command that has none. */
	CU_ASSERT_EQUAL(memop(guest, XENMEM_exchange | (5UL << MEMOP_EXTENT_SHIFT), 0), -EINVAL);
	teardown();
}

/* ---- memory map ---- */

UNIT_TEST(memory, memory_map_returns_what_the_builder_set)
{
	struct e820entry map[3] = {
	    {0, 0x9f000, E820_RAM},
	    {0xf0000, 0x10000, E820_RESERVED},
	    {0x100000, 0x7f00000, E820_RAM},
	};
	struct xen_memory_map *mm;
	struct e820entry *buf;
	uint64_t mva;

	setup();
	mva = fake_guest_alloc(guest, sizeof(*mm), (void **)&mm);
	mm->nr_entries = 8;
	mm->buffer.p = (void *)(uintptr_t)fake_guest_alloc(guest, 8 * sizeof(*buf), (void **)&buf);
	/* As Xen: nothing set is -ENOSYS. */
	CU_ASSERT_EQUAL(memop(guest, XENMEM_memory_map, mva), -ENOSYS);
	CU_ASSERT_EQUAL(domain_set_memory_map(guest, map, 3), 0);
	CU_ASSERT_EQUAL(memop(guest, XENMEM_memory_map, mva), 0);
	CU_ASSERT_EQUAL(mm->nr_entries, 3);
	CU_ASSERT_EQUAL(memcmp(buf, map, sizeof(map)), 0);
	CU_ASSERT_EQUAL(sizeof(struct e820entry), 20);
	/* A smaller buffer gets the first entries. */
	memset(buf, 0, 3 * sizeof(*buf));
	mm->nr_entries = 2;
	CU_ASSERT_EQUAL(memop(guest, XENMEM_memory_map, mva), 0);
	CU_ASSERT_EQUAL(mm->nr_entries, 2);
	CU_ASSERT_EQUAL(buf[1].addr, 0xf0000);
	CU_ASSERT_EQUAL(buf[2].addr, 0);
	/* Bad handles. */
	mm->nr_entries = 3;
	mm->buffer.p = (void *)0x1000;
	CU_ASSERT_EQUAL(memop(guest, XENMEM_memory_map, mva), -EFAULT);
	CU_ASSERT_EQUAL(memop(guest, XENMEM_memory_map, 0x1000), -EFAULT);
	CU_ASSERT_EQUAL(domain_set_memory_map(guest, map, E820_MAX_ENTRIES + 1), -EINVAL);
	/* The other domain has none. */
	CU_ASSERT_EQUAL(memop(ctl, XENMEM_memory_map, fake_guest_alloc(ctl, sizeof(*mm), NULL)),
			-ENOSYS);
	teardown();
}

UNIT_TEST(memory, set_memory_map_needs_the_target_or_control_role)
{
	struct e820entry map[2] = {{0, 0xa0000, E820_RAM}, {0x100000, 0x100000, E820_RAM}};
	struct xen_foreign_memory_map f = {.domid = 1, .map = {.nr_entries = 2}};
	struct xen_memory_map *mm;
	uint64_t mva;

	setup();
	f.map.buffer.p = (void *)(uintptr_t)fake_guest_put(ctl, map, sizeof(map));
	CU_ASSERT_EQUAL(memop(ctl, XENMEM_set_memory_map, fake_guest_put(ctl, &f, sizeof(f))), 0);
	CU_ASSERT_EQUAL(guest->nr_memory_map, 2);
	CU_ASSERT_EQUAL(guest->memory_map[1].size, 0x100000);
	/* A guest may not set another's map; limits and bad handles. */
	f.domid = 0;
	f.map.buffer.p = (void *)(uintptr_t)fake_guest_put(guest, map, sizeof(map));
	CU_ASSERT_EQUAL(memop(guest, XENMEM_set_memory_map, fake_guest_put(guest, &f, sizeof(f))),
			-EPERM);
	f.domid = 9;
	CU_ASSERT_EQUAL(memop(guest, XENMEM_set_memory_map, fake_guest_put(guest, &f, sizeof(f))),
			-ESRCH);
	f.domid = DOMID_SELF;
	f.map.nr_entries = E820_MAX_ENTRIES + 1;
	CU_ASSERT_EQUAL(memop(guest, XENMEM_set_memory_map, fake_guest_put(guest, &f, sizeof(f))),
			-EINVAL);
	f.map.nr_entries = 3;
	f.map.buffer.p = (void *)(uintptr_t)(fake_guest_end(guest) - 2 * sizeof(struct e820entry));
	CU_ASSERT_EQUAL(memop(guest, XENMEM_set_memory_map, fake_guest_put(guest, &f, sizeof(f))),
			-EFAULT);
	CU_ASSERT_EQUAL(guest->nr_memory_map, 2); /* unchanged by the failures */
	/* Its own: one entry, read back. */
	f.map.nr_entries = 1;
	f.map.buffer.p = (void *)(uintptr_t)fake_guest_put(guest, map, sizeof(map));
	CU_ASSERT_EQUAL(memop(guest, XENMEM_set_memory_map, fake_guest_put(guest, &f, sizeof(f))),
			0);
	mva = fake_guest_alloc(guest, sizeof(*mm), (void **)&mm);
	mm->nr_entries = 4;
	mm->buffer.p = (void *)(uintptr_t)fake_guest_alloc(guest, 4 * 20, NULL);
	CU_ASSERT_EQUAL(memop(guest, XENMEM_memory_map, mva), 0);
	CU_ASSERT_EQUAL(mm->nr_entries, 1);
	/* Zero entries removes it. */
	f.map.nr_entries = 0;
	CU_ASSERT_EQUAL(memop(guest, XENMEM_set_memory_map, fake_guest_put(guest, &f, sizeof(f))),
			0);
	CU_ASSERT_EQUAL(memop(guest, XENMEM_memory_map, mva), -ENOSYS);
	teardown();
}

/* ---- add_to_physmap ---- */

UNIT_TEST(memory, add_to_physmap_shared_info_is_visible_as_p2m_special)
{
	enum p2m_type t;
	mfn_t mfn;

	setup();
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_shared_info, 0, 0xfeff0), 0);
	mfn = p2m_lookup(guest, _gfn(0xfeff0), &t);
	CU_ASSERT_EQUAL(t, p2m_special);
	CU_ASSERT_TRUE(mfn_eq(mfn, page_to_mfn(virt_to_page(guest->shared_info))));
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_shared_info, 1, 0xfeff1),
			-EINVAL);
	/* remove_from_physmap unhooks it; the page stays the domain's shared_info. */
	CU_ASSERT_EQUAL(remove_from_physmap(guest, DOMID_SELF, 0xfeff0), 0);
	CU_ASSERT_EQUAL(type_at(guest, 0xfeff0), p2m_invalid);
	CU_ASSERT_EQUAL(remove_from_physmap(guest, DOMID_SELF, 0xfeff0), -ENOENT);
	teardown();
}

UNIT_TEST(memory, add_to_physmap_over_ram_gives_the_ram_back)
{
	xen_pfn_t gfn = 0x33;

	setup();
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, &gfn, 1, 0), 1);
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x33), 0);
	CU_ASSERT_EQUAL(type_at(guest, 0x33), p2m_special);
	CU_ASSERT_EQUAL(guest->tot_pages, 0);
	/* And populate over the special page just unhooks it. */
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, &gfn, 1, 0), 1);
	CU_ASSERT_EQUAL(type_at(guest, 0x33), p2m_ram_rw);
	teardown();
}

UNIT_TEST(memory, add_to_physmap_checks_domain_space_and_handle)
{
	struct domain_create_args args = fake_domain_args("pv", ROLE_GUEST, 1);
	struct domain *pv;

	setup();
	CU_ASSERT_EQUAL(add_to_physmap(guest, 0, XENMAPSPACE_shared_info, 0, 1), -EPERM);
	CU_ASSERT_EQUAL(add_to_physmap(guest, 55, XENMAPSPACE_shared_info, 0, 1), -ESRCH);
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 0, 1), -ENOSYS);
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_dev_mmio, 0, 1), -EACCES);
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, 99, 0, 1), -EINVAL);
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_shared_info, 0, ~0UL),
			-EINVAL);
	CU_ASSERT_EQUAL(
	    add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_shared_info, 0, P2M_MAX_GFN + 1),
	    -EINVAL);
	CU_ASSERT_EQUAL(memop(guest, XENMEM_add_to_physmap, 0x20), -EFAULT);
	CU_ASSERT_EQUAL(memop(guest, XENMEM_add_to_physmap | (0x10000UL << MEMOP_EXTENT_SHIFT), 0),
			-EDOM);
	/* A control domain may map a guest's shared_info into the guest. */
	CU_ASSERT_EQUAL(add_to_physmap(ctl, 1, XENMAPSPACE_shared_info, 0, 7), 0);
	CU_ASSERT_EQUAL(type_at(guest, 7), p2m_special);
	CU_ASSERT_EQUAL(type_at(ctl, 7), p2m_invalid);
	/* PV domains have no physmap to add to. */
	args.mode = GUEST_MODE_PV;
	CU_ASSERT_EQUAL_FATAL(domain_create(2, &args, &pv), 0);
	fake_guest_attach(pv, 0);
	CU_ASSERT_EQUAL(add_to_physmap(pv, DOMID_SELF, XENMAPSPACE_shared_info, 0, 7), -EACCES);
	teardown();
}

UNIT_TEST(memory, add_to_physmap_grant_table_maps_the_frame_once)
{
	mfn_t mfn;

	setup();
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_grant_table, 0, 0x100), 0);
	CU_ASSERT_EQUAL(gnttab_get_shared_frame(guest, 0, &mfn), 0);
	CU_ASSERT_TRUE(mfn_eq(p2m_lookup(guest, _gfn(0x100), NULL), mfn));
	CU_ASSERT_EQUAL(type_at(guest, 0x100), p2m_special);
	/* Mapped again elsewhere: it moves (Xen keeps one gfn per grant frame). */
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_grant_table, 0, 0x200), 0);
	CU_ASSERT_EQUAL(type_at(guest, 0x100), p2m_invalid);
	CU_ASSERT_EQUAL(type_at(guest, 0x200), p2m_special);
	/* Frame 3 grows the table; v2 status frames and frames past the limit are -EINVAL. */
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_grant_table, 3, 0x203), 0);
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_grant_table,
				       XENMAPIDX_grant_table_status | 0, 0x300),
			-EINVAL);
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_grant_table, 100000, 0x301),
			-EINVAL);
	CU_ASSERT_EQUAL(
	    add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_grant_table, 1UL << 32, 0x302), -EINVAL);
	teardown();
}

UNIT_TEST(memory, add_to_physmap_gmfn_moves_a_frame)
{
	xen_pfn_t gfn = 10;
	mfn_t mfn;

	setup();
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, &gfn, 1, 0), 1);
	mfn = p2m_lookup(guest, _gfn(10), NULL);
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_gmfn, 10, 20), 0);
	CU_ASSERT_EQUAL(type_at(guest, 10), p2m_invalid);
	CU_ASSERT_TRUE(mfn_eq(p2m_lookup(guest, _gfn(20), NULL), mfn));
	CU_ASSERT_EQUAL(guest->tot_pages, 1);
	/* Nothing at the source, or a special page there: -EINVAL. */
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_gmfn, 10, 30), -EINVAL);
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_shared_info, 0, 40), 0);
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_gmfn, 40, 41), -EINVAL);
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_gmfn, 20, 20), 0);
	teardown();
}

UNIT_TEST(memory, add_to_physmap_gmfn_range_continues_until_done)
{
	enum { N = 40 };
	xen_pfn_t gfns[N];
	struct xen_add_to_physmap x = {.domid = DOMID_SELF,
				       .space = XENMAPSPACE_gmfn_range,
				       .size = N,
				       .idx = 100,
				       .gpfn = 500};

	setup();
	for (unsigned int i = 0; i < N; i++)
		gfns[i] = 100 + i;
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, gfns, N, 0), N);
	fake_preempt_after(5);
	CU_ASSERT_EQUAL(memop(guest, XENMEM_add_to_physmap, fake_guest_put(guest, &x, sizeof(x))),
			0);
	CU_ASSERT(fake_hypercall_restarts > 0);
	fake_preempt_after(-1);
	for (unsigned int i = 0; i < N; i++) {
		CU_ASSERT_EQUAL(type_at(guest, 100 + i), p2m_invalid);
		CU_ASSERT_EQUAL(type_at(guest, 500 + i), p2m_ram_rw);
	}
	/* Overflowing ranges, and a start past the size. */
	x.idx = ~0UL - 3;
	CU_ASSERT_EQUAL(memop(guest, XENMEM_add_to_physmap, fake_guest_put(guest, &x, sizeof(x))),
			-EOVERFLOW);
	x.idx = 500;
	CU_ASSERT_EQUAL(memop(guest, XENMEM_add_to_physmap | (41UL << MEMOP_EXTENT_SHIFT),
			      fake_guest_put(guest, &x, sizeof(x))),
			-EILSEQ);
	teardown();
}

/* ---- add_to_physmap_batch, foreign mappings ---- */

UNIT_TEST(memory, control_domain_maps_a_guest_frame_foreign_and_unmaps_it)
{
	xen_pfn_t gfn = 0x77, gpfns[2] = {0x9000, 0x9001};
	xen_ulong_t idxs[2] = {0x77, 0x78};
	mfn_t mfn;
	unsigned long r0;
	int *errs;

	setup();
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, &gfn, 1, 0), 1);
	mfn = p2m_lookup(guest, _gfn(0x77), NULL);
	r0 = refs(mfn);
	CU_ASSERT_EQUAL(batch(ctl, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, idxs, gpfns, 2, &errs),
			0);
	CU_ASSERT_EQUAL(errs[0], 0);
	CU_ASSERT_EQUAL(errs[1], -EINVAL); /* 0x78 is not populated */
	CU_ASSERT_EQUAL(type_at(ctl, 0x9000), p2m_map_foreign);
	CU_ASSERT_TRUE(mfn_eq(p2m_lookup(ctl, _gfn(0x9000), NULL), mfn));
	CU_ASSERT_EQUAL(refs(mfn), r0 + 1);
	/* The guest gives the frame up: it stays valid while mapped. */
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_decrease_reservation, DOMID_SELF, &gfn, 1, 0), 1);
	CU_ASSERT_EQUAL(refs(mfn), 1);
	/* The control domain cannot free a frame it does not own through decrease. */
	gfn = 0x9000;
	CU_ASSERT_EQUAL(reservation(ctl, XENMEM_decrease_reservation, DOMID_SELF, &gfn, 1, 0), 0);
	/* Nor populate over the foreign entry (as Xen's p2m_add_page refuses). */
	CU_ASSERT_EQUAL(reservation(ctl, XENMEM_populate_physmap, DOMID_SELF, &gfn, 1, 0), 0);
	CU_ASSERT_EQUAL(type_at(ctl, 0x9000), p2m_map_foreign);
	CU_ASSERT_EQUAL(ctl->tot_pages, 0);
	CU_ASSERT_EQUAL(remove_from_physmap(ctl, DOMID_SELF, 0x9000), 0);
	CU_ASSERT_EQUAL(type_at(ctl, 0x9000), p2m_invalid);
	teardown();
}

UNIT_TEST(memory, foreign_mapping_is_refused_per_entry)
{
	xen_pfn_t gfn = 5, gpfns[1] = {0x100};
	xen_ulong_t idxs[1] = {5};
	int *errs;

	setup();
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, &gfn, 1, 0), 1);
	CU_ASSERT_EQUAL(reservation(ctl, XENMEM_populate_physmap, DOMID_SELF, &gfn, 1, 0), 1);
	/* A guest mapping the control domain's memory: -EPERM in errs. */
	CU_ASSERT_EQUAL(
	    batch(guest, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 0, idxs, gpfns, 1, &errs), 0);
	CU_ASSERT_EQUAL(errs[0], -EPERM);
	/* Unknown foreign domain; the caller itself. */
	CU_ASSERT_EQUAL(batch(ctl, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 33, idxs, gpfns, 1, &errs),
			0);
	CU_ASSERT_EQUAL(errs[0], -ESRCH);
	CU_ASSERT_EQUAL(batch(ctl, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 0, idxs, gpfns, 1, &errs),
			0);
	CU_ASSERT_EQUAL(errs[0], -EPERM);
	/* Over the caller's own RAM: the RAM goes back, the foreign frame takes its place. */
	gpfns[0] = 5;
	CU_ASSERT_EQUAL(batch(ctl, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, idxs, gpfns, 1, &errs),
			0);
	CU_ASSERT_EQUAL(errs[0], 0);
	CU_ASSERT_EQUAL(ctl->tot_pages, 0);
	CU_ASSERT_EQUAL(type_at(ctl, 5), p2m_map_foreign);
	/* Over an existing foreign entry: -ENXIO (remove it first). */
	CU_ASSERT_EQUAL(batch(ctl, DOMID_SELF, XENMAPSPACE_shared_info, 0, idxs, gpfns, 1, &errs),
			0);
	CU_ASSERT_EQUAL(errs[0], -EINVAL); /* idx 5 is not 0 */
	idxs[0] = 0;
	CU_ASSERT_EQUAL(batch(ctl, DOMID_SELF, XENMAPSPACE_shared_info, 0, idxs, gpfns, 1, &errs),
			0);
	CU_ASSERT_EQUAL(errs[0], -ENXIO);
	/* The guest dies while mapped: the frame lives until the control domain unmaps it. */
	fake_domain_kill(guest);
	CU_ASSERT_EQUAL(type_at(ctl, 5), p2m_map_foreign);
	CU_ASSERT_EQUAL(remove_from_physmap(ctl, DOMID_SELF, 5), 0);
	teardown();
}

UNIT_TEST(memory, batch_rejects_bad_arguments)
{
	xen_pfn_t gpfns[2] = {1, ~0UL};
	xen_ulong_t idxs[2] = {0, 0};
	struct xen_add_to_physmap_batch b = {
	    .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .size = 2};
	int *errs;

	setup();
	CU_ASSERT_EQUAL(batch(guest, DOMID_SELF, XENMAPSPACE_gmfn_range, 0, idxs, gpfns, 1, &errs),
			-EOPNOTSUPP);
	CU_ASSERT_EQUAL(batch(guest, 0, XENMAPSPACE_shared_info, 0, idxs, gpfns, 1, &errs), -EPERM);
	CU_ASSERT_EQUAL(batch(guest, 9, XENMAPSPACE_shared_info, 0, idxs, gpfns, 1, &errs), -ESRCH);
	/* The invalid gfn ends the call with -EINVAL after the first entry was done. */
	CU_ASSERT_EQUAL(batch(guest, DOMID_SELF, XENMAPSPACE_shared_info, 0, idxs, gpfns, 2, &errs),
			-EINVAL);
	CU_ASSERT_EQUAL(errs[0], 0);
	CU_ASSERT_EQUAL(type_at(guest, 1), p2m_special);
	/* Empty batch: 0; arrays outside guest memory: -EFAULT; dev_mmio with res0: -EACCES first.
	 */
	CU_ASSERT_EQUAL(batch(guest, DOMID_SELF, XENMAPSPACE_shared_info, 0, idxs, gpfns, 0, &errs),
			0);
	b.idxs.p = (xen_ulong_t *)0x10;
	b.gpfns.p = (xen_pfn_t *)0x10;
	b.errs.p = (int *)0x10;
	CU_ASSERT_EQUAL(
	    memop(guest, XENMEM_add_to_physmap_batch, fake_guest_put(guest, &b, sizeof(b))),
	    -EFAULT);
	b.idxs.p = (xen_ulong_t *)(uintptr_t)(~0UL - 4);
	CU_ASSERT_EQUAL(
	    memop(guest, XENMEM_add_to_physmap_batch, fake_guest_put(guest, &b, sizeof(b))),
	    -EFAULT);
	/* A start past the size: -EILSEQ; start == size: -EILSEQ too (Xen). */
	CU_ASSERT_EQUAL(memop(guest, XENMEM_add_to_physmap_batch | (3UL << MEMOP_EXTENT_SHIFT),
			      fake_guest_put(guest, &b, sizeof(b))),
			-EILSEQ);
	CU_ASSERT_EQUAL(memop(guest, XENMEM_add_to_physmap_batch | (2UL << MEMOP_EXTENT_SHIFT),
			      fake_guest_put(guest, &b, sizeof(b))),
			-EILSEQ);
	CU_ASSERT_EQUAL(memop(guest, XENMEM_add_to_physmap_batch, 0x10), -EFAULT);
	teardown();
}

UNIT_TEST(memory, batch_continuation_fills_every_errs_entry)
{
	enum { N = 30 };
	xen_pfn_t gpfns[N];
	xen_ulong_t idxs[N];
	int *errs;

	setup();
	for (unsigned int i = 0; i < N; i++) {
		gpfns[i] = 0x400 + i;
		idxs[i] = i % 2; /* shared_info idx 0 works, 1 does not */
	}
	fake_preempt_after(4);
	CU_ASSERT_EQUAL(batch(guest, DOMID_SELF, XENMAPSPACE_shared_info, 0, idxs, gpfns, N, &errs),
			0);
	CU_ASSERT(fake_hypercall_restarts > 0);
	fake_preempt_after(-1);
	for (unsigned int i = 0; i < N; i++) {
		CU_ASSERT_EQUAL(errs[i], i % 2 ? -EINVAL : 0);
		/* shared_info moves: only the last gfn it was mapped at holds it. */
		CU_ASSERT_EQUAL(type_at(guest, 0x400 + i), i == N - 2 ? p2m_special : p2m_invalid);
	}
	teardown();
}

/* ---- remove_from_physmap ---- */

UNIT_TEST(memory, remove_from_physmap_leaves_own_ram_allocated)
{
	xen_pfn_t gfn = 0x60;

	setup();
	CU_ASSERT_EQUAL(reservation(guest, XENMEM_populate_physmap, DOMID_SELF, &gfn, 1, 0), 1);
	CU_ASSERT_EQUAL(remove_from_physmap(guest, 0, 0x60), -EPERM);
	CU_ASSERT_EQUAL(remove_from_physmap(guest, 8, 0x60), -ESRCH);
	CU_ASSERT_EQUAL(memop(guest, XENMEM_remove_from_physmap, 0x10), -EFAULT);
	CU_ASSERT_EQUAL(remove_from_physmap(guest, DOMID_SELF, P2M_MAX_GFN + 5), -ENOENT);
	CU_ASSERT_EQUAL(remove_from_physmap(ctl, 1, 0x60), 0);
	CU_ASSERT_EQUAL(type_at(guest, 0x60), p2m_invalid);
	CU_ASSERT_EQUAL(guest->tot_pages, 1); /* as Xen: still the domain's, freed when it dies */
	teardown();
}

/* ---- randomized ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Mostly small numbers, sometimes extremes: what a fuzzer would try. */
static uint64_t rnd_value(void)
{
	switch (rnd() % 6) {
	case 0:
		return rnd() % 8;
	case 1:
		return rnd() % 0x2000;
	case 2:
		return ~0UL - rnd() % 4;
	case 3:
		return P2M_MAX_GFN + rnd() % 3 - 1;
	case 4:
		return 1UL << (rnd() % 64);
	default:
		return rnd();
	}
}

UNIT_TEST(memory, randomized_arguments_never_crash_or_leak)
{
	enum { SCRATCH = 4096 };

	setup();
	{
		struct domain *doms[2] = {guest, ctl};
		unsigned char *host[2];
		uint64_t base[2];

		for (unsigned int k = 0; k < 2; k++)
			base[k] = fake_guest_alloc(doms[k], SCRATCH, (void **)&host[k]);
		guest->max_pages = 600;
		ctl->max_pages = 2000;
		for (unsigned int iter = 0; iter < 20000; iter++) {
			unsigned int k = rnd() % 2;
			uint64_t *words = (uint64_t *)host[k];
			unsigned long cmd = rnd() % 32;
			uint64_t arg;

			/* Fill the scratch with pointers into it and random values. */
			for (unsigned int w = 0; w < SCRATCH / 8; w++)
				words[w] = rnd() % 3 ? rnd_value() : base[k] + (rnd() % SCRATCH);
			/* Domain ids the ops read: mostly real ones. */
			for (unsigned int w = 0; w < 8; w++)
				((uint16_t *)host[k])[w * 4 + rnd() % 4] =
				    (uint16_t)(rnd() % 3 ? rnd() % 3 : DOMID_SELF);
			if (rnd() % 8 == 0)
				cmd |= (rnd() % 64) << MEMOP_EXTENT_SHIFT;
			arg = rnd() % 2	  ? base[k]
			      : rnd() % 8 ? base[k] + (rnd() % SCRATCH)
					  : rnd_value();
			if (rnd() % 16 == 0)
				fake_preempt_after((long)(rnd() % 4));
			if (rnd() % 32 == 0)
				fake_copy_fail_after = (long)(rnd() % 6);
			memop(doms[k], cmd, arg);
			fake_preempt_after(-1);
			fake_copy_fail_after = -1;
			/* Nobody's reservation grows without bound. */
			CU_ASSERT(guest->tot_pages <= 600);
		}
	}
	teardown();
}

/*
 * Issue 14 item 1: as Xen, shared_info moves; its old gfn is left unbacked.
 * Mapping it at ever new gfns once added a p2m node (and NPT tables) each
 * time, charged to nobody.
 */
UNIT_TEST(memory, shared_info_moves_and_its_old_gfn_is_unbacked)
{
	unsigned long free0 = 0;

	setup();
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x100), 0);
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x200), 0);
	CU_ASSERT_EQUAL(type_at(guest, 0x100), p2m_invalid);
	CU_ASSERT_EQUAL(type_at(guest, 0x200), p2m_special);
	/* The same gfn again: still there. */
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x200), 0);
	CU_ASSERT_EQUAL(type_at(guest, 0x200), p2m_special);
	/* The hostile loop: idx 0 at gpfn i << 9. The heap does not shrink. */
	for (unsigned long i = 1; i <= 2000; i++) {
		CU_ASSERT_EQUAL(
		    add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_shared_info, 0, i << 9), 0);
		if (i == 1)
			free0 = total_free_pages();
	}
	CU_ASSERT_EQUAL(total_free_pages(), free0);
	CU_ASSERT_EQUAL(type_at(guest, 1999UL << 9), p2m_invalid);
	CU_ASSERT_EQUAL(type_at(guest, 2000UL << 9), p2m_special);
	/* Unhooked, then mapped again: no stale gfn is touched (RAM there stays). */
	CU_ASSERT_EQUAL(remove_from_physmap(guest, DOMID_SELF, 2000UL << 9), 0);
	CU_ASSERT_EQUAL(add_to_physmap(guest, DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x300), 0);
	CU_ASSERT_EQUAL(type_at(guest, 0x300), p2m_special);
	teardown();
}
