/*
 * A fake machine for memory-management unit tests: an array frame table and
 * host memory standing in for physical frames 0..nr-1, with the direct-map
 * conversions page_alloc.c and xmalloc.c use.
 */
#ifndef FAKE_MM_H
#define FAKE_MM_H

#include <tessera/mm.h>

/* (Re)create a machine of nr frames with an empty heap and xmalloc. */
void fake_mm_setup(unsigned long nr);
/* Release the machine's memory. */
void fake_mm_teardown(void);
/* Host address of fake frame 0 (maddr_to_virt(0)). */
extern unsigned char *fake_mm_base;

#endif
