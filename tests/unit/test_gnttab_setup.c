/*
 * Grant tables v1 through GNTTABOP_*: the table itself (setup_table,
 * query_size, shared frames growing on demand, versions, swap_grant_ref,
 * the limits domain_create accepts) and the hypercall surface (unprovided
 * sub-ops, bad arguments). Set-up in gnttab_test.h.
 */
#include "gnttab_test.h"

/* ---- setup_table, query_size, versions ---- */

UNIT_TEST(gnttab, query_size_reports_one_frame_of_sixty_four)
{
	gnttab_query_size_t q = {.dom = DOMID_SELF};

	gt_setup();
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	CU_ASSERT_EQUAL(q.status, GNTST_okay);
	CU_ASSERT_EQUAL(q.nr_frames, 1);
	CU_ASSERT_EQUAL(q.max_nr_frames, 64);
	q.dom = 1; /* another guest's: not without privilege */
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	CU_ASSERT_EQUAL(q.status, GNTST_permission_denied);
	q.dom = 77;
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	CU_ASSERT_EQUAL(q.status, GNTST_bad_domain);
	CU_ASSERT_EQUAL(gt_op_n(GNTTABOP_query_size, &q, sizeof(q), 1, 2), -EINVAL);
	gt_teardown();
}

UNIT_TEST(gnttab, setup_table_grows_and_lists_frames)
{
	struct domain *pv;
	xen_pfn_t *frames;
	uint64_t fl = 0;
	gnttab_setup_table_t s;
	gnttab_query_size_t q = {.dom = DOMID_SELF};
	mfn_t mfn;

	gt_setup();
	pv = gt_create_mode(9, ROLE_GUEST, GUEST_MODE_PV, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pv);
	fake_set_current(pv->vcpu[0]);
	fl = fake_guest_alloc(pv, 8 * sizeof(xen_pfn_t), (void **)&frames);
	s = (gnttab_setup_table_t){.dom = DOMID_SELF, .nr_frames = 4};
	s.frame_list.p = (xen_pfn_t *)fl;
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_setup_table, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_okay);
	for (unsigned int i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(gnttab_get_shared_frame(pv, i, &mfn), 0);
		CU_ASSERT_EQUAL(frames[i], mfn_x(mfn)); /* PV: machine frames */
	}
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	CU_ASSERT_EQUAL(q.nr_frames, 4);
	/* Beyond the limit: general error, size unchanged. */
	s.nr_frames = 65;
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_setup_table, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_general_error);
	/* A list the guest cannot write. */
	s.nr_frames = 2;
	s.frame_list.p = (xen_pfn_t *)8;
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_setup_table, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_bad_virt_addr);
	/* A NULL list, and one that wraps past the top of the address space:
	 * handle offsets are integer sums, never C pointer arithmetic (UBSan). */
	s.frame_list.p = NULL;
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_setup_table, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_bad_virt_addr);
	s.frame_list.p = (xen_pfn_t *)(UINTPTR_MAX - sizeof(xen_pfn_t) + 1);
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_setup_table, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_bad_virt_addr);
	CU_ASSERT_EQUAL(gt_op_n(GNTTABOP_setup_table, &s, sizeof(s), 1, 0), -EINVAL);
	/* Another domain's table: permission denied for a guest. */
	s.dom = 1;
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_setup_table, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_permission_denied);
	s.dom = 200;
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_setup_table, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_bad_domain);

	/* An auto-translated domain is told the gfn where it put each frame, ~0 if nowhere. */
	fake_set_current(b->vcpu[0]);
	fl = fake_guest_alloc(b, 8 * sizeof(xen_pfn_t), (void **)&frames);
	gnttab_set_frame_gfn(b, 0, _gfn(0x1234));
	s = (gnttab_setup_table_t){.dom = DOMID_SELF, .nr_frames = 2};
	s.frame_list.p = (xen_pfn_t *)fl;
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_setup_table, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_okay);
	CU_ASSERT_EQUAL(frames[0], 0x1234);
	CU_ASSERT_EQUAL(frames[1], ~0UL);
	CU_ASSERT_EQUAL(gfn_x(gnttab_get_frame_gfn(b, 0)), 0x1234);
	gt_teardown();
}

UNIT_TEST(gnttab, control_domain_may_set_up_another_table)
{
	struct domain *ctl;
	gnttab_setup_table_t s = {.dom = 1, .nr_frames = 3};
	gnttab_query_size_t q = {.dom = 1};
	gnttab_get_version_t v = {.dom = 1};

	gt_setup();
	ctl = gt_create_mode(0, ROLE_CONTROL, GUEST_MODE_PVH, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctl);
	fake_set_current(ctl->vcpu[0]);
	s.frame_list.p = (xen_pfn_t *)fake_guest_alloc(ctl, 3 * sizeof(xen_pfn_t), NULL);
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_setup_table, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_okay);
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	CU_ASSERT_EQUAL(q.nr_frames, 3);
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_get_version, &v, sizeof(v), 1), 0);
	CU_ASSERT_EQUAL(v.version, 1);
	gt_teardown();
}

