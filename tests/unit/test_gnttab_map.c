/*
 * Grant tables v1: GNTTABOP_map_grant_ref and unmap_grant_ref by one
 * entry, as Xen 4.17: GTF_reading/GTF_writing while in use, the p2m
 * entries and page references a mapping holds, and each refusal's
 * status. Set-up in gnttab_test.h.
 */
#include "gnttab_test.h"

/* ---- map and unmap ---- */

UNIT_TEST(gnttab, map_sets_flags_and_p2m_unmap_clears_them)
{
	gnttab_map_grant_ref_t m;
	mfn_t frame, got;
	unsigned long refs0;

	gt_setup();
	frame = gt_give_ram(a, 0x10, 0x5a);
	refs0 = gt_refs_of(frame);
	gt_grant(a, 8, 2, 0x10, 0);
	CU_ASSERT_EQUAL(gt_map(1, 8, 0x800, GNTMAP_host_map, &m), GNTST_okay);
	CU_ASSERT_EQUAL(m.dev_bus_addr, mfn_x(frame) * PG);
	CU_ASSERT_EQUAL(gt_entry(a, 8)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x800, &got), p2m_grant_map_rw);
	CU_ASSERT_TRUE(mfn_eq(got, frame));
	CU_ASSERT_EQUAL(gt_refs_of(frame), refs0 + 2); /* the mapping's and the p2m entry's */

	CU_ASSERT_EQUAL(gt_unmap(m.handle, 0x800), GNTST_okay);
	CU_ASSERT_EQUAL(gt_entry(a, 8)->flags, GTF_permit_access);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x800, NULL), p2m_invalid);
	CU_ASSERT_EQUAL(gt_refs_of(frame), refs0);
	/* The handle is gone. */
	CU_ASSERT_EQUAL(gt_unmap(m.handle, 0x800), GNTST_bad_handle);
	gt_teardown();
}

/* The builder's GNTTAB_RESERVED_XENSTORE entry: the named grantee maps it, nobody else. */
UNIT_TEST(gnttab, seeded_entry_lets_the_grantee_map_the_store_page)
{
	gnttab_map_grant_ref_t m;
	mfn_t frame, got;

	gt_setup();
	frame = gt_give_ram(a, 0x20, 0x3c);
	CU_ASSERT_EQUAL(gnttab_seed_entry(a, GNTTAB_RESERVED_XENSTORE, 2, _gfn(0x20), false), 0);
	CU_ASSERT_EQUAL(gt_entry(a, 1)->flags, GTF_permit_access);
	CU_ASSERT_EQUAL(gt_entry(a, 1)->domid, 2);
	CU_ASSERT_EQUAL(gt_entry(a, 1)->frame, 0x20);
	/* c is not the grantee. */
	fake_set_current(c->vcpu[0]);
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x900, GNTMAP_host_map, NULL), GNTST_general_error);
	fake_set_current(b->vcpu[0]);
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x800, GNTMAP_host_map, &m), GNTST_okay);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x800, &got), p2m_grant_map_rw);
	CU_ASSERT_TRUE(mfn_eq(got, frame));
	CU_ASSERT_EQUAL(gt_unmap(m.handle, 0x800), GNTST_okay);
	/* A read-only seed; refs past the table, reserved grantees and huge gfns are refused. */
	CU_ASSERT_EQUAL(gnttab_seed_entry(a, 2, 3, _gfn(0x20), true), 0);
	CU_ASSERT_EQUAL(gt_entry(a, 2)->flags, GTF_permit_access | GTF_readonly);
	CU_ASSERT_EQUAL(gnttab_seed_entry(a, 512, 2, _gfn(0x20), false), -EINVAL);
	CU_ASSERT_EQUAL(gnttab_seed_entry(a, 0xffffffffu, 2, _gfn(0x20), false), -EINVAL);
	CU_ASSERT_EQUAL(gnttab_seed_entry(a, 1, DOMID_SELF, _gfn(0x20), false), -EINVAL);
	CU_ASSERT_EQUAL(gnttab_seed_entry(a, 1, 2, _gfn(1ULL << 32), false), -EINVAL);
	gt_teardown();
}

