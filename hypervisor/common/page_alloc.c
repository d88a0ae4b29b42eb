/*
 * INTERIM (to be replaced by the memory work): a bump allocator over a
 * static pool, and ioremap/direct map through the boot identity map.
 */
#include <tessera/mm.h>
#include <tessera/string.h>
#include <asm/layout.h>

static uint8_t pool[4 << 20] __aligned(4096);
static size_t pool_used;

void mm_init(const struct boot_info *bi) {}

void *alloc_xenheap_pages(unsigned int order)
{
	size_t sz = PAGE_SIZE << order;
	void *p;

	if (pool_used + sz > sizeof(pool))
		return NULL;
	p = pool + pool_used;
	pool_used += sz;
	memset(p, 0, sz);
	return p;
}
void free_xenheap_pages(void *va, unsigned int order) {}
struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order) { return NULL; }
void free_domheap_pages(struct page_info *pg, unsigned int order) {}
void *xmalloc_bytes(size_t size) { return alloc_xenheap_pages(size > PAGE_SIZE ? 4 : 0); }
void *xzalloc_bytes(size_t size) { return xmalloc_bytes(size); }
void xfree(void *p) {}
void *ioremap(paddr_t pa, size_t size) { return (void *)(uintptr_t)pa; }
void *maddr_to_virt(paddr_t pa) { return (void *)(uintptr_t)(pa + HV_VIRT_BASE); }
paddr_t virt_to_maddr(const void *va) { return (uintptr_t)va - HV_VIRT_BASE; }
unsigned long total_free_pages(void) { return 0; }
