/*
 * The guest-physical map (common/p2m.c): entries set, looked up, replaced
 * and removed; the references grant and foreign entries hold; the bounds;
 * the arch hook told of each change; teardown (preemptible) freeing every
 * node and reference; whole 2 MiB blocks (p2m_set_entry_order) and 4 KiB
 * changes inside them.
 */
#include <public/xen.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include "fake_guest.h"
#include "unit.h"

#define FRAMES 4096

UNIT_SUITE(p2m);

static struct domain *d, *other;

static void setup(void)
{
	fake_abi_setup(FRAMES);
	d = fake_domain_create(1, ROLE_GUEST, 1);
	other = fake_domain_create(2, ROLE_GUEST, 1);
	CU_ASSERT_FATAL(d && other && d->p2m);
}

static void teardown(void)
{
	CU_ASSERT_EQUAL(fake_abi_teardown(), 0);
}

static unsigned long page_refs(struct page_info *pg)
{
	return pg->count_info & PGC_count_mask;
}

static mfn_t own_frame(struct domain *dom)
{
	struct page_info *pg = alloc_domain_pages(dom, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(pg);
	return page_to_mfn(pg);
}

UNIT_TEST(p2m, set_lookup_replace_remove)
{
	mfn_t a, b;
	enum p2m_type t;

	setup();
	a = own_frame(d);
	b = own_frame(d);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(0x1234), &t), INVALID_MFN));
	CU_ASSERT_EQUAL(t, p2m_invalid);
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(0x1234), a, p2m_ram_rw), 0);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(0x1234), &t), a));
	CU_ASSERT_EQUAL(t, p2m_ram_rw);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(0x1235), NULL), INVALID_MFN));
	/* Replace. */
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(0x1234), b, p2m_ram_ro), 0);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(0x1234), &t), b));
	CU_ASSERT_EQUAL(t, p2m_ram_ro);
	/* Remove only if it maps the frame named. */
	CU_ASSERT_EQUAL(p2m_remove_entry(d, _gfn(0x1234), a), -ENOENT);
	CU_ASSERT_EQUAL(p2m_remove_entry(d, _gfn(0x1234), b), 0);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(0x1234), NULL), INVALID_MFN));
	CU_ASSERT_EQUAL(p2m_remove_entry(d, _gfn(0x1234), INVALID_MFN), -ENOENT);
	/* INVALID_MFN removes whatever is there. */
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(7), a, p2m_ram_rw), 0);
	CU_ASSERT_EQUAL(p2m_remove_entry(d, _gfn(7), INVALID_MFN), 0);
	teardown();
}

UNIT_TEST(p2m, frame_zero_and_gfn_zero_are_ordinary)
{
	setup();
	/* mfn 0 belongs to whoever the heap gave it to: map it as special. */
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(0), _mfn(0), p2m_special), 0);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(0), NULL), _mfn(0)));
	CU_ASSERT_EQUAL(p2m_remove_entry(d, _gfn(0), _mfn(0)), 0);
	teardown();
}

UNIT_TEST(p2m, bounds_and_bad_types_are_einval)
{
	mfn_t a;

	setup();
	a = own_frame(d);
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(P2M_MAX_GFN + 1), a, p2m_ram_rw), -EINVAL);
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(~0UL), a, p2m_ram_rw), -EINVAL);
	CU_ASSERT_EQUAL(p2m_remove_entry(d, _gfn(P2M_MAX_GFN + 1), a), -EINVAL);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(P2M_MAX_GFN + 1), NULL), INVALID_MFN));
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(P2M_MAX_GFN), a, p2m_ram_rw), 0);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(P2M_MAX_GFN), NULL), a));
	CU_ASSERT_EQUAL(gfn_x(p2m_max_mapped_gfn(d)), P2M_MAX_GFN);
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(1), a, p2m_invalid), -EINVAL);
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(1), a, (enum p2m_type)99), -EINVAL);
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(1), a, (enum p2m_type) - 1), -EINVAL);
	teardown();
}

UNIT_TEST(p2m, ram_must_be_the_domains_own_frame)
{
	mfn_t theirs;

	setup();
	theirs = own_frame(other);
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(1), theirs, p2m_ram_rw), -EINVAL);
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(1), _mfn(FRAMES + 5), p2m_ram_rw), -EINVAL);
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(1), INVALID_MFN, p2m_ram_rw), -EINVAL);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(1), NULL), INVALID_MFN));
	teardown();
}