UNIT_TEST(gnttab, readonly_maps_read_only_and_readonly_entry_refuses_write)
{
	gnttab_map_grant_ref_t m;

	gt_setup();
	gt_give_ram(a, 0x10, 0);
	gt_grant(a, 9, 2, 0x10, GTF_readonly);
	CU_ASSERT_EQUAL(gt_map(1, 9, 0x800, GNTMAP_host_map, NULL), GNTST_general_error);
	CU_ASSERT_EQUAL(gt_entry(a, 9)->flags, GTF_permit_access | GTF_readonly);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x800, NULL), p2m_invalid);
	CU_ASSERT_EQUAL(gt_map(1, 9, 0x800, GNTMAP_host_map | GNTMAP_readonly, &m), GNTST_okay);
	CU_ASSERT_EQUAL(gt_entry(a, 9)->flags, GTF_permit_access | GTF_readonly | GTF_reading);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x800, NULL), p2m_grant_map_ro);
	/* A writable second mapping of the read-only entry is still refused. */
	CU_ASSERT_EQUAL(gt_map(1, 9, 0x801, GNTMAP_host_map, NULL), GNTST_general_error);
	CU_ASSERT_EQUAL(gt_entry(a, 9)->flags, GTF_permit_access | GTF_readonly | GTF_reading);
	CU_ASSERT_EQUAL(gt_unmap(m.handle, 0x800), GNTST_okay);
	CU_ASSERT_EQUAL(gt_entry(a, 9)->flags, GTF_permit_access | GTF_readonly);
	gt_teardown();
}

UNIT_TEST(gnttab, writing_stays_while_any_writable_mapping_does)
{
	gnttab_map_grant_ref_t r, w;

	gt_setup();
	gt_give_ram(a, 0x10, 0);
	gt_grant(a, 10, 2, 0x10, 0);
	CU_ASSERT_EQUAL(gt_map(1, 10, 0x800, GNTMAP_host_map | GNTMAP_readonly, &r), GNTST_okay);
	CU_ASSERT_EQUAL(gt_entry(a, 10)->flags, GTF_permit_access | GTF_reading);
	CU_ASSERT_EQUAL(gt_map(1, 10, 0x801, GNTMAP_host_map, &w), GNTST_okay);
	CU_ASSERT_EQUAL(gt_entry(a, 10)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	CU_ASSERT_EQUAL(gt_unmap(w.handle, 0x801), GNTST_okay);
	CU_ASSERT_EQUAL(gt_entry(a, 10)->flags, GTF_permit_access | GTF_reading);
	CU_ASSERT_EQUAL(gt_unmap(r.handle, 0x800), GNTST_okay);
	CU_ASSERT_EQUAL(gt_entry(a, 10)->flags, GTF_permit_access);
	gt_teardown();
}

UNIT_TEST(gnttab, map_errors_have_xen_statuses)
{
	gt_setup();
	gt_give_ram(a, 0x10, 0);
	gt_grant(a, 1, 2, 0x10, 0);
	/* No host or device flag. */
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x800, 0, NULL), GNTST_bad_gntref);
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x800, GNTMAP_readonly, NULL), GNTST_bad_gntref);
	/* Device, application and PTE mappings are not for auto-translated mappers. */
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x800, GNTMAP_host_map | GNTMAP_device_map, NULL),
			GNTST_general_error);
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x800, GNTMAP_host_map | GNTMAP_contains_pte, NULL),
			GNTST_general_error);
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x800, GNTMAP_host_map | GNTMAP_application_map, NULL),
			GNTST_general_error);
	/* Unknown domain; DOMID_SELF is not a granter (as Xen). */
	CU_ASSERT_EQUAL(gt_map(77, 1, 0x800, GNTMAP_host_map, NULL), GNTST_bad_domain);
	CU_ASSERT_EQUAL(gt_map(DOMID_SELF, 1, 0x800, GNTMAP_host_map, NULL), GNTST_bad_domain);
	/* References beyond the table. */
	CU_ASSERT_EQUAL(gt_map(1, 512, 0x800, GNTMAP_host_map, NULL), GNTST_bad_gntref);
	CU_ASSERT_EQUAL(gt_map(1, 0xffffffffu, 0x800, GNTMAP_host_map, NULL), GNTST_bad_gntref);
	/* Not granted at all, or to someone else, or not permit_access: Xen's general error. */
	CU_ASSERT_EQUAL(gt_map(1, 2, 0x800, GNTMAP_host_map, NULL), GNTST_general_error);
	gt_grant(a, 3, 3, 0x10, 0);
	CU_ASSERT_EQUAL(gt_map(1, 3, 0x800, GNTMAP_host_map, NULL), GNTST_general_error);
	gt_entry(a, 4)->domid = 2;
	gt_entry(a, 4)->frame = 0x10;
	gt_entry(a, 4)->flags = GTF_accept_transfer;
	CU_ASSERT_EQUAL(gt_map(1, 4, 0x800, GNTMAP_host_map, NULL), GNTST_general_error);
	gt_grant(a, 5, 2, 0x10, GTF_sub_page);
	CU_ASSERT_EQUAL(gt_map(1, 5, 0x800, GNTMAP_host_map, NULL), GNTST_general_error);
	/* A frame the granter does not have. */
	gt_grant(a, 6, 2, 0x9999, 0);
	CU_ASSERT_EQUAL(gt_map(1, 6, 0x800, GNTMAP_host_map, NULL), GNTST_bad_page);
	CU_ASSERT_EQUAL(gt_entry(a, 6)->flags, GTF_permit_access);
	/* Cache attributes cannot be honoured in a p2m. */
	gt_grant(a, 7, 2, 0x10, GTF_PCD);
	CU_ASSERT_EQUAL(gt_map(1, 7, 0x800, GNTMAP_host_map, NULL), GNTST_general_error);
	CU_ASSERT_EQUAL(gt_entry(a, 7)->flags, GTF_permit_access | GTF_PCD);
	/* A host address beyond the p2m. */
	CU_ASSERT_EQUAL(gt_map(1, 1, 1UL << 41, GNTMAP_host_map, NULL), GNTST_general_error);
	/* Nothing was left pinned or mapped. */
	CU_ASSERT_EQUAL(gt_entry(a, 1)->flags, GTF_permit_access);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x800, NULL), p2m_invalid);
	gt_teardown();
}

