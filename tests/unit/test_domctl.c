/*
 * HYPERVISOR_domctl (common/domctl.c) through the dispatcher, as a control
 * domain (domid 0) or a guest calling it, over the fake guest memory.
 */
#include <stdlib.h>
#include <string.h>
#include <tessera/domctl.h>
#include <tessera/errno.h>
#include <tessera/grant_table.h>
#include <tessera/mm.h>
#include <tessera/sched.h>
#include <public/domctl.h>
#include <public/grant_table.h>
#include <public/sched.h>
#include "fake_arch.h"
#include "fake_ctl.h"
#include "fake_guest.h"
#include "fake_time.h"
#include "unit.h"

UNIT_SUITE(domctl);

static struct domain *ctl;    /* the caller: control role, domid 0 */
static struct xen_domctl *op; /* host view of the argument in ctl's memory */
static uint64_t op_gva;

static void setup(void)
{
	fake_abi_setup(4096);
	fake_ctl_reset();
	ctl = fake_domain_create(0, ROLE_CONTROL, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctl);
	fake_set_current(ctl->vcpu[0]);
	op_gva = fake_guest_alloc(ctl, sizeof(*op), (void **)&op);
}

static void teardown(void)
{
	fake_set_current(NULL);
	CU_ASSERT_EQUAL(fake_abi_teardown(), 0);
	fake_ctl_reset();
}

/* Fill the header (the union is left as the test set it) and call. */
static long domctl(uint32_t cmd, domid_t dom)
{
	op->cmd = cmd;
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op->domain = dom;
	return fake_hypercall(__HYPERVISOR_domctl, op_gva, 0, 0, 0, 0);
}

/* A createdomain request for a PVH domain with vcpus vCPUs. */
static void set_create_pvh(unsigned int vcpus)
{
	memset(&op->u, 0, sizeof(op->u));
	op->u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
	op->u.createdomain.max_vcpus = vcpus;
	op->u.createdomain.max_grant_frames = -1;
	op->u.createdomain.max_maptrack_frames = -1;
	op->u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
	op->u.createdomain.arch.emulation_flags = XEN_X86_EMU_LAPIC;
}

/* Create a PVH domain through domctl; its id (or a negative error). */
static long create_pvh(domid_t want, unsigned int vcpus)
{
	long rc;

	set_create_pvh(vcpus);
	rc = domctl(XEN_DOMCTL_createdomain, want);
	return rc ? rc : op->domain;
}

static long getinfo(domid_t dom)
{
	memset(&op->u, 0, sizeof(op->u));
	return domctl(XEN_DOMCTL_getdomaininfo, dom);
}