UNIT_TEST(p2m, grant_and_foreign_entries_hold_one_reference)
{
	struct page_info *pg;
	mfn_t theirs;

	setup();
	theirs = own_frame(other);
	pg = mfn_to_page(theirs);
	CU_ASSERT_EQUAL(page_refs(pg), 1);
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(10), theirs, p2m_grant_map_rw), 0);
	CU_ASSERT_EQUAL(page_refs(pg), 2);
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(11), theirs, p2m_map_foreign), 0);
	CU_ASSERT_EQUAL(page_refs(pg), 3);
	/* Replacing a grant entry by another grant entry: one dropped, one taken. */
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(10), theirs, p2m_grant_map_ro), 0);
	CU_ASSERT_EQUAL(page_refs(pg), 3);
	/* Replacing by own RAM drops it. */
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(10), own_frame(d), p2m_ram_rw), 0);
	CU_ASSERT_EQUAL(page_refs(pg), 2);
	CU_ASSERT_EQUAL(p2m_remove_entry(d, _gfn(11), theirs), 0);
	CU_ASSERT_EQUAL(page_refs(pg), 1);
	/* A free frame cannot be grant-mapped. */
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(12), _mfn(FRAMES - 1), p2m_grant_map_rw), -EINVAL);
	teardown();
}

UNIT_TEST(p2m, foreign_frame_outlives_its_owner_until_unmapped)
{
	struct page_info *pg;
	mfn_t theirs;
	unsigned long free_after;

	setup();
	theirs = own_frame(other);
	pg = mfn_to_page(theirs);
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(10), theirs, p2m_map_foreign), 0);
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(11), own_frame(d), p2m_ram_rw),
			0); /* keeps the nodes */
	fake_domain_kill(other);
	CU_ASSERT_FALSE(!!(pg->count_info & PGC_free));
	free_after = total_free_pages();
	CU_ASSERT_EQUAL(p2m_remove_entry(d, _gfn(10), theirs), 0);
	CU_ASSERT(!!(pg->count_info & PGC_free));
	CU_ASSERT_EQUAL(total_free_pages(), free_after + 1);
	teardown();
}

UNIT_TEST(p2m, arch_hook_sees_each_change_and_its_failure_changes_nothing)
{
	struct page_info *pg;
	mfn_t a, theirs;
	unsigned long calls, free0;

	setup();
	a = own_frame(d);
	theirs = own_frame(other);
	pg = mfn_to_page(theirs);
	calls = fake_p2m_update_calls;
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(42), a, p2m_ram_rw), 0);
	CU_ASSERT_EQUAL(fake_p2m_update_calls, calls + 1);
	CU_ASSERT_PTR_EQUAL(fake_p2m_last.d, d);
	CU_ASSERT_EQUAL(gfn_x(fake_p2m_last.gfn), 42);
	CU_ASSERT(mfn_eq(fake_p2m_last.mfn, a));
	CU_ASSERT_EQUAL(fake_p2m_last.t, p2m_ram_rw);
	CU_ASSERT_EQUAL(p2m_remove_entry(d, _gfn(42), a), 0);
	CU_ASSERT_EQUAL(fake_p2m_last.t, p2m_invalid);
	CU_ASSERT(mfn_eq(fake_p2m_last.mfn, INVALID_MFN));

	/* A refused update: no entry, no reference, no node left behind. */
	free0 = total_free_pages();
	fake_p2m_update_fail_next = -ENOMEM;
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(0x77777), theirs, p2m_grant_map_rw), -ENOMEM);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(0x77777), NULL), INVALID_MFN));
	CU_ASSERT_EQUAL(page_refs(pg), 1);
	CU_ASSERT_EQUAL(total_free_pages(), free0);
	/* A refused replacement keeps the old entry. */
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(5), a, p2m_ram_rw), 0);
	fake_p2m_update_fail_next = -EIO;
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(5), theirs, p2m_map_foreign), -EIO);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(5), NULL), a));
	CU_ASSERT_EQUAL(page_refs(pg), 1);
	/* A refused removal keeps the entry too. */
	fake_p2m_update_fail_next = -EIO;
	CU_ASSERT_EQUAL(p2m_remove_entry(d, _gfn(5), a), -EIO);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(5), NULL), a));
	teardown();
}

