/*
 * Conformance: what an unprivileged guest may not do (Xen 4.17's XSM
 * dummy policy: XSM_PRIV for domctl, sysctl, console reads, privileged
 * xen_version sub-ops; XSM_TARGET for acting on another domain;
 * XSM_DM_PRIV for remote shutdown; the hardware domain for vCPU pinning).
 * Each refusal is -EPERM (GNTST_permission_denied for grant ops, a per-
 * entry -EPERM for add_to_physmap_batch), and the other domain is left
 * alone.
 *
 * Runs as a guest with a neighbour: command line peer=DOMID (a domain
 * that exists, e.g. the halting guest of the plan). As Xen's dom0 (or
 * Tessera's control/hardware boot domain) every test skips: there the
 * calls are allowed.
 *
 * Locking: none (tests run one at a time).
 */
#include <public/domctl.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/sysctl.h>
#include "conf.h"

static domid_t peer(void)
{
	long p = uk_cmdline_long("peer", -1);

	return p < 0 || p >= DOMID_FIRST_RESERVED ? CONF_NO_DOMAIN : (domid_t)p;
}

/* The tests need a neighbour that exists; returns 0 after reporting an error if there is none. */
static int have_peer(void)
{
	struct evtchn_status st;

	if (peer() == CONF_NO_DOMAIN) {
		test_error("no peer=DOMID on the command line");
		return 0;
	}
	/* -ESRCH would mean no such domain; -EPERM means it exists and is not ours. */
	if (conf_evtchn_status(peer(), 1, &st) == -ESRCH) {
		test_error("peer d%u does not exist", peer());
		return 0;
	}
	return 1;
}

TEST(domctl_and_sysctl)
{
	static struct xen_domctl dc;
	static struct xen_sysctl sc;
	static char buf[64];

	CONF_NEED_GUEST();
	memset(&dc, 0, sizeof(dc));
	dc.cmd = XEN_DOMCTL_getdomaininfo;
	dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	dc.domain = conf_domid();
	EXPECT_ERRNO(HYPERVISOR_domctl(&dc), -EPERM);
	dc.cmd = XEN_DOMCTL_createdomain;
	dc.domain = 0;
	EXPECT_ERRNO(HYPERVISOR_domctl(&dc), -EPERM);
	dc.cmd = XEN_DOMCTL_destroydomain;
	dc.domain = peer();
	EXPECT_ERRNO(HYPERVISOR_domctl(&dc), -EPERM);
	dc.cmd = XEN_DOMCTL_pausedomain;
	EXPECT_ERRNO(HYPERVISOR_domctl(&dc), -EPERM);

	memset(&sc, 0, sizeof(sc));
	sc.cmd = XEN_SYSCTL_physinfo;
	sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	EXPECT_ERRNO(HYPERVISOR_sysctl(&sc), -EPERM);
	sc.cmd = XEN_SYSCTL_readconsole;
	set_xen_guest_handle(sc.u.readconsole.buffer, buf);
	sc.u.readconsole.count = sizeof(buf);
	EXPECT_ERRNO(HYPERVISOR_sysctl(&sc), -EPERM);
}

TEST(privileged_subops)
{
	char buf[32];
	struct sched_pin_override po = {.pcpu = 0};

	CONF_NEED_GUEST();
	EXPECT_ERRNO(HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf), -EPERM);
	EXPECT_ERRNO(HYPERVISOR_xen_version(XENVER_build_id, NULL), -EPERM);
	EXPECT_ERRNO(HYPERVISOR_sched_op(SCHEDOP_pin_override, &po), -EPERM);
}

TEST(acting_on_another_domain)
{
	struct evtchn_alloc_unbound au = {.remote_dom = DOMID_SELF};
	struct evtchn_reset er;
	struct evtchn_status st;
	struct sched_remote_shutdown rs = {.reason = SHUTDOWN_poweroff};
	struct xen_hvm_param hp = {.index = HVM_PARAM_CALLBACK_IRQ};
	domid_t other;
	static xen_pfn_t frame;
	struct xen_memory_reservation r = {.nr_extents = 1};

	CONF_NEED_GUEST();
	if (!have_peer())
		return;
	other = peer();
	/* Event channels: opening, inspecting, resetting the peer's. */
	au.dom = other;
	EXPECT_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au), -EPERM);
	EXPECT_ERRNO(conf_evtchn_status(other, 1, &st), -EPERM);
	er.dom = other;
	EXPECT_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_reset, &er), -EPERM);
	/* Shutting it down. */
	rs.domain_id = other;
	EXPECT_ERRNO(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), -EPERM);
	/* Its HVM parameters. */
	hp.domid = other;
	EXPECT_ERRNO(HYPERVISOR_hvm_op(HVMOP_get_param, &hp), -EPERM);
	EXPECT_ERRNO(HYPERVISOR_hvm_op(HVMOP_set_param, &hp), -EPERM);
	/* Its memory: counts are -EPERM, reservation changes do nothing. */
	EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_current_reservation, &other), -EPERM);
	EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_maximum_reservation, &other), -EPERM);
	frame = 0x100;
	set_xen_guest_handle(r.extent_start, &frame);
	r.domid = other;
	EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r), 0);
	EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), 0);
	{
		struct xen_add_to_physmap xatp = {
		    .domid = other, .space = XENMAPSPACE_shared_info, .idx = 0, .gpfn = 0x100};

		EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp), -EPERM);
	}
	{
		struct xen_remove_from_physmap xr = {.domid = other, .gpfn = 0x100};

		EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &xr), -EPERM);
	}
}

TEST(grant_tables_of_another_domain)
{
	struct gnttab_query_size qs;
	struct gnttab_setup_table st;
	struct gnttab_get_version gv;
	xen_pfn_t frame = 0;

	CONF_NEED_GUEST();
	if (!have_peer())
		return;
	qs.dom = peer();
	EXPECT_OK(HYPERVISOR_grant_table_op(GNTTABOP_query_size, &qs, 1));
	EXPECT_EQ(qs.status, GNTST_permission_denied);
	memset(&st, 0, sizeof(st));
	st.dom = peer();
	st.nr_frames = 1;
	set_xen_guest_handle(st.frame_list, &frame);
	EXPECT_OK(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1));
	EXPECT_EQ(st.status, GNTST_permission_denied);
	gv.dom = peer();
	EXPECT_ERRNO(HYPERVISOR_grant_table_op(GNTTABOP_get_version, &gv, 1), -EPERM);
}

/* Mapping another domain's frame into our physmap needs privilege over it. */
TEST(foreign_mapping)
{
	static xen_ulong_t idx = 0x100;
	static xen_pfn_t gpfn;
	static int err = 1;
	struct xen_add_to_physmap_batch b = {
	    .domid = DOMID_SELF, .space = XENMAPSPACE_gmfn_foreign, .size = 1};
	void *hole;

	CONF_NEED_GUEST();
	if (!have_peer())
		return;
	hole = conf_hole();
	ASSERT_TRUE(hole != NULL);
	gpfn = virt_to_gfn(hole);
	b.u.foreign_domid = peer();
	set_xen_guest_handle(b.idxs, &idx);
	set_xen_guest_handle(b.gpfns, &gpfn);
	set_xen_guest_handle(b.errs, &err);
	EXPECT_OK(HYPERVISOR_memory_op(XENMEM_add_to_physmap_batch, &b));
	EXPECT_EQ(err, -EPERM);
	EXPECT_OK(conf_hole_fill(hole));
}