UNIT_TEST(gnttab, granter_frames_only_own_ram)
{
	mfn_t bframe;

	gt_setup();
	/* a names a frame it maps from b by grant: not its RAM. */
	bframe = gt_give_ram(b, 0x20, 0);
	gt_grant(b, 1, 1, 0x20, 0);
	fake_set_current(a->vcpu[0]);
	CU_ASSERT_EQUAL(gt_map(2, 1, 0x30, GNTMAP_host_map, NULL), GNTST_okay);
	gt_grant(a, 1, 3, 0x30, 0);
	fake_set_current(c->vcpu[0]);
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x40, GNTMAP_host_map, NULL), GNTST_bad_page);
	/* A gfn of a read-only RAM frame may be mapped read-only only. */
	gt_give_ram(a, 0x50, 0);
	CU_ASSERT_EQUAL(p2m_set_entry(a, _gfn(0x50), p2m_lookup(a, _gfn(0x50), NULL), p2m_ram_ro),
			0);
	gt_grant(a, 2, 3, 0x50, 0);
	CU_ASSERT_EQUAL(gt_map(1, 2, 0x41, GNTMAP_host_map, NULL), GNTST_general_error);
	CU_ASSERT_EQUAL(gt_entry(a, 2)->flags, GTF_permit_access);
	CU_ASSERT_EQUAL(gt_map(1, 2, 0x41, GNTMAP_host_map | GNTMAP_readonly, NULL), GNTST_okay);
	CU_ASSERT_EQUAL(gt_map(1, 2, 0x42, GNTMAP_host_map, NULL), GNTST_general_error);
	(void)bframe;
	gt_teardown();
}

UNIT_TEST(gnttab, map_over_a_grant_entry_crashes_the_mapper_as_xen)
{
	gt_setup();
	gt_give_ram(a, 0x10, 0);
	gt_give_ram(a, 0x11, 0);
	gt_grant(a, 1, 2, 0x10, 0);
	gt_grant(a, 2, 2, 0x11, 0);
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x800, GNTMAP_host_map, NULL), GNTST_okay);
	CU_ASSERT_EQUAL(gt_map(1, 2, 0x800, GNTMAP_host_map, NULL), GNTST_general_error);
	CU_ASSERT_TRUE(b->is_shutting_down);
	CU_ASSERT_EQUAL(gt_entry(a, 2)->flags, GTF_permit_access);
	gt_teardown();
}

