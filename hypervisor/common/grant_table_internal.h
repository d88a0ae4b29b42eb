/*
 * Grant tables, shared between grant_table.c (tables, map/unmap, the
 * hypercall) and grant_copy.c (GNTTABOP_copy). Not used outside them.
 *
 * A table has three parts, as in Xen:
 *  - shared frames: xenheap pages of grant_entry_v1_t the guest writes
 *    (we only ever set/clear GTF_reading/GTF_writing, atomically);
 *  - active entries: our shadow of each entry in use (pin counts, the frame,
 *    the domain using it), never visible to the guest;
 *  - maptrack: the handles of the mappings this domain made of others' grants.
 *
 * Lifetime: a table is reference counted (users). The domain holds one until
 * grant_table_destroy(); every live mapping of one of its grants holds one
 * (in the mapper's maptrack entry), and so does every operation while it
 * works on it. So a mapper can unmap after the granter is gone, and the
 * shared frames are freed when the last user goes.
 *
 * Locking, in the order of docs/locking.md:
 *   mapper's maptrack_lock -> granter's gt->lock -> p2m lock -> heap_lock
 * gnttab_life_lock (grant_table.c) only guards d->grant_table and users.
 * Two tables' gt->lock are never held together.
 */
#ifndef COMMON_GRANT_TABLE_INTERNAL_H
#define COMMON_GRANT_TABLE_INTERNAL_H

#include <public/grant_table.h>
#include <tessera/domain.h>
#include <tessera/panic.h>
#include <tessera/spinlock.h>
#include <tessera/types.h>

struct page_info;

/* Xen's defaults: INITIAL_NR_GRANT_FRAMES (x86), opt_max_grant_frames, opt_max_maptrack_frames. */
#define GNTTAB_INITIAL_FRAMES 1U
#define GNTTAB_DEFAULT_MAX_FRAMES 64U
#define GNTTAB_DEFAULT_MAX_MAPTRACK_FRAMES 1024U

/* Grant frames and granted frames are 4 KiB pages (the ABI's page size). */
#define GNTTAB_PAGE_SHIFT 12
#define GNTTAB_PAGE_SIZE (1UL << GNTTAB_PAGE_SHIFT)

#define GNTTAB_ENTRIES_PER_FRAME ((unsigned int)(GNTTAB_PAGE_SIZE / sizeof(grant_entry_v1_t)))

/*
 * Pin counts, one byte each for host/device and read/write uses, as Xen's
 * GNTPIN_*: any non-zero pin means the entry is in use.
 */
#define GNTPIN_hstw_inc (1U << 0)
#define GNTPIN_hstr_inc (1U << 8)
#define GNTPIN_devw_inc (1U << 16)
#define GNTPIN_devr_inc (1U << 24)
#define GNTPIN_hstw_mask (0xffU << 0)
#define GNTPIN_hstr_mask (0xffU << 8)
#define GNTPIN_devw_mask (0xffU << 16)
#define GNTPIN_devr_mask (0xffU << 24)
/* Would adding incr overflow a counter? (the counter's top bit already set, as Xen) */
#define GNTPIN_would_overflow(pin, incr) (((pin) & ((incr) << 7)) != 0)

struct active_grant_entry {
	uint32_t pin;  /* GNTPIN_* counts */
	domid_t domid; /* the domain using the entry (valid while pin != 0) */
	bool frame_ro; /* the frame is read-only RAM of the granter: no write pins */
	mfn_t mfn;     /* the granted frame (valid while pin != 0) */
};

/* One mapping handle. Free entries have flags 0 and chain through ref. */
struct grant_mapping {
	uint32_t ref;		 /* granted reference; next free handle when free */
	uint16_t flags;		 /* GNTMAP_host_map/device_map/readonly still mapped; 0 = free */
	domid_t domid;		 /* the granter */
	struct grant_table *rgt; /* the granter's table (a users reference) */
	gfn_t gfn;		 /* host_map of an auto-translated mapper: where it is mapped */
	uint64_t pad;
};
#define MAPTRACK_PER_PAGE ((unsigned int)(GNTTAB_PAGE_SIZE / sizeof(struct grant_mapping)))
#define MAPTRACK_NONE (~0U)

