/*
 * Error numbers as the Xen ABI returns them (Xen public/errno.h: the Linux
 * x86 values). Hypercalls return -Exxx; so do the unikernel's functions.
 *
 * Locking: none (constants).
 */
#ifndef UK_ERRNO_H
#define UK_ERRNO_H

/* The values themselves are the hypervisor's: one list for both sides of the ABI. */
#include <tessera/errno.h>

/* The name of an error number ("EINVAL"), or NULL for one not listed here. */
const char *uk_errno_name(long err);

#endif /* UK_ERRNO_H */
