/* <stdio.h> for the tool libraries in the unikernel: snprintf and vsnprintf. */
#ifndef TOOLS_UK_STDIO_H
#define TOOLS_UK_STDIO_H
#include <uk/kernel.h>
#endif