struct grant_table {
	spinlock_t lock;       /* frames, active entries, nr_grant_frames */
	struct domain *domain; /* owner; NULL once destroyed */
	unsigned int users;    /* gnttab_life_lock */
	unsigned int nr_grant_frames;
	unsigned int max_grant_frames;
	grant_entry_v1_t **shared;	    /* [max_grant_frames], the first nr_grant_frames set */
	struct active_grant_entry **active; /* [max_grant_frames], GNTTAB_ENTRIES_PER_FRAME each */
	gfn_t *frame_gfn; /* [max_grant_frames]: where the owner mapped each frame */

	spinlock_t maptrack_lock;	 /* everything below */
	struct grant_mapping **maptrack; /* [max_maptrack_frames] pages */
	unsigned int maptrack_limit;	 /* handles that exist (frames * MAPTRACK_PER_PAGE) */
	unsigned int max_maptrack_frames;
	unsigned int maptrack_free; /* head of the free chain, MAPTRACK_NONE if empty */
	unsigned int maptrack_in_use;
};

static inline unsigned int gnttab_nr_entries(const struct grant_table *gt)
{
	return gt->nr_grant_frames * GNTTAB_ENTRIES_PER_FRAME;
}

/* The caller holds gt->lock and has checked ref < gnttab_nr_entries(gt). */
static inline grant_entry_v1_t *gnttab_shared_entry(struct grant_table *gt, grant_ref_t ref)
{
	ASSERT(spin_is_held_by_me(&gt->lock));
	return &gt->shared[ref / GNTTAB_ENTRIES_PER_FRAME][ref % GNTTAB_ENTRIES_PER_FRAME];
}
static inline struct active_grant_entry *gnttab_active_entry(struct grant_table *gt,
							     grant_ref_t ref)
{
	ASSERT(spin_is_held_by_me(&gt->lock));
	return &gt->active[ref / GNTTAB_ENTRIES_PER_FRAME][ref % GNTTAB_ENTRIES_PER_FRAME];
}

/* d's table with a users reference, or NULL (none, or destroyed). */
struct grant_table *gnttab_table_get(struct domain *d);
void gnttab_table_put(struct grant_table *gt);

/*
 * Pin-time check and update of a shared entry (Xen's _set_status_v1): unless
 * already pinned, the entry must be GTF_permit_access (and not sub-page when
 * mapping) for ldomid; a write use needs !GTF_readonly. Sets GTF_reading and,
 * for writes, GTF_writing with a bounded cmpxchg loop (the guest may race).
 * Returns GNTST_okay or GNTST_general_error. The caller holds gt->lock (it
 * found sha and act with gnttab_shared_entry/gnttab_active_entry, which assert it).
 */
int gnttab_set_status(grant_entry_v1_t *sha, const struct active_grant_entry *act, bool readonly,
		      bool mapflag, domid_t ldomid);
/* After a pin went: clear GTF_reading/GTF_writing no longer backed by a pin (Xen's
 * reduce_status_for_pin). */
void gnttab_reduce_status(grant_entry_v1_t *sha, const struct active_grant_entry *act,
			  bool readonly);

/*
 * The frame a domain names by frame number, with a page reference: a gfn
 * of an auto-translated domain goes through its p2m; a PV domain's frame
 * numbers are machine frames (Xen's convention: its gfn is the mfn). GNTST_okay or GNTST_bad_page.
 * Only the domain's own RAM qualifies (never grant or foreign mappings, as Xen's get_paged_frame).
 * *ro says the frame is read-only RAM; a writer (readonly false) of read-only RAM gets
 * GNTST_general_error.
 */
int gnttab_get_paged_frame(struct domain *d, gfn_t frame, bool readonly, mfn_t *mfn,
			   struct page_info **pg, bool *ro);

/* GNTTABOP_copy (grant_copy.c): the batch; >= 0 ops done before preemption, or -errno. */
long gnttab_copy(XEN_GUEST_HANDLE(gnttab_copy_t) uop, unsigned int count, unsigned int *done);

#endif
