/*
 * libxenforeignmemory backend for the unikernel: a foreign frame is mapped
 * into a gfn of our own (XENMEM_add_to_physmap_batch, XENMAPSPACE_gmfn_foreign,
 * per-frame errors) and read through the identity map (virtual address =
 * guest-physical address below 4 GiB); unmapping removes those gfns
 * (XENMEM_remove_from_physmap), which drops the hypervisor's reference.
 *
 * The gfns come from a window above our RAM: from the end of the highest
 * memory map entry below the MMIO hole (XENMEM_memory_map, 2 MiB aligned),
 * at most UK_FMEM_WINDOW_PAGES, first fit, shared by every handle.
 *
 * Locking: none; the unikernel's threads are cooperative and nothing here
 * yields.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <public/memory.h>
#include <uk/hypercall.h>
#include <uk/mm.h>
#include "private.h"

#define UK_FMEM_HOLE_START 0xf0000000UL /* the PVH layout's MMIO hole (RAM stops there) */
#define UK_FMEM_WINDOW_PAGES 65536UL	/* 256 MiB of mappings at once */
#define UK_FMEM_ALIGN (2UL << 20)
#define UK_FMEM_BATCH 256		/* frames per add_to_physmap_batch */
#define UK_FMEM_MAP_ENTRIES 16

static unsigned long window_gfn, window_pages;
static uint64_t window_used[UK_FMEM_WINDOW_PAGES / 64];

/* Find the window once: above every memory map entry below the hole. */
static int window_init(void)
{
	struct e820_like {
		uint64_t addr, size;
		uint32_t type;
	} __attribute__((packed)) map[UK_FMEM_MAP_ENTRIES];
	struct xen_memory_map mm = {.nr_entries = UK_FMEM_MAP_ENTRIES};
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
	for (unsigned int i = 0; i < mm.nr_entries && i < UK_FMEM_MAP_ENTRIES; i++) {
		uint64_t end = map[i].addr + map[i].size;

		if (map[i].addr < UK_FMEM_HOLE_START && end > top)
			top = end;
	}
	top = (top + UK_FMEM_ALIGN - 1) & ~(UK_FMEM_ALIGN - 1);
	if (top >= UK_FMEM_HOLE_START) {
		errno = ENOMEM;
		return -1;
	}
	window_gfn = top >> PAGE_SHIFT;
	window_pages = (UK_FMEM_HOLE_START - top) >> PAGE_SHIFT;
	if (window_pages > UK_FMEM_WINDOW_PAGES)
		window_pages = UK_FMEM_WINDOW_PAGES;
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

/* First fit of n free window pages: the index, or -1. */
static long window_alloc(size_t n)
{
	unsigned long run = 0;

	for (unsigned long i = 0; i < window_pages; i++) {
		run = used(i) ? 0 : run + 1;
		if (run == n) {
			set_used(i + 1 - n, n, 1);
			return (long)(i + 1 - n);
		}
	}
	return -1;
}

int xenforeignmemory_osdep_open(xenforeignmemory_handle *fmem)
{
	fmem->fd = -1;
	return window_init();
}

void xenforeignmemory_osdep_close(xenforeignmemory_handle *fmem)
{
	(void)fmem; /* mappings outlive the handle, as with Linux's privcmd */
}

static void remove_gfns(unsigned long gfn, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct xen_remove_from_physmap x = {.domid = DOMID_SELF, .gpfn = gfn + i};

		HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &x);
	}
}

void *xenforeignmemory_osdep_map(xenforeignmemory_handle *fmem, uint32_t dom, int prot,
				 size_t pages, const xen_pfn_t arr[], int err[])
{
	xen_ulong_t idxs[UK_FMEM_BATCH];
	xen_pfn_t gpfns[UK_FMEM_BATCH];
	long first;
	unsigned long gfn;

	(void)fmem;
	(void)prot; /* every mapping is writable: the unikernel has no page protections */
	if (pages > window_pages || (first = window_alloc(pages)) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	gfn = window_gfn + (unsigned long)first;
	for (size_t done = 0; done < pages;) {
		size_t n = pages - done < UK_FMEM_BATCH ? pages - done : UK_FMEM_BATCH;
		struct xen_add_to_physmap_batch b = {
		    .domid = DOMID_SELF,
		    .space = XENMAPSPACE_gmfn_foreign,
		    .size = (uint16_t)n,
		    .u.foreign_domid = (domid_t)dom,
		};
		long ret;

		for (size_t i = 0; i < n; i++) {
			idxs[i] = arr[done + i];
			gpfns[i] = gfn + done + i;
		}
		set_xen_guest_handle(b.idxs, idxs);
		set_xen_guest_handle(b.gpfns, gpfns);
		set_xen_guest_handle(b.errs, &err[done]);
		ret = HYPERVISOR_memory_op(XENMEM_add_to_physmap_batch, &b);
		if (ret < 0) {
			/* The whole batch failed: every frame of it. */
			for (size_t i = 0; i < n; i++)
				err[done + i] = (int)ret;
		}
		done += n;
	}
	return gfn_to_virt(gfn);
}

int xenforeignmemory_osdep_unmap(xenforeignmemory_handle *fmem, void *addr, size_t pages)
{
	unsigned long gfn = virt_to_gfn(addr);

	(void)fmem;
	if (gfn < window_gfn || gfn + pages > window_gfn + window_pages) {
		errno = EINVAL;
		return -1;
	}
	remove_gfns(gfn, pages);
	set_used(gfn - window_gfn, pages, 0);
	return 0;
}