UNIT_TEST(domctl, guest_caller_gets_eperm_from_dispatcher_and_handler)
{
	struct domain *g;
	struct hypercall_args a = {{0}};
	uint64_t gva;

	setup();
	g = fake_domain_create(1, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	gva = fake_guest_alloc(g, sizeof(struct xen_domctl), NULL);
	fake_set_current(g->vcpu[0]);
	/* Even a well-formed getdomaininfo of itself. */
	((struct xen_domctl *)fake_guest_host(g, gva))->interface_version =
	    XEN_DOMCTL_INTERFACE_VERSION;
	((struct xen_domctl *)fake_guest_host(g, gva))->cmd = XEN_DOMCTL_getdomaininfo;
	((struct xen_domctl *)fake_guest_host(g, gva))->domain = 1;
	CU_ASSERT_EQUAL(fake_hypercall(__HYPERVISOR_domctl, gva, 0, 0, 0, 0), -EPERM);
	/* The handler refuses on its own too (defence in depth). */
	a.a[0] = gva;
	CU_ASSERT_EQUAL(do_domctl(&a), -EPERM);
	/* A hardware domain is not a control domain either. */
	g->roles = ROLE_HARDWARE;
	CU_ASSERT_EQUAL(fake_hypercall(__HYPERVISOR_domctl, gva, 0, 0, 0, 0), -EPERM);
	CU_ASSERT_EQUAL(fake_copy_to_calls, 0);
	teardown();
}

/* Tessera's rule (docs/security.md), as Xen's XSM_XS_PRIV: the xenstore domain's one domctl. */
UNIT_TEST(domctl, xenstore_domain_may_getdomaininfo_and_nothing_else)
{
	static const uint32_t denied[] = {
	    XEN_DOMCTL_createdomain,
	    XEN_DOMCTL_destroydomain,
	    XEN_DOMCTL_pausedomain,
	    XEN_DOMCTL_unpausedomain,
	    XEN_DOMCTL_max_mem,
	    XEN_DOMCTL_max_vcpus,
	    XEN_DOMCTL_getvcpucontext,
	    XEN_DOMCTL_settimeoffset,
	    XEN_DOMCTL_tessera_get_boot_name,
	    0xffff,
	};
	struct domain *xs, *g;
	struct xen_domctl *xop;
	unsigned int pauses;
	uint64_t gva;

	setup();
	xs = fake_domain_create(1, ROLE_XENSTORE, 1);
	g = fake_domain_create(5, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(xs);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	gva = fake_guest_alloc(xs, sizeof(*xop), (void **)&xop);
	pauses = g->controller_pause_count;
	fake_set_current(xs->vcpu[0]);
	memset(xop, 0, sizeof(*xop));
	xop->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	xop->cmd = XEN_DOMCTL_getdomaininfo;
	/* Next domain up from 2 is 5: how the store enumerates the domains. */
	xop->domain = 2;
	CU_ASSERT_EQUAL(fake_hypercall(__HYPERVISOR_domctl, gva, 0, 0, 0, 0), 0);
	CU_ASSERT_EQUAL(xop->domain, 5);
	CU_ASSERT_EQUAL(xop->u.getdomaininfo.domain, 5);
	xop->domain = 6;
	CU_ASSERT_EQUAL(fake_hypercall(__HYPERVISOR_domctl, gva, 0, 0, 0, 0), -ESRCH);
	for (unsigned int i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		memset(xop, 0, sizeof(*xop));
		xop->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
		xop->cmd = denied[i];
		xop->domain = 5;
		CU_ASSERT_EQUAL(fake_hypercall(__HYPERVISOR_domctl, gva, 0, 0, 0, 0), -EPERM);
	}
	/* The pause did not happen, the domain is still there. */
	CU_ASSERT_EQUAL(g->controller_pause_count, pauses);
	CU_ASSERT_EQUAL(g->state, DOMAIN_ALIVE);
	/* sysctl stays the control domain's. */
	CU_ASSERT_EQUAL(fake_hypercall(__HYPERVISOR_sysctl, gva, 0, 0, 0, 0), -EPERM);
	teardown();
}

UNIT_TEST(domctl, wrong_interface_version_is_eacces)
{
	setup();
	op->cmd = XEN_DOMCTL_getdomaininfo;
	op->domain = 0;
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
	CU_ASSERT_EQUAL(fake_hypercall(__HYPERVISOR_domctl, op_gva, 0, 0, 0, 0), -EACCES);
	op->interface_version = 0;
	CU_ASSERT_EQUAL(fake_hypercall(__HYPERVISOR_domctl, op_gva, 0, 0, 0, 0), -EACCES);
	teardown();
}

UNIT_TEST(domctl, unreadable_or_unwritable_argument_is_efault)
{
	uint64_t end;

	setup();
	CU_ASSERT_EQUAL(fake_hypercall(__HYPERVISOR_domctl, 0, 0, 0, 0, 0), -EFAULT);
	CU_ASSERT_EQUAL(fake_hypercall(__HYPERVISOR_domctl, 0xdead0000UL, 0, 0, 0, 0), -EFAULT);
	/* The struct straddles the end of guest memory: not one byte read past it. */
	end = fake_guest_end(ctl);
	CU_ASSERT_EQUAL(fake_hypercall(__HYPERVISOR_domctl, end - sizeof(*op) + 1, 0, 0, 0, 0),
			-EFAULT);
	/* Readable but the copy back fails: -EFAULT, as Xen. */
	op->cmd = XEN_DOMCTL_getdomaininfo;
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op->domain = 0;
	fake_copy_fail_after = 1; /* the copy in works, the copy out fails */
	CU_ASSERT_EQUAL(fake_hypercall(__HYPERVISOR_domctl, op_gva, 0, 0, 0, 0), -EFAULT);
	fake_copy_fail_after = -1;
	teardown();
}

UNIT_TEST(domctl, createdomain_then_getdomaininfo_describes_it)
{
	static const uint8_t uuid[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	struct xen_domctl_getdomaininfo *gi;
	struct domain *d;

	setup();
	gi = &op->u.getdomaininfo;
	set_create_pvh(3);
	memcpy(op->u.createdomain.handle, uuid, 16);
	op->u.createdomain.max_evtchn_port = 63;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_createdomain, 5), 0);
	CU_ASSERT_EQUAL(op->domain, 5);
	d = get_domain_by_id(5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d->mode, GUEST_MODE_PVH);
	CU_ASSERT_EQUAL(d->max_vcpus, 3);
	CU_ASSERT_EQUAL(d->roles, ROLE_GUEST);
	put_domain(d);

	CU_ASSERT_EQUAL(getinfo(5), 0);
	CU_ASSERT_EQUAL(op->domain, 5);
	CU_ASSERT_EQUAL(gi->domain, 5);
	/* Created paused by the controller, vCPU 0 down: no running/blocked bits; no shutdown code.
	 */
	CU_ASSERT_EQUAL(gi->flags, XEN_DOMINF_hvm_guest | XEN_DOMINF_hap | XEN_DOMINF_paused |
				       (~0u << XEN_DOMINF_shutdownshift));
	CU_ASSERT_EQUAL(gi->nr_online_vcpus, 0);
	CU_ASSERT_EQUAL(gi->max_vcpu_id, 0);
	CU_ASSERT_EQUAL(gi->tot_pages, 0);
	CU_ASSERT_EQUAL(memcmp(gi->handle, uuid, 16), 0);
	CU_ASSERT_EQUAL(gi->arch_config.emulation_flags, XEN_X86_EMU_LAPIC);
	CU_ASSERT_EQUAL(gi->ssidref, 0);
	teardown();
}

UNIT_TEST(domctl, createdomain_modes_follow_flags_and_emulation)
{
	struct domain *d;
	long id;

	setup();
	/* PV: no hvm flag, no emulation (or the PIT only). */
	memset(&op->u, 0, sizeof(op->u));
	op->u.createdomain.max_vcpus = 1;
	op->u.createdomain.grant_opts = 1;
	op->u.createdomain.arch.emulation_flags = XEN_X86_EMU_PIT;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_createdomain, 10), 0);
	d = get_domain_by_id(10);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d->mode, GUEST_MODE_PV);
	put_domain(d);
	CU_ASSERT_EQUAL(getinfo(10), 0);
	CU_ASSERT_EQUAL(op->u.getdomaininfo.flags & (XEN_DOMINF_hvm_guest | XEN_DOMINF_hap), 0);

	/* HVM: every emulated device but vPCI; and a xenstore domain. */
	set_create_pvh(1);
	op->u.createdomain.arch.emulation_flags = XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI;
	op->u.createdomain.flags |= XEN_DOMCTL_CDF_xs_domain;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_createdomain, 11), 0);
	d = get_domain_by_id(11);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d->mode, GUEST_MODE_HVM);
	CU_ASSERT_EQUAL(d->roles, ROLE_XENSTORE);
	put_domain(d);
	CU_ASSERT_EQUAL(getinfo(11), 0);
	CU_ASSERT(op->u.getdomaininfo.flags & XEN_DOMINF_xs_domain);
	CU_ASSERT(op->u.getdomaininfo.flags & XEN_DOMINF_hvm_guest);

	/* Negative grant limits mean "default". */
	set_create_pvh(1);
	op->u.createdomain.max_grant_frames = -5;
	op->u.createdomain.max_maptrack_frames = -1;
	id = domctl(XEN_DOMCTL_createdomain, 12);
	CU_ASSERT_EQUAL(id, 0);
	teardown();
}

