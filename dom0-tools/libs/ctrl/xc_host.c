/*
 * libxenctrl: the hypervisor's version strings (xc_version) and its console
 * log (xc_readconsolering, XEN_SYSCTL_readconsole), as Xen's xc_private.c
 * and xc_misc.c. No locking: one thread per handle.
 */
#include <errno.h>
#include <string.h>
#include <public/version.h>
#include "xc_private.h"

/* The size of cmd's argument; 0 for the commands without one. -1: unknown. */
static long xc_version_arg_size(int cmd)
{
	switch (cmd) {
	case XENVER_version:
	case XENVER_pagesize:
		return 0;
	case XENVER_extraversion:
		return sizeof(xen_extraversion_t);
	case XENVER_compile_info:
		return sizeof(xen_compile_info_t);
	case XENVER_capabilities:
		return sizeof(xen_capabilities_info_t);
	case XENVER_changeset:
		return sizeof(xen_changeset_info_t);
	case XENVER_platform_parameters:
		return sizeof(xen_platform_parameters_t);
	case XENVER_get_features:
		return sizeof(xen_feature_info_t);
	case XENVER_guest_handle:
		return sizeof(xen_domain_handle_t);
	case XENVER_commandline:
		return sizeof(xen_commandline_t);
	default:
		return -1;
	}
}

int xc_version(xc_interface *xch, int cmd, void *arg)
{
	long size = xc_version_arg_size(cmd);
	void *buf = NULL;
	long ret;

	if (size < 0 || (size && !arg)) {
		errno = EINVAL;
		return -1;
	}
	if (size) {
		buf = xc__bounce_in(xch, arg, (size_t)size);
		if (!buf)
			return -1;
	}
	ret =
	    xc__hypercall(xch, __HYPERVISOR_xen_version, (unsigned long)cmd, (unsigned long)buf, 0);
	if (size)
		xc__bounce_out(xch, buf, ret < 0 ? NULL : arg, (size_t)size);
	return ret < 0 ? -1 : (int)ret;
}

int xc_readconsolering(xc_interface *xch, char *buffer, unsigned int *pnr_chars, int clear,
		       int incremental, uint32_t *pindex)
{
	struct xen_sysctl op;
	unsigned int room;
	void *buf;
	int ret;

	if (!buffer || !pnr_chars) {
		errno = EINVAL;
		return -1;
	}
	room = *pnr_chars;
	buf = xc__bounce_in(xch, NULL, room);
	if (!buf)
		return -1;
	memset(&op, 0, sizeof(op));
	op.cmd = XEN_SYSCTL_readconsole;
	op.u.readconsole.clear = !!clear;
	op.u.readconsole.incremental = !!incremental;
	op.u.readconsole.index = pindex ? *pindex : 0;
	op.u.readconsole.count = *pnr_chars;
	set_xen_guest_handle(op.u.readconsole.buffer, buf);
	ret = xc__sysctl(xch, &op);
	if (!ret) {
		*pnr_chars = op.u.readconsole.count < room ? op.u.readconsole.count : room;
		memcpy(buffer, buf, *pnr_chars);
		if (pindex)
			*pindex = op.u.readconsole.index;
	}
	xc__bounce_out(xch, buf, NULL, room); /* frees the whole buffer */
	return ret;
}
