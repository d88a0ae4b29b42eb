/*
 * Grant mappings a guest tries to undo by other means (issue 14): a grant
 * mapping at a gfn is removed only by GNTTABOP_unmap_grant_ref with its own
 * handle and its own address, never by the memory ops, never by another
 * handle's unmap naming it. Set-up in gnttab_test.h (b is the current
 * domain, PVH).
 */
#include <public/memory.h>

#include "gnttab_test.h"

/* One memory op by current's domain with its argument in current's memory. */
static long mem_op(unsigned int cmd, const void *arg, size_t size)
{
	return fake_hypercall2(__HYPERVISOR_memory_op, cmd,
			       fake_guest_put(current->domain, arg, size));
}

/* decrease_reservation of one extent at gfn by current's domain: the extents done. */
static long decrease_one(uint64_t gfn)
{
	struct xen_memory_reservation r = {.nr_extents = 1, .domid = DOMID_SELF};
	xen_pfn_t pfn = gfn;

	r.extent_start.p =
	    (xen_pfn_t *)(uintptr_t)fake_guest_put(current->domain, &pfn, sizeof(pfn));
	return mem_op(XENMEM_decrease_reservation, &r, sizeof(r));
}

static long remove_from_physmap(uint64_t gfn)
{
	struct xen_remove_from_physmap x = {.domid = DOMID_SELF, .gpfn = gfn};

	return mem_op(XENMEM_remove_from_physmap, &x, sizeof(x));
}

static long add_to_physmap_gmfn(uint64_t from, uint64_t to)
{
	struct xen_add_to_physmap x = {
	    .domid = DOMID_SELF, .space = XENMAPSPACE_gmfn, .idx = from, .gpfn = to};

	return mem_op(XENMEM_add_to_physmap, &x, sizeof(x));
}

/*
 * b grants its own frame at 0x10 to itself and maps the grant at 0x800: no
 * memory op removes the mapping at 0x800 (the frame would leave b's
 * tot_pages while still mapped at 0x10, and the handle would be stuck).
 */
UNIT_TEST(gnttab, self_grant_mapping_is_not_removed_by_memory_ops)
{
	gnttab_map_grant_ref_t m;
	unsigned long tot, refs0;
	mfn_t frame, got;

	gt_setup();
	frame = gt_give_ram(b, 0x10, 0x5a);
	gt_give_ram(b, 0x11, 0x00);
	gt_grant(b, 8, 2, 0x10, 0);
	refs0 = gt_refs_of(frame);
	CU_ASSERT_EQUAL(gt_map(2, 8, 0x800, GNTMAP_host_map, &m), GNTST_okay);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x800, &got), p2m_grant_map_rw);
	CU_ASSERT_TRUE(mfn_eq(got, frame));
	tot = b->tot_pages;

	/* decrease_reservation stops at the grant mapping: no extent done. */
	CU_ASSERT_EQUAL(decrease_one(0x800), 0);
	CU_ASSERT_EQUAL(b->tot_pages, tot);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x800, NULL), p2m_grant_map_rw);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x10, NULL), p2m_ram_rw);
	/* remove_from_physmap: -ENOENT, as for another domain's grant. */
	CU_ASSERT_EQUAL(remove_from_physmap(0x800), -ENOENT);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x800, NULL), p2m_grant_map_rw);
	/* Moving RAM over it (add_to_physmap gmfn) would remove it too: -ENXIO. */
	CU_ASSERT_EQUAL(add_to_physmap_gmfn(0x11, 0x800), -ENXIO);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x800, NULL), p2m_grant_map_rw);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x11, NULL), p2m_ram_rw);
	CU_ASSERT_EQUAL(b->tot_pages, tot);

	/* The handle still unmaps, and then the frame is b's RAM as before. */
	CU_ASSERT_EQUAL(gt_unmap(m.handle, 0x800), GNTST_okay);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x800, NULL), p2m_invalid);
	CU_ASSERT_EQUAL(gt_refs_of(frame), refs0);
	CU_ASSERT_EQUAL(gt_entry(b, 8)->flags, GTF_permit_access);
	CU_ASSERT_EQUAL(decrease_one(0x10), 1);
	CU_ASSERT_EQUAL(b->tot_pages, tot - 1);
	gt_teardown();
}

