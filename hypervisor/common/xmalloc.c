/*
 * xmalloc: small hypervisor objects from size-class slabs carved out of
 * xenheap pages; anything above XMALLOC_MAX_SMALL bytes is a whole block of
 * pages from the page allocator.
 *
 * A slab is one page: a struct xm_slab header, then equal slots. Each slot
 * starts with a 16-byte header holding a canary (live or free) so xfree
 * catches a double free or a pointer xmalloc never returned; the payload
 * follows, 16-byte aligned. Because slot payloads are never page-aligned and
 * large blocks always are, xfree tells the two apart from the pointer. A slab
 * whose last object is freed goes back to the page allocator, so leak checks
 * with total_free_pages() see xmalloc too.
 *
 * Large blocks are marked in the frame table (PGC_xmalloc, order in
 * page_info.order) of their first page.
 *
 * Portable: uses only the page allocator and the frame table.
 *
 * Locking: xmalloc_lock (irqsave) protects the slab lists and slot headers.
 * Lock order: docs/locking.md (xmalloc_lock -> heap_lock).
 */
#include <tessera/mm.h>
#include <tessera/page_info.h>
#include <tessera/panic.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>

#define XM_PAGE_SIZE 4096UL
#define XM_SLAB_MAGIC 0x78736c6162000001UL /* "xslab" */
#define XM_LIVE 0x4c495645u		   /* slot canary while allocated */
#define XM_FREE 0x46524545u		   /* slot canary while free */

struct xm_slot {
	uint32_t canary;
	uint32_t cls;
	struct xm_slot *next_free;
};

struct xm_slab {
	uint64_t magic;
	struct xm_slab *next, *prev; /* partial-slab list of its class */
	struct xm_slot *free;
	uint32_t cls;
	uint32_t used;
	uint32_t nr_slots;
	uint32_t pad;
};

BUILD_BUG_ON(sizeof(struct xm_slot) != 16);
BUILD_BUG_ON(sizeof(struct xm_slab) % 16 != 0);

/* Slot sizes, header included; the largest gives two slots per page. */
static const uint32_t xm_slot_size[] = {32, 64, 128, 256, 512, 1008, 2016};
#define XM_NR_CLASSES ARRAY_SIZE(xm_slot_size)

BUILD_BUG_ON(sizeof(struct xm_slab) + 2 * 2016 > XM_PAGE_SIZE);
BUILD_BUG_ON(XMALLOC_MAX_SMALL > 2016 - 16);

static DEFINE_SPINLOCK(xmalloc_lock, LOCK_LEVEL_XMALLOC);
/* Slabs with at least one free slot, per class. */
static struct xm_slab *partial[XM_NR_CLASSES];

void xmalloc_init(void)
{
	spin_lock_init(&xmalloc_lock, LOCK_LEVEL_XMALLOC);
	for (unsigned int c = 0; c < XM_NR_CLASSES; c++)
		partial[c] = NULL;
}

/* A broken invariant found under xmalloc_lock: drop the lock, then BUG. */
#define XM_BUG_ON(cond, flags)                                                                     \
	do {                                                                                       \
		if (unlikely(cond)) {                                                              \
			spin_unlock_irqrestore(&xmalloc_lock, flags);                              \
			BUG_ON(cond);                                                              \
		}                                                                                  \
	} while (0)

static unsigned int size_to_class(size_t size)
{
	unsigned int c = 0;

	while (xm_slot_size[c] - sizeof(struct xm_slot) < size)
		c++;
	return c;
}

static void partial_add(struct xm_slab *s)
{
	s->prev = NULL;
	s->next = partial[s->cls];
	if (s->next)
		s->next->prev = s;
	partial[s->cls] = s;
}

