/* <errno.h> for the tool libraries in the unikernel: Xen's errno values and an errno variable
 * (dom0-tools/libs/uk_errno.c; the unikernel's threads are cooperative, so one is enough). */
#ifndef TOOLS_UK_ERRNO_H
#define TOOLS_UK_ERRNO_H
#include <uk/errno.h>
extern int errno;
#endif