/* Another domain's grant mapped by b: decrease_reservation leaves it too. */
UNIT_TEST(gnttab, foreign_grant_mapping_is_not_removed_by_decrease_reservation)
{
	gnttab_map_grant_ref_t m;
	unsigned long tot_a, tot_b;
	mfn_t frame;

	gt_setup();
	frame = gt_give_ram(a, 0x10, 0x5a);
	gt_grant(a, 8, 2, 0x10, 0);
	CU_ASSERT_EQUAL(gt_map(1, 8, 0x800, GNTMAP_host_map, &m), GNTST_okay);
	tot_a = a->tot_pages;
	tot_b = b->tot_pages;
	CU_ASSERT_EQUAL(decrease_one(0x800), 0);
	CU_ASSERT_EQUAL(a->tot_pages, tot_a);
	CU_ASSERT_EQUAL(b->tot_pages, tot_b);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x800, NULL), p2m_grant_map_rw);
	CU_ASSERT_EQUAL(gt_unmap(m.handle, 0x800), GNTST_okay);
	CU_ASSERT_EQUAL(gt_refs_of(frame), 1UL); /* a's allocation reference only */
	gt_teardown();
}

/*
 * One frame granted twice, r1 writable and r2 read-only, mapped at A and B:
 * unmapping r1's handle with B's address is refused (B stays r2's, A stays
 * mapped and r1 in use); each handle unmaps with its own address.
 */
UNIT_TEST(gnttab, unmap_needs_the_handles_own_address)
{
	gnttab_map_grant_ref_t m1, m2;
	mfn_t frame;
	unsigned long refs0;

	gt_setup();
	frame = gt_give_ram(a, 0x10, 0x5a);
	refs0 = gt_refs_of(frame);
	gt_grant(a, 8, 2, 0x10, 0);
	gt_grant(a, 9, 2, 0x10, GTF_readonly);
	CU_ASSERT_EQUAL(gt_map(1, 8, 0x800, GNTMAP_host_map, &m1), GNTST_okay);
	CU_ASSERT_EQUAL(gt_map(1, 9, 0x801, GNTMAP_host_map | GNTMAP_readonly, &m2), GNTST_okay);

	CU_ASSERT_EQUAL(gt_unmap(m1.handle, 0x801), GNTST_general_error);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x800, NULL), p2m_grant_map_rw);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x801, NULL), p2m_grant_map_ro);
	CU_ASSERT_EQUAL(gt_entry(a, 8)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	CU_ASSERT_EQUAL(gt_entry(a, 9)->flags, GTF_permit_access | GTF_readonly | GTF_reading);
	/* The other way round too, and an address holding nothing. */
	CU_ASSERT_EQUAL(gt_unmap(m2.handle, 0x800), GNTST_general_error);
	CU_ASSERT_EQUAL(gt_unmap(m1.handle, 0x900), GNTST_general_error);
	CU_ASSERT_EQUAL(gt_refs_of(frame), refs0 + 4); /* each mapping and its p2m entry */

	CU_ASSERT_EQUAL(gt_unmap(m1.handle, 0x800), GNTST_okay);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x800, NULL), p2m_invalid);
	CU_ASSERT_EQUAL(gt_entry(a, 8)->flags, GTF_permit_access);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x801, NULL), p2m_grant_map_ro);
	CU_ASSERT_EQUAL(gt_unmap(m2.handle, 0x801), GNTST_okay);
	CU_ASSERT_EQUAL(gt_entry(a, 9)->flags, GTF_permit_access | GTF_readonly);
	CU_ASSERT_EQUAL(gt_refs_of(frame), refs0);
	gt_teardown();
}

