/*
 * libxenctrl backend for a unikernel control domain: direct hypercalls
 * (uk_hypercall); argument buffers from malloc, since the unikernel's
 * memory is identity mapped and never paged. No locking: one thread per
 * handle (the unikernel's threads are cooperative).
 */
#include <errno.h>
#include <stdlib.h>
#include <uk/hypercall.h>
#include "xc_private.h"

int xc_osdep_open(xc_interface *xch)
{
	xch->fd = -1;
	return 0;
}

void xc_osdep_close(xc_interface *xch)
{
	(void)xch;
}

long xc_osdep_hypercall(xc_interface *xch, unsigned long op, const unsigned long args[5])
{
	long ret;

	(void)xch;
	ret = uk_hypercall(op, args[0], args[1], args[2], args[3], args[4]);
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

void *xc_osdep_buf_alloc(xc_interface *xch, size_t size)
{
	void *p;

	(void)xch;
	p = calloc(1, size);
	if (!p)
		errno = ENOMEM;
	return p;
}

void xc_osdep_buf_free(xc_interface *xch, void *p, size_t size)
{
	(void)xch;
	(void)size;
	free(p);
}
