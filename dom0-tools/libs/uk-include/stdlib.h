/* <stdlib.h> for the tool libraries in the unikernel: malloc, calloc, free. */
#ifndef TOOLS_UK_STDLIB_H
#define TOOLS_UK_STDLIB_H
#include <uk/mm.h>
#endif
