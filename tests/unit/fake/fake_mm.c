/*
 * The fake machine for memory-management unit tests (see fake_mm.h).
 * maddr_to_virt/virt_to_maddr panic outside the fake memory, so a foreign
 * pointer handed to the code under test is caught like on the real machine.
 */
#include <stdlib.h>
#include <string.h>
#include "fake_arch.h"
#include "fake_mm.h"

unsigned char *fake_mm_base;
static unsigned long fake_mm_frames;

void fake_mm_setup(unsigned long nr)
{
	fake_mm_teardown();
	frame_table = calloc(nr, sizeof(struct page_info));
	fake_mm_base = aligned_alloc(4096, nr * 4096);
	if (!frame_table || !fake_mm_base)
		abort();
	/* Not zero: xenheap pages must come back zeroed by the allocator itself. */
	memset(fake_mm_base, 0xa5, nr * 4096);
	fake_mm_frames = nr;
	max_page = nr;
	heap_init();
	xmalloc_init();
}

void fake_mm_teardown(void)
{
	free(frame_table);
	free(fake_mm_base);
	frame_table = NULL;
	fake_mm_base = NULL;
	fake_mm_frames = max_page = 0;
}

void *maddr_to_virt(paddr_t ma)
{
	uint64_t pa = paddr_x(ma);

	if (pa >= fake_mm_frames * 4096)
		panic("fake maddr_to_virt(%#lx): outside the fake machine", (unsigned long)pa);
	return fake_mm_base + pa;
}

paddr_t virt_to_maddr(const void *va)
{
	const unsigned char *p = va;

	if (!fake_mm_base || p < fake_mm_base || p >= fake_mm_base + fake_mm_frames * 4096)
		panic("fake virt_to_maddr(%p): outside the fake machine", va);
	return _paddr((uint64_t)(p - fake_mm_base));
}
