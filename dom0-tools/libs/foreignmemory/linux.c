/*
 * libxenforeignmemory backend for a Linux domain: an mmap of
 * /dev/xen/privcmd populated with IOCTL_PRIVCMD_MMAPBATCH_V2 (Linux's
 * include/uapi/xen/privcmd.h, declared here by its facts); the kernel maps
 * each frame with XENMEM_add_to_physmap_batch (gmfn_foreign) for an
 * auto-translated domain. Compiled on the host; runs only in a Linux domain.
 * No locking: one thread per handle.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "private.h"

struct xfm_privcmd_mmapbatch_v2 {
	unsigned int num;
	domid_t dom;
	uint64_t addr;
	const xen_pfn_t *arr;
	int *err;
};
#define XFM_IOCTL_PRIVCMD_MMAPBATCH_V2                                                             \
	_IOC(_IOC_NONE, 'P', 4, sizeof(struct xfm_privcmd_mmapbatch_v2))

int xenforeignmemory_osdep_open(xenforeignmemory_handle *fmem)
{
	fmem->fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	return fmem->fd < 0 ? -1 : 0;
}

void xenforeignmemory_osdep_close(xenforeignmemory_handle *fmem)
{
	if (fmem->fd >= 0)
		close(fmem->fd);
	fmem->fd = -1;
}

void *xenforeignmemory_osdep_map(xenforeignmemory_handle *fmem, uint32_t dom, int prot,
				 size_t pages, const xen_pfn_t arr[], int err[])
{
	struct xfm_privcmd_mmapbatch_v2 b;
	void *addr;

	if (pages > 0xffffffffu) {
		errno = E2BIG;
		return NULL;
	}
	addr = mmap(NULL, pages * XFM_PAGE_SIZE, prot, MAP_SHARED, fmem->fd, 0);
	if (addr == MAP_FAILED)
		return NULL;
	b = (struct xfm_privcmd_mmapbatch_v2){.num = (unsigned int)pages,
					      .dom = (domid_t)dom,
					      .addr = (uintptr_t)addr,
					      .arr = arr,
					      .err = err};
	/* ENOENT: some frames failed, each reported in err[] (as Xen's library treats it). */
	if (ioctl(fmem->fd, XFM_IOCTL_PRIVCMD_MMAPBATCH_V2, &b) && errno != ENOENT) {
		int saved = errno;

		munmap(addr, pages * XFM_PAGE_SIZE);
		errno = saved;
		return NULL;
	}
	return addr;
}

int xenforeignmemory_osdep_unmap(xenforeignmemory_handle *fmem, void *addr, size_t pages)
{
	(void)fmem;
	return munmap(addr, pages * XFM_PAGE_SIZE);
}
