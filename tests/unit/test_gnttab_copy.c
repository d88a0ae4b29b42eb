/*
 * Grant tables v1: GNTTABOP_copy by grant reference and by the caller's
 * own frame number, its refusals, per-entry statuses of a batch, and a
 * copy sharing the pin of a mapping. Set-up in gnttab_test.h.
 */
#include "gnttab_test.h"

/* ---- copy ---- */

UNIT_TEST(gnttab, copy_between_two_domains_moves_the_bytes)
{
	mfn_t src, dst;
	gnttab_copy_t cp;
	unsigned char *s, *d;

	gt_setup();
	src = gt_give_ram(a, 0x10, 0);
	dst = gt_give_ram(c, 0x20, 0);
	s = maddr_to_virt(mfn_to_paddr(src));
	d = maddr_to_virt(mfn_to_paddr(dst));
	for (unsigned int i = 0; i < PG; i++)
		s[i] = (unsigned char)(i * 7);
	gt_grant(a, 1, 2, 0x10, GTF_readonly);
	gt_grant(c, 1, 2, 0x20, 0);
	/* b copies a's frame into c's, both by grant. */
	cp = gt_copy_gref(1, 1, 100, 3, 1, 300, 1000);
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_okay);
	CU_ASSERT_EQUAL(memcmp(d + 300, s + 100, 1000), 0);
	CU_ASSERT_EQUAL(d[299], 0);
	CU_ASSERT_EQUAL(d[1300], 0);
	/* Nothing stays pinned. */
	CU_ASSERT_EQUAL(gt_entry(a, 1)->flags, GTF_permit_access | GTF_readonly);
	CU_ASSERT_EQUAL(gt_entry(c, 1)->flags, GTF_permit_access);
	/* The whole page. */
	cp = gt_copy_gref(1, 1, 0, 3, 1, 0, PG);
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_okay);
	CU_ASSERT_EQUAL(memcmp(d, s, PG), 0);
	gt_teardown();
}

UNIT_TEST(gnttab, copy_with_own_frames_by_number)
{
	mfn_t mine, theirs;
	gnttab_copy_t cp = {.len = 16};
	unsigned char *m, *t;

	gt_setup();
	mine = gt_give_ram(b, 0x30, 0xaa);
	theirs = gt_give_ram(a, 0x10, 0x11);
	m = maddr_to_virt(mfn_to_paddr(mine));
	t = maddr_to_virt(mfn_to_paddr(theirs));
	gt_grant(a, 1, 2, 0x10, 0);
	/* Own frame -> a's grant. */
	cp.source.u.gmfn = 0x30;
	cp.source.domid = DOMID_SELF;
	cp.dest.u.ref = 1;
	cp.dest.domid = 1;
	cp.flags = GNTCOPY_dest_gref;
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_okay);
	CU_ASSERT_EQUAL(t[0], 0xaa);
	CU_ASSERT_EQUAL(t[16], 0x11);
	/* a's grant -> own frame. */
	memset(t, 0x42, 8);
	cp = (gnttab_copy_t){.len = 8, .flags = GNTCOPY_source_gref};
	cp.source.u.ref = 1;
	cp.source.domid = 1;
	cp.dest.u.gmfn = 0x30;
	cp.dest.domid = DOMID_SELF;
	cp.dest.offset = 4000;
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_okay);
	CU_ASSERT_EQUAL(m[4000], 0x42);
	CU_ASSERT_EQUAL(m[4007], 0x42);
	CU_ASSERT_EQUAL(m[4008], 0xaa);
	/* A frame by number only with DOMID_SELF, even the caller's own id. */
	cp.dest.domid = 2;
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_permission_denied);
	/* A frame the caller does not have. */
	cp.dest.domid = DOMID_SELF;
	cp.dest.u.gmfn = 0x31;
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_bad_page);
	CU_ASSERT_EQUAL(gt_entry(a, 1)->flags, GTF_permit_access);
	gt_teardown();
}

