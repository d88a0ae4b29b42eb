/* The xenstored core's <errno.h> in the xenstore domain: the unikernel's Xen errno values. */
#ifndef XSD_UK_ERRNO_H
#define XSD_UK_ERRNO_H
#include <uk/errno.h>
#endif
