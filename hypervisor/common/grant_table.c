/*
 * Grant tables, version 1, with Xen 4.17's semantics (GNTTABOP_* in
 * public/grant_table.h): a domain grants others access to its frames by
 * writing entries of its shared table; a grantee maps them (map_grant_ref,
 * into its p2m when it is auto-translated) or copies through them (copy, in
 * grant_copy.c). Here: the tables and their life cycle, setup/query/version
 * ops, map/unmap, release on death, and the hypercall.
 *
 * Every granted frame in use holds page references (one per host or device
 * mapping, one per copy in flight), so a granter's death cannot free a frame
 * another domain still maps; the shared entry's GTF_reading/GTF_writing say
 * whether it is in use, as in Xen.
 *
 * Locking: see grant_table_internal.h; order: docs/locking.md. Xen uses a
 * per-table rwlock plus per-entry locks; one spinlock per table is simpler
 * and enough until grant traffic needs more.
 */
#include <public/xen.h>
#include <tessera/errno.h>
#include <tessera/grant_table.h>
#include <tessera/guest_access.h>
#include <tessera/hypercall.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include <tessera/panic.h>
#include <tessera/privilege.h>
#include <tessera/string.h>

#include "grant_table_internal.h"

/*
 * Bits of the hypercall's cmd above the command are continuation state, as
 * Xen's GNTTABOP_CONTINUATION_ARG_SHIFT; only cache_flush uses them.
 */
#define GNTTABOP_CMD_MASK ((1U << 12) - 1)

/* Handles released per preemption check in gnttab_release_mappings. */
#define GNTTAB_RELEASE_BATCH 64

static DEFINE_SPINLOCK(gnttab_life_lock, LOCK_LEVEL_GNTTAB_LIFE);

/* ---- Table life cycle ---------------------------------------------------- */

static void gnttab_table_free(struct grant_table *gt)
{
	unsigned int i;

	for (i = 0; i < gt->nr_grant_frames; i++) {
		free_xenheap_pages(gt->shared[i], 0);
		xfree(gt->active[i]);
	}
	for (i = 0; i < gt->maptrack_limit / MAPTRACK_PER_PAGE; i++)
		free_xenheap_pages(gt->maptrack[i], 0);
	xfree(gt->shared);
	xfree(gt->active);
	xfree(gt->frame_gfn);
	xfree(gt->maptrack);
	xfree(gt);
}

struct grant_table *gnttab_table_get(struct domain *d)
{
	struct grant_table *gt;
	unsigned long flags = spin_lock_irqsave(&gnttab_life_lock);

	gt = d->grant_table;
	if (gt)
		gt->users++;
	spin_unlock_irqrestore(&gnttab_life_lock, flags);
	return gt;
}

void gnttab_table_put(struct grant_table *gt)
{
	unsigned long flags = spin_lock_irqsave(&gnttab_life_lock);
	bool last = --gt->users == 0;

	spin_unlock_irqrestore(&gnttab_life_lock, flags);
	if (last)
		gnttab_table_free(gt);
}

/*
 * Grow gt to nr frames (<= max); 0 or -ENOMEM with the table unchanged.
 * gt->lock held, unless gt is new (not yet its domain's).
 */
static int gnttab_grow_table(struct grant_table *gt, unsigned int nr)
{
	unsigned int i = gt->nr_grant_frames;

	ASSERT(spin_is_held_by_me(&gt->lock) || gt->domain->grant_table != gt);
	ASSERT(nr <= gt->max_grant_frames);
	for (; i < nr; i++) {
		gt->shared[i] = alloc_xenheap_pages(0);
		gt->active[i] = xzalloc_array(struct active_grant_entry, GNTTAB_ENTRIES_PER_FRAME);
		if (!gt->shared[i] || !gt->active[i])
			goto fail;
		gt->frame_gfn[i] = INVALID_GFN;
	}
	gt->nr_grant_frames = MAX(nr, gt->nr_grant_frames);
	return 0;

fail:
	/* Frames [nr_grant_frames, i] were allocated here (i possibly in part). */
	for (;; i--) {
		if (gt->shared[i])
			free_xenheap_pages(gt->shared[i], 0);
		xfree(gt->active[i]);
		gt->shared[i] = NULL;
		gt->active[i] = NULL;
		if (i == gt->nr_grant_frames)
			break;
	}
	return -ENOMEM;
}

int grant_table_init(struct domain *d, uint32_t max_grant_frames, uint32_t max_maptrack_frames)
{
	struct grant_table *gt;
	int rc = -ENOMEM;

	/* As Xen's grant_table_init: limits above the system's are refused. */
	if (!max_grant_frames)
		max_grant_frames = GNTTAB_DEFAULT_MAX_FRAMES;
	if (!max_maptrack_frames)
		max_maptrack_frames = GNTTAB_DEFAULT_MAX_MAPTRACK_FRAMES;
	if (max_grant_frames < GNTTAB_INITIAL_FRAMES ||
	    max_grant_frames > GNTTAB_DEFAULT_MAX_FRAMES ||
	    max_maptrack_frames > GNTTAB_DEFAULT_MAX_MAPTRACK_FRAMES)
		return -EINVAL;

	gt = xzalloc(struct grant_table);
	if (!gt)
		return -ENOMEM;
	spin_lock_init(&gt->lock, LOCK_LEVEL_GRANT);
	spin_lock_init(&gt->maptrack_lock, LOCK_LEVEL_MAPTRACK);
	gt->domain = d;
	gt->users = 1;
	gt->max_grant_frames = max_grant_frames;
	gt->max_maptrack_frames = max_maptrack_frames;
	gt->maptrack_free = MAPTRACK_NONE;
	gt->shared = xzalloc_array(grant_entry_v1_t *, max_grant_frames);
	gt->active = xzalloc_array(struct active_grant_entry *, max_grant_frames);
	gt->frame_gfn = xzalloc_array(gfn_t, max_grant_frames);
	gt->maptrack = xzalloc_array(struct grant_mapping *, max_maptrack_frames);
	if (!gt->shared || !gt->active || !gt->frame_gfn || !gt->maptrack)
		goto out;
	rc = gnttab_grow_table(gt, GNTTAB_INITIAL_FRAMES);
	if (rc)
		goto out;
	d->grant_table = gt;
	return 0;

out:
	gnttab_table_free(gt);
	return rc;
}

