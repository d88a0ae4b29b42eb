/*
 * Domain frames and their references (tessera/mm.h), as Xen's: a frame a
 * domain owns is on its page_list and holds the "allocation reference"
 * (PGC_allocated, counting as one in count_info); grant and foreign mappings
 * take more with get_page(). A frame goes back to the heap with its last
 * reference, so a frame the owner gave up (or that died with it) stays valid
 * for as long as another domain maps it.
 *
 * count_info is changed only atomically (the PGC_* flags above the count
 * too); the buddy allocator sees the frame again once the count is zero.
 *
 * Locking: d->page_alloc_lock guards d->page_list and d->tot_pages; order:
 * docs/locking.md (inside d->domain_lock and p2m locks, outside heap_lock).
 */
#include <tessera/domain.h>
#include <tessera/mm.h>
#include <tessera/page_info.h>
#include <tessera/panic.h>
#include <tessera/spinlock.h>

struct page_info *alloc_domain_pages(struct domain *d, unsigned int order)
{
	unsigned long n = 1UL << order;
	struct page_info *pg;
	bool ok;

	if (order > MAX_ORDER)
		return NULL;
	pg = alloc_domheap_pages(d, order);
	if (!pg)
		return NULL;
	spin_lock(&d->page_alloc_lock);
	/*
	 * As Xen's assign_pages: never over max_pages (0 = no limit yet), never to
	 * a dying domain (domain_kill would not see the frames).
	 */
	ok = READ_ONCE(d->state) == DOMAIN_ALIVE &&
	     (!d->max_pages ||
	      (d->tot_pages + n <= d->max_pages && d->tot_pages + n > d->tot_pages));
	if (ok) {
		for (unsigned long i = 0; i < n; i++)
			list_add_tail(&pg[i].list, &d->page_list);
		d->tot_pages += n;
	}
	spin_unlock(&d->page_alloc_lock);
	if (!ok) {
		free_domheap_pages(pg, order);
		return NULL;
	}
	return pg;
}

bool get_page(struct page_info *pg, const struct domain *d)
{
	unsigned long x = __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED);

	if (!d || pg < frame_table || pg >= frame_table + max_page)
		return false;
	do {
		/* Only a live allocated domain frame; never a free or xenheap one. */
		if ((x & (PGC_heap | PGC_free | PGC_xen_heap | PGC_allocated)) !=
		    (PGC_heap | PGC_allocated))
			return false;
		if ((x & PGC_count_mask) == 0 || (x & PGC_count_mask) == PGC_count_mask)
			return false; /* being freed, or the count would overflow */
	} while (!__atomic_compare_exchange_n(&pg->count_info, &x, x + 1, false, __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	/* The owner is fixed while the frame is allocated: check it under our reference. */
	if (READ_ONCE(pg->owner) != d) {
		put_page(pg);
		return false;
	}
	return true;
}

void put_page(struct page_info *pg)
{
	unsigned long old = __atomic_fetch_sub(&pg->count_info, 1, __ATOMIC_RELEASE);

	BUG_ON((old & PGC_count_mask) == 0); /* a reference we never took */
	if ((old & PGC_count_mask) != 1)
		return;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	/* The allocation reference is the last to go only through relinquish_page. */
	BUG_ON(old & PGC_allocated);
	free_domheap_pages(pg, 0);
}

void relinquish_page(struct domain *d, struct page_info *pg)
{
	unsigned long old;

	spin_lock(&d->page_alloc_lock);
	if (pg->owner != d) {
		spin_unlock(&d->page_alloc_lock);
		return;
	}
	old = __atomic_fetch_and(&pg->count_info, ~PGC_allocated, __ATOMIC_ACQ_REL);
	if (!(old & PGC_allocated)) {
		spin_unlock(&d->page_alloc_lock);
		return; /* given up already (two decrease_reservations raced) */
	}
	list_del(&pg->list);
	d->tot_pages--;
	spin_unlock(&d->page_alloc_lock);
	put_page(pg); /* the allocation reference: frees pg unless others map it */
}
