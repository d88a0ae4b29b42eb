/*
 * GNTTABOP_copy, as Xen 4.17's gnttab_copy: each op copies len bytes from a
 * source to a destination, each named either by a grant reference of some
 * domain (GNTCOPY_*_gref) or by a frame of the caller itself (DOMID_SELF
 * only). Every op is independent and gets its own GNTST_* status; the batch
 * stops early only on a fault or to be continued.
 *
 * While an op copies, the grants it uses are pinned (GTF_reading, and
 * GTF_writing for the destination, set in the shared entries) and the
 * frames hold a page reference; both go before the next op. The bytes move
 * through the direct map.
 *
 * Locking: one table's gt->lock at a time (grant_table_internal.h); nothing
 * is held while copying.
 */
#include <public/xen.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/guest_access.h>
#include <tessera/hypercall.h>
#include <tessera/mm.h>
#include <tessera/string.h>

#include "grant_table_internal.h"

/* One side of a copy, as claimed. */
struct gnttab_copy_buf {
	struct domain *domain;	/* a reference */
	struct grant_table *gt; /* with a users reference, when through a grant */
	grant_ref_t ref;
	bool readonly;
	bool have_grant;	/* pinned ref in gt */
	struct page_info *page; /* a page reference */
	mfn_t mfn;
};

/*
 * Pin (gt, ref) for a copy by ldom (Xen's acquire_grant_for_copy, v1): the
 * frame with a page reference. GNTST_okay or the op's status.
 */
static int gnttab_acquire_for_copy(struct domain *rd, struct grant_table *gt, grant_ref_t ref,
				   domid_t ldom, bool readonly, mfn_t *mfn, struct page_info **page)
{
	unsigned int pin_incr = readonly ? GNTPIN_hstr_inc : GNTPIN_hstw_inc;
	struct active_grant_entry *act;
	grant_entry_v1_t *sha;
	bool ro_frame = false;
	int rc = GNTST_okay;

	*page = NULL;
	spin_lock(&gt->lock);
	if (ref >= gnttab_nr_entries(gt)) {
		rc = GNTST_bad_gntref;
		goto out;
	}
	sha = gnttab_shared_entry(gt, ref);
	act = gnttab_active_entry(gt, ref);
	/* In use already: only by the same domain, no counter overflow, no writes to read-only RAM.
	 */
	if (act->pin && (act->domid != ldom || GNTPIN_would_overflow(act->pin, pin_incr) ||
			 (!readonly && act->frame_ro))) {
		rc = GNTST_general_error;
		goto out;
	}
	if (!act->pin || (!readonly && !(act->pin & (GNTPIN_hstw_mask | GNTPIN_devw_mask)))) {
		rc = gnttab_set_status(sha, act, readonly, false, ldom);
		if (rc != GNTST_okay)
			goto out;
	}
	if (!act->pin) {
		rc = gnttab_get_paged_frame(rd, _gfn(READ_ONCE(sha->frame)), readonly, mfn, page,
					    &ro_frame);
		if (rc != GNTST_okay) {
			gnttab_reduce_status(sha, act, readonly);
			goto out;
		}
		act->domid = ldom;
		act->mfn = *mfn;
		act->frame_ro = ro_frame;
	} else {
		/* The frame on record, if its owner still holds it (Xen: else bad_domain). */
		*mfn = act->mfn;
		if (!get_page(mfn_to_page(act->mfn), rd)) {
			gnttab_reduce_status(sha, act, readonly);
			rc = GNTST_bad_domain;
			goto out;
		}
		*page = mfn_to_page(act->mfn);
	}
	act->pin += pin_incr;
out:
	spin_unlock(&gt->lock);
	return rc;
}