UNIT_TEST(p2m, emptied_nodes_are_freed_at_once)
{
	mfn_t a;
	unsigned long free0;

	setup();
	a = own_frame(d);
	free0 = total_free_pages();
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(0xBCDE12345UL), a, p2m_ram_rw), 0);
	CU_ASSERT_EQUAL(total_free_pages(), free0 - 4); /* one node per level */
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(0xBCDE12346UL), a, p2m_ram_rw), 0);
	CU_ASSERT_EQUAL(total_free_pages(), free0 - 4); /* same leaf */
	CU_ASSERT_EQUAL(p2m_remove_entry(d, _gfn(0xBCDE12345UL), a), 0);
	CU_ASSERT_EQUAL(total_free_pages(), free0 - 4);
	CU_ASSERT_EQUAL(p2m_remove_entry(d, _gfn(0xBCDE12346UL), a), 0);
	CU_ASSERT_EQUAL(total_free_pages(), free0);
	/* The high-water mark stays (XENMEM_maximum_gpfn). */
	CU_ASSERT_EQUAL(gfn_x(p2m_max_mapped_gfn(d)), 0xBCDE12346UL);
	teardown();
}

UNIT_TEST(p2m, out_of_memory_leaves_no_partial_path)
{
	mfn_t a;
	unsigned long free0;

	setup();
	a = own_frame(d);
	/* Leave two frames: the four nodes needed cannot all be had. */
	while (total_free_pages() > 2)
		CU_ASSERT_PTR_NOT_NULL_FATAL(alloc_xenheap_pages(0));
	free0 = total_free_pages();
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(0x123456789UL), a, p2m_ram_rw), -ENOMEM);
	CU_ASSERT_EQUAL(total_free_pages(), free0);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(0x123456789UL), NULL), INVALID_MFN));
	fake_abi_teardown(); /* pages taken above stay taken: no leak check */
}

UNIT_TEST(p2m, teardown_is_preemptible_and_frees_every_node_and_reference)
{
	struct page_info *pg;
	mfn_t theirs;
	unsigned long free0;
	unsigned int restarts = 0;
	int rc;

	setup();
	free0 = total_free_pages();
	theirs = own_frame(other);
	pg = mfn_to_page(theirs);
	/* Scattered entries: many leaves, some sharing interior nodes. */
	for (uint64_t i = 0; i < 40; i++) {
		uint64_t gfn = ((i + 1) * 0x9E3779B97F4A7C15ULL) & (P2M_MAX_GFN >> 1);

		CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(gfn), theirs, p2m_grant_map_rw), 0);
		CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn((1UL << 35) + i), theirs, p2m_map_foreign),
				0);
	}
	CU_ASSERT_EQUAL(page_refs(pg), 81);
	fake_preempt_after(2);
	while ((rc = p2m_teardown(d)) == -ERESTART) {
		restarts++;
		CU_ASSERT_FATAL(restarts < 1000);
	}
	fake_preempt_after(-1);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT(restarts > 5);
	CU_ASSERT_PTR_NULL(d->p2m);
	CU_ASSERT_EQUAL(page_refs(pg), 1);
	/* Only other's frame remains taken since free0 (the p2m struct's slab may go too). */
	CU_ASSERT(total_free_pages() >= free0 - 1);
	/* Without a p2m every operation refuses. */
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(1), theirs, p2m_grant_map_rw), -EINVAL);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(1), NULL), INVALID_MFN));
	CU_ASSERT_EQUAL(gfn_x(p2m_max_mapped_gfn(d)), 0);
	CU_ASSERT_EQUAL(p2m_teardown(d), 0);
	teardown();
}

UNIT_TEST(p2m, domain_kill_tears_down_a_populated_p2m)
{
	mfn_t theirs;

	setup();
	d->max_pages = 1UL << 20; /* a paging limit for 600 scattered leaves (tessera/p2m.h) */
	theirs = own_frame(other);
	for (uint64_t i = 0; i < 600; i++)
		CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(i * 513), own_frame(d), p2m_ram_rw), 0);
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(P2M_MAX_GFN - 5), theirs, p2m_grant_map_rw), 0);
	/* fake_abi_teardown kills both and checks every node and frame came back. */
	teardown();
}

UNIT_TEST(p2m, p2m_init_twice_is_eexist)
{
	setup();
	CU_ASSERT_EQUAL(p2m_init(d), -EEXIST);
	teardown();
}

