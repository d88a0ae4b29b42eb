/*
 * libxenforeignmemory (Xen 4.17's xenforeignmemory.h API): map frames of
 * another domain into this one. Linux: /dev/xen/privcmd mmap +
 * IOCTL_PRIVCMD_MMAPBATCH_V2; unikernel: XENMEM_add_to_physmap_batch with
 * XENMAPSPACE_gmfn_foreign into a window of free gfns of its own. A handle
 * is used by one thread at a time.
 */
#ifndef TESSERA_XENFOREIGNMEMORY_H
#define TESSERA_XENFOREIGNMEMORY_H

#include <stddef.h>
#include <stdint.h>
#include <public/xen.h>
#include "xentoollog.h"

typedef struct xenforeignmemory_handle xenforeignmemory_handle;

xenforeignmemory_handle *xenforeignmemory_open(xentoollog_logger *logger, unsigned open_flags);
int xenforeignmemory_close(xenforeignmemory_handle *fmem);
/*
 * Map pages frames arr[] of dom (gfns of a PVH/HVM domain), prot PROT_READ
 * and/or PROT_WRITE. With err NULL: all or nothing (NULL, errno). With err:
 * the mapping is returned and err[i] holds 0 or -errno for each frame (a
 * failed frame is not accessible); NULL only if nothing could be set up.
 */
void *xenforeignmemory_map(xenforeignmemory_handle *fmem, uint32_t dom, int prot, size_t pages,
			   const xen_pfn_t arr[], int err[]);
int xenforeignmemory_unmap(xenforeignmemory_handle *fmem, void *addr, size_t pages);

#endif
