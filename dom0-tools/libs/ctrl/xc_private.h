/*
 * libxenctrl internals: the handle, the hypercall helpers of the core
 * (xc_core.c) and the hooks each environment's backend provides
 * (xc_linux.c, xc_uk.c; a fake in the unit tests). The core builds every
 * hypercall's argument in a buffer from xc_osdep_buf_alloc (Linux: memory
 * the kernel may touch during the hypercall) and copies results back.
 * No locking: one thread per handle.
 */
#ifndef XC_PRIVATE_H
#define XC_PRIVATE_H

#include <stddef.h>
#include <xenctrl.h>

struct xc_interface_core {
	int fd;	     /* Linux: /dev/xen/privcmd; otherwise unused (-1) */
	void *osdep; /* backend state */
};

/* ---- backend hooks (one implementation per environment) ---- */
/* Open the environment's hypercall path into xch; 0, or -1 with errno. */
int xc_osdep_open(xc_interface *xch);
void xc_osdep_close(xc_interface *xch);
/* Hypercall op with five arguments: its non-negative result, or -1 with errno = -result. */
long xc_osdep_hypercall(xc_interface *xch, unsigned long op, const unsigned long args[5]);
/* Memory the hypervisor may read and write during a hypercall (zeroed); NULL with errno. */
void *xc_osdep_buf_alloc(xc_interface *xch, size_t size);
void xc_osdep_buf_free(xc_interface *xch, void *p, size_t size);

/* ---- core helpers (xc_core.c) ---- */
long xc__hypercall(xc_interface *xch, unsigned long op, unsigned long a0, unsigned long a1,
		   unsigned long a2);
/*
 * Copy size bytes of in to a hypercall buffer (in may be NULL: zeroed); NULL with errno.
 * xc__bounce_out copies the buffer back to out (if out) and frees it.
 */
void *xc__bounce_in(xc_interface *xch, const void *in, size_t size);
void xc__bounce_out(xc_interface *xch, void *buf, void *out, size_t size);
/* domctl/sysctl with the interface version filled in; op is updated from the result. */
int xc__domctl(xc_interface *xch, struct xen_domctl *op);
int xc__sysctl(xc_interface *xch, struct xen_sysctl *op);
/* memory_op cmd on arg (size bytes, bounced): the hypercall's result or -1. */
long xc__memory_op(xc_interface *xch, unsigned int cmd, void *arg, size_t size);

#endif