/* ---- Whole 2 MiB blocks (p2m_set_entry_order) ---- */

static struct page_info *own_block(struct domain *dom)
{
	struct page_info *pg = alloc_domain_pages(dom, P2M_ORDER_2M);

	CU_ASSERT_PTR_NOT_NULL_FATAL(pg);
	/* The buddy allocator hands out naturally aligned blocks. */
	CU_ASSERT_EQUAL_FATAL(mfn_x(page_to_mfn(pg)) & 511, 0);
	return pg;
}

UNIT_TEST(p2m, order9_block_maps_512_frames_and_tells_the_arch_once)
{
	struct page_info *pg;
	unsigned long calls;
	enum p2m_type t;
	mfn_t base;

	setup();
	pg = own_block(d);
	base = page_to_mfn(pg);
	calls = fake_p2m_update_calls;
	CU_ASSERT_EQUAL(p2m_set_entry_order(d, _gfn(0x400), base, P2M_ORDER_2M, p2m_ram_rw), 0);
	CU_ASSERT_EQUAL(fake_p2m_update_calls, calls + 1);
	CU_ASSERT_EQUAL(fake_p2m_last.order, P2M_ORDER_2M);
	CU_ASSERT_EQUAL(gfn_x(fake_p2m_last.gfn), 0x400);
	CU_ASSERT(mfn_eq(fake_p2m_last.mfn, base));
	CU_ASSERT_EQUAL(fake_p2m_last.t, p2m_ram_rw);
	for (unsigned long i = 0; i < 512; i++) {
		CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(0x400 + i), &t), _mfn(mfn_x(base) + i)));
		CU_ASSERT_EQUAL(t, p2m_ram_rw);
	}
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(0x3ff), NULL), INVALID_MFN));
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(0x600), NULL), INVALID_MFN));
	CU_ASSERT_EQUAL(gfn_x(p2m_max_mapped_gfn(d)), 0x5ff);
	/* Order 0 is p2m_set_entry. */
	CU_ASSERT_EQUAL(p2m_set_entry_order(d, _gfn(0x10), own_frame(d), 0, p2m_ram_ro), 0);
	CU_ASSERT_EQUAL(fake_p2m_last.order, 0);
	CU_ASSERT(!mfn_eq(p2m_lookup(d, _gfn(0x10), &t), INVALID_MFN));
	CU_ASSERT_EQUAL(t, p2m_ram_ro);
	teardown();
}

UNIT_TEST(p2m, a_4k_change_inside_a_block_keeps_the_other_511)
{
	mfn_t base, lone;
	enum p2m_type t;

	setup();
	base = page_to_mfn(own_block(d));
	lone = own_frame(d);
	CU_ASSERT_EQUAL(p2m_set_entry_order(d, _gfn(0x200), base, P2M_ORDER_2M, p2m_ram_rw), 0);
	/* Replace one page, make another read-only, remove a third: each an order-0 hook call. */
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(0x205), lone, p2m_ram_rw), 0);
	CU_ASSERT_EQUAL(fake_p2m_last.order, 0);
	CU_ASSERT_EQUAL(gfn_x(fake_p2m_last.gfn), 0x205);
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(0x206), _mfn(mfn_x(base) + 6), p2m_ram_ro), 0);
	CU_ASSERT_EQUAL(p2m_remove_entry(d, _gfn(0x207), INVALID_MFN), 0);
	CU_ASSERT_EQUAL(fake_p2m_last.order, 0);
	CU_ASSERT(mfn_eq(fake_p2m_last.mfn, INVALID_MFN));
	for (unsigned long i = 0; i < 512; i++) {
		mfn_t m = p2m_lookup(d, _gfn(0x200 + i), &t);

		if (i == 5) {
			CU_ASSERT(mfn_eq(m, lone) && t == p2m_ram_rw);
		} else if (i == 6) {
			CU_ASSERT(mfn_eq(m, _mfn(mfn_x(base) + 6)) && t == p2m_ram_ro);
		} else if (i == 7) {
			CU_ASSERT(mfn_eq(m, INVALID_MFN) && t == p2m_invalid);
		} else {
			CU_ASSERT(mfn_eq(m, _mfn(mfn_x(base) + i)));
			CU_ASSERT_EQUAL(t, p2m_ram_rw);
		}
	}
	/* Removing the rest one by one prunes the node (teardown checks nothing leaked). */
	for (unsigned long i = 0; i < 512; i++)
		if (i != 7)
			CU_ASSERT_EQUAL(p2m_remove_entry(d, _gfn(0x200 + i), INVALID_MFN), 0);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(0x200), NULL), INVALID_MFN));
	teardown();
}

