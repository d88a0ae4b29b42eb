/* xmalloc (common/xmalloc.c) over the real buddy allocator on the fake machine of fake_mm.c. */
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include "fake_arch.h"
#include "fake_mm.h"
#include "unit.h"

UNIT_SUITE(xmalloc);

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

static void machine(unsigned long frames)
{
	fake_mm_setup(frames);
	heap_add_range(_mfn(0), frames);
}

UNIT_TEST(xmalloc, every_size_is_16_byte_aligned)
{
	machine(2048);
	for (size_t sz = 1; sz <= 5000; sz += 13) {
		void *p = xmalloc_bytes(sz);

		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		CU_ASSERT_EQUAL((uintptr_t)p & 15, 0);
		xfree(p);
	}
	fake_mm_teardown();
}

UNIT_TEST(xmalloc, live_objects_never_overlap)
{
	enum { N = 600 };
	unsigned char *p[N];
	size_t sz[N];

	machine(2048);
	for (unsigned int i = 0; i < N; i++) {
		sz[i] = 1 + (i * 97) % 2500;
		p[i] = xmalloc_bytes(sz[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p[i]);
		memset(p[i], (int)(i & 0xff), sz[i]);
	}
	for (unsigned int i = 0; i < N; i++)
		for (size_t b = 0; b < sz[i]; b++)
			if (p[i][b] != (unsigned char)(i & 0xff)) {
				CU_FAIL("an object was overwritten by another");
				break;
			}
	for (unsigned int i = 0; i < N; i += 2)
		xfree(p[i]);
	for (unsigned int i = 1; i < N; i += 2)
		xfree(p[i]);
	fake_mm_teardown();
}

UNIT_TEST(xmalloc, freeing_everything_returns_every_page)
{
	void *p[300];
	unsigned long start;

	machine(1024);
	start = total_free_pages();
	for (unsigned int i = 0; i < 300; i++)
		p[i] = xmalloc_bytes(1 + (i * 31) % 6000);
	CU_ASSERT(total_free_pages() < start);
	for (unsigned int i = 0; i < 300; i++)
		xfree(p[i]);
	CU_ASSERT_EQUAL(total_free_pages(), start);
	fake_mm_teardown();
}

UNIT_TEST(xmalloc, large_sizes_come_page_aligned_from_the_page_allocator)
{
	unsigned long start;
	void *p;

	machine(256);
	start = total_free_pages();
	p = xmalloc_bytes(3 * 4096 + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL((uintptr_t)p & 4095, 0);
	CU_ASSERT_EQUAL(total_free_pages(), start - 4);
	xfree(p);
	CU_ASSERT_EQUAL(total_free_pages(), start);
	fake_mm_teardown();
}

UNIT_TEST(xmalloc, xfree_null_does_nothing_and_xzalloc_zeroes)
{
	unsigned char *p, *q;

	machine(64);
	xfree(NULL);
	p = xmalloc_bytes(100);
	memset(p, 0xff, 100);
	xfree(p);
	q = xzalloc_bytes(100); /* likely the same slot, dirty */
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	for (unsigned int i = 0; i < 100; i++)
		CU_ASSERT_EQUAL(q[i], 0);
	xfree(q);
	fake_mm_teardown();
}

UNIT_TEST(xmalloc, exhaustion_returns_null)
{
	enum { MAX = 4096 };
	static void *p[MAX];
	unsigned int n = 0;

	machine(16);
	while (n < MAX && (p[n] = xmalloc_bytes(200)))
		n++;
	CU_ASSERT(n > 0 && n < MAX);
	CU_ASSERT_PTR_NULL(xmalloc_bytes(10000));
	while (n)
		xfree(p[--n]);
	CU_ASSERT_EQUAL(total_free_pages(), 16);
	fake_mm_teardown();
}

UNIT_TEST(xmalloc, double_free_is_a_bug)
{
	void *a, *b, *big;

	machine(64);
	a = xmalloc_bytes(40);
	b = xmalloc_bytes(40); /* keeps the slab alive after a is freed */
	xfree(a);
	CU_ASSERT(PANICS(xfree(a)));
	xfree(b);
	big = xmalloc_bytes(8000);
	xfree(big);
	CU_ASSERT(PANICS(xfree(big)));
	fake_mm_teardown();
}

UNIT_TEST(xmalloc, pointer_not_from_xmalloc_is_a_bug)
{
	static unsigned char outside[64] __attribute__((aligned(16)));
	unsigned char *a;

	machine(64);
	a = xmalloc_bytes(100);
	CU_ASSERT(PANICS(xfree(a + 16)));		  /* inside an object */
	CU_ASSERT(PANICS(xfree(a + 3)));		  /* misaligned */
	CU_ASSERT(PANICS(xfree(outside)));		  /* not in the machine at all */
	CU_ASSERT(PANICS(xfree(alloc_xenheap_pages(0)))); /* a page, but not xmalloc's */
	xfree(a);
	fake_mm_teardown();
}