void grant_table_destroy(struct domain *d)
{
	struct grant_table *gt = d->grant_table;
	unsigned long flags;

	if (!gt)
		return;
	/* Normally done by domain_kill already; never leave references behind. */
	while (gnttab_release_mappings(d) == -ERESTART)
		;
	flags = spin_lock_irqsave(&gnttab_life_lock);
	d->grant_table = NULL;
	gt->domain = NULL;
	spin_unlock_irqrestore(&gnttab_life_lock, flags);
	gnttab_table_put(gt);
}

int gnttab_get_shared_frame(struct domain *d, unsigned int idx, mfn_t *mfn)
{
	struct grant_table *gt = d->grant_table;
	int rc = 0;

	if (!gt)
		return -EINVAL;
	spin_lock(&gt->lock);
	/* As Xen's gnttab_get_shared_frame_mfn: grow up to idx, within the limit. */
	if (idx >= gt->nr_grant_frames) {
		if (idx >= gt->max_grant_frames || gnttab_grow_table(gt, idx + 1)) {
			rc = -EINVAL;
			goto out;
		}
	}
	*mfn = paddr_to_mfn(virt_to_maddr(gt->shared[idx]));
out:
	spin_unlock(&gt->lock);
	return rc;
}

void gnttab_set_frame_gfn(struct domain *d, unsigned int idx, gfn_t gfn)
{
	struct grant_table *gt = d->grant_table;

	if (!gt)
		return;
	spin_lock(&gt->lock);
	if (idx < gt->nr_grant_frames)
		gt->frame_gfn[idx] = gfn;
	spin_unlock(&gt->lock);
}

gfn_t gnttab_get_frame_gfn(struct domain *d, unsigned int idx)
{
	struct grant_table *gt = d->grant_table;
	gfn_t gfn = INVALID_GFN;

	if (!gt)
		return gfn;
	spin_lock(&gt->lock);
	if (idx < gt->nr_grant_frames)
		gfn = gt->frame_gfn[idx];
	spin_unlock(&gt->lock);
	return gfn;
}

/*
 * The builder's grant for a toolstack service (the store ring at
 * GNTTAB_RESERVED_XENSTORE), as Xen's domain builders write reserved
 * entries before the guest runs. The entry is written while the domain is
 * paused and its table is new; the flags go last so a reader never sees a
 * half-written entry.
 */
int gnttab_seed_entry(struct domain *d, uint32_t ref, domid_t grantee, gfn_t gfn, bool readonly)
{
	struct grant_table *gt = d->grant_table;
	grant_entry_v1_t *e;

	if (!gt)
		return -ENOENT;
	if (gfn_x(gfn) > UINT32_MAX || grantee >= DOMID_FIRST_RESERVED)
		return -EINVAL;
	spin_lock(&gt->lock);
	if (ref >= gnttab_nr_entries(gt)) {
		spin_unlock(&gt->lock);
		return -EINVAL;
	}
	e = gnttab_shared_entry(gt, ref);
	e->domid = grantee;
	e->frame = (uint32_t)gfn_x(gfn);
	barrier(); /* x86 keeps stores in order: the compiler must too */
	WRITE_ONCE(e->flags, (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0)));
	spin_unlock(&gt->lock);
	return 0;
}

/* ---- Shared entry status and frames -------------------------------------- */

/* flags and domid of a v1 entry updated together, as Xen's union grant_combo. */
union grant_combo {
	uint32_t raw;
	struct {
		uint16_t flags;
		domid_t domid;
	};
};