UNIT_TEST(p2m, order9_refuses_misaligned_foreign_and_referenced_types)
{
	struct page_info *pg, *theirs;
	unsigned long calls;
	mfn_t base;

	setup();
	pg = own_block(d);
	theirs = own_block(other);
	base = page_to_mfn(pg);
	calls = fake_p2m_update_calls;
	CU_ASSERT_EQUAL(p2m_set_entry_order(d, _gfn(0x201), base, 9, p2m_ram_rw), -EINVAL);
	CU_ASSERT_EQUAL(p2m_set_entry_order(d, _gfn(0x200), _mfn(mfn_x(base) + 1), 9, p2m_ram_rw),
			-EINVAL);
	CU_ASSERT_EQUAL(p2m_set_entry_order(d, _gfn(0x200), base, 1, p2m_ram_rw), -EINVAL);
	CU_ASSERT_EQUAL(p2m_set_entry_order(d, _gfn(0x200), base, 18, p2m_ram_rw), -EINVAL);
	CU_ASSERT_EQUAL(p2m_set_entry_order(d, _gfn(0x200), base, 9, p2m_grant_map_rw), -EINVAL);
	CU_ASSERT_EQUAL(p2m_set_entry_order(d, _gfn(0x200), base, 9, p2m_map_foreign), -EINVAL);
	CU_ASSERT_EQUAL(p2m_set_entry_order(d, _gfn(0x200), base, 9, p2m_invalid), -EINVAL);
	CU_ASSERT_EQUAL(p2m_set_entry_order(d, _gfn(P2M_MAX_GFN + 1), base, 9, p2m_ram_rw),
			-EINVAL);
	CU_ASSERT_EQUAL(p2m_set_entry_order(d, _gfn(0x200), INVALID_MFN, 9, p2m_ram_rw), -EINVAL);
	/* Own RAM: every one of the 512 frames must be the domain's. */
	CU_ASSERT_EQUAL(p2m_set_entry_order(d, _gfn(0x200), page_to_mfn(theirs), 9, p2m_ram_rw),
			-EINVAL);
	CU_ASSERT_EQUAL(fake_p2m_update_calls, calls);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(0x200), NULL), INVALID_MFN));
	CU_ASSERT_EQUAL(gfn_x(p2m_max_mapped_gfn(d)), 0);
	teardown();
}

UNIT_TEST(p2m, order9_arch_refusal_leaves_the_p2m_unchanged)
{
	mfn_t base, a;
	enum p2m_type t;

	setup();
	base = page_to_mfn(own_block(d));
	a = own_frame(d);
	/* Into empty space: no node left behind (teardown checks). */
	fake_p2m_update_fail_next = -ENOMEM;
	CU_ASSERT_EQUAL(p2m_set_entry_order(d, _gfn(0x800), base, 9, p2m_ram_rw), -ENOMEM);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(0x800), NULL), INVALID_MFN));
	/* Over an existing entry: it stays. */
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(0xa03), a, p2m_ram_ro), 0);
	fake_p2m_update_fail_next = -ENOMEM;
	CU_ASSERT_EQUAL(p2m_set_entry_order(d, _gfn(0xa00), base, 9, p2m_ram_rw), -ENOMEM);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(0xa03), &t), a));
	CU_ASSERT_EQUAL(t, p2m_ram_ro);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(0xa00), NULL), INVALID_MFN));
	CU_ASSERT_EQUAL(gfn_x(p2m_max_mapped_gfn(d)), 0xa03);
	teardown();
}

UNIT_TEST(p2m, order9_over_a_grant_entry_drops_its_reference)
{
	struct page_info *theirs;
	mfn_t base;

	setup();
	base = page_to_mfn(own_block(d));
	theirs = mfn_to_page(own_frame(other));
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(0x603), page_to_mfn(theirs), p2m_grant_map_rw), 0);
	CU_ASSERT_EQUAL(page_refs(theirs), 2);
	CU_ASSERT_EQUAL(p2m_set_entry_order(d, _gfn(0x600), base, 9, p2m_ram_rw), 0);
	CU_ASSERT_EQUAL(page_refs(theirs), 1);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(0x603), NULL), _mfn(mfn_x(base) + 3)));
	teardown();
}

