/*
 * libxenforeignmemory internals: the handle and the backend hooks
 * (linux.c, uk.c). The core (core.c) checks arguments and turns per-frame
 * errors into Xen's all-or-nothing answer when the caller passes no err
 * array. No locking: one thread per handle.
 */
#ifndef XENFOREIGNMEMORY_PRIVATE_H
#define XENFOREIGNMEMORY_PRIVATE_H

#include <xenforeignmemory.h>

#define XFM_PAGE_SIZE 4096UL

struct xenforeignmemory_handle {
	int fd;	     /* Linux: /dev/xen/privcmd; unikernel: -1 */
	void *osdep; /* backend state */
};

int xenforeignmemory_osdep_open(xenforeignmemory_handle *fmem);
void xenforeignmemory_osdep_close(xenforeignmemory_handle *fmem);
/*
 * Map pages frames of dom; err[i] (always given) gets 0 or -errno per frame. The address, or
 * NULL with errno when nothing could be set up.
 */
void *xenforeignmemory_osdep_map(xenforeignmemory_handle *fmem, uint32_t dom, int prot,
				 size_t pages, const xen_pfn_t arr[], int err[]);
int xenforeignmemory_osdep_unmap(xenforeignmemory_handle *fmem, void *addr, size_t pages);

#endif
