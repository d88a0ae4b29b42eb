/*
 * Writing a new domain's memory from the toolstack (pvh_guest_mem.h): RAM
 * by XENMEM_populate_physmap in batches, 2 MiB extents where aligned with
 * 4 KiB ones as the fallback (frames arrive zeroed: the
 * hypervisor scrubs them), bytes through xenforeignmemory_map of the pages
 * they cover, in chunks so a large kernel or initrd never needs one huge
 * mapping. No locking: the caller's handles, one thread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "pvh_guest_mem.h"

#define MEM_PAGE 4096UL
#define MEM_BATCH 512	    /* extents per populate call */
#define MEM_SUPER_ORDER 9   /* 2 MiB extents */
#define MEM_MAP_CHUNK 256UL /* pages per foreign mapping */

/*
 * Populate n extents of 2^order frames at gfns. As Xen's libxc (meminit_hvm),
 * a 2 MiB extent the hypervisor cannot give (its heap has the frames but no
 * free 2 MiB block: fragmented) is built from 4 KiB extents instead, so a
 * fragmented host gives a guest smaller NPT leaves rather than no guest.
 */
static int populate_batch(xc_interface *xch, uint32_t domid, xen_pfn_t *gfns, unsigned int n,
			  unsigned int order)
{
	xen_pfn_t small[1UL << MEM_SUPER_ORDER];
	int done;

	if (!n)
		return 0;
	done = xc_domain_populate_physmap(xch, domid, n, order, 0, gfns);
	if (done < 0)
		return -(errno ? errno : ENOMEM);
	if ((unsigned int)done == n)
		return 0;
	if (!order)
		return -ENOMEM;
	for (unsigned int i = (unsigned int)done; i < n; i++) {
		for (unsigned long j = 0; j < (1UL << order); j++)
			small[j] = gfns[i] + j;
		if (xc_domain_populate_physmap_exact(xch, domid, 1UL << order, 0, 0, small))
			return -(errno ? errno : ENOMEM);
	}
	return 0;
}

int pvh_mem_populate(xc_interface *xch, uint32_t domid, uint64_t start, uint64_t end)
{
	uint64_t gfn = start / MEM_PAGE, last = end / MEM_PAGE;
	xen_pfn_t *gfns = malloc(MEM_BATCH * sizeof(*gfns));
	unsigned int n = 0, order = 0;
	int ret = 0;

	if (!gfns)
		return -ENOMEM;
	while (gfn < last && !ret) {
		unsigned int want = !(gfn & ((1UL << MEM_SUPER_ORDER) - 1)) &&
					    last - gfn >= (1UL << MEM_SUPER_ORDER)
					? MEM_SUPER_ORDER
					: 0;

		if (want != order || n == MEM_BATCH) {
			ret = populate_batch(xch, domid, gfns, n, order);
			n = 0;
			order = want;
		}
		gfns[n++] = gfn;
		gfn += 1UL << want;
	}
	if (!ret)
		ret = populate_batch(xch, domid, gfns, n, order);
	free(gfns);
	return ret;
}

int pvh_mem_write(xenforeignmemory_handle *fmem, uint32_t domid, uint64_t gpa, const void *data,
		  uint64_t len)
{
	xen_pfn_t pfns[MEM_MAP_CHUNK];
	const uint8_t *src = data;

	while (len) {
		uint64_t off = gpa % MEM_PAGE;
		uint64_t pages = (off + len + MEM_PAGE - 1) / MEM_PAGE;
		uint64_t n;
		uint8_t *map;

		if (pages > MEM_MAP_CHUNK)
			pages = MEM_MAP_CHUNK;
		n = pages * MEM_PAGE - off;
		if (n > len)
			n = len;
		for (uint64_t i = 0; i < pages; i++)
			pfns[i] = gpa / MEM_PAGE + i;
		map = xenforeignmemory_map(fmem, domid, PROT_READ | PROT_WRITE, pages, pfns, NULL);
		if (!map)
			return -(errno ? errno : EFAULT);
		if (src)
			memcpy(map + off, src, n);
		else
			memset(map + off, 0, n);
		xenforeignmemory_unmap(fmem, map, pages);
		if (src)
			src += n;
		gpa += n;
		len -= n;
	}
	return 0;
}
