/*
 * The buddy page allocator: free frames on one free list per order
 * (0..MAX_ORDER); a block of order n is 2^n frames aligned to 2^n. An
 * allocation splits the smallest big-enough block, a free merges the block
 * with its buddy (mfn ^ 2^n) for as long as the buddy is a free block of the
 * same order.
 *
 * Both heaps draw from this one pool, as Xen does on x86-64 where every
 * frame is in the direct map: the xenheap marks its frames PGC_xen_heap and
 * returns direct-map addresses, the domheap records an owner. Every frame of
 * a free block carries PGC_free (so a double free of any frame is caught),
 * the head also its order.
 *
 * Portable: no arch calls besides maddr_to_virt/virt_to_maddr, so host unit
 * tests run it over an array frame table and fake memory.
 *
 * Locking: heap_lock (irqsave) protects the free lists, the counters and the
 * PGC_free/PGC_heap/PGC_xen_heap bits of every heap frame.
 * Lock order: docs/locking.md; nothing is taken while heap_lock is held.
 */
#include <tessera/mm.h>
#include <tessera/page_info.h>
#include <tessera/panic.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>

#define PAGE_FRAME_SIZE 4096UL

struct page_info *frame_table;
unsigned long max_page;

static DEFINE_SPINLOCK(heap_lock, LOCK_LEVEL_HEAP);
static struct page_info *free_list[MAX_ORDER + 1]; /* heads: the oldest free blocks */
static struct page_info *free_tail[MAX_ORDER + 1];
static unsigned long nr_free_pages;
static unsigned long nr_free_blocks[MAX_ORDER + 1]; /* blocks on each free list */
static unsigned long nr_heap_pages;		    /* frames given by heap_add_range */

/*
 * Each list is a queue: a freed block joins at the tail, an allocation takes
 * the head, the block that has been free the longest. A block freed just now
 * is often half of a larger block whose other pages are a moment from coming
 * back (a dying domain's frames, a ring page its backends unmap right after
 * the destroy); taking it for a long-lived page (a p2m node, a page a
 * balloon repopulates) would pin that larger block for good, one 2 MiB block
 * lost per create/destroy cycle with the free count unchanged (issue 14).
 * Older fragments are the ones no merge is waiting for.
 */
static void free_list_push(unsigned int order, struct page_info *pg)
{
	pg->next = NULL;
	pg->prev = free_tail[order];
	if (pg->prev)
		pg->prev->next = pg;
	else
		free_list[order] = pg;
	free_tail[order] = pg;
	pg->order = order;
	nr_free_blocks[order]++;
}

static void free_list_del(unsigned int order, struct page_info *pg)
{
	if (pg->prev)
		pg->prev->next = pg->next;
	else
		free_list[order] = pg->next;
	if (pg->next)
		pg->next->prev = pg->prev;
	else
		free_tail[order] = pg->prev;
	pg->next = pg->prev = NULL;
	nr_free_blocks[order]--;
}

void heap_init(void)
{
	spin_lock_init(&heap_lock, LOCK_LEVEL_HEAP);
	for (unsigned int i = 0; i <= MAX_ORDER; i++) {
		free_list[i] = free_tail[i] = NULL;
		nr_free_blocks[i] = 0;
	}
	nr_free_pages = 0;
	nr_heap_pages = 0;
}

/* Put a block whose frames are marked free back on the lists, merging with buddies. */
static void merge_and_insert(struct page_info *pg, unsigned int order)
{
	unsigned long mfn = mfn_x(page_to_mfn(pg));

	while (order < MAX_ORDER) {
		unsigned long buddy_mfn = mfn ^ (1UL << order);
		struct page_info *buddy;

		if (buddy_mfn >= max_page)
			break;
		buddy = mfn_to_page(_mfn(buddy_mfn));
		/* A free frame aligned to 2^order is the head of its block: its order is valid. */
		if (!(buddy->count_info & PGC_free) || buddy->order != order)
			break;
		free_list_del(order, buddy);
		mfn &= ~(1UL << order);
		order++;
	}
	free_list_push(order, mfn_to_page(_mfn(mfn)));
}

/* Mark a block free after checking every frame is a live heap frame; heap_lock held. */
static void free_block_locked(struct page_info *pg, unsigned int order)
{
	unsigned long n = 1UL << order;

	ASSERT(spin_is_held_by_me(&heap_lock));
	BUG_ON(order > MAX_ORDER);
	BUG_ON(!IS_ALIGNED(mfn_x(page_to_mfn(pg)), n));
	BUG_ON(mfn_x(page_to_mfn(pg)) + n > max_page);
	for (unsigned long i = 0; i < n; i++) {
		struct page_info *p = pg + i;

		BUG_ON(!(p->count_info & PGC_heap)); /* not a heap frame */
		BUG_ON(p->count_info & PGC_free);    /* double free */
		p->count_info = PGC_heap | PGC_free;
		p->type_info = 0;
		p->owner = NULL;
	}
	nr_free_pages += n;
	merge_and_insert(pg, order);
}

