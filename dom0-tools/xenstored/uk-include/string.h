/* The xenstored core's <string.h> in the xenstore domain: the unikernel's string functions. */
#ifndef XSD_UK_STRING_H
#define XSD_UK_STRING_H
#include <uk/string.h>
#endif
