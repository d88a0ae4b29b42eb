/*
 * The gnttab suite's shared set-up (see gnttab_test.h): the fake machine
 * with its three guests, RAM and grant entries made by hand, and the
 * hypercall with its arguments in the current domain's guest memory. The
 * tests are in test_gnttab_{setup,map,copy,batch,teardown,random}.c.
 */
#include <string.h>

#include "gnttab_test.h"

UNIT_SUITE(gnttab);

struct domain *a, *b, *c;

void gt_setup(void)
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

void gt_teardown(void)
{
	CU_ASSERT_EQUAL(fake_abi_teardown(), 0);
}

struct domain *gt_create_mode(domid_t id, uint32_t roles, enum guest_mode mode, uint32_t maptrack)
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

mfn_t gt_give_ram(struct domain *d, uint64_t gfn, int fill)
{
	struct page_info *pg = alloc_domain_pages(d, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(pg);
	memset(page_to_virt(pg), fill, PG);
	if (d->auto_translated)
		CU_ASSERT_EQUAL_FATAL(p2m_set_entry(d, _gfn(gfn), page_to_mfn(pg), p2m_ram_rw), 0);
	return page_to_mfn(pg);
}

grant_entry_v1_t *gt_entry(struct domain *d, grant_ref_t ref)
{
	mfn_t mfn;

	CU_ASSERT_EQUAL_FATAL(gnttab_get_shared_frame(d, ref / 512, &mfn), 0);
	return (grant_entry_v1_t *)maddr_to_virt(mfn_to_paddr(mfn)) + ref % 512;
}

void gt_grant(struct domain *d, grant_ref_t ref, domid_t domid, uint64_t frame, uint16_t extra)
{
	grant_entry_v1_t *e = gt_entry(d, ref);

	e->frame = (uint32_t)frame;
	e->domid = domid;
	e->flags = GTF_permit_access | extra;
}

unsigned long gt_refs_of(mfn_t mfn)
{
	return mfn_to_page(mfn)->count_info & PGC_count_mask;
}

long gt_op_n(unsigned int cmd, void *arg, size_t size, unsigned int n, unsigned int count)
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

long gt_op(unsigned int cmd, void *arg, size_t size, unsigned int count)
{
	return gt_op_n(cmd, arg, size, count, count);
}

int gt_map(domid_t dom, grant_ref_t ref, uint64_t gfn, uint32_t flags, gnttab_map_grant_ref_t *out)
{
	gnttab_map_grant_ref_t m = {.host_addr = gfn * PG, .flags = flags, .ref = ref, .dom = dom};

	CU_ASSERT_EQUAL(gt_op(GNTTABOP_map_grant_ref, &m, sizeof(m), 1), 0);
	if (out)
		*out = m;
	return m.status;
}

int gt_unmap(grant_handle_t h, uint64_t gfn)
{
	gnttab_unmap_grant_ref_t u = {.host_addr = gfn * PG, .handle = h};

	CU_ASSERT_EQUAL(gt_op(GNTTABOP_unmap_grant_ref, &u, sizeof(u), 1), 0);
	return u.status;
}

enum p2m_type gt_p2m_type_at(struct domain *d, uint64_t gfn, mfn_t *mfn)
{
	enum p2m_type t;
	mfn_t m = p2m_lookup(d, _gfn(gfn), &t);

	if (mfn)
		*mfn = m;
	return t;
}

gnttab_copy_t gt_copy_gref(domid_t sd, grant_ref_t sr, uint16_t so, domid_t dd, grant_ref_t dr,
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