UNIT_TEST(gnttab, copy_refusals)
{
	gnttab_copy_t cp;

	gt_setup();
	gt_give_ram(a, 0x10, 0);
	gt_give_ram(c, 0x20, 0);
	gt_grant(a, 1, 2, 0x10, GTF_readonly);
	gt_grant(c, 1, 2, 0x20, 0);
	gt_grant(c, 2, 2, 0x20, GTF_readonly);
	/* Into a read-only grant. */
	cp = gt_copy_gref(1, 1, 0, 3, 2, 0, 8);
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_general_error);
	CU_ASSERT_EQUAL(gt_entry(c, 2)->flags, GTF_permit_access | GTF_readonly);
	CU_ASSERT_EQUAL(gt_entry(a, 1)->flags, GTF_permit_access | GTF_readonly);
	/* Past the page, on either side. */
	cp = gt_copy_gref(1, 1, 4000, 3, 1, 0, 97);
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_bad_copy_arg);
	cp = gt_copy_gref(1, 1, 0, 3, 1, 4095, 2);
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_bad_copy_arg);
	cp = gt_copy_gref(1, 1, 0xffff, 3, 1, 0xffff, 0xffff);
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_bad_copy_arg);
	/* Bad references and domains. */
	cp = gt_copy_gref(1, 600, 0, 3, 1, 0, 8);
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_bad_gntref);
	cp = gt_copy_gref(1, 1, 0, 3, 600, 0, 8);
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_bad_gntref);
	cp = gt_copy_gref(1, 3, 0, 3, 1, 0, 8); /* not granted */
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_general_error);
	cp = gt_copy_gref(99, 1, 0, 3, 1, 0, 8);
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_bad_domain);
	/* c's grants are for b, not for a. */
	fake_set_current(a->vcpu[0]);
	cp = gt_copy_gref(DOMID_SELF, 1, 0, 3, 1, 0, 8);
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_general_error);
	/* Nothing left pinned anywhere. */
	CU_ASSERT_EQUAL(gt_entry(a, 1)->flags, GTF_permit_access | GTF_readonly);
	CU_ASSERT_EQUAL(gt_entry(c, 1)->flags, GTF_permit_access);
	gt_teardown();
}

UNIT_TEST(gnttab, copy_batch_gets_per_entry_statuses)
{
	gnttab_copy_t cps[5];
	mfn_t dst;

	gt_setup();
	gt_give_ram(a, 0x10, 0x33);
	dst = gt_give_ram(c, 0x20, 0);
	gt_grant(a, 1, 2, 0x10, 0);
	gt_grant(c, 1, 2, 0x20, 0);
	cps[0] = gt_copy_gref(1, 1, 0, 3, 1, 0, 4);
	cps[1] = gt_copy_gref(1, 1, 0, 3, 1, 4094, 4);
	cps[2] = gt_copy_gref(1, 9, 0, 3, 1, 0, 4);
	cps[3] = gt_copy_gref(1, 1, 0, 3, 1, 10, 4);
	cps[4] = gt_copy_gref(55, 1, 0, 3, 1, 0, 4);
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_copy, cps, sizeof(cps[0]), 5), 0);
	CU_ASSERT_EQUAL(cps[0].status, GNTST_okay);
	CU_ASSERT_EQUAL(cps[1].status, GNTST_bad_copy_arg);
	CU_ASSERT_EQUAL(cps[2].status, GNTST_general_error);
	CU_ASSERT_EQUAL(cps[3].status, GNTST_okay);
	CU_ASSERT_EQUAL(cps[4].status, GNTST_bad_domain);
	CU_ASSERT_EQUAL(((unsigned char *)maddr_to_virt(mfn_to_paddr(dst)))[12], 0x33);
	CU_ASSERT_EQUAL(gt_entry(a, 1)->flags, GTF_permit_access);
	CU_ASSERT_EQUAL(gt_entry(c, 1)->flags, GTF_permit_access);
	gt_teardown();
}

UNIT_TEST(gnttab, copy_while_mapped_shares_the_pin)
{
	gnttab_map_grant_ref_t m;
	gnttab_copy_t cp;

	gt_setup();
	gt_give_ram(a, 0x10, 0x33);
	gt_give_ram(c, 0x20, 0);
	gt_grant(a, 1, 2, 0x10, 0);
	gt_grant(c, 1, 2, 0x20, 0);
	CU_ASSERT_EQUAL(gt_map(1, 1, 0x800, GNTMAP_host_map | GNTMAP_readonly, &m), GNTST_okay);
	cp = gt_copy_gref(3, 1, 0, 1, 1, 0, 4); /* c's frame into a's, writing a's mapped grant */
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_okay);
	/* The copy's write pin went, the mapping's read pin stays. */
	CU_ASSERT_EQUAL(gt_entry(a, 1)->flags, GTF_permit_access | GTF_reading);
	CU_ASSERT_EQUAL(gt_unmap(m.handle, 0x800), GNTST_okay);
	CU_ASSERT_EQUAL(gt_entry(a, 1)->flags, GTF_permit_access);
	gt_teardown();
}