void heap_add_range(mfn_t start, unsigned long nr)
{
	unsigned long mfn = mfn_x(start), end = mfn + nr;
	unsigned long flags;

	BUG_ON(end > max_page || end < mfn);
	flags = spin_lock_irqsave(&heap_lock);
	for (unsigned long m = mfn; m < end; m++) {
		struct page_info *pg = mfn_to_page(_mfn(m));

		BUG_ON(pg->count_info & PGC_heap); /* given twice */
		pg->count_info = PGC_heap;
	}
	/* Free in the largest naturally aligned chunks that fit. */
	while (mfn < end) {
		unsigned int order = 0;

		while (order < MAX_ORDER && IS_ALIGNED(mfn, 2UL << order) &&
		       mfn + (2UL << order) <= end)
			order++;
		free_block_locked(mfn_to_page(_mfn(mfn)), order);
		mfn += 1UL << order;
	}
	nr_heap_pages += nr;
	spin_unlock_irqrestore(&heap_lock, flags);
}

/* Take a block of exactly 2^order frames off the lists, or NULL; heap_lock held. */
static struct page_info *alloc_block_locked(unsigned int order)
{
	unsigned int j = order;
	struct page_info *pg;

	ASSERT(spin_is_held_by_me(&heap_lock));
	while (j <= MAX_ORDER && !free_list[j])
		j++;
	if (j > MAX_ORDER)
		return NULL;
	pg = free_list[j];
	free_list_del(j, pg);
	/* Split: keep the lower half, return upper halves to the lists. */
	while (j > order) {
		j--;
		free_list_push(j, pg + (1UL << j));
	}
	for (unsigned long i = 0; i < (1UL << order); i++) {
		ASSERT((pg[i].count_info & (PGC_heap | PGC_free)) == (PGC_heap | PGC_free));
		pg[i].count_info = PGC_heap;
	}
	nr_free_pages -= 1UL << order;
	return pg;
}

/* Check a block is a live allocation of the expected heap before freeing; heap_lock held. */
static void check_live_block(struct page_info *pg, unsigned int order, bool xenheap)
{
	ASSERT(spin_is_held_by_me(&heap_lock));
	BUG_ON(order > MAX_ORDER);
	BUG_ON(mfn_x(page_to_mfn(pg)) + (1UL << order) > max_page);
	for (unsigned long i = 0; i < (1UL << order); i++) {
		unsigned long c = pg[i].count_info;

		BUG_ON(!(c & PGC_heap));
		BUG_ON(c & PGC_free);
		BUG_ON(!!(c & PGC_xen_heap) != xenheap);
		pg[i].count_info = PGC_heap;
	}
}

void *alloc_xenheap_pages(unsigned int order)
{
	struct page_info *pg;
	unsigned long flags;
	void *va;

	if (order > MAX_ORDER)
		return NULL;
	flags = spin_lock_irqsave(&heap_lock);
	pg = alloc_block_locked(order);
	if (pg)
		for (unsigned long i = 0; i < (1UL << order); i++)
			pg[i].count_info |= PGC_xen_heap;
	spin_unlock_irqrestore(&heap_lock, flags);
	if (!pg)
		return NULL;
	va = page_to_virt(pg);
	memset(va, 0, PAGE_FRAME_SIZE << order);
	return va;
}

void free_xenheap_pages(void *va, unsigned int order)
{
	struct page_info *pg;
	unsigned long flags;

	if (!va)
		return;
	BUG_ON(!IS_ALIGNED((uintptr_t)va, PAGE_FRAME_SIZE));
	BUG_ON(!mfn_valid(paddr_to_mfn(virt_to_maddr(va))));
	pg = virt_to_page(va);
	flags = spin_lock_irqsave(&heap_lock);
	check_live_block(pg, order, true);
	free_block_locked(pg, order);
	spin_unlock_irqrestore(&heap_lock, flags);
}

struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order)
{
	struct page_info *pg;
	unsigned long flags;

	if (order > MAX_ORDER)
		return NULL;
	flags = spin_lock_irqsave(&heap_lock);
	pg = alloc_block_locked(order);
	spin_unlock_irqrestore(&heap_lock, flags);
	if (!pg)
		return NULL;
	for (unsigned long i = 0; i < (1UL << order); i++) {
		pg[i].owner = d;
		pg[i].type_info = PGT_none;
		if (d)
			pg[i].count_info |= PGC_allocated | 1;
	}
	return pg;
}

void free_domheap_pages(struct page_info *pg, unsigned int order)
{
	unsigned long flags;

	if (!pg)
		return;
	BUG_ON(pg < frame_table || (unsigned long)(pg - frame_table) >= max_page);
	flags = spin_lock_irqsave(&heap_lock);
	check_live_block(pg, order, false);
	free_block_locked(pg, order);
	spin_unlock_irqrestore(&heap_lock, flags);
}

unsigned long total_free_pages(void)
{
	return READ_ONCE(nr_free_pages);
}

unsigned long total_heap_pages(void)
{
	return READ_ONCE(nr_heap_pages);
}

unsigned long heap_free_pages_from_order(unsigned int order)
{
	unsigned long flags, n = 0;

	flags = spin_lock_irqsave(&heap_lock);
	for (unsigned int o = order; o <= MAX_ORDER; o++)
		n += nr_free_blocks[o] << o;
	spin_unlock_irqrestore(&heap_lock, flags);
	return n;
}
