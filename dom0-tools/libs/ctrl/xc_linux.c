/*
 * libxenctrl backend for a Linux control domain: hypercalls through
 * /dev/xen/privcmd (IOCTL_PRIVCMD_HYPERCALL), argument buffers in locked
 * anonymous memory that is not inherited across fork (what Xen's libxencall
 * falls back to without /dev/xen/hypercall). The ioctl layout is Linux's
 * include/uapi/xen/privcmd.h, declared here by its facts.
 * Compiled on the host; it runs only in a Linux domain on Tessera or Xen.
 * No locking: one thread per handle.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "xc_private.h"

struct xc_privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};
#define XC_IOCTL_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct xc_privcmd_hypercall))

#define XC_PAGE_SIZE 4096UL

int xc_osdep_open(xc_interface *xch)
{
	xch->fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	return xch->fd < 0 ? -1 : 0;
}

void xc_osdep_close(xc_interface *xch)
{
	if (xch->fd >= 0)
		close(xch->fd);
	xch->fd = -1;
}

long xc_osdep_hypercall(xc_interface *xch, unsigned long op, const unsigned long args[5])
{
	struct xc_privcmd_hypercall h = {.op = op};

	for (int i = 0; i < 5; i++)
		h.arg[i] = args[i];
	/* privcmd returns the hypercall's result, or -1 with errno for an error. */
	return ioctl(xch->fd, XC_IOCTL_PRIVCMD_HYPERCALL, &h);
}

static size_t pages_of(size_t size)
{
	return (size + XC_PAGE_SIZE - 1) & ~(XC_PAGE_SIZE - 1);
}

void *xc_osdep_buf_alloc(xc_interface *xch, size_t size)
{
	void *p;

	(void)xch;
	p = mmap(NULL, pages_of(size), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* A forked child must not share (or fault on) buffers the kernel may write. */
	if (madvise(p, pages_of(size), MADV_DONTFORK)) {
		int saved = errno;

		munmap(p, pages_of(size));
		errno = saved;
		return NULL;
	}
	return p;
}

void xc_osdep_buf_free(xc_interface *xch, void *p, size_t size)
{
	(void)xch;
	munmap(p, pages_of(size));
}