UNIT_TEST(gnttab, map_over_own_ram_replaces_it)
{
	mfn_t mine, theirs, got;
	gnttab_map_grant_ref_t m;

	gt_setup();
	theirs = gt_give_ram(a, 0x10, 0);
	mine = gt_give_ram(b, 0x800, 0);
	gt_grant(a, 1, 2, 0x10, 0);
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x800, GNTMAP_host_map, &m), GNTST_okay);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x800, &got), p2m_grant_map_rw);
	CU_ASSERT_TRUE(mfn_eq(got, theirs));
	CU_ASSERT_FALSE(mfn_eq(got, mine));
	CU_ASSERT_EQUAL(gt_unmap(m.handle, 0x800), GNTST_okay);
	gt_teardown();
}

UNIT_TEST(gnttab, entry_in_use_by_one_domain_refuses_another)
{
	gt_setup();
	gt_give_ram(a, 0x10, 0);
	gt_grant(a, 1, 2, 0x10, 0);
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x800, GNTMAP_host_map, NULL), GNTST_okay);
	/* The granter re-points the entry at c while b still has it pinned. */
	gt_entry(a, 1)->domid = 3;
	fake_set_current(c->vcpu[0]);
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x800, GNTMAP_host_map, NULL), GNTST_general_error);
	gt_teardown();
}

UNIT_TEST(gnttab, pinned_entry_keeps_its_frame_when_the_guest_changes_it)
{
	gnttab_map_grant_ref_t m1, m2;
	mfn_t f1;

	gt_setup();
	f1 = gt_give_ram(a, 0x10, 0);
	gt_give_ram(a, 0x11, 0);
	gt_grant(a, 1, 2, 0x10, 0);
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x800, GNTMAP_host_map, &m1), GNTST_okay);
	gt_entry(a, 1)->frame = 0x11;
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x801, GNTMAP_host_map, &m2), GNTST_okay);
	CU_ASSERT_EQUAL(m2.dev_bus_addr, mfn_x(f1) * PG);
	gt_teardown();
}

UNIT_TEST(gnttab, pin_counter_refuses_overflow)
{
	unsigned int ok = 0;
	int st;

	gt_setup();
	gt_give_ram(a, 0x10, 0);
	gt_grant(a, 1, 2, 0x10, 0);
	for (unsigned int i = 0; i < 200; i++) {
		st = gt_map(1, 1, 0x1000 + i, GNTMAP_host_map, NULL);
		if (st != GNTST_okay)
			break;
		ok++;
	}
	CU_ASSERT_EQUAL(ok, 128);
	CU_ASSERT_EQUAL(st, GNTST_general_error);
	gt_teardown();
}

UNIT_TEST(gnttab, maptrack_exhaustion_gives_no_space)
{
	struct domain *m;
	unsigned int ok = 0;
	int st = 0;

	gt_setup();
	m = gt_create_mode(10, ROLE_GUEST, GUEST_MODE_PVH, 1); /* one maptrack frame */
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	for (unsigned int r = 0; r < 3; r++) {
		gt_give_ram(a, 0x10 + r, 0);
		gt_grant(a, r, 10, 0x10 + r, 0);
	}
	fake_set_current(m->vcpu[0]);
	for (unsigned int i = 0; i < 400; i++) {
		st = gt_map(1, i % 3, 0x1000 + i, GNTMAP_host_map | GNTMAP_readonly, NULL);
		if (st != GNTST_okay)
			break;
		ok++;
	}
	CU_ASSERT_EQUAL(ok, 4096 / 32);
	CU_ASSERT_EQUAL(st, GNTST_no_space);
	gt_teardown();
}

