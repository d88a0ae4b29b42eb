/*
 * Grant tables as the rest of the hypervisor uses them (common/grant_table.c,
 * v1 entries). The guest ABI is GNTTABOP_* in public/grant_table.h.
 */
#ifndef TESSERA_GRANT_TABLE_H
#define TESSERA_GRANT_TABLE_H

#include <tessera/domain.h>

/* Set up d's table (limits: 0 = defaults); 0 or -ENOMEM. */
int grant_table_init(struct domain *d, uint32_t max_grant_frames, uint32_t max_maptrack_frames);
/* Unmap every grant d has mapped from others (their references dropped). Preemptible: -ERESTART. */
int gnttab_release_mappings(struct domain *d);
/* Free d's table; its frames' references drop, foreign mappers keep theirs. */
void grant_table_destroy(struct domain *d);
/* The machine frame of d's shared grant frame idx (XENMEM_add_to_physmap), growing the table if needed. */
int gnttab_get_shared_frame(struct domain *d, unsigned int idx, mfn_t *mfn);

#endif
