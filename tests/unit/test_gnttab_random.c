/*
 * Grant tables v1: random GNTTABOP_* calls by four guests (one PV) while
 * the granters scribble over their tables; nothing may crash, and the
 * teardown finds nothing leaked. Set-up in gnttab_test.h.
 */
#include <string.h>

#include "gnttab_test.h"

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
		grant_entry_v1_t *e = gt_entry(doms[d], r);

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

	gt_setup();
	doms[0] = a;
	doms[1] = b;
	doms[2] = c;
	doms[3] = gt_create_mode(4, ROLE_GUEST, GUEST_MODE_PV, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doms[3]);
	for (unsigned int d = 0; d < 4; d++)
		for (unsigned int g = 0; g < 8; g++)
			gt_give_ram(doms[d], g, (int)g);

	for (unsigned int iter = 0; iter < 10000; iter++) {
		struct domain *me = doms[rnd() % 4];
		unsigned int cmd = rnd() % 14, count = 1 + rnd() % 4;
		unsigned char buf[4 * sizeof(gnttab_copy_t) + 64];

		fake_set_current(me->vcpu[0]);
		/* The granters scribble over their tables. */
		if (rnd() % 4) {
			struct domain *g = doms[rnd() % 4];
			grant_entry_v1_t *e = gt_entry(g, rnd() % 16);

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
	gt_teardown(); /* kills every domain with whatever it still maps: nothing may leak */
}