static long populate_one(uint64_t gfn)
{
	struct xen_memory_reservation r = {.nr_extents = 1, .domid = DOMID_SELF};
	xen_pfn_t pfn = gfn;

	r.extent_start.p =
	    (xen_pfn_t *)(uintptr_t)fake_guest_put(current->domain, &pfn, sizeof(pfn));
	return mem_op(XENMEM_populate_physmap, &r, sizeof(r));
}

/*
 * The same escape through the first gfn: b's frame at 0x10, granted to
 * itself and mapped at 0x800. Giving back 0x10 would take the frame out of
 * tot_pages while 0x800 still maps it: decrease_reservation and
 * add_to_physmap over it are refused, populate_physmap over it leaves the
 * old frame allocated (and counted) with no gfn.
 */
UNIT_TEST(gnttab, self_granted_frame_is_not_given_back_at_its_first_gfn)
{
	gnttab_map_grant_ref_t m;
	unsigned long tot;
	mfn_t frame, got;

	gt_setup();
	frame = gt_give_ram(b, 0x10, 0x5a);
	gt_give_ram(b, 0x11, 0x00);
	gt_grant(b, 8, 2, 0x10, 0);
	CU_ASSERT_EQUAL(gt_map(2, 8, 0x800, GNTMAP_host_map, &m), GNTST_okay);
	tot = b->tot_pages;

	CU_ASSERT_EQUAL(decrease_one(0x10), 0);
	CU_ASSERT_EQUAL(b->tot_pages, tot);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x10, &got), p2m_ram_rw);
	CU_ASSERT_TRUE(mfn_eq(got, frame));
	CU_ASSERT_EQUAL(add_to_physmap_gmfn(0x11, 0x10), -EBUSY);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x11, NULL), p2m_ram_rw);
	CU_ASSERT_EQUAL(b->tot_pages, tot);

	/* populate over it: a fresh frame at 0x10, the old one stays b's and counted. */
	CU_ASSERT_EQUAL(populate_one(0x10), 1);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x10, &got), p2m_ram_rw);
	CU_ASSERT_FALSE(mfn_eq(got, frame));
	CU_ASSERT_EQUAL(b->tot_pages, tot + 1);
	CU_ASSERT_TRUE((mfn_to_page(frame)->count_info & PGC_allocated) != 0);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x800, &got), p2m_grant_map_rw);
	CU_ASSERT_TRUE(mfn_eq(got, frame));
	CU_ASSERT_EQUAL(gt_unmap(m.handle, 0x800), GNTST_okay);
	CU_ASSERT_EQUAL(gt_refs_of(frame), 1UL);
	CU_ASSERT_EQUAL(b->tot_pages, tot + 1);

	/* With the mapping gone, the first gfn gives back as usual. */
	CU_ASSERT_EQUAL(decrease_one(0x11), 1);
	CU_ASSERT_EQUAL(b->tot_pages, tot);
	gt_teardown();
}

/*
 * Only d's own mappings stop it: a frame another domain maps is given back
 * by its granter (as Xen; what that does to the granter's count is left to
 * the accounting, docs/abi.md).
 */
UNIT_TEST(gnttab, frame_mapped_by_another_domain_is_still_given_back)
{
	gnttab_map_grant_ref_t m;
	mfn_t frame, got;

	gt_setup();
	frame = gt_give_ram(a, 0x10, 0x5a);
	gt_grant(a, 8, 2, 0x10, 0);
	CU_ASSERT_EQUAL(gt_map(1, 8, 0x800, GNTMAP_host_map, &m), GNTST_okay);
	fake_set_current(a->vcpu[0]);
	CU_ASSERT_EQUAL(decrease_one(0x10), 1);
	CU_ASSERT_EQUAL(gt_p2m_type_at(a, 0x10, NULL), p2m_invalid);
	fake_set_current(b->vcpu[0]);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x800, &got), p2m_grant_map_rw);
	CU_ASSERT_TRUE(mfn_eq(got, frame));
	CU_ASSERT_EQUAL(gt_unmap(m.handle, 0x800), GNTST_okay);
	gt_teardown();
}
