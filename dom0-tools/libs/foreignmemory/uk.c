/*
 * libxenforeignmemory backend for the unikernel: a foreign frame is mapped
 * into a gfn of our own (XENMEM_add_to_physmap_batch, XENMAPSPACE_gmfn_foreign,
 * per-frame errors) and read through the identity map (virtual address =
 * guest-physical address below 4 GiB); unmapping removes those gfns
 * (XENMEM_remove_from_physmap), which drops the hypervisor's reference.
 *
 * The gfns come from the window above our RAM that the unikernel backends
 * share (uk_gfn_window.h; grant mappings of gnttab/uk.c live there too).
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
#include "../uk_gfn_window.h"
#include "private.h"

#define UK_FMEM_BATCH 256 /* frames per add_to_physmap_batch */

int xenforeignmemory_osdep_open(xenforeignmemory_handle *fmem)
{
	fmem->fd = -1;
	return uk_gfn_window_init();
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
	unsigned long gfn;

	(void)fmem;
	(void)prot; /* every mapping is writable: the unikernel has no page protections */
	gfn = uk_gfn_window_alloc(pages);
	if (!gfn)
		return NULL;
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
	if (uk_gfn_window_free(gfn, pages))
		return -1;
	remove_gfns(gfn, pages);
	return 0;
}