UNIT_TEST(domctl, createdomain_rejects_what_xen_rejects)
{
	unsigned long before;

	setup();
	before = total_free_pages();
#define REJECT(expected, stmt)                                                                     \
	do {                                                                                       \
		set_create_pvh(1);                                                                 \
		stmt;                                                                              \
		CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_createdomain, 20), (expected));                  \
	} while (0)
	REJECT(-EINVAL, op->u.createdomain.flags |= 1u << 8);		/* unknown flag */
	REJECT(-EINVAL, op->u.createdomain.flags = XEN_DOMCTL_CDF_hap); /* hap without hvm */
	REJECT(-EINVAL, op->u.createdomain.max_vcpus = 0);
	REJECT(-EINVAL, op->u.createdomain.max_vcpus = MAX_VIRT_CPUS + 1);
	REJECT(-EINVAL, op->u.createdomain.max_vcpus = 0xffffffffu);
	REJECT(-EINVAL, op->u.createdomain.flags |= XEN_DOMCTL_CDF_iommu);
	REJECT(-EINVAL, op->u.createdomain.iommu_opts = XEN_DOMCTL_IOMMU_no_sharept);
	REJECT(-EINVAL, op->u.createdomain.flags |= XEN_DOMCTL_CDF_vpmu);
	REJECT(-EINVAL, op->u.createdomain.flags |= XEN_DOMCTL_CDF_nested_virt);
	REJECT(-EINVAL, op->u.createdomain.vmtrace_size = 4096);
	REJECT(-EINVAL, op->u.createdomain.grant_opts = 2); /* v2 not implemented */
	REJECT(-EINVAL, op->u.createdomain.grant_opts = 0);
	REJECT(-EINVAL, op->u.createdomain.grant_opts = 0x11);	      /* unknown option bits */
	REJECT(-EINVAL, op->u.createdomain.arch.emulation_flags = 0); /* hvm needs LAPIC */
	REJECT(-EINVAL, op->u.createdomain.arch.emulation_flags = XEN_X86_EMU_ALL);
	REJECT(-EINVAL, op->u.createdomain.arch.misc_flags = 2);
	REJECT(-ENOENT, op->u.createdomain.cpupool_id = 3);
	REJECT(-EINVAL,
	       (op->u.createdomain.flags = 0,
		op->u.createdomain.arch.emulation_flags = XEN_X86_EMU_LAPIC)); /* PV with a LAPIC */
#undef REJECT
	CU_ASSERT_EQUAL(getinfo(20), -ESRCH); /* nothing was created */
	CU_ASSERT_EQUAL(total_free_pages(), before);
	teardown();
}

UNIT_TEST(domctl, createdomain_with_domid_0_picks_a_free_id)
{
	long a, b, c;

	setup();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fake_domain_create(2, ROLE_GUEST, 1));
	a = create_pvh(0, 1);
	b = create_pvh(0, 1);
	CU_ASSERT(a >= 1 && a < DOMID_FIRST_RESERVED);
	CU_ASSERT(b >= 1 && b < DOMID_FIRST_RESERVED);
	CU_ASSERT_NOT_EQUAL(a, 2);
	CU_ASSERT_NOT_EQUAL(b, 2);
	CU_ASSERT_NOT_EQUAL(a, b);
	/* A reserved id asks for a pick too (as Xen). */
	c = create_pvh(DOMID_SELF, 1);
	CU_ASSERT(c >= 1 && c < DOMID_FIRST_RESERVED && c != a && c != b && c != 2);
	c = create_pvh(DOMID_FIRST_RESERVED, 1);
	CU_ASSERT(c >= 1 && c < DOMID_FIRST_RESERVED && c != a && c != b && c != 2);
	/* As Xen: the search goes on above the last id handed out; a freed id is not reused at
	 * once. */
	memset(&op->u, 0, sizeof(op->u));
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_destroydomain, (domid_t)c), 0);
	a = create_pvh(0, 1);
	CU_ASSERT(a > c);
	teardown();
}

UNIT_TEST(domctl, createdomain_of_an_existing_or_dying_id_is_eexist)
{
	struct domain *d;

	setup();
	CU_ASSERT_EQUAL(create_pvh(7, 1), 7);
	CU_ASSERT_EQUAL(create_pvh(7, 1), -EEXIST);
	/* Picking never lands on it. */
	CU_ASSERT_NOT_EQUAL(create_pvh(0, 1), 7);
	/* A dying domain (teardown stopped half way) still holds its id. */
	d = get_domain_by_id(7);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	for (unsigned int i = 0; i < 8; i++)
		CU_ASSERT_PTR_NOT_NULL(alloc_domain_pages(d, 0));
	fake_preempt_after(1);
	CU_ASSERT_EQUAL(domain_kill(d), -ERESTART);
	fake_preempt_after(-1);
	CU_ASSERT_EQUAL(create_pvh(7, 1), -EEXIST);
	/* getdomaininfo still sees it (not yet "dying": teardown unfinished). */
	CU_ASSERT_EQUAL(getinfo(7), 0);
	CU_ASSERT_EQUAL(op->u.getdomaininfo.domain, 7);
	put_domain(d);
	teardown();
}

