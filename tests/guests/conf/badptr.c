/*
 * Conformance: bad guest pointers. Every hypercall argument the
 * hypervisor must read or write, given an address it cannot reach,
 * fails with -EFAULT (Xen 4.17: copy_from_guest/copy_to_guest failing in
 * each handler) and never crashes the caller or the hypervisor. Two kinds
 * of bad address, each tried everywhere:
 *  - CONF_BAD_VA, outside the guest's page tables (the walk fails);
 *  - a hole: a page of ours given back with decrease_reservation, mapped
 *    in our page tables but with nothing in the p2m behind it.
 * Then arguments that start in a good page and run into the hole, and
 * output-only buffers (reported through a status where Xen does).
 *
 * Locking: none (tests run one at a time).
 */
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include "conf.h"

/* Every way to hand the hypervisor one bad argument pointer. */
static void all_calls_fault(void *bad, const char *kind)
{
	static const int xenver[] = {XENVER_extraversion,	 XENVER_compile_info,
				     XENVER_capabilities,	 XENVER_changeset,
				     XENVER_platform_parameters, XENVER_get_features,
				     XENVER_guest_handle,	 XENVER_commandline};
	static const int evtchn[] = {EVTCHNOP_alloc_unbound, EVTCHNOP_bind_interdomain,
				     EVTCHNOP_bind_virq,     EVTCHNOP_bind_ipi,
				     EVTCHNOP_close,	     EVTCHNOP_send,
				     EVTCHNOP_status,	     EVTCHNOP_unmask,
				     EVTCHNOP_bind_vcpu,     EVTCHNOP_reset};
	static const unsigned int gnttab[] = {GNTTABOP_map_grant_ref, GNTTABOP_unmap_grant_ref,
					      GNTTABOP_setup_table,   GNTTABOP_copy,
					      GNTTABOP_query_size,    GNTTABOP_set_version,
					      GNTTABOP_get_version,   GNTTABOP_swap_grant_ref};
	static const unsigned int memop[] = {
	    XENMEM_current_reservation, XENMEM_maximum_reservation, XENMEM_maximum_gpfn,
	    XENMEM_add_to_physmap,	XENMEM_memory_map,	    XENMEM_remove_from_physmap};
	static const int sched[] = {SCHEDOP_shutdown, SCHEDOP_poll, SCHEDOP_remote_shutdown,
				    SCHEDOP_shutdown_code};
	static const int vcpu[] = {VCPUOP_initialise,
				   VCPUOP_get_runstate_info,
				   VCPUOP_register_runstate_memory_area,
				   VCPUOP_set_periodic_timer,
				   VCPUOP_set_singleshot_timer,
				   VCPUOP_register_vcpu_info};
	static const unsigned long hvm[] = {HVMOP_set_param, HVMOP_get_param, HVMOP_get_time,
					    HVMOP_set_evtchn_upcall_vector};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(xenver); i++)
		if (!EXPECT_ERRNO(HYPERVISOR_xen_version(xenver[i], bad), -EFAULT))
			test_note("xen_version %d, %s", xenver[i], kind);
	EXPECT_ERRNO(HYPERVISOR_console_io(CONSOLEIO_write, 16, bad), -EFAULT);
	for (i = 0; i < ARRAY_SIZE(memop); i++)
		if (!EXPECT_ERRNO(HYPERVISOR_memory_op(memop[i], bad), -EFAULT))
			test_note("memory_op %u, %s", memop[i], kind);
	for (i = 0; i < ARRAY_SIZE(evtchn); i++)
		if (!EXPECT_ERRNO(HYPERVISOR_event_channel_op(evtchn[i], bad), -EFAULT))
			test_note("event_channel_op %d, %s", evtchn[i], kind);
	for (i = 0; i < ARRAY_SIZE(gnttab); i++)
		if (!EXPECT_ERRNO(HYPERVISOR_grant_table_op(gnttab[i], bad, 1), -EFAULT))
			test_note("grant_table_op %u, %s", gnttab[i], kind);
	/* SCHEDOP_shutdown among them: if it did not fault, we would be gone. */
	for (i = 0; i < ARRAY_SIZE(sched); i++)
		if (!EXPECT_ERRNO(HYPERVISOR_sched_op(sched[i], bad), -EFAULT))
			test_note("sched_op %d, %s", sched[i], kind);
	for (i = 0; i < ARRAY_SIZE(vcpu); i++)
		if (!EXPECT_ERRNO(HYPERVISOR_vcpu_op(vcpu[i], 0, bad), -EFAULT))
			test_note("vcpu_op %d, %s", vcpu[i], kind);
	for (i = 0; i < ARRAY_SIZE(hvm); i++)
		if (!EXPECT_ERRNO(HYPERVISOR_hvm_op(hvm[i], bad), -EFAULT))
			test_note("hvm_op %lu, %s", hvm[i], kind);
	EXPECT_ERRNO(HYPERVISOR_multicall(bad, 1), -EFAULT);
}

