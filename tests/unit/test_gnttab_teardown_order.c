/*
 * domain_kill's order (issue 14): a domain's registered vcpu_info page is
 * given back only after its event channels are closed. A peer's send
 * raises the domain's vCPU (writing its vcpu_info) under the peer's event
 * lock, which the close takes too; had the page gone first, a send racing
 * the teardown could write into it after it was freed. The teardown is
 * preempted at every chance (the mapper holds more grant mappings than
 * one release batch), and at each stop the peer sends: while the port is
 * still open the page must still be held. Set-up in gnttab_test.h.
 */
#include <public/event_channel.h>
#include <public/memory.h>
#include <public/vcpu.h>
#include <tessera/event.h>

#include "gnttab_test.h"

#define NR_MAPS 80 /* more than gnttab_release_mappings' batch of 64 */

/* b's interdomain port bound to a's unbound port for b; a's port through *aport. */
static uint32_t bind_b_to_a(uint32_t *aport)
{
	struct evtchn_bind_interdomain op = {.remote_dom = 1};
	struct evtchn_bind_interdomain *host;
	uint64_t gva;

	CU_ASSERT_EQUAL_FATAL(evtchn_alloc_unbound_port(a, 2, aport), 0);
	op.remote_port = *aport;
	gva = fake_guest_alloc(b, sizeof(op), (void **)&host);
	*host = op;
	CU_ASSERT_EQUAL_FATAL(
	    fake_hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain, gva), 0);
	return host->local_port;
}

UNIT_TEST(gnttab, teardown_keeps_vcpu_info_until_ports_are_closed)
{
	struct vcpu_register_vcpu_info info = {.mfn = 0x20};
	struct xen_memory_reservation r = {.nr_extents = 1, .domid = DOMID_SELF};
	xen_pfn_t gfn = 0x20;
	struct vcpu *v;
	uint32_t aport, bport;
	unsigned int stops = 0, stops_open = 0;
	mfn_t vi_frame;
	int rc;

	gt_setup();
	v = b->vcpu[0];
	/* b's vcpu_info in its own frame at 0x20, which it then gives back. */
	vi_frame = gt_give_ram(b, 0x20, 0);
	CU_ASSERT_EQUAL_FATAL(fake_hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0,
					      fake_guest_put(b, &info, sizeof(info))),
			      0);
	r.extent_start.p = (xen_pfn_t *)(uintptr_t)fake_guest_put(b, &gfn, sizeof(gfn));
	CU_ASSERT_EQUAL_FATAL(fake_hypercall2(__HYPERVISOR_memory_op, XENMEM_decrease_reservation,
					      fake_guest_put(b, &r, sizeof(r))),
			      1);
	CU_ASSERT_EQUAL(gt_refs_of(vi_frame), 1UL); /* only v's reference holds it now */
	bport = bind_b_to_a(&aport);
	CU_ASSERT_NOT_EQUAL(bport, 0);

	/* b maps NR_MAPS grants of a's frame, so releasing them stops midway. */
	gt_give_ram(a, 0x10, 0x5a);
	for (unsigned int i = 0; i < NR_MAPS; i++) {
		gt_grant(a, 8 + i, 2, 0x10, 0);
		CU_ASSERT_EQUAL_FATAL(gt_map(1, 8 + i, 0x800 + i, GNTMAP_host_map, NULL),
				      GNTST_okay);
	}

	fake_set_current(a->vcpu[0]);
	fake_preempt_after(0);
	while ((rc = domain_kill(b)) == -ERESTART) {
		stops++;
		if (!evtchn_port_is_valid(b, bport))
			continue;
		/* The port is open: the page a send writes into must still be v's. */
		stops_open++;
		CU_ASSERT_PTR_NOT_NULL(v->vcpu_info_page);
		CU_ASSERT_TRUE(v->vcpu_info_page &&
			       mfn_eq(page_to_mfn(v->vcpu_info_page), vi_frame));
		CU_ASSERT_EQUAL(gt_refs_of(vi_frame), 1UL);
		CU_ASSERT_EQUAL(evtchn_send(a, aport), 0);
	}
	fake_preempt_after(-1);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_TRUE(stops_open > 0); /* the test did stop while the port was open */
	CU_ASSERT_TRUE(stops >= stops_open);
	b = NULL;
	gt_teardown();
}