UNIT_TEST(domctl, destroydomain_returns_pages_and_the_domain_is_gone)
{
	unsigned long before;
	struct domain *d;
	long id;

	setup();
	before = total_free_pages();
	id = create_pvh(9, 2);
	CU_ASSERT_EQUAL_FATAL(id, 9);
	d = get_domain_by_id(9);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	for (unsigned int i = 0; i < 20; i++)
		CU_ASSERT_PTR_NOT_NULL(alloc_domain_pages(d, 1));
	put_domain(d);
	CU_ASSERT(total_free_pages() < before - 40);
	CU_ASSERT_EQUAL(getinfo(9), 0);
	CU_ASSERT_EQUAL(op->u.getdomaininfo.tot_pages, 40);

	/* Preempted every 3 frames: continuations, but one call as the guest sees it. */
	fake_preempt_after(3);
	memset(&op->u, 0, sizeof(op->u));
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_destroydomain, 9), 0);
	fake_preempt_after(-1);
	CU_ASSERT(fake_hypercall_restarts > 0);
	CU_ASSERT_EQUAL(getinfo(9), -ESRCH);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_destroydomain, 9), -ESRCH);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_pausedomain, 9), -ESRCH);
	/* Everything back (the xmalloc'd structures included, up to slab pages). */
	CU_ASSERT_EQUAL(total_free_pages(), before);
	teardown();
}

UNIT_TEST(domctl, destroydomain_of_itself_is_einval)
{
	setup();
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_destroydomain, 0), -EINVAL);
	CU_ASSERT_EQUAL(getinfo(0), 0);
	CU_ASSERT_EQUAL(op->u.getdomaininfo.domain, 0);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_destroydomain, DOMID_SELF), -ESRCH);
	teardown();
}

UNIT_TEST(domctl, pause_and_unpause_by_the_controller_are_counted)
{
	struct domain *d;

	setup();
	CU_ASSERT_EQUAL(create_pvh(3, 1), 3);
	d = get_domain_by_id(3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	/* Born paused by the controller: one unpause starts it, a second is -EINVAL. */
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_unpausedomain, 3), 0);
	CU_ASSERT_EQUAL(d->pause_count, 0);
	CU_ASSERT_EQUAL(getinfo(3), 0);
	CU_ASSERT_EQUAL(op->u.getdomaininfo.flags & XEN_DOMINF_paused, 0);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_unpausedomain, 3), -EINVAL);
	CU_ASSERT_EQUAL(d->pause_count, 0);
	/* Pause twice: as Xen, two outstanding pauses need two unpauses. */
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_pausedomain, 3), 0);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_pausedomain, 3), 0);
	CU_ASSERT_EQUAL(d->pause_count, 2);
	CU_ASSERT_EQUAL(getinfo(3), 0);
	CU_ASSERT(op->u.getdomaininfo.flags & XEN_DOMINF_paused);
	CU_ASSERT(d->vcpu[0]->pause_flags & (1UL << VPF_paused));
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_unpausedomain, 3), 0);
	CU_ASSERT_EQUAL(d->pause_count, 1);
	/* Still paused by the controller: getdomaininfo says so. */
	CU_ASSERT_EQUAL(getinfo(3), 0);
	CU_ASSERT(op->u.getdomaininfo.flags & XEN_DOMINF_paused);
	CU_ASSERT(d->vcpu[0]->pause_flags & (1UL << VPF_paused));
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_unpausedomain, 3), 0);
	CU_ASSERT_EQUAL(d->pause_count, 0);
	CU_ASSERT_EQUAL(getinfo(3), 0);
	CU_ASSERT_EQUAL(op->u.getdomaininfo.flags & XEN_DOMINF_paused, 0);
	CU_ASSERT_EQUAL(d->vcpu[0]->pause_flags & (1UL << VPF_paused), 0);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_unpausedomain, 3), -EINVAL);
	/* The hypervisor's own pause is separate from the controller's. */
	domain_pause(d);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_pausedomain, 3), 0);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_unpausedomain, 3), 0);
	CU_ASSERT_EQUAL(d->pause_count, 1);
	domain_unpause(d);
	/* As Xen: at most 255 outstanding; the 256th is -EOVERFLOW and takes nothing. */
	for (int i = 0; i < 255; i++)
		CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_pausedomain, 3), 0);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_pausedomain, 3), -EOVERFLOW);
	CU_ASSERT_EQUAL(d->pause_count, 255);
	for (int i = 0; i < 255; i++)
		CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_unpausedomain, 3), 0);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_unpausedomain, 3), -EINVAL);
	CU_ASSERT_EQUAL(d->pause_count, 0);
	/* Pausing itself would wait for itself. */
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_pausedomain, 0), -EINVAL);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_pausedomain, 44), -ESRCH);
	put_domain(d);
	teardown();
}

UNIT_TEST(domctl, getdomaininfo_returns_the_next_domain_up)
{
	setup();
	CU_ASSERT_EQUAL(create_pvh(3, 1), 3);
	CU_ASSERT_EQUAL(create_pvh(7, 1), 7);
	CU_ASSERT_EQUAL(getinfo(1), 0);
	CU_ASSERT_EQUAL(op->domain, 3);
	CU_ASSERT_EQUAL(op->u.getdomaininfo.domain, 3);
	CU_ASSERT_EQUAL(getinfo(4), 0);
	CU_ASSERT_EQUAL(op->domain, 7);
	CU_ASSERT_EQUAL(getinfo(7), 0);
	CU_ASSERT_EQUAL(op->domain, 7);
	CU_ASSERT_EQUAL(getinfo(8), -ESRCH);
	CU_ASSERT_EQUAL(getinfo(DOMID_FIRST_RESERVED - 1), -ESRCH);
	/* Reserved ids name no domain and start no search (as Xen). */
	CU_ASSERT_EQUAL(getinfo(DOMID_SELF), -EINVAL);
	CU_ASSERT_EQUAL(getinfo(DOMID_IDLE), -EINVAL);
	teardown();
}

