/*
 * Grant tables v1 (common/grant_table.c, grant_copy.c) through the
 * hypercall, over the fake guest memory of tests/unit/fake/fake_guest.c:
 * each GNTTABOP's success and error statuses (as Xen 4.17), GTF_reading/
 * GTF_writing while in use, page references (a mapped frame outlives its
 * granter, a mapper's death releases its mappings), preempted batches, and
 * random operations that must neither crash nor leak.
 */
#include <stdlib.h>
#include <string.h>
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

UNIT_SUITE(gnttab);

/* Granter a (domid 1) and mapper b (domid 2), PVH; c (domid 3) a third PVH guest. */
static struct domain *a, *b, *c;

static void setup(void)
{
	fake_abi_setup(FRAMES);
	a = fake_domain_create(1, ROLE_GUEST, 1);
	b = fake_domain_create(2, ROLE_GUEST, 2);
	c = fake_domain_create(3, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	fake_set_current(b->vcpu[0]);
}

static void teardown(void)
{
	CU_ASSERT_EQUAL(fake_abi_teardown(), 0);
}

static struct domain *create_mode(domid_t id, uint32_t roles, enum guest_mode mode,
				  uint32_t maptrack)
{
	struct domain_create_args args = fake_domain_args("t", roles, 1);
	struct domain *d;

	args.mode = mode;
	args.max_maptrack_frames = maptrack;
	if (domain_create(id, &args, &d))
		return NULL;
	fake_guest_attach(d, 0);
	return d;
}

/* A fresh frame of d's RAM at gfn (PVH) ; its mfn. Filled with byte fill. */
static mfn_t give_ram(struct domain *d, uint64_t gfn, int fill)
{
	struct page_info *pg = alloc_domain_pages(d, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(pg);
	memset(page_to_virt(pg), fill, PG);
	if (d->auto_translated)
		CU_ASSERT_EQUAL_FATAL(p2m_set_entry(d, _gfn(gfn), page_to_mfn(pg), p2m_ram_rw), 0);
	return page_to_mfn(pg);
}

static grant_entry_v1_t *entry(struct domain *d, grant_ref_t ref)
{
	mfn_t mfn;

	CU_ASSERT_EQUAL_FATAL(gnttab_get_shared_frame(d, ref / 512, &mfn), 0);
	return (grant_entry_v1_t *)maddr_to_virt(mfn_x(mfn) * PG) + ref % 512;
}

/* d grants frame to domid in ref (flags GTF_permit_access plus extra). */
static void grant(struct domain *d, grant_ref_t ref, domid_t domid, uint64_t frame, uint16_t extra)
{
	grant_entry_v1_t *e = entry(d, ref);

	e->frame = (uint32_t)frame;
	e->domid = domid;
	e->flags = GTF_permit_access | extra;
}

static unsigned long refs_of(mfn_t mfn)
{
	return mfn_to_page(mfn)->count_info & PGC_count_mask;
}

/* Hypercall cmd on n elements of size bytes at arg (copied to guest memory and back), with count.
 */
static long op_n(unsigned int cmd, void *arg, size_t size, unsigned int n, unsigned int count)
{
	struct domain *d = current->domain;
	void *host;
	uint64_t gva = fake_guest_alloc(d, size * n, &host);
	long rc;

	memcpy(host, arg, size * n);
	rc = fake_hypercall3(__HYPERVISOR_grant_table_op, cmd, gva, count);
	memcpy(arg, host, size * n);
	return rc;
}

static long op(unsigned int cmd, void *arg, size_t size, unsigned int count)
{
	return op_n(cmd, arg, size, count, count);
}

/* One map by current's domain; the status (handle/dev_bus_addr through out). */
static int map(domid_t dom, grant_ref_t ref, uint64_t gfn, uint32_t flags,
	       gnttab_map_grant_ref_t *out)
{
	gnttab_map_grant_ref_t m = {.host_addr = gfn * PG, .flags = flags, .ref = ref, .dom = dom};

	CU_ASSERT_EQUAL(op(GNTTABOP_map_grant_ref, &m, sizeof(m), 1), 0);
	if (out)
		*out = m;
	return m.status;
}

static int unmap(grant_handle_t h, uint64_t gfn)
{
	gnttab_unmap_grant_ref_t u = {.host_addr = gfn * PG, .handle = h};

	CU_ASSERT_EQUAL(op(GNTTABOP_unmap_grant_ref, &u, sizeof(u), 1), 0);
	return u.status;
}

static enum p2m_type p2m_type_at(struct domain *d, uint64_t gfn, mfn_t *mfn)
{
	enum p2m_type t;
	mfn_t m = p2m_lookup(d, _gfn(gfn), &t);

	if (mfn)
		*mfn = m;
	return t;
}

/* ---- setup_table, query_size, versions ---- */

UNIT_TEST(gnttab, query_size_reports_one_frame_of_sixty_four)
{
	gnttab_query_size_t q = {.dom = DOMID_SELF};

	setup();
	CU_ASSERT_EQUAL(op(GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	CU_ASSERT_EQUAL(q.status, GNTST_okay);
	CU_ASSERT_EQUAL(q.nr_frames, 1);
	CU_ASSERT_EQUAL(q.max_nr_frames, 64);
	q.dom = 1; /* another guest's: not without privilege */
	CU_ASSERT_EQUAL(op(GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	CU_ASSERT_EQUAL(q.status, GNTST_permission_denied);
	q.dom = 77;
	CU_ASSERT_EQUAL(op(GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	CU_ASSERT_EQUAL(q.status, GNTST_bad_domain);
	CU_ASSERT_EQUAL(op_n(GNTTABOP_query_size, &q, sizeof(q), 1, 2), -EINVAL);
	teardown();
}

UNIT_TEST(gnttab, setup_table_grows_and_lists_frames)
{
	struct domain *pv;
	xen_pfn_t *frames;
	uint64_t fl = 0;
	gnttab_setup_table_t s;
	gnttab_query_size_t q = {.dom = DOMID_SELF};
	mfn_t mfn;

	setup();
	pv = create_mode(9, ROLE_GUEST, GUEST_MODE_PV, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pv);
	fake_set_current(pv->vcpu[0]);
	fl = fake_guest_alloc(pv, 8 * sizeof(xen_pfn_t), (void **)&frames);
	s = (gnttab_setup_table_t){.dom = DOMID_SELF, .nr_frames = 4};
	s.frame_list.p = (xen_pfn_t *)fl;
	CU_ASSERT_EQUAL(op(GNTTABOP_setup_table, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_okay);
	for (unsigned int i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(gnttab_get_shared_frame(pv, i, &mfn), 0);
		CU_ASSERT_EQUAL(frames[i], mfn_x(mfn)); /* PV: machine frames */
	}
	CU_ASSERT_EQUAL(op(GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	CU_ASSERT_EQUAL(q.nr_frames, 4);
	/* Beyond the limit: general error, size unchanged. */
	s.nr_frames = 65;
	CU_ASSERT_EQUAL(op(GNTTABOP_setup_table, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_general_error);
	/* A list the guest cannot write. */
	s.nr_frames = 2;
	s.frame_list.p = (xen_pfn_t *)8;
	CU_ASSERT_EQUAL(op(GNTTABOP_setup_table, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_bad_virt_addr);
	/* A NULL list, and one that wraps past the top of the address space:
	 * handle offsets are integer sums, never C pointer arithmetic (UBSan). */
	s.frame_list.p = NULL;
	CU_ASSERT_EQUAL(op(GNTTABOP_setup_table, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_bad_virt_addr);
	s.frame_list.p = (xen_pfn_t *)(UINTPTR_MAX - sizeof(xen_pfn_t) + 1);
	CU_ASSERT_EQUAL(op(GNTTABOP_setup_table, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_bad_virt_addr);
	CU_ASSERT_EQUAL(op_n(GNTTABOP_setup_table, &s, sizeof(s), 1, 0), -EINVAL);
	/* Another domain's table: permission denied for a guest. */
	s.dom = 1;
	CU_ASSERT_EQUAL(op(GNTTABOP_setup_table, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_permission_denied);
	s.dom = 200;
	CU_ASSERT_EQUAL(op(GNTTABOP_setup_table, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_bad_domain);

	/* An auto-translated domain is told the gfn where it put each frame, ~0 if nowhere. */
	fake_set_current(b->vcpu[0]);
	fl = fake_guest_alloc(b, 8 * sizeof(xen_pfn_t), (void **)&frames);
	gnttab_set_frame_gfn(b, 0, 0x1234);
	s = (gnttab_setup_table_t){.dom = DOMID_SELF, .nr_frames = 2};
	s.frame_list.p = (xen_pfn_t *)fl;
	CU_ASSERT_EQUAL(op(GNTTABOP_setup_table, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_okay);
	CU_ASSERT_EQUAL(frames[0], 0x1234);
	CU_ASSERT_EQUAL(frames[1], ~0UL);
	CU_ASSERT_EQUAL(gnttab_get_frame_gfn(b, 0), 0x1234);
	teardown();
}

UNIT_TEST(gnttab, control_domain_may_set_up_another_table)
{
	struct domain *ctl;
	gnttab_setup_table_t s = {.dom = 1, .nr_frames = 3};
	gnttab_query_size_t q = {.dom = 1};
	gnttab_get_version_t v = {.dom = 1};

	setup();
	ctl = create_mode(0, ROLE_CONTROL, GUEST_MODE_PVH, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctl);
	fake_set_current(ctl->vcpu[0]);
	s.frame_list.p = (xen_pfn_t *)fake_guest_alloc(ctl, 3 * sizeof(xen_pfn_t), NULL);
	CU_ASSERT_EQUAL(op(GNTTABOP_setup_table, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_okay);
	CU_ASSERT_EQUAL(op(GNTTABOP_query_size, &q, sizeof(q), 1), 0);
	CU_ASSERT_EQUAL(q.nr_frames, 3);
	CU_ASSERT_EQUAL(op(GNTTABOP_get_version, &v, sizeof(v), 1), 0);
	CU_ASSERT_EQUAL(v.version, 1);
	teardown();
}

UNIT_TEST(gnttab, shared_frames_grow_on_demand_up_to_the_limit)
{
	mfn_t m0, m5;

	setup();
	CU_ASSERT_EQUAL(gnttab_get_shared_frame(a, 0, &m0), 0);
	CU_ASSERT_EQUAL(gnttab_get_shared_frame(a, 5, &m5), 0);
	CU_ASSERT_FALSE(mfn_eq(m0, m5));
	CU_ASSERT_EQUAL(gnttab_get_shared_frame(a, 63, &m5), 0);
	CU_ASSERT_EQUAL(gnttab_get_shared_frame(a, 64, &m5), -EINVAL);
	CU_ASSERT_EQUAL(gnttab_get_shared_frame(a, ~0U, &m5), -EINVAL);
	teardown();
}

UNIT_TEST(gnttab, set_version_one_only_and_status_frames_none)
{
	gnttab_set_version_t sv = {.version = 2};
	gnttab_get_version_t gv = {.dom = DOMID_SELF};
	gnttab_get_status_frames_t sf = {.nr_frames = 1, .dom = DOMID_SELF};

	setup();
	CU_ASSERT_EQUAL(op(GNTTABOP_set_version, &sv, sizeof(sv), 1), -ENOSYS);
	CU_ASSERT_EQUAL(sv.version, 1);
	sv.version = 3;
	CU_ASSERT_EQUAL(op(GNTTABOP_set_version, &sv, sizeof(sv), 1), -EINVAL);
	CU_ASSERT_EQUAL(sv.version, 1);
	sv.version = 1;
	CU_ASSERT_EQUAL(op(GNTTABOP_set_version, &sv, sizeof(sv), 1), 0);
	CU_ASSERT_EQUAL(op(GNTTABOP_get_version, &gv, sizeof(gv), 1), 0);
	CU_ASSERT_EQUAL(gv.version, 1);
	gv.dom = 1;
	CU_ASSERT_EQUAL(op(GNTTABOP_get_version, &gv, sizeof(gv), 1), -EPERM);
	gv.dom = 99;
	CU_ASSERT_EQUAL(op(GNTTABOP_get_version, &gv, sizeof(gv), 1), -ESRCH);
	/* As Xen's hvm_grant_table_op: not a sub-op for an auto-translated caller. */
	CU_ASSERT_EQUAL(op(GNTTABOP_get_status_frames, &sf, sizeof(sf), 1), -ENOSYS);
	teardown();
}

UNIT_TEST(gnttab, unknown_and_unprovided_ops_and_bad_arguments)
{
	setup();
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
	teardown();
}

/* ---- map and unmap ---- */

UNIT_TEST(gnttab, map_sets_flags_and_p2m_unmap_clears_them)
{
	gnttab_map_grant_ref_t m;
	mfn_t frame, got;
	unsigned long refs0;

	setup();
	frame = give_ram(a, 0x10, 0x5a);
	refs0 = refs_of(frame);
	grant(a, 8, 2, 0x10, 0);
	CU_ASSERT_EQUAL(map(1, 8, 0x800, GNTMAP_host_map, &m), GNTST_okay);
	CU_ASSERT_EQUAL(m.dev_bus_addr, mfn_x(frame) * PG);
	CU_ASSERT_EQUAL(entry(a, 8)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	CU_ASSERT_EQUAL(p2m_type_at(b, 0x800, &got), p2m_grant_map_rw);
	CU_ASSERT_TRUE(mfn_eq(got, frame));
	CU_ASSERT_EQUAL(refs_of(frame), refs0 + 2); /* the mapping's and the p2m entry's */

	CU_ASSERT_EQUAL(unmap(m.handle, 0x800), GNTST_okay);
	CU_ASSERT_EQUAL(entry(a, 8)->flags, GTF_permit_access);
	CU_ASSERT_EQUAL(p2m_type_at(b, 0x800, NULL), p2m_invalid);
	CU_ASSERT_EQUAL(refs_of(frame), refs0);
	/* The handle is gone. */
	CU_ASSERT_EQUAL(unmap(m.handle, 0x800), GNTST_bad_handle);
	teardown();
}

/* The builder's GNTTAB_RESERVED_XENSTORE entry: the named grantee maps it, nobody else. */
UNIT_TEST(gnttab, seeded_entry_lets_the_grantee_map_the_store_page)
{
	gnttab_map_grant_ref_t m;
	mfn_t frame, got;

	setup();
	frame = give_ram(a, 0x20, 0x3c);
	CU_ASSERT_EQUAL(gnttab_seed_entry(a, GNTTAB_RESERVED_XENSTORE, 2, 0x20, false), 0);
	CU_ASSERT_EQUAL(entry(a, 1)->flags, GTF_permit_access);
	CU_ASSERT_EQUAL(entry(a, 1)->domid, 2);
	CU_ASSERT_EQUAL(entry(a, 1)->frame, 0x20);
	/* c is not the grantee. */
	fake_set_current(c->vcpu[0]);
	CU_ASSERT_EQUAL(map(1, 1, 0x900, GNTMAP_host_map, NULL), GNTST_general_error);
	fake_set_current(b->vcpu[0]);
	CU_ASSERT_EQUAL(map(1, 1, 0x800, GNTMAP_host_map, &m), GNTST_okay);
	CU_ASSERT_EQUAL(p2m_type_at(b, 0x800, &got), p2m_grant_map_rw);
	CU_ASSERT_TRUE(mfn_eq(got, frame));
	CU_ASSERT_EQUAL(unmap(m.handle, 0x800), GNTST_okay);
	/* A read-only seed; refs past the table, reserved grantees and huge gfns are refused. */
	CU_ASSERT_EQUAL(gnttab_seed_entry(a, 2, 3, 0x20, true), 0);
	CU_ASSERT_EQUAL(entry(a, 2)->flags, GTF_permit_access | GTF_readonly);
	CU_ASSERT_EQUAL(gnttab_seed_entry(a, 512, 2, 0x20, false), -EINVAL);
	CU_ASSERT_EQUAL(gnttab_seed_entry(a, 0xffffffffu, 2, 0x20, false), -EINVAL);
	CU_ASSERT_EQUAL(gnttab_seed_entry(a, 1, DOMID_SELF, 0x20, false), -EINVAL);
	CU_ASSERT_EQUAL(gnttab_seed_entry(a, 1, 2, 1ULL << 32, false), -EINVAL);
	teardown();
}

UNIT_TEST(gnttab, readonly_maps_read_only_and_readonly_entry_refuses_write)
{
	gnttab_map_grant_ref_t m;

	setup();
	give_ram(a, 0x10, 0);
	grant(a, 9, 2, 0x10, GTF_readonly);
	CU_ASSERT_EQUAL(map(1, 9, 0x800, GNTMAP_host_map, NULL), GNTST_general_error);
	CU_ASSERT_EQUAL(entry(a, 9)->flags, GTF_permit_access | GTF_readonly);
	CU_ASSERT_EQUAL(p2m_type_at(b, 0x800, NULL), p2m_invalid);
	CU_ASSERT_EQUAL(map(1, 9, 0x800, GNTMAP_host_map | GNTMAP_readonly, &m), GNTST_okay);
	CU_ASSERT_EQUAL(entry(a, 9)->flags, GTF_permit_access | GTF_readonly | GTF_reading);
	CU_ASSERT_EQUAL(p2m_type_at(b, 0x800, NULL), p2m_grant_map_ro);
	/* A writable second mapping of the read-only entry is still refused. */
	CU_ASSERT_EQUAL(map(1, 9, 0x801, GNTMAP_host_map, NULL), GNTST_general_error);
	CU_ASSERT_EQUAL(entry(a, 9)->flags, GTF_permit_access | GTF_readonly | GTF_reading);
	CU_ASSERT_EQUAL(unmap(m.handle, 0x800), GNTST_okay);
	CU_ASSERT_EQUAL(entry(a, 9)->flags, GTF_permit_access | GTF_readonly);
	teardown();
}

UNIT_TEST(gnttab, writing_stays_while_any_writable_mapping_does)
{
	gnttab_map_grant_ref_t r, w;

	setup();
	give_ram(a, 0x10, 0);
	grant(a, 10, 2, 0x10, 0);
	CU_ASSERT_EQUAL(map(1, 10, 0x800, GNTMAP_host_map | GNTMAP_readonly, &r), GNTST_okay);
	CU_ASSERT_EQUAL(entry(a, 10)->flags, GTF_permit_access | GTF_reading);
	CU_ASSERT_EQUAL(map(1, 10, 0x801, GNTMAP_host_map, &w), GNTST_okay);
	CU_ASSERT_EQUAL(entry(a, 10)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	CU_ASSERT_EQUAL(unmap(w.handle, 0x801), GNTST_okay);
	CU_ASSERT_EQUAL(entry(a, 10)->flags, GTF_permit_access | GTF_reading);
	CU_ASSERT_EQUAL(unmap(r.handle, 0x800), GNTST_okay);
	CU_ASSERT_EQUAL(entry(a, 10)->flags, GTF_permit_access);
	teardown();
}

UNIT_TEST(gnttab, map_errors_have_xen_statuses)
{
	setup();
	give_ram(a, 0x10, 0);
	grant(a, 1, 2, 0x10, 0);
	/* No host or device flag. */
	CU_ASSERT_EQUAL(map(1, 1, 0x800, 0, NULL), GNTST_bad_gntref);
	CU_ASSERT_EQUAL(map(1, 1, 0x800, GNTMAP_readonly, NULL), GNTST_bad_gntref);
	/* Device, application and PTE mappings are not for auto-translated mappers. */
	CU_ASSERT_EQUAL(map(1, 1, 0x800, GNTMAP_host_map | GNTMAP_device_map, NULL),
			GNTST_general_error);
	CU_ASSERT_EQUAL(map(1, 1, 0x800, GNTMAP_host_map | GNTMAP_contains_pte, NULL),
			GNTST_general_error);
	CU_ASSERT_EQUAL(map(1, 1, 0x800, GNTMAP_host_map | GNTMAP_application_map, NULL),
			GNTST_general_error);
	/* Unknown domain; DOMID_SELF is not a granter (as Xen). */
	CU_ASSERT_EQUAL(map(77, 1, 0x800, GNTMAP_host_map, NULL), GNTST_bad_domain);
	CU_ASSERT_EQUAL(map(DOMID_SELF, 1, 0x800, GNTMAP_host_map, NULL), GNTST_bad_domain);
	/* References beyond the table. */
	CU_ASSERT_EQUAL(map(1, 512, 0x800, GNTMAP_host_map, NULL), GNTST_bad_gntref);
	CU_ASSERT_EQUAL(map(1, 0xffffffffu, 0x800, GNTMAP_host_map, NULL), GNTST_bad_gntref);
	/* Not granted at all, or to someone else, or not permit_access: Xen's general error. */
	CU_ASSERT_EQUAL(map(1, 2, 0x800, GNTMAP_host_map, NULL), GNTST_general_error);
	grant(a, 3, 3, 0x10, 0);
	CU_ASSERT_EQUAL(map(1, 3, 0x800, GNTMAP_host_map, NULL), GNTST_general_error);
	entry(a, 4)->domid = 2;
	entry(a, 4)->frame = 0x10;
	entry(a, 4)->flags = GTF_accept_transfer;
	CU_ASSERT_EQUAL(map(1, 4, 0x800, GNTMAP_host_map, NULL), GNTST_general_error);
	grant(a, 5, 2, 0x10, GTF_sub_page);
	CU_ASSERT_EQUAL(map(1, 5, 0x800, GNTMAP_host_map, NULL), GNTST_general_error);
	/* A frame the granter does not have. */
	grant(a, 6, 2, 0x9999, 0);
	CU_ASSERT_EQUAL(map(1, 6, 0x800, GNTMAP_host_map, NULL), GNTST_bad_page);
	CU_ASSERT_EQUAL(entry(a, 6)->flags, GTF_permit_access);
	/* Cache attributes cannot be honoured in a p2m. */
	grant(a, 7, 2, 0x10, GTF_PCD);
	CU_ASSERT_EQUAL(map(1, 7, 0x800, GNTMAP_host_map, NULL), GNTST_general_error);
	CU_ASSERT_EQUAL(entry(a, 7)->flags, GTF_permit_access | GTF_PCD);
	/* A host address beyond the p2m. */
	CU_ASSERT_EQUAL(map(1, 1, 1UL << 41, GNTMAP_host_map, NULL), GNTST_general_error);
	/* Nothing was left pinned or mapped. */
	CU_ASSERT_EQUAL(entry(a, 1)->flags, GTF_permit_access);
	CU_ASSERT_EQUAL(p2m_type_at(b, 0x800, NULL), p2m_invalid);
	teardown();
}

UNIT_TEST(gnttab, granter_frames_only_own_ram)
{
	mfn_t bframe;

	setup();
	/* a names a frame it maps from b by grant: not its RAM. */
	bframe = give_ram(b, 0x20, 0);
	grant(b, 1, 1, 0x20, 0);
	fake_set_current(a->vcpu[0]);
	CU_ASSERT_EQUAL(map(2, 1, 0x30, GNTMAP_host_map, NULL), GNTST_okay);
	grant(a, 1, 3, 0x30, 0);
	fake_set_current(c->vcpu[0]);
	CU_ASSERT_EQUAL(map(1, 1, 0x40, GNTMAP_host_map, NULL), GNTST_bad_page);
	/* A gfn of a read-only RAM frame may be mapped read-only only. */
	give_ram(a, 0x50, 0);
	CU_ASSERT_EQUAL(p2m_set_entry(a, _gfn(0x50), p2m_lookup(a, _gfn(0x50), NULL), p2m_ram_ro),
			0);
	grant(a, 2, 3, 0x50, 0);
	CU_ASSERT_EQUAL(map(1, 2, 0x41, GNTMAP_host_map, NULL), GNTST_general_error);
	CU_ASSERT_EQUAL(entry(a, 2)->flags, GTF_permit_access);
	CU_ASSERT_EQUAL(map(1, 2, 0x41, GNTMAP_host_map | GNTMAP_readonly, NULL), GNTST_okay);
	CU_ASSERT_EQUAL(map(1, 2, 0x42, GNTMAP_host_map, NULL), GNTST_general_error);
	(void)bframe;
	teardown();
}

UNIT_TEST(gnttab, map_over_a_grant_entry_crashes_the_mapper_as_xen)
{
	setup();
	give_ram(a, 0x10, 0);
	give_ram(a, 0x11, 0);
	grant(a, 1, 2, 0x10, 0);
	grant(a, 2, 2, 0x11, 0);
	CU_ASSERT_EQUAL(map(1, 1, 0x800, GNTMAP_host_map, NULL), GNTST_okay);
	CU_ASSERT_EQUAL(map(1, 2, 0x800, GNTMAP_host_map, NULL), GNTST_general_error);
	CU_ASSERT_TRUE(b->is_shutting_down);
	CU_ASSERT_EQUAL(entry(a, 2)->flags, GTF_permit_access);
	teardown();
}

UNIT_TEST(gnttab, map_over_own_ram_replaces_it)
{
	mfn_t mine, theirs, got;
	gnttab_map_grant_ref_t m;

	setup();
	theirs = give_ram(a, 0x10, 0);
	mine = give_ram(b, 0x800, 0);
	grant(a, 1, 2, 0x10, 0);
	CU_ASSERT_EQUAL(map(1, 1, 0x800, GNTMAP_host_map, &m), GNTST_okay);
	CU_ASSERT_EQUAL(p2m_type_at(b, 0x800, &got), p2m_grant_map_rw);
	CU_ASSERT_TRUE(mfn_eq(got, theirs));
	CU_ASSERT_FALSE(mfn_eq(got, mine));
	CU_ASSERT_EQUAL(unmap(m.handle, 0x800), GNTST_okay);
	teardown();
}

UNIT_TEST(gnttab, entry_in_use_by_one_domain_refuses_another)
{
	setup();
	give_ram(a, 0x10, 0);
	grant(a, 1, 2, 0x10, 0);
	CU_ASSERT_EQUAL(map(1, 1, 0x800, GNTMAP_host_map, NULL), GNTST_okay);
	/* The granter re-points the entry at c while b still has it pinned. */
	entry(a, 1)->domid = 3;
	fake_set_current(c->vcpu[0]);
	CU_ASSERT_EQUAL(map(1, 1, 0x800, GNTMAP_host_map, NULL), GNTST_general_error);
	teardown();
}

UNIT_TEST(gnttab, pinned_entry_keeps_its_frame_when_the_guest_changes_it)
{
	gnttab_map_grant_ref_t m1, m2;
	mfn_t f1;

	setup();
	f1 = give_ram(a, 0x10, 0);
	give_ram(a, 0x11, 0);
	grant(a, 1, 2, 0x10, 0);
	CU_ASSERT_EQUAL(map(1, 1, 0x800, GNTMAP_host_map, &m1), GNTST_okay);
	entry(a, 1)->frame = 0x11;
	CU_ASSERT_EQUAL(map(1, 1, 0x801, GNTMAP_host_map, &m2), GNTST_okay);
	CU_ASSERT_EQUAL(m2.dev_bus_addr, mfn_x(f1) * PG);
	teardown();
}

UNIT_TEST(gnttab, pin_counter_refuses_overflow)
{
	unsigned int ok = 0;
	int st;

	setup();
	give_ram(a, 0x10, 0);
	grant(a, 1, 2, 0x10, 0);
	for (unsigned int i = 0; i < 200; i++) {
		st = map(1, 1, 0x1000 + i, GNTMAP_host_map, NULL);
		if (st != GNTST_okay)
			break;
		ok++;
	}
	CU_ASSERT_EQUAL(ok, 128);
	CU_ASSERT_EQUAL(st, GNTST_general_error);
	teardown();
}

UNIT_TEST(gnttab, maptrack_exhaustion_gives_no_space)
{
	struct domain *m;
	unsigned int ok = 0;
	int st = 0;

	setup();
	m = create_mode(10, ROLE_GUEST, GUEST_MODE_PVH, 1); /* one maptrack frame */
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	for (unsigned int r = 0; r < 3; r++) {
		give_ram(a, 0x10 + r, 0);
		grant(a, r, 10, 0x10 + r, 0);
	}
	fake_set_current(m->vcpu[0]);
	for (unsigned int i = 0; i < 400; i++) {
		st = map(1, i % 3, 0x1000 + i, GNTMAP_host_map | GNTMAP_readonly, NULL);
		if (st != GNTST_okay)
			break;
		ok++;
	}
	CU_ASSERT_EQUAL(ok, 4096 / 32);
	CU_ASSERT_EQUAL(st, GNTST_no_space);
	teardown();
}

UNIT_TEST(gnttab, unmap_errors)
{
	gnttab_map_grant_ref_t m;
	gnttab_unmap_and_replace_t r;

	setup();
	give_ram(a, 0x10, 0);
	grant(a, 1, 2, 0x10, 0);
	CU_ASSERT_EQUAL(unmap(0, 0x800), GNTST_bad_handle); /* nothing mapped yet */
	CU_ASSERT_EQUAL(map(1, 1, 0x800, GNTMAP_host_map, &m), GNTST_okay);
	CU_ASSERT_EQUAL(unmap(m.handle + 1, 0x800), GNTST_bad_handle); /* a free handle */
	CU_ASSERT_EQUAL(unmap(1000000, 0x800), GNTST_bad_handle);
	CU_ASSERT_EQUAL(unmap(0xffffffffu, 0x800), GNTST_bad_handle);
	/* The wrong address: general error, still mapped. */
	CU_ASSERT_EQUAL(unmap(m.handle, 0x801), GNTST_general_error);
	CU_ASSERT_EQUAL(entry(a, 1)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	/* host_addr 0 leaves the host mapping alone (as Xen): okay, still mapped. */
	CU_ASSERT_EQUAL(unmap(m.handle, 0), GNTST_okay);
	CU_ASSERT_EQUAL(p2m_type_at(b, 0x800, NULL), p2m_grant_map_rw);
	/* unmap_and_replace: no sub-op for auto-translated mappers (hvm_grant_table_op). */
	r = (gnttab_unmap_and_replace_t){
	    .host_addr = 0x800 * PG, .new_addr = 0x900 * PG, .handle = m.handle};
	CU_ASSERT_EQUAL(op(GNTTABOP_unmap_and_replace, &r, sizeof(r), 1), -ENOSYS);
	CU_ASSERT_EQUAL(unmap(m.handle, 0x800), GNTST_okay);
	CU_ASSERT_EQUAL(entry(a, 1)->flags, GTF_permit_access);
	CU_ASSERT_EQUAL(p2m_type_at(b, 0x800, NULL), p2m_invalid);
	/* Another domain's handle numbers mean nothing here. */
	fake_set_current(c->vcpu[0]);
	CU_ASSERT_EQUAL(unmap(m.handle, 0x800), GNTST_bad_handle);
	teardown();
}

UNIT_TEST(gnttab, pv_mapper_host_map_unsupported_device_map_works)
{
	struct domain *pv;
	gnttab_map_grant_ref_t m;
	gnttab_unmap_grant_ref_t u;
	mfn_t frame;

	setup();
	pv = create_mode(11, ROLE_GUEST, GUEST_MODE_PV, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pv);
	frame = give_ram(a, 0x10, 0);
	grant(a, 1, 11, 0x10, 0);
	fake_set_current(pv->vcpu[0]);
	CU_ASSERT_EQUAL(map(1, 1, 0x400000, GNTMAP_host_map, NULL), GNTST_general_error);
	CU_ASSERT_EQUAL(entry(a, 1)->flags, GTF_permit_access);
	CU_ASSERT_EQUAL(map(1, 1, 0, GNTMAP_device_map, &m), GNTST_okay);
	CU_ASSERT_EQUAL(m.dev_bus_addr, mfn_x(frame) * PG);
	CU_ASSERT_EQUAL(entry(a, 1)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	/* Wrong bus address, then the right one. */
	u = (gnttab_unmap_grant_ref_t){.dev_bus_addr = (mfn_x(frame) + 1) * PG, .handle = m.handle};
	CU_ASSERT_EQUAL(op(GNTTABOP_unmap_grant_ref, &u, sizeof(u), 1), 0);
	CU_ASSERT_EQUAL(u.status, GNTST_bad_dev_addr);
	u.dev_bus_addr = mfn_x(frame) * PG;
	CU_ASSERT_EQUAL(op(GNTTABOP_unmap_grant_ref, &u, sizeof(u), 1), 0);
	CU_ASSERT_EQUAL(u.status, GNTST_okay);
	CU_ASSERT_EQUAL(entry(a, 1)->flags, GTF_permit_access);

	/* A PV granter names machine frames. */
	frame = give_ram(pv, 0, 0);
	grant(pv, 1, 2, mfn_x(frame), 0);
	fake_set_current(b->vcpu[0]);
	CU_ASSERT_EQUAL(map(11, 1, 0x800, GNTMAP_host_map, &m), GNTST_okay);
	CU_ASSERT_EQUAL(m.dev_bus_addr, mfn_x(frame) * PG);
	grant(pv, 2, 2, mfn_x(frame) + 100000, 0);
	CU_ASSERT_EQUAL(map(11, 2, 0x801, GNTMAP_host_map, NULL), GNTST_bad_page);
	teardown();
}

/* ---- references and death ---- */

UNIT_TEST(gnttab, mapped_frame_outlives_its_granter_until_unmapped)
{
	gnttab_map_grant_ref_t m;
	mfn_t frame, got;

	setup();
	frame = give_ram(a, 0x10, 0x77);
	grant(a, 1, 2, 0x10, 0);
	CU_ASSERT_EQUAL(map(1, 1, 0x800, GNTMAP_host_map, &m), GNTST_okay);
	fake_domain_kill(a); /* a's table goes with its last reference (the list's) */
	a = NULL;
	CU_ASSERT_PTR_NULL(get_domain_by_id(1));
	CU_ASSERT_FALSE((mfn_to_page(frame)->count_info & PGC_free) != 0);
	CU_ASSERT_EQUAL(refs_of(frame), 2);
	CU_ASSERT_EQUAL(p2m_type_at(b, 0x800, &got), p2m_grant_map_rw);
	CU_ASSERT_EQUAL(((unsigned char *)maddr_to_virt(mfn_x(got) * PG))[100], 0x77);
	/* New maps of the dead granter fail. */
	CU_ASSERT_EQUAL(map(1, 1, 0x801, GNTMAP_host_map, NULL), GNTST_bad_domain);
	CU_ASSERT_EQUAL(unmap(m.handle, 0x800), GNTST_okay);
	CU_ASSERT_TRUE((mfn_to_page(frame)->count_info & PGC_free) != 0);
	teardown();
}

UNIT_TEST(gnttab, mapper_death_releases_its_mappings)
{
	mfn_t f1, f2;
	unsigned long r1;

	setup();
	f1 = give_ram(a, 0x10, 0);
	f2 = give_ram(a, 0x11, 0);
	r1 = refs_of(f1);
	grant(a, 1, 2, 0x10, 0);
	grant(a, 2, 2, 0x11, GTF_readonly);
	CU_ASSERT_EQUAL(map(1, 1, 0x800, GNTMAP_host_map, NULL), GNTST_okay);
	CU_ASSERT_EQUAL(map(1, 1, 0x801, GNTMAP_host_map, NULL), GNTST_okay);
	CU_ASSERT_EQUAL(map(1, 2, 0x802, GNTMAP_host_map | GNTMAP_readonly, NULL), GNTST_okay);
	fake_set_current(a->vcpu[0]);
	fake_domain_kill(b);
	b = NULL;
	CU_ASSERT_EQUAL(entry(a, 1)->flags, GTF_permit_access);
	CU_ASSERT_EQUAL(entry(a, 2)->flags, GTF_permit_access | GTF_readonly);
	CU_ASSERT_EQUAL(refs_of(f1), r1);
	CU_ASSERT_EQUAL(refs_of(f2), r1);
	/* The granter can now give the entry to someone else. */
	grant(a, 1, 3, 0x10, 0);
	fake_set_current(c->vcpu[0]);
	CU_ASSERT_EQUAL(map(1, 1, 0x800, GNTMAP_host_map, NULL), GNTST_okay);
	teardown();
}

UNIT_TEST(gnttab, release_mappings_is_preemptible)
{
	struct domain *m;
	unsigned int n = 0, restarts = 0;
	int rc;

	setup();
	m = create_mode(12, ROLE_GUEST, GUEST_MODE_PVH, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	give_ram(a, 0x10, 0);
	grant(a, 1, 12, 0x10, GTF_readonly);
	grant(a, 2, 12, 0x10, GTF_readonly);
	fake_set_current(m->vcpu[0]);
	for (unsigned int i = 0; i < 150; i++) /* two entries: under the 128-pin limit */
		n += map(1, 1 + i % 2, 0x1000 + i, GNTMAP_host_map | GNTMAP_readonly, NULL) ==
		     GNTST_okay;
	CU_ASSERT_EQUAL(n, 150);
	fake_set_current(a->vcpu[0]);
	fake_preempt_after(0); /* every check says stop */
	while ((rc = gnttab_release_mappings(m)) == -ERESTART) {
		restarts++;
		CU_ASSERT_EQUAL(entry(a, 1)->flags, GTF_permit_access | GTF_readonly | GTF_reading);
	}
	fake_preempt_after(-1);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(restarts, 2);
	CU_ASSERT_EQUAL(entry(a, 1)->flags, GTF_permit_access | GTF_readonly);
	CU_ASSERT_EQUAL(p2m_type_at(m, 0x1000, NULL), p2m_invalid);
	teardown();
}

/* ---- copy ---- */

static gnttab_copy_t copy_gref(domid_t sd, grant_ref_t sr, uint16_t so, domid_t dd, grant_ref_t dr,
			       uint16_t doff, uint16_t len)
{
	gnttab_copy_t x = {.len = len, .flags = GNTCOPY_source_gref | GNTCOPY_dest_gref};

	x.source.u.ref = sr;
	x.source.domid = sd;
	x.source.offset = so;
	x.dest.u.ref = dr;
	x.dest.domid = dd;
	x.dest.offset = doff;
	return x;
}

UNIT_TEST(gnttab, copy_between_two_domains_moves_the_bytes)
{
	mfn_t src, dst;
	gnttab_copy_t cp;
	unsigned char *s, *d;

	setup();
	src = give_ram(a, 0x10, 0);
	dst = give_ram(c, 0x20, 0);
	s = maddr_to_virt(mfn_x(src) * PG);
	d = maddr_to_virt(mfn_x(dst) * PG);
	for (unsigned int i = 0; i < PG; i++)
		s[i] = (unsigned char)(i * 7);
	grant(a, 1, 2, 0x10, GTF_readonly);
	grant(c, 1, 2, 0x20, 0);
	/* b copies a's frame into c's, both by grant. */
	cp = copy_gref(1, 1, 100, 3, 1, 300, 1000);
	CU_ASSERT_EQUAL(op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_okay);
	CU_ASSERT_EQUAL(memcmp(d + 300, s + 100, 1000), 0);
	CU_ASSERT_EQUAL(d[299], 0);
	CU_ASSERT_EQUAL(d[1300], 0);
	/* Nothing stays pinned. */
	CU_ASSERT_EQUAL(entry(a, 1)->flags, GTF_permit_access | GTF_readonly);
	CU_ASSERT_EQUAL(entry(c, 1)->flags, GTF_permit_access);
	/* The whole page. */
	cp = copy_gref(1, 1, 0, 3, 1, 0, PG);
	CU_ASSERT_EQUAL(op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_okay);
	CU_ASSERT_EQUAL(memcmp(d, s, PG), 0);
	teardown();
}

UNIT_TEST(gnttab, copy_with_own_frames_by_number)
{
	mfn_t mine, theirs;
	gnttab_copy_t cp = {.len = 16};
	unsigned char *m, *t;

	setup();
	mine = give_ram(b, 0x30, 0xaa);
	theirs = give_ram(a, 0x10, 0x11);
	m = maddr_to_virt(mfn_x(mine) * PG);
	t = maddr_to_virt(mfn_x(theirs) * PG);
	grant(a, 1, 2, 0x10, 0);
	/* Own frame -> a's grant. */
	cp.source.u.gmfn = 0x30;
	cp.source.domid = DOMID_SELF;
	cp.dest.u.ref = 1;
	cp.dest.domid = 1;
	cp.flags = GNTCOPY_dest_gref;
	CU_ASSERT_EQUAL(op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
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
	CU_ASSERT_EQUAL(op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_okay);
	CU_ASSERT_EQUAL(m[4000], 0x42);
	CU_ASSERT_EQUAL(m[4007], 0x42);
	CU_ASSERT_EQUAL(m[4008], 0xaa);
	/* A frame by number only with DOMID_SELF, even the caller's own id. */
	cp.dest.domid = 2;
	CU_ASSERT_EQUAL(op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_permission_denied);
	/* A frame the caller does not have. */
	cp.dest.domid = DOMID_SELF;
	cp.dest.u.gmfn = 0x31;
	CU_ASSERT_EQUAL(op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_bad_page);
	CU_ASSERT_EQUAL(entry(a, 1)->flags, GTF_permit_access);
	teardown();
}

UNIT_TEST(gnttab, copy_refusals)
{
	gnttab_copy_t cp;

	setup();
	give_ram(a, 0x10, 0);
	give_ram(c, 0x20, 0);
	grant(a, 1, 2, 0x10, GTF_readonly);
	grant(c, 1, 2, 0x20, 0);
	grant(c, 2, 2, 0x20, GTF_readonly);
	/* Into a read-only grant. */
	cp = copy_gref(1, 1, 0, 3, 2, 0, 8);
	CU_ASSERT_EQUAL(op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_general_error);
	CU_ASSERT_EQUAL(entry(c, 2)->flags, GTF_permit_access | GTF_readonly);
	CU_ASSERT_EQUAL(entry(a, 1)->flags, GTF_permit_access | GTF_readonly);
	/* Past the page, on either side. */
	cp = copy_gref(1, 1, 4000, 3, 1, 0, 97);
	CU_ASSERT_EQUAL(op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_bad_copy_arg);
	cp = copy_gref(1, 1, 0, 3, 1, 4095, 2);
	CU_ASSERT_EQUAL(op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_bad_copy_arg);
	cp = copy_gref(1, 1, 0xffff, 3, 1, 0xffff, 0xffff);
	CU_ASSERT_EQUAL(op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_bad_copy_arg);
	/* Bad references and domains. */
	cp = copy_gref(1, 600, 0, 3, 1, 0, 8);
	CU_ASSERT_EQUAL(op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_bad_gntref);
	cp = copy_gref(1, 1, 0, 3, 600, 0, 8);
	CU_ASSERT_EQUAL(op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_bad_gntref);
	cp = copy_gref(1, 3, 0, 3, 1, 0, 8); /* not granted */
	CU_ASSERT_EQUAL(op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_general_error);
	cp = copy_gref(99, 1, 0, 3, 1, 0, 8);
	CU_ASSERT_EQUAL(op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_bad_domain);
	/* c's grants are for b, not for a. */
	fake_set_current(a->vcpu[0]);
	cp = copy_gref(DOMID_SELF, 1, 0, 3, 1, 0, 8);
	CU_ASSERT_EQUAL(op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_general_error);
	/* Nothing left pinned anywhere. */
	CU_ASSERT_EQUAL(entry(a, 1)->flags, GTF_permit_access | GTF_readonly);
	CU_ASSERT_EQUAL(entry(c, 1)->flags, GTF_permit_access);
	teardown();
}

UNIT_TEST(gnttab, copy_batch_gets_per_entry_statuses)
{
	gnttab_copy_t cps[5];
	mfn_t dst;

	setup();
	give_ram(a, 0x10, 0x33);
	dst = give_ram(c, 0x20, 0);
	grant(a, 1, 2, 0x10, 0);
	grant(c, 1, 2, 0x20, 0);
	cps[0] = copy_gref(1, 1, 0, 3, 1, 0, 4);
	cps[1] = copy_gref(1, 1, 0, 3, 1, 4094, 4);
	cps[2] = copy_gref(1, 9, 0, 3, 1, 0, 4);
	cps[3] = copy_gref(1, 1, 0, 3, 1, 10, 4);
	cps[4] = copy_gref(55, 1, 0, 3, 1, 0, 4);
	CU_ASSERT_EQUAL(op(GNTTABOP_copy, cps, sizeof(cps[0]), 5), 0);
	CU_ASSERT_EQUAL(cps[0].status, GNTST_okay);
	CU_ASSERT_EQUAL(cps[1].status, GNTST_bad_copy_arg);
	CU_ASSERT_EQUAL(cps[2].status, GNTST_general_error);
	CU_ASSERT_EQUAL(cps[3].status, GNTST_okay);
	CU_ASSERT_EQUAL(cps[4].status, GNTST_bad_domain);
	CU_ASSERT_EQUAL(((unsigned char *)maddr_to_virt(mfn_x(dst) * PG))[12], 0x33);
	CU_ASSERT_EQUAL(entry(a, 1)->flags, GTF_permit_access);
	CU_ASSERT_EQUAL(entry(c, 1)->flags, GTF_permit_access);
	teardown();
}

UNIT_TEST(gnttab, copy_while_mapped_shares_the_pin)
{
	gnttab_map_grant_ref_t m;
	gnttab_copy_t cp;

	setup();
	give_ram(a, 0x10, 0x33);
	give_ram(c, 0x20, 0);
	grant(a, 1, 2, 0x10, 0);
	grant(c, 1, 2, 0x20, 0);
	CU_ASSERT_EQUAL(map(1, 1, 0x800, GNTMAP_host_map | GNTMAP_readonly, &m), GNTST_okay);
	cp = copy_gref(3, 1, 0, 1, 1, 0, 4); /* c's frame into a's, writing a's mapped grant */
	CU_ASSERT_EQUAL(op(GNTTABOP_copy, &cp, sizeof(cp), 1), 0);
	CU_ASSERT_EQUAL(cp.status, GNTST_okay);
	/* The copy's write pin went, the mapping's read pin stays. */
	CU_ASSERT_EQUAL(entry(a, 1)->flags, GTF_permit_access | GTF_reading);
	CU_ASSERT_EQUAL(unmap(m.handle, 0x800), GNTST_okay);
	CU_ASSERT_EQUAL(entry(a, 1)->flags, GTF_permit_access);
	teardown();
}

/* ---- batches, preemption, faults ---- */

UNIT_TEST(gnttab, map_batch_mixed_and_preempted)
{
	gnttab_map_grant_ref_t ms[12];
	gnttab_unmap_grant_ref_t us[12];
	unsigned int i;

	setup();
	give_ram(a, 0x10, 0);
	grant(a, 1, 2, 0x10, 0);
	memset(ms, 0, sizeof(ms));
	for (i = 0; i < 12; i++) {
		ms[i].host_addr = (0x800 + i) * PG;
		ms[i].flags = GNTMAP_host_map;
		ms[i].ref = (i % 4 == 3) ? 700 : 1;
		ms[i].dom = 1;
	}
	fake_preempt_after(2);
	CU_ASSERT_EQUAL(op(GNTTABOP_map_grant_ref, ms, sizeof(ms[0]), 12), 0);
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
	CU_ASSERT_EQUAL(op(GNTTABOP_unmap_grant_ref, us, sizeof(us[0]), 12), 0);
	CU_ASSERT(fake_hypercall_restarts >= 2);
	fake_preempt_after(-1);
	for (i = 0; i < 12; i++)
		if (i % 4 != 3)
			CU_ASSERT_EQUAL(us[i].status, GNTST_okay);
	CU_ASSERT_EQUAL(entry(a, 1)->flags, GTF_permit_access);
	teardown();
}

UNIT_TEST(gnttab, copy_batch_preempted_finishes_every_entry)
{
	gnttab_copy_t cps[20];
	mfn_t dst;
	unsigned char *d;

	setup();
	give_ram(a, 0x10, 0x66);
	dst = give_ram(c, 0x20, 0);
	d = maddr_to_virt(mfn_x(dst) * PG);
	grant(a, 1, 2, 0x10, 0);
	grant(c, 1, 2, 0x20, 0);
	for (unsigned int i = 0; i < 20; i++)
		cps[i] = copy_gref(1, 1, 0, 3, 1, (uint16_t)(i * 100), 10);
	fake_preempt_after(3);
	CU_ASSERT_EQUAL(op(GNTTABOP_copy, cps, sizeof(cps[0]), 20), 0);
	CU_ASSERT(fake_hypercall_restarts >= 4);
	fake_preempt_after(-1);
	for (unsigned int i = 0; i < 20; i++) {
		CU_ASSERT_EQUAL(cps[i].status, GNTST_okay);
		CU_ASSERT_EQUAL(d[i * 100 + 9], 0x66);
		CU_ASSERT_EQUAL(d[i * 100 + 10], 0);
	}
	teardown();
}

UNIT_TEST(gnttab, fault_mid_batch_returns_efault_and_keeps_what_was_done)
{
	gnttab_map_grant_ref_t *ms;
	uint64_t gva;

	setup();
	give_ram(a, 0x10, 0);
	grant(a, 1, 2, 0x10, 0);
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
	CU_ASSERT_EQUAL(unmap(ms[0].handle, 0x800), GNTST_okay);
	CU_ASSERT_EQUAL(unmap(ms[1].handle, 0x801), GNTST_okay);
	CU_ASSERT_EQUAL(entry(a, 1)->flags, GTF_permit_access);
	teardown();
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

	setup();
	give_ram(a, 0x10, 0x5a);
	dst = give_ram(c, 0x20, 0);
	grant(a, 1, 2, 0x10, 0);
	grant(c, 1, 2, 0x20, 0);
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
	CU_ASSERT_EQUAL(entry(a, 1)->flags, GTF_permit_access);
	CU_ASSERT_EQUAL(op_misaligned(GNTTABOP_unmap_and_replace, &ur, sizeof(ur), 1, 5), -ENOSYS);
	for (i = 0; i < 3; i++)
		cps[i] = copy_gref(1, 1, 0, 3, 1, (uint16_t)(i * 8), 4);
	cps[2].dest.offset = 4094; /* crosses the page end */
	CU_ASSERT_EQUAL(op_misaligned(GNTTABOP_copy, cps, sizeof(cps[0]), 3, 7), 0);
	CU_ASSERT_EQUAL(cps[0].status, GNTST_okay);
	CU_ASSERT_EQUAL(cps[1].status, GNTST_okay);
	CU_ASSERT_EQUAL(cps[2].status, GNTST_bad_copy_arg);
	CU_ASSERT_EQUAL(((unsigned char *)maddr_to_virt(mfn_x(dst) * PG))[8], 0x5a);
	fake_set_current(a->vcpu[0]);
	CU_ASSERT_EQUAL(op_misaligned(GNTTABOP_swap_grant_ref, sw, sizeof(sw[0]), 2, 2), 0);
	CU_ASSERT_EQUAL(sw[0].status, GNTST_okay);
	CU_ASSERT_EQUAL(sw[1].status, GNTST_bad_gntref);
	teardown();
}

UNIT_TEST(gnttab, swap_grant_ref_swaps_idle_entries_only)
{
	gnttab_swap_grant_ref_t s = {.ref_a = 1, .ref_b = 2};

	setup();
	give_ram(a, 0x10, 0);
	grant(a, 1, 2, 0x10, 0);
	grant(a, 2, 3, 0x11, GTF_readonly);
	fake_set_current(a->vcpu[0]);
	CU_ASSERT_EQUAL(op(GNTTABOP_swap_grant_ref, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_okay);
	CU_ASSERT_EQUAL(entry(a, 1)->domid, 3);
	CU_ASSERT_EQUAL(entry(a, 2)->domid, 2);
	s.ref_b = 512;
	CU_ASSERT_EQUAL(op(GNTTABOP_swap_grant_ref, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_bad_gntref);
	/* In use: eagain. */
	fake_set_current(b->vcpu[0]);
	CU_ASSERT_EQUAL(map(1, 2, 0x800, GNTMAP_host_map, NULL), GNTST_okay);
	fake_set_current(a->vcpu[0]);
	s.ref_b = 2;
	CU_ASSERT_EQUAL(op(GNTTABOP_swap_grant_ref, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_eagain);
	s.ref_a = s.ref_b = 2;
	CU_ASSERT_EQUAL(op(GNTTABOP_swap_grant_ref, &s, sizeof(s), 1), 0);
	CU_ASSERT_EQUAL(s.status, GNTST_okay);
	teardown();
}

UNIT_TEST(gnttab, init_refuses_limits_beyond_the_system)
{
	struct domain_create_args args = fake_domain_args("t", ROLE_GUEST, 1);
	struct domain *d = NULL;

	setup();
	args.max_grant_frames = 65;
	CU_ASSERT_EQUAL(domain_create(20, &args, &d), -EINVAL);
	args.max_grant_frames = 4;
	args.max_maptrack_frames = 1025;
	CU_ASSERT_EQUAL(domain_create(20, &args, &d), -EINVAL);
	args.max_maptrack_frames = 0;
	CU_ASSERT_EQUAL(domain_create(20, &args, &d), 0);
	teardown();
}

/* ---- random operations ---- */

static unsigned int rnd_seed = 12345;

static unsigned int rnd(void)
{
	rnd_seed = rnd_seed * 1103515245u + 12345u;
	return rnd_seed >> 8;
}

/* Some (dom, ref) of doms granted to me, so random ops often get past the checks. */
static void pick_granted(struct domain **doms, struct domain *me, domid_t *dom, grant_ref_t *ref)
{
	unsigned int start = rnd();

	for (unsigned int k = 0; k < 64; k++) {
		unsigned int d = (start + k) / 16 % 4, r = (start + k) % 16;
		grant_entry_v1_t *e = entry(doms[d], r);

		if (e->domid == me->domain_id && (e->flags & GTF_type_mask) == GTF_permit_access) {
			*dom = doms[d]->domain_id;
			*ref = r;
			return;
		}
	}
}

UNIT_TEST(gnttab, random_operations_never_crash_or_leak)
{
	struct domain *doms[4];
	unsigned long maps_ok = 0, unmaps_ok = 0, copies_ok = 0, restarts = 0;

	setup();
	doms[0] = a;
	doms[1] = b;
	doms[2] = c;
	doms[3] = create_mode(4, ROLE_GUEST, GUEST_MODE_PV, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doms[3]);
	for (unsigned int d = 0; d < 4; d++)
		for (unsigned int g = 0; g < 8; g++)
			give_ram(doms[d], g, (int)g);

	for (unsigned int iter = 0; iter < 10000; iter++) {
		struct domain *me = doms[rnd() % 4];
		unsigned int cmd = rnd() % 14, count = 1 + rnd() % 4;
		unsigned char buf[4 * sizeof(gnttab_copy_t) + 64];

		fake_set_current(me->vcpu[0]);
		/* The granters scribble over their tables. */
		if (rnd() % 4) {
			struct domain *g = doms[rnd() % 4];
			grant_entry_v1_t *e = entry(g, rnd() % 16);

			e->frame = rnd() % 8 ? rnd() % 8 : rnd();
			e->domid = (domid_t)(1 + rnd() % 4);
			e->flags =
			    (uint16_t)(rnd() % 4
					   ? (GTF_permit_access | (rnd() % 2 ? GTF_readonly : 0))
					   : rnd());
		}
		for (unsigned int i = 0; i < sizeof(buf); i++)
			buf[i] = (unsigned char)rnd();
		/* Mostly plausible arguments, so the deep paths run. */
		if (cmd == GNTTABOP_map_grant_ref) {
			gnttab_map_grant_ref_t *m = (gnttab_map_grant_ref_t *)buf;

			for (unsigned int i = 0; i < count; i++) {
				m[i].dom = (domid_t)(1 + rnd() % 4);
				m[i].ref = rnd() % 20;
				if (rnd() % 3)
					pick_granted(doms, me, &m[i].dom, &m[i].ref);
				/* Above the RAM at gfns 0-7 (mapping over RAM has its own test). */
				m[i].host_addr =
				    (16 + rnd() % 64) * PG + (rnd() % 2 ? 0 : rnd() % PG);
				m[i].flags =
				    rnd() % 4 ? GNTMAP_host_map | (rnd() % 2 ? GNTMAP_readonly : 0)
					      : rnd();
			}
		} else if (cmd == GNTTABOP_unmap_grant_ref || cmd == GNTTABOP_unmap_and_replace) {
			gnttab_unmap_grant_ref_t *u = (gnttab_unmap_grant_ref_t *)buf;

			for (unsigned int i = 0; i < count; i++) {
				u[i].handle = rnd() % 8;
				u[i].host_addr = (16 + rnd() % 64) * PG;
				u[i].dev_bus_addr = rnd() % 2 ? 0 : u[i].dev_bus_addr;
			}
		} else if (cmd == GNTTABOP_copy) {
			gnttab_copy_t *cp = (gnttab_copy_t *)buf;

			for (unsigned int i = 0; i < count; i++) {
				cp[i].source.domid =
				    rnd() % 3 ? (domid_t)(1 + rnd() % 4) : DOMID_SELF;
				cp[i].dest.domid =
				    rnd() % 3 ? (domid_t)(1 + rnd() % 4) : DOMID_SELF;
				cp[i].source.u.gmfn = rnd() % 20; /* a ref or an own frame */
				cp[i].dest.u.gmfn = rnd() % 20;
				cp[i].flags = rnd() % 4;
				if (rnd() % 3) {
					pick_granted(doms, me, &cp[i].source.domid,
						     &cp[i].source.u.ref);
					pick_granted(doms, me, &cp[i].dest.domid,
						     &cp[i].dest.u.ref);
					cp[i].flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
				}
				cp[i].len = (uint16_t)(rnd() % 4 ? rnd() % 200 : rnd());
				cp[i].source.offset = (uint16_t)(rnd() % 4 ? rnd() % 3800 : rnd());
				cp[i].dest.offset = (uint16_t)(rnd() % 4 ? rnd() % 3800 : rnd());
			}
		} else if (cmd == GNTTABOP_setup_table) {
			gnttab_setup_table_t *s = (gnttab_setup_table_t *)buf;

			s->dom = rnd() % 2 ? DOMID_SELF : (domid_t)rnd();
			s->nr_frames = rnd() % 70;
			s->frame_list.p = (xen_pfn_t *)fake_guest_alloc(me, 8, NULL);
		}
		if (rnd() % 8 == 0)
			fake_preempt_after(rnd() % 3);
		{
			void *host;
			uint64_t gva = fake_guest_alloc(me, sizeof(buf), &host);
			unsigned int real_cmd = rnd() % 16 ? cmd : rnd();
			long rc;

			memcpy(host, buf, sizeof(buf));
			rc = fake_hypercall3(__HYPERVISOR_grant_table_op, real_cmd,
					     rnd() % 32 ? gva : rnd(), rnd() % 16 ? count : rnd());
			restarts += fake_hypercall_restarts;
			for (unsigned int i = 0;
			     rc == 0 && real_cmd == GNTTABOP_map_grant_ref && i < count; i++)
				maps_ok += ((gnttab_map_grant_ref_t *)host)[i].status == GNTST_okay;
			for (unsigned int i = 0;
			     rc == 0 && real_cmd == GNTTABOP_unmap_grant_ref && i < count; i++)
				unmaps_ok +=
				    ((gnttab_unmap_grant_ref_t *)host)[i].status == GNTST_okay;
			for (unsigned int i = 0; rc == 0 && real_cmd == GNTTABOP_copy && i < count;
			     i++)
				copies_ok += ((gnttab_copy_t *)host)[i].status == GNTST_okay;
		}
		fake_preempt_after(-1);
		/* Re-attach now and then so guest memory does not run out. */
		if (iter % 500 == 499)
			for (unsigned int d = 0; d < 4; d++)
				fake_guest_attach(doms[d], 0);
	}
	/* The deep paths ran, not only the refusals. */
	CU_ASSERT(maps_ok > 100);
	CU_ASSERT(unmaps_ok > 30);
	CU_ASSERT(copies_ok > 20);
	CU_ASSERT(restarts > 10);
	teardown(); /* kills every domain with whatever it still maps: nothing may leak */
}
