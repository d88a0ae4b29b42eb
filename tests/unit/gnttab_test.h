/*
 * Shared set-up of the gnttab suite (test_gnttab_helpers.c): grant tables
 * v1 (common/grant_table.c, grant_copy.c) through the hypercall, over the
 * fake guest memory of tests/unit/fake/fake_guest.c. The tests are split
 * by concern: test_gnttab_setup.c (the table, versions, the hypercall
 * surface), test_gnttab_map.c (map and unmap), test_gnttab_copy.c,
 * test_gnttab_batch.c (batches, preemption, faults, misaligned arrays),
 * test_gnttab_teardown.c (page references and death),
 * test_gnttab_hostile.c (mappings a guest tries to undo by other means),
 * test_gnttab_teardown_order.c (vcpu_info kept until the ports close) and
 * test_gnttab_random.c. Every test runs between gt_setup() and
 * gt_teardown(), which checks that nothing leaked.
 */
#ifndef GNTTAB_TEST_H
#define GNTTAB_TEST_H

#include <stddef.h>
#include <stdint.h>

#include <public/grant_table.h>
#include <public/xen.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/grant_table.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>

#include "fake_guest.h"
#include "unit.h"

#define FRAMES 4096
#define PG 4096UL

/*
 * The fixture gt_setup() makes: granter a (domid 1) and mapper b (domid 2,
 * current), PVH; c (domid 3) a third PVH guest. A test that kills one sets
 * it to NULL.
 */
extern struct domain *a, *b, *c;

void gt_setup(void);
void gt_teardown(void);

/* One more domain, of the given mode and maptrack limit (0: the default); NULL on failure. */
struct domain *gt_create_mode(domid_t id, uint32_t roles, enum guest_mode mode, uint32_t maptrack);
/* A fresh frame of d's RAM at gfn (PVH), filled with byte fill: its mfn. */
mfn_t gt_give_ram(struct domain *d, uint64_t gfn, int fill);
/* d's grant entry ref, as the guest sees it. */
grant_entry_v1_t *gt_entry(struct domain *d, grant_ref_t ref);
/* d grants frame to domid in ref (flags GTF_permit_access plus extra). */
void gt_grant(struct domain *d, grant_ref_t ref, domid_t domid, uint64_t frame, uint16_t extra);
/* The page's reference count. */
unsigned long gt_refs_of(mfn_t mfn);

/*
 * GNTTABOP cmd by current's domain on n elements of size bytes at arg
 * (copied to guest memory and back), passing count; gt_op passes n.
 */
long gt_op_n(unsigned int cmd, void *arg, size_t size, unsigned int n, unsigned int count);
long gt_op(unsigned int cmd, void *arg, size_t size, unsigned int count);
/* One map by current's domain: its status (the whole result through out). */
int gt_map(domid_t dom, grant_ref_t ref, uint64_t gfn, uint32_t flags, gnttab_map_grant_ref_t *out);
/* One unmap by current's domain: its status. */
int gt_unmap(grant_handle_t h, uint64_t gfn);
/* d's p2m type at gfn (and the mfn through mfn if asked). */
enum p2m_type gt_p2m_type_at(struct domain *d, uint64_t gfn, mfn_t *mfn);
/* A GNTTABOP_copy element from grant (sd, sr) at offset so to grant (dd, dr) at doff. */
gnttab_copy_t gt_copy_gref(domid_t sd, grant_ref_t sr, uint16_t so, domid_t dd, grant_ref_t dr,
			   uint16_t doff, uint16_t len);

#endif