UNIT_TEST(domctl, getdomaininfo_reports_vcpus_time_and_shutdown)
{
	struct xen_domctl_getdomaininfo *gi;
	struct domain *d;

	setup();
	gi = &op->u.getdomaininfo;
	d = fake_domain_create(4, ROLE_GUEST, 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vcpu_create(d, 1));
	CU_ASSERT_PTR_NOT_NULL_FATAL(vcpu_create(d, 2));
	/* vCPU 0 and 2 online; 0 blocked, 2 runnable and "on a CPU"; time accumulated. */
	d->vcpu[0]->pause_flags &= ~(1UL << VPF_down);
	d->vcpu[0]->pause_flags |= 1UL << VPF_blocked;
	d->vcpu[2]->pause_flags &= ~(1UL << VPF_down);
	d->vcpu[2]->is_running = true;
	d->vcpu[0]->runstate.time[VCPU_RUNSTATE_RUNNING] = 1000;
	d->vcpu[1]->runstate.time[VCPU_RUNSTATE_RUNNING] = 20;
	d->vcpu[2]->runstate.time[VCPU_RUNSTATE_RUNNING] = 300;
	CU_ASSERT_EQUAL(getinfo(4), 0);
	CU_ASSERT_EQUAL(gi->nr_online_vcpus, 2);
	CU_ASSERT_EQUAL(gi->max_vcpu_id, 2);
	CU_ASSERT_EQUAL(gi->cpu_time, 1320);
	CU_ASSERT(gi->flags & XEN_DOMINF_running);
	CU_ASSERT_EQUAL(gi->flags & XEN_DOMINF_blocked, 0);
	/* All online vCPUs blocked: blocked. */
	d->vcpu[2]->is_running = false;
	d->vcpu[2]->pause_flags |= 1UL << VPF_blocked;
	CU_ASSERT_EQUAL(getinfo(4), 0);
	CU_ASSERT(gi->flags & XEN_DOMINF_blocked);
	CU_ASSERT_EQUAL(gi->flags & XEN_DOMINF_running, 0);
	d->vcpu[2]->pause_flags &= ~(1UL << VPF_blocked);
	/* Shut down with a reason: the flag and the reason in bits 16-23. */
	domain_shutdown(d, SHUTDOWN_reboot);
	CU_ASSERT_EQUAL(getinfo(4), 0);
	CU_ASSERT(gi->flags & XEN_DOMINF_shutdown);
	CU_ASSERT_EQUAL(gi->flags >> XEN_DOMINF_shutdownshift, SHUTDOWN_reboot);
	CU_ASSERT_EQUAL((gi->flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask,
			SHUTDOWN_reboot);
	teardown();
}

UNIT_TEST(domctl, max_mem_sets_the_page_limit_from_kib)
{
	struct domain *d;

	setup();
	CU_ASSERT_EQUAL(create_pvh(6, 1), 6);
	d = get_domain_by_id(6);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	op->u.max_mem.max_memkb = 1024 + 3; /* rounds down to 256 pages */
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_max_mem, 6), 0);
	CU_ASSERT_EQUAL(d->max_pages, 256);
	CU_ASSERT_EQUAL(getinfo(6), 0);
	CU_ASSERT_EQUAL(op->u.getdomaininfo.max_pages, 256);
	/* The limit holds for allocations. */
	op->u.max_mem.max_memkb = 8;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_max_mem, 6), 0);
	CU_ASSERT_PTR_NOT_NULL(alloc_domain_pages(d, 0));
	CU_ASSERT_PTR_NOT_NULL(alloc_domain_pages(d, 0));
	CU_ASSERT_PTR_NULL(alloc_domain_pages(d, 0));
	/* Huge values saturate, never wrap. */
	op->u.max_mem.max_memkb = ~0ULL;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_max_mem, 6), 0);
	CU_ASSERT_EQUAL(d->max_pages, ~0ULL >> 2);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_max_mem, 66), -ESRCH);
	put_domain(d);
	teardown();
}

UNIT_TEST(domctl, max_vcpus_creates_vcpus_only_up_to_the_created_maximum)
{
	struct domain *d;

	setup();
	CU_ASSERT_EQUAL(create_pvh(8, 4), 8);
	d = get_domain_by_id(8);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	op->u.max_vcpus.max = 3;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_max_vcpus, 8), -EINVAL);
	op->u.max_vcpus.max = 5;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_max_vcpus, 8), -EINVAL);
	CU_ASSERT_PTR_NULL(d->vcpu[1]);
	op->u.max_vcpus.max = 4;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_max_vcpus, 8), 0);
	for (unsigned int i = 0; i < 4; i++) {
		CU_ASSERT_PTR_NOT_NULL(d->vcpu[i]);
		if (d->vcpu[i])
			CU_ASSERT(d->vcpu[i]->pause_flags & (1UL << VPF_down));
	}
	CU_ASSERT_EQUAL(d->pause_count, 1); /* still the controller's pause only */
	op->u.max_vcpus.max = 4;	    /* again: nothing to do */
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_max_vcpus, 8), 0);
	CU_ASSERT_EQUAL(getinfo(8), 0);
	CU_ASSERT_EQUAL(op->u.getdomaininfo.max_vcpu_id, 3);
	op->u.max_vcpus.max = 1;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_max_vcpus, 0), -EINVAL); /* itself */
	put_domain(d);
	teardown();
}

