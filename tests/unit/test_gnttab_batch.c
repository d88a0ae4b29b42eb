/*
 * Grant tables v1: batches of maps, unmaps and copies preempted and
 * continued, a fault part-way through a batch, and batch arrays at
 * misaligned guest addresses. Set-up in gnttab_test.h.
 */
#include <string.h>

#include "gnttab_test.h"

UNIT_TEST(gnttab, map_batch_mixed_and_preempted)
{
	gnttab_map_grant_ref_t ms[12];
	gnttab_unmap_grant_ref_t us[12];
	unsigned int i;

	gt_setup();
	gt_give_ram(a, 0x10, 0);
	gt_grant(a, 1, 2, 0x10, 0);
	memset(ms, 0, sizeof(ms));
	for (i = 0; i < 12; i++) {
		ms[i].host_addr = (0x800 + i) * PG;
		ms[i].flags = GNTMAP_host_map;
		ms[i].ref = (i % 4 == 3) ? 700 : 1;
		ms[i].dom = 1;
	}
	fake_preempt_after(2);
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_map_grant_ref, ms, sizeof(ms[0]), 12), 0);
	CU_ASSERT(fake_hypercall_restarts >= 3);
	fake_preempt_after(-1);
	for (i = 0; i < 12; i++)
		CU_ASSERT_EQUAL(ms[i].status, (i % 4 == 3) ? GNTST_bad_gntref : GNTST_okay);
	memset(us, 0, sizeof(us));
	for (i = 0; i < 12; i++) {
		us[i].host_addr = (0x800 + i) * PG;
		us[i].handle = ms[i].handle;
	}
	fake_preempt_after(3);
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_unmap_grant_ref, us, sizeof(us[0]), 12), 0);
	CU_ASSERT(fake_hypercall_restarts >= 2);
	fake_preempt_after(-1);
	for (i = 0; i < 12; i++)
		if (i % 4 != 3)
			CU_ASSERT_EQUAL(us[i].status, GNTST_okay);
	CU_ASSERT_EQUAL(gt_entry(a, 1)->flags, GTF_permit_access);
	gt_teardown();
}

UNIT_TEST(gnttab, copy_batch_preempted_finishes_every_entry)
{
	gnttab_copy_t cps[20];
	mfn_t dst;
	unsigned char *d;

	gt_setup();
	gt_give_ram(a, 0x10, 0x66);
	dst = gt_give_ram(c, 0x20, 0);
	d = maddr_to_virt(mfn_to_paddr(dst));
	gt_grant(a, 1, 2, 0x10, 0);
	gt_grant(c, 1, 2, 0x20, 0);
	for (unsigned int i = 0; i < 20; i++)
		cps[i] = gt_copy_gref(1, 1, 0, 3, 1, (uint16_t)(i * 100), 10);
	fake_preempt_after(3);
	CU_ASSERT_EQUAL(gt_op(GNTTABOP_copy, cps, sizeof(cps[0]), 20), 0);
	CU_ASSERT(fake_hypercall_restarts >= 4);
	fake_preempt_after(-1);
	for (unsigned int i = 0; i < 20; i++) {
		CU_ASSERT_EQUAL(cps[i].status, GNTST_okay);
		CU_ASSERT_EQUAL(d[i * 100 + 9], 0x66);
		CU_ASSERT_EQUAL(d[i * 100 + 10], 0);
	}
	gt_teardown();
}

UNIT_TEST(gnttab, fault_mid_batch_returns_efault_and_keeps_what_was_done)
{
	gnttab_map_grant_ref_t *ms;
	uint64_t gva;

	gt_setup();
	gt_give_ram(a, 0x10, 0);
	gt_grant(a, 1, 2, 0x10, 0);
	/* Two entries fit before the end of b's buffer, the third does not. */
	gva = fake_guest_end(b) - 2 * sizeof(*ms);
	ms = fake_guest_host(b, gva);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ms);
	for (unsigned int i = 0; i < 2; i++)
		ms[i] = (gnttab_map_grant_ref_t){
		    .host_addr = (0x800 + i) * PG, .flags = GNTMAP_host_map, .ref = 1, .dom = 1};
	CU_ASSERT_EQUAL(
	    fake_hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, gva, 3), -EFAULT);
	CU_ASSERT_EQUAL(ms[0].status, GNTST_okay);
	CU_ASSERT_EQUAL(ms[1].status, GNTST_okay);
	CU_ASSERT_EQUAL(gt_unmap(ms[0].handle, 0x800), GNTST_okay);
	CU_ASSERT_EQUAL(gt_unmap(ms[1].handle, 0x801), GNTST_okay);
	CU_ASSERT_EQUAL(gt_entry(a, 1)->flags, GTF_permit_access);
	gt_teardown();
}

