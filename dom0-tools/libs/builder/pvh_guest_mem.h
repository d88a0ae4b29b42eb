/*
 * Writing a new domain's memory from the toolstack (builder/pvh_guest_mem.c):
 * populating its RAM and copying bytes to guest-physical addresses through
 * foreign mappings. No locking: the caller's handles, one thread.
 */
#ifndef PVH_GUEST_MEM_H
#define PVH_GUEST_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <xenctrl.h>
#include <xenforeignmemory.h>

/* Populate [start, end) (page aligned) of domid with RAM, 2 MiB extents where aligned. 0/-errno. */
int pvh_mem_populate(xc_interface *xch, uint32_t domid, uint64_t start, uint64_t end);

/* Copy len bytes of data (NULL: zeroes) to guest-physical gpa of domid. 0 or -errno. */
int pvh_mem_write(xenforeignmemory_handle *fmem, uint32_t domid, uint64_t gpa, const void *data,
		  uint64_t len);

#endif