UNIT_TEST(domctl, vcpucontext_round_trips_for_pvh_and_is_enosys_for_pv)
{
	struct vcpu_guest_context *c;
	uint64_t cgva;
	struct domain *d, *pv;

	setup();
	CU_ASSERT_EQUAL(create_pvh(5, 2), 5);
	d = get_domain_by_id(5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	cgva = fake_guest_alloc(ctl, sizeof(*c), (void **)&c);

	/* Never given a context: nothing to read. */
	op->u.vcpucontext.vcpu = 0;
	set_xen_guest_handle(op->u.vcpucontext.ctxt, (vcpu_guest_context_t *)cgva);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_getvcpucontext, 5), -ENODATA);

	memset(c, 0, sizeof(*c));
	c->user_regs.rip = 0x100000;
	c->user_regs.rbx = 0x1234;
	c->ctrlreg[3] = 0x5000;
	op->u.vcpucontext.vcpu = 0;
	set_xen_guest_handle(op->u.vcpucontext.ctxt, (vcpu_guest_context_t *)cgva);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_setvcpucontext, 5), 0);
	CU_ASSERT(d->vcpu[0]->is_initialised);
	/* Without VGCF_online the vCPU stays down (as Xen's arch_set_info_guest). */
	CU_ASSERT(test_bit(VPF_down, &d->vcpu[0]->pause_flags));
	c->flags = VGCF_online;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_setvcpucontext, 5), 0);
	CU_ASSERT(!test_bit(VPF_down, &d->vcpu[0]->pause_flags)); /* the builder's vCPU 0 is up */
	c->flags = 0;
	CU_ASSERT_PTR_NOT_NULL_FATAL(fake_vcpu_context(d->vcpu[0]));
	CU_ASSERT_EQUAL(fake_vcpu_context(d->vcpu[0])->user_regs.rip, 0x100000);
	CU_ASSERT_EQUAL(d->pause_count, 1); /* paused around the call, then back */

	memset(c, 0xaa, sizeof(*c));
	op->u.vcpucontext.vcpu = 0;
	set_xen_guest_handle(op->u.vcpucontext.ctxt, (vcpu_guest_context_t *)cgva);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_getvcpucontext, 5), 0);
	CU_ASSERT_EQUAL(c->user_regs.rip, 0x100000);
	CU_ASSERT_EQUAL(c->user_regs.rbx, 0x1234);
	CU_ASSERT_EQUAL(c->ctrlreg[3], 0x5000);
	CU_ASSERT_EQUAL(c->user_regs.rax, 0);

	/* Bad vCPU numbers, a vCPU not created, an unreadable or unwritable context. */
	op->u.vcpucontext.vcpu = 2;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_setvcpucontext, 5), -EINVAL);
	op->u.vcpucontext.vcpu = 1;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_setvcpucontext, 5), -EINVAL);
	op->u.vcpucontext.vcpu = 0xffffffffu;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_getvcpucontext, 5), -EINVAL);
	op->u.vcpucontext.vcpu = 0;
	set_xen_guest_handle(op->u.vcpucontext.ctxt,
			     (vcpu_guest_context_t *)(fake_guest_end(ctl) - 100));
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_setvcpucontext, 5), -EFAULT);
	op->u.vcpucontext.vcpu = 0;
	set_xen_guest_handle(op->u.vcpucontext.ctxt,
			     (vcpu_guest_context_t *)(fake_guest_end(ctl) - 100));
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_getvcpucontext, 5), -EFAULT);
	CU_ASSERT_EQUAL(d->pause_count, 1);

	/* An arch that cannot: its error, and the vCPU keeps what it had. */
	fake_vcpu_context_fail = -ENOSYS;
	op->u.vcpucontext.vcpu = 0;
	set_xen_guest_handle(op->u.vcpucontext.ctxt, (vcpu_guest_context_t *)cgva);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_setvcpucontext, 5), -ENOSYS);
	CU_ASSERT(d->vcpu[0]->is_initialised);
	fake_vcpu_context_fail = 0;

	/* A null handle resets the vCPU: no context any more. */
	op->u.vcpucontext.vcpu = 0;
	set_xen_guest_handle(op->u.vcpucontext.ctxt, NULL);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_setvcpucontext, 5), 0);
	CU_ASSERT(!d->vcpu[0]->is_initialised);
	set_xen_guest_handle(op->u.vcpucontext.ctxt, (vcpu_guest_context_t *)cgva);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_getvcpucontext, 5), -ENODATA);

	/* Its own vCPUs: set is refused (would pause itself), get of the calling vCPU too. */
	op->u.vcpucontext.vcpu = 0;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_setvcpucontext, 0), -EINVAL);
	op->u.vcpucontext.vcpu = 0;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_getvcpucontext, 0), -EINVAL);

	/* PV register state is not supported yet. */
	pv = fake_domain_create(12, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pv);
	pv->mode = GUEST_MODE_PV;
	op->u.vcpucontext.vcpu = 0;
	set_xen_guest_handle(op->u.vcpucontext.ctxt, (vcpu_guest_context_t *)cgva);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_setvcpucontext, 12), -ENOSYS);
	op->u.vcpucontext.vcpu = 0;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_getvcpucontext, 12), -ENOSYS);
	pv->mode = GUEST_MODE_PVH; /* as created, for teardown */
	put_domain(d);
	teardown();
}

