/*
 * The window of guest frame numbers above our RAM where the unikernel
 * backends of the tool libraries put foreign and grant mappings
 * (foreignmemory/uk.c, gnttab/uk.c): from the end of the highest memory
 * map entry below the MMIO hole (XENMEM_memory_map, 2 MiB aligned), at most
 * UK_GFN_WINDOW_PAGES, first fit, one window for every handle of every
 * library. Addresses there are identity mapped (gfn_to_virt).
 *
 * Locking: none; the unikernel's threads are cooperative and nothing here
 * yields.
 */
#ifndef TOOLS_UK_GFN_WINDOW_H
#define TOOLS_UK_GFN_WINDOW_H

#include <stddef.h>

#define UK_GFN_WINDOW_PAGES 65536UL /* 256 MiB of mappings at once */

/* Finds the window (once): 0, or -1 with errno. */
int uk_gfn_window_init(void);
/* n free consecutive gfns, marked used: the first, or 0 with errno ENOMEM. */
unsigned long uk_gfn_window_alloc(size_t n);
/* Gives back n gfns from gfn: 0, or -1 with errno EINVAL when they are not in the window. */
int uk_gfn_window_free(unsigned long gfn, size_t n);

#endif
