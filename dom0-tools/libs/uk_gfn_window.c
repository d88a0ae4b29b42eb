/*
 * The gfn window of the tool libraries' unikernel backends (uk_gfn_window.h):
 * a bitmap of UK_GFN_WINDOW_PAGES pages found once from the memory map.
 * Locking: none (cooperative threads, nothing here yields).
 */
#include <errno.h>
#include <stdint.h>
#include <public/memory.h>
#include <uk/hypercall.h>
#include <uk/mm.h>
#include "uk_gfn_window.h"

#define UK_GFN_HOLE_START 0xf0000000UL /* the PVH layout's MMIO hole (RAM stops there) */
#define UK_GFN_ALIGN (2UL << 20)
#define UK_GFN_MAP_ENTRIES 16

static unsigned long window_gfn, window_pages;
static uint64_t window_used[UK_GFN_WINDOW_PAGES / 64];

int uk_gfn_window_init(void)
{
	struct e820_like {
		uint64_t addr, size;
		uint32_t type;
	} __attribute__((packed)) map[UK_GFN_MAP_ENTRIES];
	struct xen_memory_map mm = {.nr_entries = UK_GFN_MAP_ENTRIES};
	uint64_t top = 0;
	long ret;

	if (window_pages)
		return 0;
	set_xen_guest_handle(mm.buffer, (void *)map);
	ret = HYPERVISOR_memory_op(XENMEM_memory_map, &mm);
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	for (unsigned int i = 0; i < mm.nr_entries && i < UK_GFN_MAP_ENTRIES; i++) {
		uint64_t end = map[i].addr + map[i].size;

		if (map[i].addr < UK_GFN_HOLE_START && end > top)
			top = end;
	}
	top = (top + UK_GFN_ALIGN - 1) & ~(UK_GFN_ALIGN - 1);
	if (top >= UK_GFN_HOLE_START) {
		errno = ENOMEM;
		return -1;
	}
	window_gfn = top >> PAGE_SHIFT;
	window_pages = (UK_GFN_HOLE_START - top) >> PAGE_SHIFT;
	if (window_pages > UK_GFN_WINDOW_PAGES)
		window_pages = UK_GFN_WINDOW_PAGES;
	return 0;
}

static int used(unsigned long i)
{
	return !!(window_used[i / 64] & (1ULL << (i % 64)));
}

static void set_used(unsigned long first, size_t n, int on)
{
	for (unsigned long i = first; i < first + n; i++) {
		if (on)
			window_used[i / 64] |= 1ULL << (i % 64);
		else
			window_used[i / 64] &= ~(1ULL << (i % 64));
	}
}

unsigned long uk_gfn_window_alloc(size_t n)
{
	unsigned long run = 0;

	if (n && !uk_gfn_window_init()) {
		for (unsigned long i = 0; i < window_pages; i++) {
			run = used(i) ? 0 : run + 1;
			if (run == n) {
				set_used(i + 1 - n, n, 1);
				return window_gfn + i + 1 - n;
			}
		}
	}
	errno = ENOMEM;
	return 0;
}

int uk_gfn_window_free(unsigned long gfn, size_t n)
{
	if (!window_pages || gfn < window_gfn || n > window_pages ||
	    gfn - window_gfn > window_pages - n) {
		errno = EINVAL;
		return -1;
	}
	set_used(gfn - window_gfn, n, 0);
	return 0;
}