/* Tessera's builder command: a reserved grant entry of the new domain names the store domain. */
UNIT_TEST(domctl, tessera_gnttab_seed_writes_only_reserved_entries)
{
	grant_entry_v1_t *e;
	struct domain *d;
	mfn_t mfn;

	setup();
	CU_ASSERT_EQUAL(create_pvh(6, 1), 6);
	d = get_domain_by_id(6);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL_FATAL(gnttab_get_shared_frame(d, 0, &mfn), 0);
	e = (grant_entry_v1_t *)maddr_to_virt(mfn_to_paddr(mfn));
	memset(&op->u, 0, sizeof(op->u));
	op->u.tessera_gnttab_seed.ref = GNTTAB_RESERVED_XENSTORE;
	op->u.tessera_gnttab_seed.grantee = 1;
	op->u.tessera_gnttab_seed.gfn = 0xfeff;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_tessera_gnttab_seed, 6), 0);
	CU_ASSERT_EQUAL(e[1].flags, GTF_permit_access);
	CU_ASSERT_EQUAL(e[1].domid, 1);
	CU_ASSERT_EQUAL(e[1].frame, 0xfeff);
	op->u.tessera_gnttab_seed.ref = GNTTAB_RESERVED_CONSOLE;
	op->u.tessera_gnttab_seed.flags = XEN_DOMCTL_TESSERA_SEED_readonly;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_tessera_gnttab_seed, 6), 0);
	CU_ASSERT_EQUAL(e[0].flags, GTF_permit_access | GTF_readonly);
	/* Not a reserved entry, unknown flags, a reserved grantee, a gfn too wide, no domain. */
	op->u.tessera_gnttab_seed.ref = GNTTAB_NR_RESERVED_ENTRIES;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_tessera_gnttab_seed, 6), -EINVAL);
	CU_ASSERT_EQUAL(e[GNTTAB_NR_RESERVED_ENTRIES].flags, 0);
	op->u.tessera_gnttab_seed.ref = 1;
	op->u.tessera_gnttab_seed.flags = 2;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_tessera_gnttab_seed, 6), -EINVAL);
	op->u.tessera_gnttab_seed.flags = 0;
	op->u.tessera_gnttab_seed.grantee = DOMID_SELF;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_tessera_gnttab_seed, 6), -EINVAL);
	op->u.tessera_gnttab_seed.grantee = 1;
	op->u.tessera_gnttab_seed.gfn = 1ULL << 32;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_tessera_gnttab_seed, 6), -EINVAL);
	CU_ASSERT_EQUAL(e[1].frame, 0xfeff);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_tessera_gnttab_seed, 9), -ESRCH);
	put_domain(d);
	teardown();
}

/* Tessera's boot names: a boot domain's plan name; none for a domain createdomain made. */
UNIT_TEST(domctl, tessera_get_boot_name_gives_boot_domains_plan_names_only)
{
	static const char longest[] = "a-boot-name-of-31-characters.._"; /* 31 + NUL */
	struct domain_create_args args = fake_domain_args(longest, ROLE_GUEST, 1);
	const char *name;
	struct domain *b;

	setup();
	name = op->u.tessera_get_boot_name.name;
	CU_ASSERT_EQUAL_FATAL(sizeof(longest), XEN_DOMCTL_TESSERA_BOOT_NAME_LEN);
	CU_ASSERT_EQUAL_FATAL(domain_create(2, &args, &b), 0);
	fake_guest_attach(b, 0);
	/* The whole buffer is written: the name, its NUL, zeros (no stale bytes). */
	memset(&op->u, 0xa5, sizeof(op->u));
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_tessera_get_boot_name, 2), 0);
	CU_ASSERT_EQUAL(memcmp(name, longest, sizeof(longest)), 0);
	CU_ASSERT_EQUAL(op->domain, 2);
	/* The caller's own (the fake builder names every domain it makes "fake"). */
	memset(&op->u, 0xa5, sizeof(op->u));
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_tessera_get_boot_name, 0), 0);
	CU_ASSERT_STRING_EQUAL(name, "fake");
	for (size_t i = sizeof("fake"); i < XEN_DOMCTL_TESSERA_BOOT_NAME_LEN; i++)
		CU_ASSERT_EQUAL(name[i], 0);

	/* A domain the toolstack made has none; nothing is copied back. */
	CU_ASSERT_EQUAL(create_pvh(6, 1), 6);
	memset(&op->u, 0xa5, sizeof(op->u));
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_tessera_get_boot_name, 6), -ENOENT);
	CU_ASSERT_EQUAL((uint8_t)name[0], 0xa5);
	/* No such domain, and DOMID_SELF is not looked up (as every domctl). */
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_tessera_get_boot_name, 9), -ESRCH);
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_tessera_get_boot_name, DOMID_SELF), -ESRCH);
	CU_ASSERT_EQUAL((uint8_t)name[0], 0xa5);
	teardown();
}

/* Only the control role may read boot names: a guest (even of itself) and the store may not. */
UNIT_TEST(domctl, tessera_get_boot_name_is_denied_to_a_guest_and_the_store)
{
	const uint32_t roles[] = {ROLE_GUEST, ROLE_XENSTORE, ROLE_HARDWARE};
	struct domain *g;
	struct xen_domctl *gop;
	uint64_t gva;

	setup();
	g = fake_domain_create(3, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	gva = fake_guest_alloc(g, sizeof(*gop), (void **)&gop);
	fake_set_current(g->vcpu[0]);
	for (unsigned int i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		g->roles = roles[i];
		for (domid_t target = 0; target <= 3; target += 3) {
			memset(gop, 0, sizeof(*gop));
			gop->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
			gop->cmd = XEN_DOMCTL_tessera_get_boot_name;
			gop->domain = target;
			CU_ASSERT_EQUAL(fake_hypercall(__HYPERVISOR_domctl, gva, 0, 0, 0, 0),
					-EPERM);
			CU_ASSERT_EQUAL(gop->u.tessera_get_boot_name.name[0], 0);
		}
	}
	g->roles = ROLE_GUEST;
	CU_ASSERT_EQUAL(fake_copy_to_calls, 0);
	teardown();
}

UNIT_TEST(domctl, settimeoffset_stores_the_offset_and_republishes_the_wallclock)
{
	struct shared_info *s;
	struct domain *d;
	uint32_t v0;

	setup();
	fake_boot_wallclock_ns = 1700000000ULL * 1000000000ULL;
	d = fake_domain_create(2, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	s = d->shared_info;
	CU_ASSERT_EQUAL(s->wc_sec, 1700000000U);
	v0 = s->wc_version;
	op->u.settimeoffset.time_offset_seconds = -3600;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_settimeoffset, 2), 0);
	CU_ASSERT_EQUAL(d->time_offset_seconds, -3600);
	/* As Xen's domain_set_time_offset: the guest sees the new wallclock at once. */
	CU_ASSERT_EQUAL(s->wc_sec, 1700000000U - 3600);
	CU_ASSERT(s->wc_version > v0);
	CU_ASSERT_EQUAL(s->wc_version % 2, 0);
	op->u.settimeoffset.time_offset_seconds = INT64_MAX;
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_settimeoffset, 2), 0);
	CU_ASSERT_EQUAL(d->time_offset_seconds, INT64_MAX);
	fake_boot_wallclock_ns = 0;
	teardown();
}

