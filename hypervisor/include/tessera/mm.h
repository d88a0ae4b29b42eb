/*
 * Memory management: our page tables, the frame table (one struct page_info
 * per machine frame), the buddy page allocator and xmalloc.
 *
 * Two heaps, as in Xen: the "xen heap" gives pages for the hypervisor's own
 * use, addressed through the direct map; the "domain heap" gives frames that
 * will belong to domains, tracked by owner and type in the frame table.
 */
#ifndef TESSERA_MM_H
#define TESSERA_MM_H

#include <tessera/bootinfo.h>
#include <tessera/compiler.h>
#include <tessera/page_info.h>
#include <tessera/types.h>

struct domain;

/* Largest block the buddy allocator hands out: 2^MAX_ORDER pages (1 GiB). */
#define MAX_ORDER 18

/*
 * Build our page tables, the frame table and the heaps from the memory map,
 * and switch CR3 to the final tables. After it returns:
 *  - RAM, ACPI regions and the first 1 MiB are mapped at DIRECTMAP_BASE + pa
 *    (maddr_to_virt), NX; boot modules stay readable there and are never
 *    given to the heap;
 *  - the first 2 MiB of physical memory are ALSO identity-mapped RW+X (not
 *    global) so the AP trampoline can turn paging on and jump high; SMP boot
 *    calls paging_map_identity_low(false) once every AP is up;
 *  - the early identity map of the first 4 GiB is gone: physical addresses
 *    above 2 MiB are not usable as pointers any more.
 */
void mm_init(const struct boot_info *bi);

/* x86: install (on) or remove (off) the identity map of the first 2 MiB. */
void paging_map_identity_low(bool on);
/* x86: physical address of the hypervisor's L4 table (below 4 GiB: a 32-bit
 * trampoline can load it into CR3). */
paddr_t mm_idle_cr3(void);

/*
 * The buddy allocator (common/page_alloc.c). One pool of free frames feeds
 * both heaps; every block of order n is aligned to 2^n frames. Freeing a
 * frame twice, or one the heap does not manage, or with the wrong heap's
 * free function, is a BUG.
 */
/* Reset the allocator to empty (frame_table and max_page must be set). */
void heap_init(void);
/* Give frames [start, start + nr) to the heap; they must be RAM below max_page. */
void heap_add_range(mfn_t start, unsigned long nr);

/* Hypervisor pages: 2^order contiguous pages, zeroed; NULL when out of memory.
 * Returned as direct-map addresses. */
void *alloc_xenheap_pages(unsigned int order);
void free_xenheap_pages(void *va, unsigned int order);

/* Domain frames: 2^order contiguous frames owned by d (NULL = anonymous), not zeroed.
 * With an owner, each frame gets count_info = PGC_allocated | 1 (the allocation
 * reference, as Xen). The caller of free must hold the last reference. */
struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order);
void free_domheap_pages(struct page_info *pg, unsigned int order);

/* Small hypervisor objects. xmalloc returns 16-byte aligned memory or NULL; sizes
 * above XMALLOC_MAX_SMALL come straight from the page allocator, page-aligned.
 * xfree(NULL) does nothing; a double free or a foreign pointer is a BUG. */
#define XMALLOC_MAX_SMALL 2000
/* Reset xmalloc to no slabs (after heap_init; host tests reuse it between cases). */
void xmalloc_init(void);
void *xmalloc_bytes(size_t size);
void *xzalloc_bytes(size_t size);
void xfree(void *p);
#define xmalloc(type) ((type *)xmalloc_bytes(sizeof(type)))
#define xzalloc(type) ((type *)xzalloc_bytes(sizeof(type)))
#define xzalloc_array(type, n) ((type *)xzalloc_bytes(sizeof(type) * (n)))

/* Map device MMIO uncached (PCD|PWT, NX) into the IOREMAP window; returns the
 * address of pa itself (any offset in its page kept), or NULL on failure. The
 * same page range asked twice gives the same mapping. Never unmapped. A range
 * wholly inside RAM or ACPI regions gives its (cacheable) direct-map address. */
void *ioremap(paddr_t pa, size_t size);

/* Direct map conversions (page_info.h): maddr_to_virt is valid for RAM, ACPI
 * regions and the first 1 MiB; virt_to_maddr accepts direct-map and image
 * addresses. */

/* Free pages in the heaps (for status lines and leak checks). */
unsigned long total_free_pages(void);
/* Frames ever given to the heaps (free or in use): sysctl physinfo's total_pages. */
unsigned long total_heap_pages(void);
/*
 * Free frames that lie in free blocks of 2^order frames or more: the heap's
 * capacity for allocations of that order (total_free_pages() counts every
 * free frame, however scattered).
 */
unsigned long heap_free_pages_from_order(unsigned int order);

/*
 * Domain frames and their references (count_info in the frame table), as in
 * Xen: a frame a domain owns holds an "allocation reference" (PGC_allocated)
 * while it is on the domain's page_list; mappings by others (grants, foreign
 * maps) take further references. A frame goes back to the heap when its last
 * reference goes, so a dying domain's frames stay valid while others map them.
 * Locking: d->page_alloc_lock for page_list and tot_pages; counts are atomic.
 */
/* Allocate 2^order frames for d and assign them; NULL if out of memory or over max_pages. */
struct page_info *alloc_domain_pages(struct domain *d, unsigned int order);
/* +1 reference if d owns pg and it is allocated (not being freed); false otherwise. */
bool get_page(struct page_info *pg, const struct domain *d);
/* -1 reference; the last one of a released frame returns it to the heap. */
void put_page(struct page_info *pg);
/* d gives up pg (decrease_reservation, teardown): off page_list, allocation reference dropped. */
void relinquish_page(struct domain *d, struct page_info *pg);

#endif
