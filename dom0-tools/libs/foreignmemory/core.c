/*
 * libxenforeignmemory core (Xen's tools/libs/foreignmemory/core.c): handle
 * life cycle and the map semantics: with no err array from the caller any
 * frame that fails undoes the whole mapping (NULL, errno of the first
 * failure), as Xen's. No locking: one thread per handle.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "private.h"

xenforeignmemory_handle *xenforeignmemory_open(xentoollog_logger *logger, unsigned open_flags)
{
	xenforeignmemory_handle *fmem;

	(void)logger;
	(void)open_flags;
	fmem = calloc(1, sizeof(*fmem));
	if (!fmem) {
		errno = ENOMEM;
		return NULL;
	}
	fmem->fd = -1;
	if (xenforeignmemory_osdep_open(fmem)) {
		int saved = errno;

		free(fmem);
		errno = saved;
		return NULL;
	}
	return fmem;
}

int xenforeignmemory_close(xenforeignmemory_handle *fmem)
{
	if (!fmem)
		return 0;
	xenforeignmemory_osdep_close(fmem);
	free(fmem);
	return 0;
}

void *xenforeignmemory_map(xenforeignmemory_handle *fmem, uint32_t dom, int prot, size_t pages,
			   const xen_pfn_t arr[], int err[])
{
	int *errs = err;
	void *addr;

	if (!pages || !arr || (prot & ~(PROT_READ | PROT_WRITE)) ||
	    pages > ~(size_t)0 / XFM_PAGE_SIZE) {
		errno = EINVAL;
		return NULL;
	}
	if (!errs) {
		errs = calloc(pages, sizeof(*errs));
		if (!errs) {
			errno = ENOMEM;
			return NULL;
		}
	}
	addr = xenforeignmemory_osdep_map(fmem, dom, prot, pages, arr, errs);
	if (addr && !err) {
		for (size_t i = 0; i < pages; i++) {
			if (errs[i]) {
				int e = -errs[i];

				xenforeignmemory_osdep_unmap(fmem, addr, pages);
				errno = e > 0 ? e : EINVAL;
				addr = NULL;
				break;
			}
		}
	}
	if (!err) {
		int saved = errno;

		free(errs);
		errno = saved;
	}
	return addr;
}

int xenforeignmemory_unmap(xenforeignmemory_handle *fmem, void *addr, size_t pages)
{
	if (!addr || !pages) {
		errno = EINVAL;
		return -1;
	}
	return xenforeignmemory_osdep_unmap(fmem, addr, pages);
}