UNIT_TEST(gnttab, unmap_errors)
{
	gnttab_map_grant_ref_t m;
	gnttab_unmap_and_replace_t r;

	gt_setup();
	gt_give_ram(a, 0x10, 0);
	gt_grant(a, 1, 2, 0x10, 0);
	CU_ASSERT_EQUAL(gt_unmap(0, 0x800), GNTST_bad_handle); /* nothing mapped yet */
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x800, GNTMAP_host_map, &m), GNTST_okay);
	CU_ASSERT_EQUAL(gt_unmap(m.handle + 1, 0x800), GNTST_bad_handle); /* a free handle */
	CU_ASSERT_EQUAL(gt_unmap(1000000, 0x800), GNTST_bad_handle);
	CU_ASSERT_EQUAL(gt_unmap(0xffffffffu, 0x800), GNTST_bad_handle);
	/* The wrong address: general error, still mapped. */
	CU_ASSERT_EQUAL(gt_unmap(m.handle, 0x801), GNTST_general_error);
	CU_ASSERT_EQUAL(gt_entry(a, 1)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	/* host_addr 0 leaves the host mapping alone (as Xen): okay, still mapped. */
	CU_ASSERT_EQUAL(gt_unmap(m.handle, 0), GNTST_okay);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x800, NULL), p2m_grant_map_rw);
	/* unmap_and_replace: no sub-op for auto-translated mappers (hvm_grant_table_op). */
	r = (gnttab_unmap_and_replace_t){
	    .host_addr = 0x800 * PG, .new_addr = 0x900 * PG, .handle = m.handle};
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_unmap_and_replace, &r, sizeof(r), 1), -ENOSYS);
	CU_ASSERT_EQUAL(gt_unmap(m.handle, 0x800), GNTST_okay);
	CU_ASSERT_EQUAL(gt_entry(a, 1)->flags, GTF_permit_access);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x800, NULL), p2m_invalid);
	/* Another domain's handle numbers mean nothing here. */
	fake_set_current(c->vcpu[0]);
	CU_ASSERT_EQUAL(gt_unmap(m.handle, 0x800), GNTST_bad_handle);
	gt_teardown();
}

UNIT_TEST(gnttab, pv_mapper_host_map_unsupported_device_map_works)
{
	struct domain *pv;
	gnttab_map_grant_ref_t m;
	gnttab_unmap_grant_ref_t u;
	mfn_t frame;

	gt_setup();
	pv = gt_create_mode(11, ROLE_GUEST, GUEST_MODE_PV, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pv);
	frame = gt_give_ram(a, 0x10, 0);
	gt_grant(a, 1, 11, 0x10, 0);
	fake_set_current(pv->vcpu[0]);
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x400000, GNTMAP_host_map, NULL), GNTST_general_error);
	CU_ASSERT_EQUAL(gt_entry(a, 1)->flags, GTF_permit_access);
	CU_ASSERT_EQUAL(gt_map(1, 1, 0, GNTMAP_device_map, &m), GNTST_okay);
	CU_ASSERT_EQUAL(m.dev_bus_addr, mfn_x(frame) * PG);
	CU_ASSERT_EQUAL(gt_entry(a, 1)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	/* Wrong bus address, then the right one. */
	u = (gnttab_unmap_grant_ref_t){.dev_bus_addr = (mfn_x(frame) + 1) * PG, .handle = m.handle};
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_unmap_grant_ref, &u, sizeof(u), 1), 0);
	CU_ASSERT_EQUAL(u.status, GNTST_bad_dev_addr);
	u.dev_bus_addr = mfn_x(frame) * PG;
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_unmap_grant_ref, &u, sizeof(u), 1), 0);
	CU_ASSERT_EQUAL(u.status, GNTST_okay);
	CU_ASSERT_EQUAL(gt_entry(a, 1)->flags, GTF_permit_access);

	/* A PV granter names machine frames. */
	frame = gt_give_ram(pv, 0, 0);
	gt_grant(pv, 1, 2, mfn_x(frame), 0);
	fake_set_current(b->vcpu[0]);
	CU_ASSERT_EQUAL(gt_map(11, 1, 0x800, GNTMAP_host_map, &m), GNTST_okay);
	CU_ASSERT_EQUAL(m.dev_bus_addr, mfn_x(frame) * PG);
	gt_grant(pv, 2, 2, mfn_x(frame) + 100000, 0);
	CU_ASSERT_EQUAL(gt_map(11, 2, 0x801, GNTMAP_host_map, NULL), GNTST_bad_page);
	gt_teardown();
}