static void partial_del(struct xm_slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		partial[s->cls] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

/* Lay out a fresh (zeroed) page as a slab of class cls. */
static struct xm_slab *slab_init(void *page, unsigned int cls)
{
	struct xm_slab *s = page;
	char *base = (char *)page + sizeof(*s);
	uint32_t sz = xm_slot_size[cls];

	s->magic = XM_SLAB_MAGIC;
	s->cls = cls;
	s->used = 0;
	s->nr_slots = (uint32_t)((XM_PAGE_SIZE - sizeof(*s)) / sz);
	s->free = NULL;
	for (uint32_t i = s->nr_slots; i-- > 0;) {
		struct xm_slot *slot = (struct xm_slot *)(base + (size_t)i * sz);

		slot->canary = XM_FREE;
		slot->cls = cls;
		slot->next_free = s->free;
		s->free = slot;
	}
	return s;
}

static unsigned int bytes_to_order(size_t size)
{
	unsigned int order = 0;

	while ((XM_PAGE_SIZE << order) < size)
		order++;
	return order;
}

static void *xmalloc_large(size_t size)
{
	unsigned int order = bytes_to_order(size);
	struct page_info *pg;
	void *p;

	if (order > MAX_ORDER)
		return NULL;
	p = alloc_xenheap_pages(order);
	if (!p)
		return NULL;
	pg = virt_to_page(p);
	pg->order = order;
	__atomic_or_fetch(&pg->count_info, PGC_xmalloc, __ATOMIC_RELAXED);
	return p;
}

static void xfree_large(void *p)
{
	struct page_info *pg;
	unsigned int order;

	BUG_ON(!mfn_valid(paddr_to_mfn(virt_to_maddr(p))));
	pg = virt_to_page(p);
	/* Not the head of an xmalloc block: a double free or a foreign pointer. */
	BUG_ON((pg->count_info & (PGC_xmalloc | PGC_free | PGC_xen_heap)) !=
	       (PGC_xmalloc | PGC_xen_heap));
	order = pg->order;
	__atomic_and_fetch(&pg->count_info, ~PGC_xmalloc, __ATOMIC_RELAXED);
	free_xenheap_pages(p, order);
}

void *xmalloc_bytes(size_t size)
{
	struct xm_slab *s;
	struct xm_slot *slot;
	unsigned int cls;
	unsigned long flags;
	void *page;

	if (size == 0)
		size = 1;
	if (size > XMALLOC_MAX_SMALL)
		return xmalloc_large(size);
	cls = size_to_class(size);

	flags = spin_lock_irqsave(&xmalloc_lock);
	s = partial[cls];
	if (!s) {
		/* Allocate outside the lock: no lock is held across the page allocator. */
		spin_unlock_irqrestore(&xmalloc_lock, flags);
		page = alloc_xenheap_pages(0);
		if (!page)
			return NULL;
		flags = spin_lock_irqsave(&xmalloc_lock);
		s = slab_init(page, cls);
		partial_add(s);
	}
	slot = s->free;
	XM_BUG_ON(slot->canary != XM_FREE, flags); /* a free slot was overwritten */
	s->free = slot->next_free;
	s->used++;
	if (!s->free)
		partial_del(s);
	slot->canary = XM_LIVE;
	slot->next_free = NULL;
	spin_unlock_irqrestore(&xmalloc_lock, flags);
	return slot + 1;
}

void *xzalloc_bytes(size_t size)
{
	void *p = xmalloc_bytes(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void xfree(void *p)
{
	struct xm_slot *slot;
	struct xm_slab *s;
	unsigned long flags;
	void *empty = NULL;

	if (!p)
		return;
	BUG_ON(!IS_ALIGNED((uintptr_t)p, 16));
	if (IS_ALIGNED((uintptr_t)p, XM_PAGE_SIZE)) {
		xfree_large(p);
		return;
	}
	/* Only a live xenheap page can hold a slab; check before reading its header. */
	BUG_ON(!mfn_valid(paddr_to_mfn(virt_to_maddr(p))));
	BUG_ON((virt_to_page(p)->count_info & (PGC_heap | PGC_xen_heap | PGC_free)) !=
	       (PGC_heap | PGC_xen_heap));
	slot = (struct xm_slot *)p - 1;
	s = (struct xm_slab *)ROUNDDOWN((uintptr_t)p, XM_PAGE_SIZE);

	flags = spin_lock_irqsave(&xmalloc_lock);
	XM_BUG_ON(s->magic != XM_SLAB_MAGIC, flags); /* not in a slab page */
	XM_BUG_ON(slot->canary == XM_FREE, flags);   /* double free */
	XM_BUG_ON(slot->canary != XM_LIVE, flags);   /* not an object start */
	XM_BUG_ON(slot->cls != s->cls, flags);
	XM_BUG_ON(((uintptr_t)slot - (uintptr_t)(s + 1)) % xm_slot_size[s->cls] != 0, flags);
	slot->canary = XM_FREE;
	if (!s->free)
		partial_add(s);
	slot->next_free = s->free;
	s->free = slot;
	if (--s->used == 0) {
		partial_del(s);
		s->magic = 0;
		empty = s;
	}
	spin_unlock_irqrestore(&xmalloc_lock, flags);
	if (empty)
		free_xenheap_pages(empty, 0);
}
