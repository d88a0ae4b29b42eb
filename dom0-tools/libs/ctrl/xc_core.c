/*
 * libxenctrl core: handles and the hypercall argument buffers every call
 * goes through (xc_private.h). As Xen's tools/libs/ctrl: the caller's
 * structures are copied into hypercall-safe buffers, the hypercall made,
 * results copied back; failures are -1 with errno. No locking.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "xc_private.h"

xc_interface *xc_interface_open(xentoollog_logger *logger, xentoollog_logger *dombuild_logger,
				unsigned open_flags)
{
	xc_interface *xch;

	(void)logger;
	(void)dombuild_logger;
	xch = calloc(1, sizeof(*xch));
	if (!xch) {
		errno = ENOMEM;
		return NULL;
	}
	xch->fd = -1;
	if (open_flags & XC_OPENFLAG_DUMMY)
		return xch;
	if (xc_osdep_open(xch)) {
		int saved = errno;

		free(xch);
		errno = saved;
		return NULL;
	}
	return xch;
}

int xc_interface_close(xc_interface *xch)
{
	if (!xch)
		return 0;
	xc_osdep_close(xch);
	free(xch);
	return 0;
}

long xc__hypercall(xc_interface *xch, unsigned long op, unsigned long a0, unsigned long a1,
		   unsigned long a2)
{
	unsigned long args[5] = {a0, a1, a2, 0, 0};

	return xc_osdep_hypercall(xch, op, args);
}

void *xc__bounce_in(xc_interface *xch, const void *in, size_t size)
{
	void *buf = xc_osdep_buf_alloc(xch, size ? size : 1);

	if (buf && in && size)
		memcpy(buf, in, size);
	return buf;
}

void xc__bounce_out(xc_interface *xch, void *buf, void *out, size_t size)
{
	if (!buf)
		return;
	if (out && size)
		memcpy(out, buf, size);
	xc_osdep_buf_free(xch, buf, size ? size : 1);
}

int xc__domctl(xc_interface *xch, struct xen_domctl *op)
{
	struct xen_domctl *buf;
	long ret;

	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	buf = xc__bounce_in(xch, op, sizeof(*op));
	if (!buf)
		return -1;
	ret = xc__hypercall(xch, __HYPERVISOR_domctl, (unsigned long)buf, 0, 0);
	xc__bounce_out(xch, buf, ret < 0 ? NULL : op, sizeof(*op));
	return ret < 0 ? -1 : 0;
}

int xc__sysctl(xc_interface *xch, struct xen_sysctl *op)
{
	struct xen_sysctl *buf;
	long ret;

	op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	buf = xc__bounce_in(xch, op, sizeof(*op));
	if (!buf)
		return -1;
	ret = xc__hypercall(xch, __HYPERVISOR_sysctl, (unsigned long)buf, 0, 0);
	xc__bounce_out(xch, buf, ret < 0 ? NULL : op, sizeof(*op));
	return ret < 0 ? -1 : 0;
}

long xc__memory_op(xc_interface *xch, unsigned int cmd, void *arg, size_t size)
{
	void *buf = xc__bounce_in(xch, arg, size);
	long ret;

	if (!buf)
		return -1;
	ret = xc__hypercall(xch, __HYPERVISOR_memory_op, cmd, (unsigned long)buf, 0);
	xc__bounce_out(xch, buf, arg, size);
	return ret;
}