/* As op_n, but the array starts misalign bytes past an aligned guest address. */
static long op_misaligned(unsigned int cmd, void *arg, size_t size, unsigned int n,
			  unsigned int misalign)
{
	struct domain *d = current->domain;
	uint64_t gva = fake_guest_alloc(d, size * n + misalign, NULL) + misalign;
	void *host = fake_guest_host(d, gva);
	long rc;

	memcpy(host, arg, size * n);
	rc = fake_hypercall3(__HYPERVISOR_grant_table_op, cmd, gva, n);
	memcpy(arg, host, size * n);
	return rc;
}

/*
 * A guest may pass a batch array at any address: per-entry statuses are
 * written back by offset, never through a misaligned guest pointer (UBSan
 * aborted here when status went through &uop.p[i].status).
 */
UNIT_TEST(gnttab, misaligned_batch_arrays_get_their_statuses)
{
	gnttab_map_grant_ref_t ms[3];
	gnttab_unmap_grant_ref_t us[3];
	gnttab_unmap_and_replace_t ur = {.host_addr = 0x900 * PG, .new_addr = 0, .handle = 999};
	gnttab_copy_t cps[3];
	gnttab_swap_grant_ref_t sw[2] = {{.ref_a = 5, .ref_b = 6}, {.ref_a = 5, .ref_b = 4096}};
	unsigned int i;
	mfn_t dst;

	gt_setup();
	gt_give_ram(a, 0x10, 0x5a);
	dst = gt_give_ram(c, 0x20, 0);
	gt_grant(a, 1, 2, 0x10, 0);
	gt_grant(c, 1, 2, 0x20, 0);
	memset(ms, 0, sizeof(ms));
	for (i = 0; i < 3; i++)
		ms[i] = (gnttab_map_grant_ref_t){.host_addr = (0x800 + i) * PG,
						 .flags = GNTMAP_host_map,
						 .ref = i == 2 ? 700 : 1,
						 .dom = 1};
	CU_ASSERT_EQUAL(op_misaligned(GNTTABOP_map_grant_ref, ms, sizeof(ms[0]), 3, 1), 0);
	CU_ASSERT_EQUAL(ms[0].status, GNTST_okay);
	CU_ASSERT_EQUAL(ms[1].status, GNTST_okay);
	CU_ASSERT_EQUAL(ms[2].status, GNTST_bad_gntref);
	memset(us, 0, sizeof(us));
	for (i = 0; i < 3; i++)
		us[i] = (gnttab_unmap_grant_ref_t){.host_addr = (0x800 + i) * PG,
						   .handle = i == 2 ? 999 : ms[i].handle};
	CU_ASSERT_EQUAL(op_misaligned(GNTTABOP_unmap_grant_ref, us, sizeof(us[0]), 3, 3), 0);
	CU_ASSERT_EQUAL(us[0].status, GNTST_okay);
	CU_ASSERT_EQUAL(us[1].status, GNTST_okay);
	CU_ASSERT_EQUAL(us[2].status, GNTST_bad_handle);
	CU_ASSERT_EQUAL(gt_entry(a, 1)->flags, GTF_permit_access);
	CU_ASSERT_EQUAL(op_misaligned(GNTTABOP_unmap_and_replace, &ur, sizeof(ur), 1, 5), -ENOSYS);
	for (i = 0; i < 3; i++)
		cps[i] = gt_copy_gref(1, 1, 0, 3, 1, (uint16_t)(i * 8), 4);
	cps[2].dest.offset = 4094; /* crosses the page end */
	CU_ASSERT_EQUAL(op_misaligned(GNTTABOP_copy, cps, sizeof(cps[0]), 3, 7), 0);
	CU_ASSERT_EQUAL(cps[0].status, GNTST_okay);
	CU_ASSERT_EQUAL(cps[1].status, GNTST_okay);
	CU_ASSERT_EQUAL(cps[2].status, GNTST_bad_copy_arg);
	CU_ASSERT_EQUAL(((unsigned char *)maddr_to_virt(mfn_to_paddr(dst)))[8], 0x5a);
	fake_set_current(a->vcpu[0]);
	CU_ASSERT_EQUAL(op_misaligned(GNTTABOP_swap_grant_ref, sw, sizeof(sw[0]), 2, 2), 0);
	CU_ASSERT_EQUAL(sw[0].status, GNTST_okay);
	CU_ASSERT_EQUAL(sw[1].status, GNTST_bad_gntref);
	gt_teardown();
}