UNIT_TEST(domctl, unimplemented_commands_are_enosys)
{
	static const uint32_t cmds[] = {6,
					7,
					8,
					XEN_DOMCTL_setvcpuaffinity,
					XEN_DOMCTL_shadow_op,
					XEN_DOMCTL_getvcpuinfo,
					XEN_DOMCTL_scheduler_op,
					XEN_DOMCTL_setdomainhandle,
					XEN_DOMCTL_irq_permission,
					XEN_DOMCTL_iomem_permission,
					XEN_DOMCTL_hypercall_init,
					23,
					XEN_DOMCTL_resumedomain,
					XEN_DOMCTL_gethvmcontext,
					XEN_DOMCTL_sethvmcontext,
					XEN_DOMCTL_assign_device,
					XEN_DOMCTL_set_target,
					XEN_DOMCTL_soft_reset,
					XEN_DOMCTL_get_cpu_policy,
					XEN_DOMCTL_set_paging_mempool_size,
					87,
					999,
					XEN_DOMCTL_gdbsx_domstatus,
					0x7fffffff,
					0xffffffffu,
					0};

	setup();
	for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		memset(&op->u, 0x5a, sizeof(op->u));
		CU_ASSERT_EQUAL(domctl(cmds[i], 0), -ENOSYS);
	}
	/* The target is looked up first, as Xen: an unknown domain is -ESRCH. */
	CU_ASSERT_EQUAL(domctl(XEN_DOMCTL_shadow_op, 300), -ESRCH);
	teardown();
}

/* xorshift64*: a fixed seed, so a failure reproduces. */
static uint64_t rng_state;
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

UNIT_TEST(domctl, random_commands_and_payloads_never_crash_or_leak)
{
	uint64_t cgva;

	rng_state = 0x9e3779b97f4a7c15ULL;
	setup();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fake_domain_create(1, ROLE_GUEST, 2));
	cgva = fake_guest_alloc(ctl, sizeof(struct vcpu_guest_context), NULL);
	for (unsigned int i = 0; i < 20000; i++) {
		uint64_t r = rng();
		uint8_t *raw = (uint8_t *)op;
		long rc;

		for (unsigned int j = 0; j < sizeof(*op); j++)
			raw[j] = (uint8_t)rng();
		/* Mostly valid headers, so the commands themselves get exercised. */
		if (r & 7)
			op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
		if (r & 0x18)
			op->cmd = (uint32_t)((r >> 8) % 30);
		if (r & 0x60)
			op->domain = (domid_t)((r >> 16) % 12);
		if ((op->cmd == XEN_DOMCTL_setvcpucontext ||
		     op->cmd == XEN_DOMCTL_getvcpucontext) &&
		    (r & 0x80)) {
			op->u.vcpucontext.vcpu = (uint32_t)((r >> 24) % 4);
			set_xen_guest_handle(op->u.vcpucontext.ctxt, (vcpu_guest_context_t *)cgva);
		}
		if (op->cmd == XEN_DOMCTL_createdomain && (r & 0x100)) {
			op->u.createdomain.max_vcpus = (uint32_t)((r >> 32) % 4);
			op->u.createdomain.flags &= XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
			op->u.createdomain.grant_opts = 1;
			op->u.createdomain.iommu_opts = 0;
			op->u.createdomain.vmtrace_size = 0;
			op->u.createdomain.cpupool_id = 0;
			op->u.createdomain.max_grant_frames = -1;
			op->u.createdomain.max_maptrack_frames = -1;
			op->u.createdomain.max_evtchn_port = 0;
			op->u.createdomain.arch.emulation_flags =
			    (op->u.createdomain.flags & XEN_DOMCTL_CDF_hvm) ? XEN_X86_EMU_LAPIC : 0;
			op->u.createdomain.arch.misc_flags = 0;
		}
		/* Now and then a preemption or a failing copy. */
		if ((r >> 40) % 16 == 0)
			fake_preempt_after((long)((r >> 44) % 4));
		if ((r >> 48) % 32 == 0)
			fake_copy_fail_after = (long)((r >> 53) % 3);
		rc = fake_hypercall(__HYPERVISOR_domctl, (r >> 56) % 64 ? op_gva : (uint64_t)r, 0,
				    0, 0, 0);
		fake_preempt_after(-1);
		fake_copy_fail_after = -1;
		CU_ASSERT(rc >= 0 || (rc > -128 && rc != -ERESTART));
		/* The caller is never touched by its own commands. */
		CU_ASSERT_EQUAL(ctl->state, DOMAIN_ALIVE);
		if (fake_current_cpu != 0 || !cpu_infos[0].curr || cpu_infos[0].curr->domain != ctl)
			CU_FAIL_FATAL("current vCPU changed");
	}
	teardown();
}
