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
#include <tessera/types.h>

struct domain;
struct page_info;

/* Build our page tables, the frame table and the heaps from the memory map. */
void mm_init(const struct boot_info *bi);

/* Hypervisor pages: 2^order contiguous pages, zeroed; NULL when out of memory. */
void *alloc_xenheap_pages(unsigned int order);
void free_xenheap_pages(void *va, unsigned int order);

/* Domain frames: 2^order contiguous frames owned by d (NULL = anonymous), not zeroed. */
struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order);
void free_domheap_pages(struct page_info *pg, unsigned int order);

/* Small hypervisor objects. xmalloc returns 16-byte aligned memory or NULL. */
void *xmalloc_bytes(size_t size);
void *xzalloc_bytes(size_t size);
void xfree(void *p);
#define xmalloc(type) ((type *)xmalloc_bytes(sizeof(type)))
#define xzalloc(type) ((type *)xzalloc_bytes(sizeof(type)))
#define xzalloc_array(type, n) ((type *)xzalloc_bytes(sizeof(type) * (n)))

/* Map device MMIO uncached into the hypervisor's address space; NULL on failure. */
void *ioremap(paddr_t pa, size_t size);

/* Direct map conversions (valid for RAM frames only). */
void *maddr_to_virt(paddr_t pa);
paddr_t virt_to_maddr(const void *va);

/* Free pages in the heaps (for status lines and leak checks). */
unsigned long total_free_pages(void);

#endif