/*
 * Issue 14 item 1: a domain that maps at ever new places spends hypervisor
 * memory on p2m nodes; it is charged to the domain up to its limit, past
 * which the set fails (-ENOMEM) and the host keeps the rest. Removing the
 * entries gives every node (and the charge) back.
 */
UNIT_TEST(p2m, nodes_are_charged_to_the_domain_and_refused_past_its_limit)
{
	unsigned long free0, limit, n = 0;
	mfn_t a;
	int rc = 0;

	setup();
	a = own_frame(d);
	free0 = total_free_pages();
	limit = p2m_paging_limit(d);
	CU_ASSERT_EQUAL(limit, P2M_PAGING_BASE + d->max_pages / P2M_PAGING_FRAMES_PER_PAGE);
	CU_ASSERT_EQUAL(d->paging_pages, 0);
	/* Each gfn in its own 2^27-frame region needs four new nodes. */
	for (; n < 4096 && !rc; n++)
		rc = p2m_set_entry(d, _gfn(n << 27), a, p2m_ram_rw);
	CU_ASSERT_EQUAL(rc, -ENOMEM);
	CU_ASSERT(d->paging_pages <= limit);
	CU_ASSERT(d->paging_pages + 4 > limit);
	CU_ASSERT(free0 - total_free_pages() <= limit);
	CU_ASSERT(free0 - total_free_pages() == d->paging_pages);
	for (unsigned long i = 0; i + 1 < n; i++)
		CU_ASSERT_EQUAL(p2m_remove_entry(d, _gfn(i << 27), a), 0);
	CU_ASSERT_EQUAL(d->paging_pages, 0);
	CU_ASSERT_EQUAL(total_free_pages(), free0);
	/* The limit follows max_pages. */
	d->max_pages = 1024 * P2M_PAGING_FRAMES_PER_PAGE;
	CU_ASSERT_EQUAL(p2m_paging_limit(d), P2M_PAGING_BASE + 1024);
	d->max_pages = 0;
	teardown();
}

/* Teardown drops the arch's mirror a 2 MiB block at a time (the NPT's tables go with it). */
UNIT_TEST(p2m, teardown_tells_the_arch_each_block_it_drops)
{
	mfn_t a;
	unsigned long calls;

	setup();
	a = own_frame(d);
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(0x12345), a, p2m_ram_rw), 0);
	calls = fake_p2m_update_calls;
	fake_domain_kill(d);
	CU_ASSERT_EQUAL(fake_p2m_update_calls, calls + 1);
	CU_ASSERT_EQUAL(gfn_x(fake_p2m_last.gfn), 0x12345UL & ~511UL);
	CU_ASSERT_EQUAL(fake_p2m_last.order, P2M_ORDER_2M);
	CU_ASSERT(mfn_eq(fake_p2m_last.mfn, INVALID_MFN));
	teardown();
}

/*
 * Issue 14 item 2: the NPT has four levels, 48 bits of guest-physical
 * address; a gfn at or above 2^36 would alias gfn - 2^36 in hardware (the
 * index drops bits 48-51). The p2m refuses every such gfn, so both tables
 * agree on what a gfn maps.
 */
UNIT_TEST(p2m, gfns_stop_at_the_npt_reach_so_none_aliases_another)
{
	mfn_t a, b;

	setup();
	a = own_frame(d);
	b = own_frame(d);
	CU_ASSERT_EQUAL(P2M_MAX_GFN, (1UL << 36) - 1);
	CU_ASSERT_EQUAL(P2M_PADDR_BITS, 48);
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(0x1234), a, p2m_ram_rw), 0);
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(0x1234 + (1UL << 36)), b, p2m_ram_rw), -EINVAL);
	CU_ASSERT_FALSE(p2m_gfn_ok(_gfn(1UL << 36)));
	CU_ASSERT_TRUE(p2m_gfn_ok(_gfn((1UL << 36) - 1)));
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(0x1234), NULL), a));
	CU_ASSERT_EQUAL(p2m_set_entry(d, _gfn(P2M_MAX_GFN), b, p2m_ram_rw), 0);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(0x1234), NULL), a));
	teardown();
}