/* Undo gnttab_acquire_for_copy's pin (the page reference is the caller's). */
static void gnttab_release_for_copy(struct grant_table *gt, grant_ref_t ref, bool readonly)
{
	struct active_grant_entry *act;

	spin_lock(&gt->lock);
	act = gnttab_active_entry(gt, ref);
	act->pin -= readonly ? GNTPIN_hstr_inc : GNTPIN_hstw_inc;
	gnttab_reduce_status(gnttab_shared_entry(gt, ref), act, readonly);
	spin_unlock(&gt->lock);
}

static void gnttab_copy_release_buf(struct gnttab_copy_buf *buf)
{
	if (buf->have_grant)
		gnttab_release_for_copy(buf->gt, buf->ref, buf->readonly);
	if (buf->page)
		put_page(buf->page);
	if (buf->gt)
		gnttab_table_put(buf->gt);
	if (buf->domain)
		put_domain(buf->domain);
	memset(buf, 0, sizeof(*buf));
}

/* Claim one side (Xen's gnttab_copy_lock_domain + gnttab_copy_claim_buf). */
static int gnttab_copy_claim_buf(struct domain *ld, const struct gnttab_copy_ptr *ptr, bool is_gref,
				 bool readonly, struct gnttab_copy_buf *buf)
{
	bool ro_frame;
	int rc;

	buf->readonly = readonly;
	/* Only the caller's own frames may be named by frame number. */
	if (!is_gref && ptr->domid != DOMID_SELF)
		return GNTST_permission_denied;
	buf->domain = get_domain_by_any_id(ptr->domid, ld);
	if (!buf->domain)
		return GNTST_bad_domain;
	if (is_gref) {
		buf->gt = gnttab_table_get(buf->domain);
		if (!buf->gt)
			return GNTST_bad_domain;
		rc = gnttab_acquire_for_copy(buf->domain, buf->gt, ptr->u.ref, ld->domain_id,
					     readonly, &buf->mfn, &buf->page);
		if (rc != GNTST_okay)
			return rc;
		buf->ref = ptr->u.ref;
		buf->have_grant = true;
	} else {
		rc = gnttab_get_paged_frame(buf->domain, _gfn(ptr->u.gmfn), readonly, &buf->mfn,
					    &buf->page, &ro_frame);
		if (rc != GNTST_okay)
			return rc;
	}
	return GNTST_okay;
}

static int gnttab_copy_one(struct domain *ld, const struct gnttab_copy *op)
{
	struct gnttab_copy_buf src = {0}, dest = {0};
	int rc;

	/* Xen claims source, then destination, then checks the extents. */
	rc = gnttab_copy_claim_buf(ld, &op->source, op->flags & GNTCOPY_source_gref, true, &src);
	if (rc != GNTST_okay)
		goto out;
	rc = gnttab_copy_claim_buf(ld, &op->dest, op->flags & GNTCOPY_dest_gref, false, &dest);
	if (rc != GNTST_okay)
		goto out;
	if ((unsigned int)op->source.offset + op->len > GNTTAB_PAGE_SIZE ||
	    (unsigned int)op->dest.offset + op->len > GNTTAB_PAGE_SIZE) {
		rc = GNTST_bad_copy_arg;
		goto out;
	}
	memmove((char *)page_to_virt(dest.page) + op->dest.offset,
		(const char *)page_to_virt(src.page) + op->source.offset, op->len);
	rc = GNTST_okay;
out:
	gnttab_copy_release_buf(&dest);
	gnttab_copy_release_buf(&src);
	return rc;
}

long gnttab_copy(XEN_GUEST_HANDLE(gnttab_copy_t) uop, unsigned int count, unsigned int *done)
{
	struct domain *ld = current->domain;
	struct gnttab_copy op;
	unsigned int i;

	for (i = 0; i < count; i++) {
		if (i && hypercall_preempt_check()) {
			*done = i;
			return count - i;
		}
		if (copy_from_guest_offset(&op, uop, i, 1))
			return -EFAULT;
		op.status = (int16_t)gnttab_copy_one(ld, &op);
		if (copy_field_to_guest_offset(uop, i, &op, status))
			return -EFAULT;
	}
	*done = count;
	return 0;
}
