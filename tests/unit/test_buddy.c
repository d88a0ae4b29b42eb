/* The buddy page allocator (common/page_alloc.c) over the fake machine of fake_mm.c. */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include "fake_arch.h"
#include "fake_mm.h"
#include "unit.h"

UNIT_SUITE(buddy);

static unsigned long mfn_of(struct page_info *pg)
{
	return mfn_x(page_to_mfn(pg));
}

/* Runs stmt and reports whether it panicked (BUG_ON). */
#define PANICS(stmt)                                                                               \
	({                                                                                         \
		jmp_buf jb;                                                                        \
		volatile bool panicked = false;                                                    \
		fake_panic_jmp = &jb;                                                              \
		if (setjmp(jb) == 0) {                                                             \
			stmt;                                                                      \
		} else {                                                                           \
			panicked = true;                                                           \
		}                                                                                  \
		fake_panic_jmp = NULL;                                                             \
		panicked;                                                                          \
	})

UNIT_TEST(buddy, split_then_merge_restores_the_full_block)
{
	struct page_info *a, *b, *c, *big;

	fake_mm_setup(1024);
	heap_add_range(_mfn(0), 1024);
	a = alloc_domheap_pages(NULL, 0);
	b = alloc_domheap_pages(NULL, 3);
	c = alloc_domheap_pages(NULL, 5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	/* While split, no order-10 block exists. */
	CU_ASSERT_PTR_NULL(alloc_domheap_pages(NULL, 10));
	free_domheap_pages(b, 3);
	free_domheap_pages(a, 0);
	free_domheap_pages(c, 5);
	big = alloc_domheap_pages(NULL, 10);
	CU_ASSERT_PTR_NOT_NULL(big);
	CU_ASSERT_EQUAL(total_free_pages(), 0);
	fake_mm_teardown();
}

UNIT_TEST(buddy, blocks_are_aligned_to_their_order)
{
	fake_mm_setup(4096);
	heap_add_range(_mfn(1), 4095); /* an odd start: the heap must still align */
	for (unsigned int i = 0; i < 200; i++) {
		unsigned int order = (i * 7) % 8;
		struct page_info *pg = alloc_domheap_pages(NULL, order);

		if (!pg)
			continue;
		CU_ASSERT_EQUAL(mfn_of(pg) & ((1UL << order) - 1), 0);
		CU_ASSERT(mfn_of(pg) >= 1);
	}
	fake_mm_teardown();
}

UNIT_TEST(buddy, exhaustion_returns_null_and_counts_reach_zero)
{
	unsigned long n = 0;

	fake_mm_setup(256);
	heap_add_range(_mfn(0), 256);
	CU_ASSERT_EQUAL(total_free_pages(), 256);
	CU_ASSERT_PTR_NULL(alloc_domheap_pages(NULL, 9)); /* larger than the machine */
	CU_ASSERT_PTR_NULL(alloc_domheap_pages(NULL, MAX_ORDER + 1));
	while (alloc_domheap_pages(NULL, 0))
		n++;
	CU_ASSERT_EQUAL(n, 256);
	CU_ASSERT_EQUAL(total_free_pages(), 0);
	CU_ASSERT_PTR_NULL(alloc_xenheap_pages(0));
	fake_mm_teardown();
}

UNIT_TEST(buddy, free_count_tracks_allocations_and_frees)
{
	void *x;
	struct page_info *d;

	fake_mm_setup(512);
	heap_add_range(_mfn(0), 512);
	x = alloc_xenheap_pages(2);
	CU_ASSERT_EQUAL(total_free_pages(), 512 - 4);
	d = alloc_domheap_pages(NULL, 4);
	CU_ASSERT_EQUAL(total_free_pages(), 512 - 4 - 16);
	free_xenheap_pages(x, 2);
	CU_ASSERT_EQUAL(total_free_pages(), 512 - 16);
	free_domheap_pages(d, 4);
	CU_ASSERT_EQUAL(total_free_pages(), 512);
	fake_mm_teardown();
}

UNIT_TEST(buddy, xenheap_pages_are_zeroed_and_domheap_pages_owned)
{
	struct domain *owner = (struct domain *)(uintptr_t)0x1234560;
	unsigned char *p;
	struct page_info *pg;

	fake_mm_setup(64);
	heap_add_range(_mfn(0), 64);
	p = alloc_xenheap_pages(3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	for (unsigned long i = 0; i < 8 * 4096; i++)
		if (p[i]) {
			CU_FAIL("xenheap page not zeroed");
			break;
		}
	CU_ASSERT(!!(virt_to_page(p)->count_info & PGC_xen_heap));
	pg = alloc_domheap_pages(owner, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pg);
	CU_ASSERT_PTR_EQUAL(page_get_owner(pg), owner);
	CU_ASSERT_PTR_EQUAL(page_get_owner(pg + 1), owner);
	CU_ASSERT(!!(pg->count_info & PGC_allocated));
	CU_ASSERT_EQUAL(pg->count_info & PGC_count_mask, 1);
	free_domheap_pages(pg, 1);
	CU_ASSERT_PTR_NULL(page_get_owner(pg));
	free_xenheap_pages(p, 3);
	fake_mm_teardown();
}

/* A random alloc/free sequence: no two live blocks ever share a frame. */
UNIT_TEST(buddy, random_sequence_never_overlaps_live_blocks)
{
	enum { FRAMES = 2048, SLOTS = 64 };
	struct page_info *live[SLOTS] = {0};
	unsigned int order[SLOTS];
	int owner_of[FRAMES];
	unsigned long start;

	srand(12345);
	fake_mm_setup(FRAMES);
	heap_add_range(_mfn(3), FRAMES - 3);
	start = total_free_pages();
	for (unsigned int i = 0; i < FRAMES; i++)
		owner_of[i] = -1;
	for (unsigned int step = 0; step < 20000; step++) {
		unsigned int s = (unsigned int)rand() % SLOTS;

		if (live[s]) {
			for (unsigned long f = 0; f < (1UL << order[s]); f++)
				owner_of[mfn_of(live[s]) + f] = -1;
			free_domheap_pages(live[s], order[s]);
			live[s] = NULL;
			continue;
		}
		order[s] = (unsigned int)rand() % 7;
		live[s] = alloc_domheap_pages(NULL, order[s]);
		if (!live[s])
			continue;
		for (unsigned long f = 0; f < (1UL << order[s]); f++) {
			unsigned long m = mfn_of(live[s]) + f;

			CU_ASSERT_FATAL(m >= 3 && m < FRAMES);
			CU_ASSERT_EQUAL_FATAL(owner_of[m], -1);
			owner_of[m] = (int)s;
		}
	}
	for (unsigned int s = 0; s < SLOTS; s++)
		if (live[s])
			free_domheap_pages(live[s], order[s]);
	CU_ASSERT_EQUAL(total_free_pages(), start);
	fake_mm_teardown();
}

UNIT_TEST(buddy, blocks_never_span_holes_between_ranges)
{
	unsigned long n = 0;
	struct page_info *pg;

	fake_mm_setup(1024);
	heap_add_range(_mfn(0), 100);
	heap_add_range(_mfn(200), 100);
	heap_add_range(_mfn(513), 487);
	CU_ASSERT_EQUAL(total_free_pages(), 687);
	/* No aligned 256-frame block lies wholly inside one range. */
	CU_ASSERT_PTR_NULL(alloc_domheap_pages(NULL, 8));
	while ((pg = alloc_domheap_pages(NULL, 0))) {
		unsigned long m = mfn_of(pg);

		CU_ASSERT(m < 100 || (m >= 200 && m < 300) || (m >= 513 && m < 1000));
		n++;
	}
	CU_ASSERT_EQUAL(n, 687);
	fake_mm_teardown();
}

UNIT_TEST(buddy, double_free_is_a_bug)
{
	struct page_info *pg, *other;

	fake_mm_setup(64);
	heap_add_range(_mfn(0), 64);
	pg = alloc_domheap_pages(NULL, 2);
	other = alloc_domheap_pages(NULL, 0);
	free_domheap_pages(pg, 2);
	CU_ASSERT(PANICS(free_domheap_pages(pg, 2)));
	/* Freeing one frame of a block already freed as a whole is caught too. */
	fake_mm_setup(64);
	heap_add_range(_mfn(0), 64);
	pg = alloc_domheap_pages(NULL, 2);
	other = alloc_domheap_pages(NULL, 0);
	free_domheap_pages(pg, 2);
	CU_ASSERT(PANICS(free_domheap_pages(pg + 1, 0)));
	(void)other;
	fake_mm_teardown();
}

UNIT_TEST(buddy, freeing_a_frame_the_heap_does_not_own_is_a_bug)
{
	struct page_info *pg;
	void *x;

	fake_mm_setup(64);
	heap_add_range(_mfn(8), 56);
	CU_ASSERT(PANICS(free_domheap_pages(mfn_to_page(_mfn(2)), 0))); /* reserved frame */
	fake_mm_setup(64);
	heap_add_range(_mfn(8), 56);
	x = alloc_xenheap_pages(0);
	CU_ASSERT(PANICS(free_domheap_pages(virt_to_page(x), 0))); /* the other heap's page */
	fake_mm_setup(64);
	heap_add_range(_mfn(8), 56);
	pg = alloc_domheap_pages(NULL, 0);
	CU_ASSERT(PANICS(free_xenheap_pages(page_to_virt(pg), 0)));
	fake_mm_setup(64);
	heap_add_range(_mfn(8), 56);
	CU_ASSERT(PANICS(heap_add_range(_mfn(60), 4))); /* the same frames given twice */
	fake_mm_teardown();
}

/*
 * Issue 14: a create/destroy cycle must give back capacity, not only frames.
 * The model of what the control domain's xl loop did: a guest of four 2 MiB
 * blocks is built; the store domain gives one of its (long-lived) pages back
 * to make a hole for the guest's ring; the guest dies, its frames come back
 * one by one except its ring page, still mapped by a backend; the store
 * repopulates its hole (a long-lived page again); the backend unmaps the ring.
 * When the repopulated page took the freshest fragment (the dying guest's
 * block, a moment before its last page came back) every cycle pinned another
 * 2 MiB block with the free count unchanged.
 */
UNIT_TEST(buddy, create_destroy_cycles_keep_the_free_2m_blocks)
{
	enum { FRAMES = 16384, STORE = 64, GUEST_BLOCKS = 4, CYCLES = 200 };
	struct page_info *store[STORE], *guest[GUEST_BLOCKS];
	unsigned long free_first = 0, big_first = 0;

	fake_mm_setup(FRAMES);
	heap_add_range(_mfn(0), FRAMES);
	for (unsigned int i = 0; i < STORE; i++) {
		store[i] = alloc_domheap_pages(NULL, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(store[i]);
	}
	for (unsigned int c = 0; c < CYCLES; c++) {
		unsigned int hole = c % STORE;
		struct page_info *ring;

		for (unsigned int b = 0; b < GUEST_BLOCKS; b++) {
			guest[b] = alloc_domheap_pages(NULL, 9);
			CU_ASSERT_PTR_NOT_NULL_FATAL(guest[b]);
		}
		free_domheap_pages(store[hole], 0); /* the store's hole for the ring */
		ring = guest[GUEST_BLOCKS - 1] + 511;
		for (unsigned int b = 0; b < GUEST_BLOCKS; b++)
			for (unsigned int i = 0; i < 512; i++)
				if (guest[b] + i != ring)
					free_domheap_pages(guest[b] + i, 0);
		store[hole] = alloc_domheap_pages(NULL, 0); /* the hole repopulated */
		CU_ASSERT_PTR_NOT_NULL_FATAL(store[hole]);
		free_domheap_pages(ring, 0); /* the backend unmaps the ring */
		if (c == 0) {
			free_first = total_free_pages();
			big_first = heap_free_pages_from_order(9);
		}
	}
	CU_ASSERT_EQUAL(total_free_pages(), free_first);
	CU_ASSERT_EQUAL(heap_free_pages_from_order(9), big_first);
	/* The guest still builds in 2 MiB blocks as at the start. */
	for (unsigned int b = 0; b < GUEST_BLOCKS; b++)
		CU_ASSERT_PTR_NOT_NULL(alloc_domheap_pages(NULL, 9));
	fake_mm_teardown();
}

UNIT_TEST(buddy, free_pages_from_order_counts_whole_free_blocks_only)
{
	struct page_info *a;

	fake_mm_setup(1024);
	heap_add_range(_mfn(0), 1024);
	CU_ASSERT_EQUAL(heap_free_pages_from_order(9), 1024);
	a = alloc_domheap_pages(NULL, 0); /* splits one 2 MiB block */
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(total_free_pages(), 1023);
	CU_ASSERT_EQUAL(heap_free_pages_from_order(9), 512);
	CU_ASSERT_EQUAL(heap_free_pages_from_order(0), 1023);
	free_domheap_pages(a, 0);
	CU_ASSERT_EQUAL(heap_free_pages_from_order(9), 1024);
	fake_mm_teardown();
}