TEST(unmapped_address)
{
	all_calls_fault(CONF_BAD_VA, "outside the page tables");
}

TEST(hole_in_the_physmap)
{
	void *hole = conf_hole();

	ASSERT_TRUE(hole != NULL);
	all_calls_fault(hole, "a gfn with nothing behind it");
	EXPECT_OK(conf_hole_fill(hole));
}

/* Arguments that begin in a good page and end in the hole after it. */
TEST(straddling_into_a_hole)
{
	uint8_t *two = page_alloc(1);
	uint8_t *edge;
	xen_extraversion_t *ev;
	struct evtchn_status *st;

	ASSERT_TRUE(two != NULL);
	ASSERT_EQ(conf_decrease(virt_to_gfn(two + PAGE_SIZE)), 1);
	edge = two + PAGE_SIZE;
	/* Written by the hypervisor: 16 bytes, 8 of them in the hole. */
	ev = (xen_extraversion_t *)(edge - 8);
	EXPECT_ERRNO(HYPERVISOR_xen_version(XENVER_extraversion, ev), -EFAULT);
	/* Read by the hypervisor: a 24-byte status whose tail is in the hole. */
	st = (struct evtchn_status *)(edge - 8);
	st->dom = DOMID_SELF;
	st->port = 0;
	EXPECT_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_status, st), -EFAULT);
	/* A console write that runs off the end. */
	memset(edge - 64, 'x', 63);
	edge[-1] = '\n';
	EXPECT_ERRNO(HYPERVISOR_console_io(CONSOLEIO_write, 128, edge - 64), -EFAULT);
	/* Good again once the frame is back. */
	ASSERT_EQ(conf_populate(virt_to_gfn(edge)), 1);
	EXPECT_OK(HYPERVISOR_xen_version(XENVER_extraversion, ev));
	page_free(two, 1);
}

/* Output buffers named inside a readable argument. */
TEST(bad_output_buffers)
{
	struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = 1};
	struct xen_memory_map mm = {.nr_entries = 4};
	struct sched_poll sp = {.nr_ports = 1, .timeout = 0};
	struct xen_memory_reservation r = {.nr_extents = 1, .domid = DOMID_SELF};

	ASSERT_OK(gnttab_init());
	/* Xen reports the frame list it could not write as GNTST_bad_virt_addr. */
	set_xen_guest_handle(st.frame_list, (xen_pfn_t *)CONF_BAD_VA);
	EXPECT_OK(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1));
	EXPECT_EQ(st.status, GNTST_bad_virt_addr);
	set_xen_guest_handle(mm.buffer, CONF_BAD_VA);
	EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_memory_map, &mm), -EFAULT);
	set_xen_guest_handle(sp.ports, (evtchn_port_t *)CONF_BAD_VA);
	EXPECT_ERRNO(HYPERVISOR_sched_op(SCHEDOP_poll, &sp), -EFAULT);
	/* A reservation's extent list: nothing done. */
	set_xen_guest_handle(r.extent_start, (xen_pfn_t *)CONF_BAD_VA);
	EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r), 0);
	EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), 0);
	/* And after all of it, this domain still works. */
	EXPECT_TRUE(HYPERVISOR_xen_version(XENVER_version, NULL) > 0);
}
