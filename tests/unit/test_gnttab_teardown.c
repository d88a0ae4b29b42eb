/*
 * Grant tables v1 and domain death: a mapped frame outlives its granter
 * (page references), a mapper's death releases its mappings, and that
 * release is preemptible. Set-up in gnttab_test.h.
 */
#include "gnttab_test.h"

/* ---- references and death ---- */

UNIT_TEST(gnttab, mapped_frame_outlives_its_granter_until_unmapped)
{
	gnttab_map_grant_ref_t m;
	mfn_t frame, got;

	gt_setup();
	frame = gt_give_ram(a, 0x10, 0x77);
	gt_grant(a, 1, 2, 0x10, 0);
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x800, GNTMAP_host_map, &m), GNTST_okay);
	fake_domain_kill(a); /* a's table goes with its last reference (the list's) */
	a = NULL;
	CU_ASSERT_PTR_NULL(get_domain_by_id(1));
	CU_ASSERT_FALSE((mfn_to_page(frame)->count_info & PGC_free) != 0);
	CU_ASSERT_EQUAL(gt_refs_of(frame), 2);
	CU_ASSERT_EQUAL(gt_p2m_type_at(b, 0x800, &got), p2m_grant_map_rw);
	CU_ASSERT_EQUAL(((unsigned char *)maddr_to_virt(mfn_to_paddr(got)))[100], 0x77);
	/* New maps of the dead granter fail. */
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x801, GNTMAP_host_map, NULL), GNTST_bad_domain);
	CU_ASSERT_EQUAL(gt_unmap(m.handle, 0x800), GNTST_okay);
	CU_ASSERT_TRUE((mfn_to_page(frame)->count_info & PGC_free) != 0);
	gt_teardown();
}

UNIT_TEST(gnttab, mapper_death_releases_its_mappings)
{
	mfn_t f1, f2;
	unsigned long r1;

	gt_setup();
	f1 = gt_give_ram(a, 0x10, 0);
	f2 = gt_give_ram(a, 0x11, 0);
	r1 = gt_refs_of(f1);
	gt_grant(a, 1, 2, 0x10, 0);
	gt_grant(a, 2, 2, 0x11, GTF_readonly);
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x800, GNTMAP_host_map, NULL), GNTST_okay);
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x801, GNTMAP_host_map, NULL), GNTST_okay);
	CU_ASSERT_EQUAL(gt_map(1, 2, 0x802, GNTMAP_host_map | GNTMAP_readonly, NULL), GNTST_okay);
	fake_set_current(a->vcpu[0]);
	fake_domain_kill(b);
	b = NULL;
	CU_ASSERT_EQUAL(gt_entry(a, 1)->flags, GTF_permit_access);
	CU_ASSERT_EQUAL(gt_entry(a, 2)->flags, GTF_permit_access | GTF_readonly);
	CU_ASSERT_EQUAL(gt_refs_of(f1), r1);
	CU_ASSERT_EQUAL(gt_refs_of(f2), r1);
	/* The granter can now give the entry to someone else. */
	gt_grant(a, 1, 3, 0x10, 0);
	fake_set_current(c->vcpu[0]);
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x800, GNTMAP_host_map, NULL), GNTST_okay);
	gt_teardown();
}

UNIT_TEST(gnttab, release_mappings_is_preemptible)
{
	struct domain *m;
	unsigned int n = 0, restarts = 0;
	int rc;

	gt_setup();
	m = gt_create_mode(12, ROLE_GUEST, GUEST_MODE_PVH, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	gt_give_ram(a, 0x10, 0);
	gt_grant(a, 1, 12, 0x10, GTF_readonly);
	gt_grant(a, 2, 12, 0x10, GTF_readonly);
	fake_set_current(m->vcpu[0]);
	for (unsigned int i = 0; i < 150; i++) /* two entries: under the 128-pin limit */
		n += gt_map(1, 1 + i % 2, 0x1000 + i, GNTMAP_host_map | GNTMAP_readonly, NULL) ==
		     GNTST_okay;
	CU_ASSERT_EQUAL(n, 150);
	fake_set_current(a->vcpu[0]);
	fake_preempt_after(0); /* every check says stop */
	while ((rc = gnttab_release_mappings(m)) == -ERESTART) {
		restarts++;
		CU_ASSERT_EQUAL(gt_entry(a, 1)->flags,
				GTF_permit_access | GTF_readonly | GTF_reading);
	}
	fake_preempt_after(-1);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(restarts, 2);
	CU_ASSERT_EQUAL(gt_entry(a, 1)->flags, GTF_permit_access | GTF_readonly);
	CU_ASSERT_EQUAL(gt_p2m_type_at(m, 0x1000, NULL), p2m_invalid);
	gt_teardown();
}
