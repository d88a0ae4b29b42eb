/*
 * Grant tables as the rest of the hypervisor uses them (common/grant_table.c,
 * v1 entries). The guest ABI is GNTTABOP_* in public/grant_table.h.
 */
#ifndef TESSERA_GRANT_TABLE_H
#define TESSERA_GRANT_TABLE_H

#include <tessera/domain.h>

struct grant_table;
struct page_info;

/* Set up d's table (limits: 0 = defaults, Xen's 64 grant and 1024 maptrack frames, also the
 * maxima: larger ones get -EINVAL as in Xen); 0 or -ENOMEM. */
int grant_table_init(struct domain *d, uint32_t max_grant_frames, uint32_t max_maptrack_frames);
/* Unmap every grant d has mapped from others (their references dropped). Preemptible: -ERESTART. */
int gnttab_release_mappings(struct domain *d);
/* Free d's table (releasing any mappings d still holds first); its frames' references drop,
 * foreign mappers keep theirs: the table's memory lives until their last unmap. */
void grant_table_destroy(struct domain *d);
/* The machine frame of d's shared grant frame idx (XENMEM_add_to_physmap), growing the table if
 * needed; 0, or -EINVAL when idx is beyond d's limit (as Xen). No page reference is taken. */
int gnttab_get_shared_frame(struct domain *d, unsigned int idx, mfn_t *mfn);
/*
 * Where d (auto-translated) has its shared frame idx in its physmap, INVALID_GFN for nowhere: Xen
 * keeps this in the M2P. XENMEM_add_to_physmap/remove_from_physmap record it (set) and
 * remove a frame's previous mapping (get); GNTTABOP_setup_table reports it.
 */
void gnttab_set_frame_gfn(struct domain *d, unsigned int idx, gfn_t gfn);
gfn_t gnttab_get_frame_gfn(struct domain *d, unsigned int idx);
/*
 * The domain builder writes entry ref of d's table: grantee may map (or copy) d's frame gfn
 * (Xen's builders do this for GNTTAB_RESERVED_CONSOLE/XENSTORE). 0, -ENOENT (no table) or
 * -EINVAL (ref beyond the table, a reserved grantee or a gfn a v1 entry cannot hold).
 */
int gnttab_seed_entry(struct domain *d, uint32_t ref, domid_t grantee, gfn_t gfn, bool readonly);
/*
 * The memory ops' guard against a frame leaving d's tot_pages while d still
 * maps it through a grant of its own (issue 14). gnttab_own_lock locks d's
 * table (NULL: d has none): while it is held no grant of d's can take a new
 * pin, so gnttab_self_mapped_locked's answer (is d's frame pg host-mapped
 * by d itself through one of d's grants?) stays true until the unlock.
 * Lock order: inside d->physmap_lock, outside the p2m and page_alloc locks.
 */
struct grant_table *gnttab_own_lock(struct domain *d);
bool gnttab_self_mapped_locked(struct grant_table *gt, const struct page_info *pg);
void gnttab_own_unlock(struct grant_table *gt);

#endif
