/* <string.h> for the tool libraries in the unikernel. */
#ifndef TOOLS_UK_STRING_H
#define TOOLS_UK_STRING_H
#include <uk/string.h>
#endif