UNIT_TEST(gnttab, shared_frames_grow_on_demand_up_to_the_limit)
{
	mfn_t m0, m5;

	gt_setup();
	CU_ASSERT_EQUAL(gnttab_get_shared_frame(a, 0, &m0), 0);
	CU_ASSERT_EQUAL(gnttab_get_shared_frame(a, 5, &m5), 0);
	CU_ASSERT_FALSE(mfn_eq(m0, m5));
	CU_ASSERT_EQUAL(gnttab_get_shared_frame(a, 63, &m5), 0);
	CU_ASSERT_EQUAL(gnttab_get_shared_frame(a, 64, &m5), -EINVAL);
	CU_ASSERT_EQUAL(gnttab_get_shared_frame(a, ~0U, &m5), -EINVAL);
	gt_teardown();
}

UNIT_TEST(gnttab, set_version_one_only_and_status_frames_none)
{
	gnttab_set_version_t sv = {.version = 2};
	gnttab_get_version_t gv = {.dom = DOMID_SELF};
	gnttab_get_status_frames_t sf = {.nr_frames = 1, .dom = DOMID_SELF};

	gt_setup();
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_set_version, &sv, sizeof(sv), 1), -ENOSYS);
	CU_ASSERT_EQUAL(sv.version, 1);
	sv.version = 3;
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_set_version, &sv, sizeof(sv), 1), -EINVAL);
	CU_ASSERT_EQUAL(sv.version, 1);
	sv.version = 1;
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_set_version, &sv, sizeof(sv), 1), 0);
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_get_version, &gv, sizeof(gv), 1), 0);
	CU_ASSERT_EQUAL(gv.version, 1);
	gv.dom = 1;
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_get_version, &gv, sizeof(gv), 1), -EPERM);
	gv.dom = 99;
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_get_version, &gv, sizeof(gv), 1), -ESRCH);
	/* As Xen's hvm_grant_table_op: not a sub-op for an auto-translated caller. */
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_get_status_frames, &sf, sizeof(sf), 1), -ENOSYS);
	gt_teardown();
}

UNIT_TEST(gnttab, swap_grant_ref_swaps_idle_entries_only)
{
	gnttab_swap_grant_ref_t s = {.ref_a = 1, .ref_b = 2};

	gt_setup();
	gt_give_ram(a, 0x10, 0);
	gt_grant(a, 1, 2, 0x10, 0);
	gt_grant(a, 2, 3, 0x11, GTF_readonly);
	fake_set_current(a->vcpu[0]);
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_swap_grant_ref, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_okay);
	CU_ASSERT_EQUAL(gt_entry(a, 1)->domid, 3);
	CU_ASSERT_EQUAL(gt_entry(a, 2)->domid, 2);
	s.ref_b = 512;
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_swap_grant_ref, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_bad_gntref);
	/* In use: eagain. */
	fake_set_current(b->vcpu[0]);
	CU_ASSERT_EQUAL(gt_map(1, 2, 0x800, GNTMAP_host_map, NULL), GNTST_okay);
	fake_set_current(a->vcpu[0]);
	s.ref_b = 2;
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_swap_grant_ref, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_eagain);
	s.ref_a = s.ref_b = 2;
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_swap_grant_ref, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_okay);
	gt_teardown();
}

UNIT_TEST(gnttab, init_refuses_limits_beyond_the_system)
{
	struct domain_create_args args = fake_domain_args("t", ROLE_GUEST, 1);
	struct domain *d = NULL;

	gt_setup();
	args.max_grant_frames = 65;
	CU_ASSERT_EQUAL(domain_create(20, &args, &d), -EINVAL);
	args.max_grant_frames = 4;
	args.max_maptrack_frames = 1025;
	CU_ASSERT_EQUAL(domain_create(20, &args, &d), -EINVAL);
	args.max_maptrack_frames = 0;
	CU_ASSERT_EQUAL(domain_create(20, &args, &d), 0);
	gt_teardown();
}

UNIT_TEST(gnttab, unknown_and_unprovided_ops_and_bad_arguments)
{
	gt_setup();
	CU_ASSERT_EQUAL(fake_hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_transfer, 0, 1),
			-ENOSYS);
	CU_ASSERT_EQUAL(fake_hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_dump_table, 0, 1),
			-ENOSYS);
	CU_ASSERT_EQUAL(fake_hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_cache_flush, 0, 1),
			-ENOSYS);
	CU_ASSERT_EQUAL(fake_hypercall3(__HYPERVISOR_grant_table_op, 13, 0, 1), -ENOSYS);
	/*
	 * Continuation bits on a command that has none (an auto-translated
	 * caller: -ENOSYS, as Xen's hvm_grant_table_op matches the whole cmd);
	 * a negative count.
	 */
	CU_ASSERT_EQUAL(
	    fake_hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref | (1 << 12), 0, 1),
	    -ENOSYS);
	CU_ASSERT_EQUAL(
	    fake_hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, 0, 0x80000000UL),
	    -EINVAL);
	/* Unreadable argument arrays. */
	CU_ASSERT_EQUAL(fake_hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, 16, 1),
			-EFAULT);
	CU_ASSERT_EQUAL(
	    fake_hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref, 16, 1), -EFAULT);
	CU_ASSERT_EQUAL(fake_hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_copy, 16, 1),
			-EFAULT);
	CU_ASSERT_EQUAL(fake_hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table, 16, 1),
			-EFAULT);
	CU_ASSERT_EQUAL(fake_hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_query_size, 16, 1),
			-EFAULT);
	CU_ASSERT_EQUAL(fake_hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_set_version, 16, 1),
			-EFAULT);
	/* Zero-length batches do nothing. */
	CU_ASSERT_EQUAL(fake_hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, 16, 0),
			0);
	gt_teardown();
}