int gnttab_set_status(grant_entry_v1_t *sha, const struct active_grant_entry *act, bool readonly,
		      bool mapflag, domid_t ldomid)
{
	uint32_t *raw = (uint32_t *)sha;
	uint16_t mask = GTF_type_mask | (mapflag ? GTF_sub_page : 0);
	union grant_combo cur, upd;
	unsigned int retries = 0;

	cur.raw = __atomic_load_n(raw, __ATOMIC_RELAXED);
	for (;;) {
		if (!act->pin && ((cur.flags & mask) != GTF_permit_access || cur.domid != ldomid))
			return GNTST_general_error;
		upd = cur;
		upd.flags |= GTF_reading;
		if (!readonly) {
			if (cur.flags & GTF_readonly)
				return GNTST_general_error;
			upd.flags |= GTF_writing;
		}
		if (__atomic_compare_exchange_n(raw, &cur.raw, upd.raw, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return GNTST_okay;
		/* As Xen: a guest changing the entry faster than we can update it fails after 5
		 * tries. */
		if (retries++ == 4)
			return GNTST_general_error;
	}
}

void gnttab_reduce_status(grant_entry_v1_t *sha, const struct active_grant_entry *act,
			  bool readonly)
{
	uint16_t clear = act->pin ? 0 : GTF_reading;

	if (!readonly && !(act->pin & (GNTPIN_hstw_mask | GNTPIN_devw_mask)))
		clear |= GTF_writing;
	if (clear)
		__atomic_fetch_and(&sha->flags, (uint16_t)~clear, __ATOMIC_SEQ_CST);
}

int gnttab_get_paged_frame(struct domain *d, gfn_t frame, bool readonly, mfn_t *mfn,
			   struct page_info **pg, bool *ro)
{
	enum p2m_type t = p2m_ram_rw;
	mfn_t m;

	*pg = NULL;
	if (d->auto_translated) {
		if (!d->p2m || !p2m_gfn_ok(frame))
			return GNTST_bad_page;
		m = p2m_lookup(d, frame, &t);
		if (t != p2m_ram_rw && t != p2m_ram_ro)
			return GNTST_bad_page;
	} else {
		m = _mfn(gfn_x(frame)); /* PV: the frame number is the machine frame */
	}
	if (!mfn_valid(m) || !get_page(mfn_to_page(m), d))
		return GNTST_bad_page;
	/*
	 * Xen lets a grant write into an HVM granter's read-only RAM (no page
	 * type on HVM frames); we refuse, as a writable type would be refused.
	 */
	if (!readonly && t == p2m_ram_ro) {
		put_page(mfn_to_page(m));
		return GNTST_general_error;
	}
	*mfn = m;
	*pg = mfn_to_page(m);
	*ro = t == p2m_ram_ro;
	return GNTST_okay;
}

/* ---- Maptrack ------------------------------------------------------------- */

/* A free handle of lgt (its entry's flags 0 until published), or MAPTRACK_NONE. */
static unsigned int maptrack_get(struct grant_table *lgt)
{
	unsigned int h = MAPTRACK_NONE, i, frame;
	struct grant_mapping *page;

	spin_lock(&lgt->maptrack_lock);
	if (lgt->maptrack_free == MAPTRACK_NONE) {
		frame = lgt->maptrack_limit / MAPTRACK_PER_PAGE;
		if (frame >= lgt->max_maptrack_frames)
			goto out;
		page = alloc_xenheap_pages(0);
		if (!page)
			goto out;
		for (i = 0; i < MAPTRACK_PER_PAGE; i++)
			page[i].ref =
			    i + 1 < MAPTRACK_PER_PAGE ? lgt->maptrack_limit + i + 1 : MAPTRACK_NONE;
		lgt->maptrack[frame] = page;
		lgt->maptrack_free = lgt->maptrack_limit;
		lgt->maptrack_limit += MAPTRACK_PER_PAGE;
	}
	h = lgt->maptrack_free;
	lgt->maptrack_free = lgt->maptrack[h / MAPTRACK_PER_PAGE][h % MAPTRACK_PER_PAGE].ref;
	lgt->maptrack_in_use++;
out:
	spin_unlock(&lgt->maptrack_lock);
	return h;
}

static struct grant_mapping *maptrack_entry(struct grant_table *lgt, unsigned int h)
{
	return &lgt->maptrack[h / MAPTRACK_PER_PAGE][h % MAPTRACK_PER_PAGE];
}

/* Return handle h to the free chain. */
static void maptrack_put_locked(struct grant_table *lgt, unsigned int h)
{
	struct grant_mapping *mt = maptrack_entry(lgt, h);

	ASSERT(spin_is_held_by_me(&lgt->maptrack_lock));
	mt->flags = 0;
	mt->rgt = NULL;
	mt->ref = lgt->maptrack_free;
	lgt->maptrack_free = h;
	lgt->maptrack_in_use--;
}

static void maptrack_put(struct grant_table *lgt, unsigned int h)
{
	spin_lock(&lgt->maptrack_lock);
	maptrack_put_locked(lgt, h);
	spin_unlock(&lgt->maptrack_lock);
}

/* ---- the memory ops' guard (tessera/grant_table.h) ------------------------ */

struct grant_table *gnttab_own_lock(struct domain *d)
{
	struct grant_table *gt = gnttab_table_get(d);

	if (gt)
		spin_lock(&gt->lock);
	return gt;
}

bool gnttab_self_mapped_locked(struct grant_table *gt, const struct page_info *pg)
{
	domid_t self;

	ASSERT(spin_is_held_by_me(&gt->lock));
	/*
	 * A host mapping holds two page references (the mapping's, its p2m
	 * entry's) besides the allocation one: with no more than that and the
	 * caller's own, no grant maps pg and the scan can be skipped.
	 */
	if ((READ_ONCE(pg->count_info) & PGC_count_mask) <= 2 || !gt->domain)
		return false;
	self = gt->domain->domain_id;
	for (grant_ref_t ref = 0; ref < gnttab_nr_entries(gt); ref++) {
		const struct active_grant_entry *act = gnttab_active_entry(gt, ref);

		if ((act->pin & (GNTPIN_hstw_mask | GNTPIN_hstr_mask)) && act->domid == self &&
		    mfn_eq(act->mfn, page_to_mfn(pg)))
			return true;
	}
	return false;
}

void gnttab_own_unlock(struct grant_table *gt)
{
	if (!gt)
		return;
	spin_unlock(&gt->lock);
	gnttab_table_put(gt);
}

/* ---- map_grant_ref -------------------------------------------------------- */

static bool p2m_type_is_special(enum p2m_type t)
{
	return t == p2m_grant_map_rw || t == p2m_grant_map_ro || t == p2m_map_foreign ||
	       t == p2m_mmio_direct;
}

/*
 * The host mapping of a map_grant_ref: into the mapper's p2m when it is
 * auto-translated (Xen's create_grant_p2m_mapping). PV mappings need the PV
 * MMU (page-table updates of host_addr or of a PTE): not yet, general_error.
 */
static int gnttab_create_host_mapping(struct domain *ld, gfn_t gfn, mfn_t mfn, uint32_t flags,
				      uint16_t cache_flags)
{
	enum p2m_type t;

	if (!ld->auto_translated || !ld->p2m)
		return GNTST_general_error;
	if (cache_flags || (flags & ~GNTMAP_readonly) != GNTMAP_host_map || !p2m_gfn_ok(gfn))
		return GNTST_general_error;
	p2m_lookup(ld, gfn, &t);
	if (p2m_type_is_special(t)) {
		/* As Xen's p2m_add_page: replacing a grant/foreign/MMIO entry this way is fatal. */
		domain_crash(ld, "grant map over a grant, foreign or MMIO p2m entry");
		return GNTST_general_error;
	}
	if (p2m_set_entry(ld, gfn, mfn,
			  (flags & GNTMAP_readonly) ? p2m_grant_map_ro : p2m_grant_map_rw))
		return GNTST_general_error;
	return GNTST_okay;
}

/* Undo a host mapping at gfn if it is still the grant of mfn (Xen's replace_grant_p2m_mapping). */
static int gnttab_remove_host_mapping(struct domain *ld, gfn_t gfn, mfn_t mfn)
{
	enum p2m_type t;
	mfn_t cur;

	if (!ld->auto_translated || !ld->p2m || !p2m_gfn_ok(gfn))
		return GNTST_general_error;
	cur = p2m_lookup(ld, gfn, &t);
	if ((t != p2m_grant_map_rw && t != p2m_grant_map_ro) || !mfn_eq(cur, mfn))
		return GNTST_general_error;
	if (p2m_remove_entry(ld, gfn, mfn))
		return GNTST_general_error;
	return GNTST_okay;
}

/* As Xen's map_grant_ref: one op; the result goes to op->status (and handle, dev_bus_addr). */
static void gnttab_map_one(struct domain *ld, struct gnttab_map_grant_ref *op)
{
	struct grant_table *lgt = ld->grant_table, *rgt = NULL;
	struct domain *rd = NULL;
	struct active_grant_entry *act;
	struct grant_mapping *mt;
	grant_entry_v1_t *sha = NULL;
	struct page_info *pg = NULL;
	unsigned int handle = MAPTRACK_NONE, refs = 0, nr_refs = 0, pin_incr = 0;
	bool readonly = op->flags & GNTMAP_readonly, ro_frame = false;
	uint16_t cache_flags;
	grant_ref_t ref = op->ref;
	/* Where an auto-translated mapper wants the frame (host_addr is a guest-physical address).
	 */
	gfn_t host_gfn = _gfn(op->host_addr >> GNTTAB_PAGE_SHIFT);
	mfn_t mfn = INVALID_MFN;
	int rc;

	if (op->flags & GNTMAP_device_map) {
		pin_incr += readonly ? GNTPIN_devr_inc : GNTPIN_devw_inc;
		nr_refs++;
	}
	if (op->flags & GNTMAP_host_map) {
		pin_incr += readonly ? GNTPIN_hstr_inc : GNTPIN_hstw_inc;
		nr_refs++;
	}
	if (!pin_incr) {
		op->status = GNTST_bad_gntref;
		return;
	}
	/* An auto-translated mapper has no device, application or PTE mappings. */
	if (ld->auto_translated &&
	    (op->flags & (GNTMAP_device_map | GNTMAP_application_map | GNTMAP_contains_pte))) {
		op->status = GNTST_general_error;
		return;
	}
	rd = get_domain_by_id(op->dom);
	if (!rd) {
		op->status = GNTST_bad_domain;
		return;
	}
	rc = GNTST_no_space;
	if (!lgt || (handle = maptrack_get(lgt)) == MAPTRACK_NONE)
		goto out;
	rc = GNTST_bad_domain;
	rgt = gnttab_table_get(rd);
	if (!rgt)
		goto out;

	spin_lock(&rgt->lock);
	if (ref >= gnttab_nr_entries(rgt)) {
		rc = GNTST_bad_gntref;
		goto unlock_out;
	}
	sha = gnttab_shared_entry(rgt, ref);
	act = gnttab_active_entry(rgt, ref);
	/* In use already: by the same domain only, no pin overflow, no writes to read-only RAM. */
	if (act->pin && (act->domid != ld->domain_id || GNTPIN_would_overflow(act->pin, pin_incr) ||
			 (!readonly && act->frame_ro))) {
		rc = GNTST_general_error;
		goto unlock_out;
	}
	if (!act->pin || (!readonly && !(act->pin & (GNTPIN_hstw_mask | GNTPIN_devw_mask)))) {
		rc = gnttab_set_status(sha, act, readonly, true, ld->domain_id);
		if (rc != GNTST_okay)
			goto unlock_out;
	}
	if (!act->pin) {
		rc = gnttab_get_paged_frame(rd, _gfn(READ_ONCE(sha->frame)), readonly, &mfn, &pg,
					    &ro_frame);
		if (rc != GNTST_okay) {
			gnttab_reduce_status(sha, act, readonly);
			goto unlock_out;
		}
		act->domid = ld->domain_id;
		act->mfn = mfn;
		act->frame_ro = ro_frame;
		refs = 1;
	}
	mfn = act->mfn;
	pg = mfn_to_page(mfn);
	/* One page reference per host or device mapping (Xen's refcnt). */
	while (refs < nr_refs && get_page(pg, rd))
		refs++;
	act->pin += pin_incr;
	cache_flags = READ_ONCE(sha->flags) & (GTF_PAT | GTF_PWT | GTF_PCD);
	spin_unlock(&rgt->lock);

	if (refs != nr_refs) {
		/* The granter is releasing the frame (dying): Xen's could_not_pin. */
		rc = GNTST_general_error;
		goto undo_out;
	}
	if (op->flags & GNTMAP_host_map) {
		rc = gnttab_create_host_mapping(ld, host_gfn, mfn, op->flags, cache_flags);
		if (rc != GNTST_okay)
			goto undo_out;
	}

	/* Publish the handle (flags last: unmap treats flags 0 as free); it keeps our rgt
	 * reference. */
	spin_lock(&lgt->maptrack_lock);
	mt = maptrack_entry(lgt, handle);
	mt->ref = ref;
	mt->domid = op->dom;
	mt->rgt = rgt;
	mt->gfn = host_gfn;
	mt->flags = op->flags & (GNTMAP_host_map | GNTMAP_device_map | GNTMAP_readonly);
	spin_unlock(&lgt->maptrack_lock);
	op->dev_bus_addr = mfn_x(mfn) << GNTTAB_PAGE_SHIFT;
	op->handle = handle;
	op->status = GNTST_okay;
	put_domain(rd);
	return;

undo_out:
	while (refs--)
		put_page(pg);
	spin_lock(&rgt->lock);
	act->pin -= pin_incr;
	gnttab_reduce_status(sha, act, readonly);
unlock_out:
	spin_unlock(&rgt->lock);
out:
	if (rgt)
		gnttab_table_put(rgt);
	if (handle != MAPTRACK_NONE)
		maptrack_put(lgt, handle);
	put_domain(rd);
	op->status = rc;
}

/* ---- unmap_grant_ref, unmap_and_replace ----------------------------------- */

/*
 * Undo what of mapping mt the flags in done say (host and/or device part):
 * pins, shared status, page references. mt is lgt's.
 */
static void gnttab_unpin(struct grant_table *lgt, struct grant_mapping *mt, unsigned int done)
{
	struct grant_table *rgt = mt->rgt;
	struct active_grant_entry *act;
	bool readonly = mt->flags & GNTMAP_readonly;
	struct page_info *pg;

	ASSERT(spin_is_held_by_me(&lgt->maptrack_lock));
	spin_lock(&rgt->lock);
	act = gnttab_active_entry(rgt, mt->ref);
	pg = mfn_to_page(act->mfn);
	if (done & GNTMAP_device_map) {
		ASSERT(act->pin & (readonly ? GNTPIN_devr_mask : GNTPIN_devw_mask));
		act->pin -= readonly ? GNTPIN_devr_inc : GNTPIN_devw_inc;
	}
	if (done & GNTMAP_host_map) {
		ASSERT(act->pin & (readonly ? GNTPIN_hstr_mask : GNTPIN_hstw_mask));
		act->pin -= readonly ? GNTPIN_hstr_inc : GNTPIN_hstw_inc;
	}
	gnttab_reduce_status(gnttab_shared_entry(rgt, mt->ref), act, readonly);
	spin_unlock(&rgt->lock);
	/* After the pin went, so the granter sees the entry free only when the frame is. */
	if (done & GNTMAP_device_map)
		put_page(pg);
	if (done & GNTMAP_host_map)
		put_page(pg);
}

/* As Xen's unmap_common: by handle; host_addr/dev_bus_addr say which parts go. */
static int16_t gnttab_unmap_one(struct domain *ld, unsigned int handle, uint64_t host_addr,
				uint64_t dev_bus_addr, uint64_t new_addr)
{
	struct grant_table *lgt = ld->grant_table;
	struct grant_mapping *mt;
	unsigned int done = 0;
	mfn_t mfn;
	int16_t rc = GNTST_okay;

	if (!lgt)
		return GNTST_bad_handle;
	spin_lock(&lgt->maptrack_lock);
	if (handle >= lgt->maptrack_limit) {
		rc = GNTST_bad_handle;
		goto out;
	}
	mt = maptrack_entry(lgt, handle);
	if (!mt->flags) {
		rc = GNTST_bad_handle;
		goto out;
	}
	spin_lock(&mt->rgt->lock);
	mfn = gnttab_active_entry(mt->rgt, mt->ref)->mfn;
	spin_unlock(&mt->rgt->lock);

	if (dev_bus_addr && (mt->flags & GNTMAP_device_map) &&
	    dev_bus_addr != (mfn_x(mfn) << GNTTAB_PAGE_SHIFT)) {
		rc = GNTST_bad_dev_addr;
		goto out;
	}
	if (host_addr && (mt->flags & GNTMAP_host_map)) {
		/* unmap_and_replace with a new address: not for auto-translated mappers, as Xen. */
		if (new_addr) {
			rc = GNTST_general_error;
			goto out;
		}
		/*
		 * host_addr must name this handle's own mapping: another mapping
		 * of the same frame (another ref granting it) would otherwise be
		 * removed in its place, and this ref look free while its own
		 * mapping stays. Xen 4.17 checks only the p2m entry (docs/abi.md);
		 * its code for a wrong address is general_error.
		 */
		if (!gfn_eq(_gfn(host_addr >> GNTTAB_PAGE_SHIFT), mt->gfn)) {
			rc = GNTST_general_error;
			goto out;
		}
		rc = gnttab_remove_host_mapping(ld, mt->gfn, mfn);
		if (rc != GNTST_okay)
			goto out;
		done |= GNTMAP_host_map;
	}
	if (dev_bus_addr && (mt->flags & GNTMAP_device_map))
		done |= GNTMAP_device_map;
	if (done) {
		gnttab_unpin(lgt, mt, done);
		mt->flags &= ~done;
		if (!(mt->flags & (GNTMAP_host_map | GNTMAP_device_map))) {
			struct grant_table *rgt = mt->rgt;

			maptrack_put_locked(lgt, handle);
			spin_unlock(&lgt->maptrack_lock);
			gnttab_table_put(rgt);
			return rc;
		}
	}
out:
	spin_unlock(&lgt->maptrack_lock);
	return rc;
}

int gnttab_release_mappings(struct domain *d)
{
	struct grant_table *lgt = d->grant_table, *rgt;
	struct grant_mapping *mt;
	unsigned int h, n = 0;

	if (!lgt)
		return 0;
	spin_lock(&lgt->maptrack_lock);
	for (h = 0; h < lgt->maptrack_limit && lgt->maptrack_in_use; h++) {
		mt = maptrack_entry(lgt, h);
		if (!mt->flags)
			continue;
		if (n++ == GNTTAB_RELEASE_BATCH) {
			spin_unlock(&lgt->maptrack_lock);
			if (hypercall_preempt_check())
				return -ERESTART;
			n = 0;
			spin_lock(&lgt->maptrack_lock);
			if (!mt->flags)
				continue;
		}
		/*
		 * Drop the p2m entry too if it is still this grant (Xen leaves it to
		 * the p2m teardown; the entry would keep the frame a while longer).
		 */
		if ((mt->flags & GNTMAP_host_map) && d->auto_translated) {
			mfn_t mfn;

			spin_lock(&mt->rgt->lock);
			mfn = gnttab_active_entry(mt->rgt, mt->ref)->mfn;
			spin_unlock(&mt->rgt->lock);
			gnttab_remove_host_mapping(d, mt->gfn, mfn);
		}
		gnttab_unpin(lgt, mt, mt->flags & (GNTMAP_host_map | GNTMAP_device_map));
		rgt = mt->rgt;
		maptrack_put_locked(lgt, h);
		spin_unlock(&lgt->maptrack_lock);
		gnttab_table_put(rgt);
		spin_lock(&lgt->maptrack_lock);
	}
	spin_unlock(&lgt->maptrack_lock);
	return 0;
}

/* ---- The other sub-ops ---------------------------------------------------- */

/* As Xen's gnttab_setup_table: grow dom's table to nr_frames and list its frames. */
static long gnttab_setup_table(struct domain *curd, XEN_GUEST_HANDLE(gnttab_setup_table_t) uop,
			       unsigned int count)
{
	struct gnttab_setup_table op;
	struct domain *d = NULL;
	struct grant_table *gt;
	xen_pfn_t frame;
	unsigned int i;

	if (count != 1)
		return -EINVAL;
	if (copy_from_guest(&op, uop, 1))
		return -EFAULT;
	d = get_domain_by_any_id(op.dom, curd);
	if (!d) {
		op.status = GNTST_bad_domain;
		goto out;
	}
	if (priv_target(curd, d)) {
		op.status = GNTST_permission_denied;
		goto out;
	}
	gt = d->grant_table;
	if (!gt) {
		op.status = GNTST_bad_domain;
		goto out;
	}
	spin_lock(&gt->lock);
	if (op.nr_frames > gt->max_grant_frames ||
	    (op.nr_frames > gt->nr_grant_frames && gnttab_grow_table(gt, op.nr_frames))) {
		op.status = GNTST_general_error;
		goto unlock;
	}
	op.status = GNTST_okay;
	for (i = 0; i < op.nr_frames; i++) {
		/* An auto-translated domain is told where it mapped each frame (Xen's M2P), PV the
		 * MFN. */
		if (d->auto_translated)
			frame = gfn_x(gt->frame_gfn[i]);
		else
			frame = mfn_x(paddr_to_mfn(virt_to_maddr(gt->shared[i])));
		spin_unlock(&gt->lock);
		if (copy_to_guest_offset(op.frame_list, i, &frame, 1))
			op.status = GNTST_bad_virt_addr;
		spin_lock(&gt->lock);
	}
unlock:
	spin_unlock(&gt->lock);
out:
	if (d)
		put_domain(d);
	if (copy_field_to_guest(uop, &op, status))
		return -EFAULT;
	return 0;
}

static long gnttab_query_size(struct domain *curd, XEN_GUEST_HANDLE(gnttab_query_size_t) uop,
			      unsigned int count)
{
	struct gnttab_query_size op;
	struct domain *d;

	if (count != 1)
		return -EINVAL;
	if (copy_from_guest(&op, uop, 1))
		return -EFAULT;
	d = get_domain_by_any_id(op.dom, curd);
	if (!d) {
		op.status = GNTST_bad_domain;
	} else if (priv_target(curd, d)) {
		op.status = GNTST_permission_denied;
	} else if (!d->grant_table) {
		op.status = GNTST_bad_domain;
	} else {
		spin_lock(&d->grant_table->lock);
		op.nr_frames = d->grant_table->nr_grant_frames;
		op.max_nr_frames = d->grant_table->max_grant_frames;
		spin_unlock(&d->grant_table->lock);
		op.status = GNTST_okay;
	}
	if (d)
		put_domain(d);
	if (copy_to_guest(uop, &op, 1))
		return -EFAULT;
	return 0;
}

/* Only version 1 exists here: as Xen when the domain's max_grant_version is 1. */
static long gnttab_set_version(XEN_GUEST_HANDLE(gnttab_set_version_t) uop)
{
	struct gnttab_set_version op;
	long rc;

	if (copy_from_guest(&op, uop, 1))
		return -EFAULT;
	if (op.version == 1)
		rc = 0;
	else if (op.version == 2)
		rc = -ENOSYS;
	else
		rc = -EINVAL;
	op.version = 1;
	if (copy_to_guest(uop, &op, 1))
		rc = -EFAULT;
	return rc;
}

static long gnttab_get_version(struct domain *curd, XEN_GUEST_HANDLE(gnttab_get_version_t) uop)
{
	struct gnttab_get_version op;
	struct domain *d;
	int rc;

	if (copy_from_guest(&op, uop, 1))
		return -EFAULT;
	d = get_domain_by_any_id(op.dom, curd);
	if (!d)
		return -ESRCH;
	rc = priv_target(curd, d);
	put_domain(d);
	if (rc)
		return rc;
	op.version = 1;
	if (copy_field_to_guest(uop, &op, version))
		return -EFAULT;
	return 0;
}

/* Version 1 has no status frames: any request for one is a general error (Xen: nr_status_frames 0).
 */
static long gnttab_get_status_frames(struct domain *curd,
				     XEN_GUEST_HANDLE(gnttab_get_status_frames_t) uop,
				     unsigned int count)
{
	struct gnttab_get_status_frames op;
	struct domain *d;

	if (count != 1)
		return -EINVAL;
	if (copy_from_guest(&op, uop, 1))
		return -EFAULT;
	d = get_domain_by_any_id(op.dom, curd);
	if (!d)
		op.status = GNTST_bad_domain;
	else if (priv_target(curd, d))
		op.status = GNTST_permission_denied;
	else
		op.status = op.nr_frames ? GNTST_general_error : GNTST_okay;
	if (d)
		put_domain(d);
	if (copy_field_to_guest(uop, &op, status))
		return -EFAULT;
	return 0;
}

/* As Xen's swap_grant_ref: swap two entries of the caller's table unless either is in use. */
static int16_t gnttab_swap_one(struct domain *d, grant_ref_t a, grant_ref_t b)
{
	struct grant_table *gt = d->grant_table;
	grant_entry_v1_t tmp;
	int16_t rc = GNTST_okay;

	if (!gt)
		return GNTST_general_error;
	spin_lock(&gt->lock);
	if (a >= gnttab_nr_entries(gt) || b >= gnttab_nr_entries(gt)) {
		rc = GNTST_bad_gntref;
		goto out;
	}
	if (a == b)
		goto out;
	if (gnttab_active_entry(gt, a)->pin || gnttab_active_entry(gt, b)->pin) {
		rc = GNTST_eagain;
		goto out;
	}
	tmp = *gnttab_shared_entry(gt, a);
	*gnttab_shared_entry(gt, a) = *gnttab_shared_entry(gt, b);
	*gnttab_shared_entry(gt, b) = tmp;
out:
	spin_unlock(&gt->lock);
	return rc;
}

/* ---- The hypercall -------------------------------------------------------- */

/*
 * The batched ops return how many entries they finished before being
 * preempted (> 0: continue from there), 0 when all are done, or -errno.
 */
static long gnttab_map_batch(struct domain *ld, XEN_GUEST_HANDLE(gnttab_map_grant_ref_t) uop,
			     unsigned int count)
{
	struct gnttab_map_grant_ref op;
	unsigned int i;

	for (i = 0; i < count; i++) {
		if (i && hypercall_preempt_check())
			return i;
		if (copy_from_guest_offset(&op, uop, i, 1))
			return -EFAULT;
		gnttab_map_one(ld, &op);
		if (copy_to_guest_offset(uop, i, &op, 1))
			return -EFAULT;
	}
	return 0;
}

static long gnttab_unmap_batch(struct domain *ld, XEN_GUEST_HANDLE(gnttab_unmap_grant_ref_t) uop,
			       unsigned int count)
{
	struct gnttab_unmap_grant_ref op;
	unsigned int i;

	for (i = 0; i < count; i++) {
		if (i && hypercall_preempt_check())
			return i;
		if (copy_from_guest_offset(&op, uop, i, 1))
			return -EFAULT;
		op.status = gnttab_unmap_one(ld, op.handle, op.host_addr, op.dev_bus_addr, 0);
		if (copy_field_to_guest_offset(uop, i, &op, status))
			return -EFAULT;
	}
	return 0;
}

static long gnttab_unmap_and_replace_batch(struct domain *ld,
					   XEN_GUEST_HANDLE(gnttab_unmap_and_replace_t) uop,
					   unsigned int count)
{
	struct gnttab_unmap_and_replace op;
	unsigned int i;

	for (i = 0; i < count; i++) {
		if (i && hypercall_preempt_check())
			return i;
		if (copy_from_guest_offset(&op, uop, i, 1))
			return -EFAULT;
		op.status = gnttab_unmap_one(ld, op.handle, op.host_addr, 0, op.new_addr);
		if (copy_field_to_guest_offset(uop, i, &op, status))
			return -EFAULT;
	}
	return 0;
}

static long gnttab_swap_batch(struct domain *d, XEN_GUEST_HANDLE(gnttab_swap_grant_ref_t) uop,
			      unsigned int count)
{
	struct gnttab_swap_grant_ref op;
	unsigned int i;

	for (i = 0; i < count; i++) {
		if (i && hypercall_preempt_check())
			return i;
		if (copy_from_guest_offset(&op, uop, i, 1))
			return -EFAULT;
		op.status = gnttab_swap_one(d, op.ref_a, op.ref_b);
		if (copy_field_to_guest_offset(uop, i, &op, status))
			return -EFAULT;
	}
	return 0;
}

/*
 * HYPERVISOR_grant_table_op(cmd, uop, count), as Xen's do_grant_table_op.
 * A preempted batch continues with the handle advanced past the finished
 * entries and count reduced by them.
 */
long do_grant_table_op(const struct hypercall_args *args)
{
	unsigned int cmd = (unsigned int)args->a[0];
	XEN_GUEST_HANDLE(void) uop = guest_handle_from_arg(args->a[1], void);
	unsigned int count = (unsigned int)args->a[2];
	struct domain *d = current->domain;
	unsigned int done = 0;
	size_t elem = 0;
	long rc;

	/*
	 * As Xen's hvm_grant_table_op: an auto-translated (PVH/HVM) caller has
	 * only the audited sub-ops, matched on the whole cmd (opaque bits
	 * included); unmap_and_replace, get_status_frames and the rest are
	 * -ENOSYS for it (tests/guests/conf/gnttab.c hvm_refused_subops).
	 */
	if (d->auto_translated && cmd != GNTTABOP_map_grant_ref &&
	    cmd != GNTTABOP_unmap_grant_ref && cmd != GNTTABOP_setup_table &&
	    cmd != GNTTABOP_copy && cmd != GNTTABOP_query_size && cmd != GNTTABOP_set_version &&
	    cmd != GNTTABOP_get_version && cmd != GNTTABOP_swap_grant_ref)
		return -ENOSYS;
	if ((int)count < 0)
		return -EINVAL;
	if ((cmd & ~GNTTABOP_CMD_MASK) && (cmd & GNTTABOP_CMD_MASK) != GNTTABOP_cache_flush)
		return -EINVAL;

	switch (cmd & GNTTABOP_CMD_MASK) {
	case GNTTABOP_map_grant_ref:
		rc = gnttab_map_batch(d, guest_handle_cast(uop, gnttab_map_grant_ref_t), count);
		elem = sizeof(gnttab_map_grant_ref_t);
		break;
	case GNTTABOP_unmap_grant_ref:
		rc = gnttab_unmap_batch(d, guest_handle_cast(uop, gnttab_unmap_grant_ref_t), count);
		elem = sizeof(gnttab_unmap_grant_ref_t);
		break;
	case GNTTABOP_unmap_and_replace:
		rc = gnttab_unmap_and_replace_batch(
		    d, guest_handle_cast(uop, gnttab_unmap_and_replace_t), count);
		elem = sizeof(gnttab_unmap_and_replace_t);
		break;
	case GNTTABOP_setup_table:
		rc = gnttab_setup_table(d, guest_handle_cast(uop, gnttab_setup_table_t), count);
		break;
	case GNTTABOP_copy:
		rc = gnttab_copy(guest_handle_cast(uop, gnttab_copy_t), count, &done);
		if (rc > 0)
			rc = done;
		elem = sizeof(gnttab_copy_t);
		break;
	case GNTTABOP_query_size:
		rc = gnttab_query_size(d, guest_handle_cast(uop, gnttab_query_size_t), count);
		break;
	case GNTTABOP_set_version:
		rc = gnttab_set_version(guest_handle_cast(uop, gnttab_set_version_t));
		break;
	case GNTTABOP_get_status_frames:
		rc = gnttab_get_status_frames(d, guest_handle_cast(uop, gnttab_get_status_frames_t),
					      count);
		break;
	case GNTTABOP_get_version:
		rc = gnttab_get_version(d, guest_handle_cast(uop, gnttab_get_version_t));
		break;
	case GNTTABOP_swap_grant_ref:
		rc = gnttab_swap_batch(d, guest_handle_cast(uop, gnttab_swap_grant_ref_t), count);
		elem = sizeof(gnttab_swap_grant_ref_t);
		break;
	default:
		/*
		 * transfer (page flipping, PV only in Xen), cache_flush (Arm cache
		 * maintenance) and dump_table (gone in Xen 4.17): not provided.
		 */
		rc = -ENOSYS;
		break;
	}

	if (rc > 0) {
		ASSERT(elem && (unsigned long)rc < count);
		rc = hypercall_create_continuation(
		    __HYPERVISOR_grant_table_op, "ihi", cmd & GNTTABOP_CMD_MASK,
		    (void *)(guest_handle_to_arg(uop) + (unsigned long)rc * elem),
		    count - (unsigned int)rc);
	}
	return rc;
}
