/*
 * The frame table: one struct page_info per machine frame, from frame 0 up to
 * the highest RAM frame (max_page). It records who owns a frame and what it
 * is used as, which is what the buddy allocator and, later, Xen's PV
 * page-type and reference-count rules need.
 *
 * count_info: PGC_* flags in the top bits, a general reference count below.
 * type_info:  a PGT_* type in the top bits (a frame is a writable page or a
 *             page table of exactly one level, never both), PGT_* flags, and
 *             a type reference count below. As in Xen's x86 page_info.
 *
 * The frame table is portable data: on x86 it sits at FRAMETABLE_BASE, in
 * host unit tests it is an ordinary array (frame_table is a variable).
 */
#ifndef TESSERA_PAGE_INFO_H
#define TESSERA_PAGE_INFO_H

#include <tessera/compiler.h>
#include <tessera/list.h>
#include <tessera/types.h>

struct domain;

struct page_info {
	union {
		/* Free frames: the buddy allocator's free lists. */
		struct {
			struct page_info *next, *prev;
		};
		/* A domain's frames: its page_list (common/page_ref.c, d->page_alloc_lock). */
		struct list_head list;
	};
	unsigned long count_info;
	unsigned long type_info;
	struct domain *owner;
	/* Free block head: its order. xmalloc large block: its order. */
	uint32_t order;
	uint32_t pad;
};

/* count_info flags. */
#define PGC_heap (1UL << 63)	  /* the frame belongs to the heap (else reserved/boot/image) */
#define PGC_free (1UL << 62)	  /* ...and is on a buddy free list now */
#define PGC_xen_heap (1UL << 61)  /* allocated as a xenheap page */
#define PGC_allocated (1UL << 60) /* the owner holds its allocation reference (counts as 1) */
#define PGC_xmalloc (1UL << 59)	  /* head of an xmalloc large block */
#define PGC_count_mask ((1UL << 48) - 1)

/* type_info: the type, as Xen's PGT_* numbering. */
#define PGT_type_shift 61
#define PGT_type_mask (7UL << PGT_type_shift)
#define PGT_none (0UL << PGT_type_shift)
#define PGT_l1_page_table (1UL << PGT_type_shift)
#define PGT_l2_page_table (2UL << PGT_type_shift)
#define PGT_l3_page_table (3UL << PGT_type_shift)
#define PGT_l4_page_table (4UL << PGT_type_shift)
#define PGT_seg_desc_page (5UL << PGT_type_shift)
#define PGT_writable_page (7UL << PGT_type_shift)
#define PGT_pinned (1UL << 60)	  /* pinned by the guest (MMUEXT_PIN_*) */
#define PGT_validated (1UL << 59) /* contents checked for the current type */
#define PGT_count_mask ((1UL << 48) - 1)

/* The frame table and its extent: frames [0, max_page) have an entry. */
extern struct page_info *frame_table;
extern unsigned long max_page;

/* Direct-map conversions, from the arch (x86 mm.c) or the host-test fake. */
void *maddr_to_virt(paddr_t pa);
paddr_t virt_to_maddr(const void *va);

static inline bool mfn_valid(mfn_t mfn)
{
	return mfn_x(mfn) < max_page;
}
static inline struct page_info *mfn_to_page(mfn_t mfn)
{
	return frame_table + mfn_x(mfn);
}
static inline mfn_t page_to_mfn(const struct page_info *pg)
{
	return _mfn((uint64_t)(pg - frame_table));
}
static inline paddr_t page_to_maddr(const struct page_info *pg)
{
	return mfn_to_paddr(page_to_mfn(pg));
}
static inline void *page_to_virt(const struct page_info *pg)
{
	return maddr_to_virt(page_to_maddr(pg));
}
static inline struct page_info *virt_to_page(const void *va)
{
	return mfn_to_page(paddr_to_mfn(virt_to_maddr(va)));
}
static inline struct domain *page_get_owner(const struct page_info *pg)
{
	return pg->owner;
}

#endif
