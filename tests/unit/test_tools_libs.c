/*
 * The tool libraries' cores (dom0-tools/libs) over a fake backend that
 * records each hypercall and answers it (test_tools_builder.c has the
 * builder's planning).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <public/hvm/hvm_op.h>
#include <public/sched.h>
#include "xc_private.h"
#include "unit.h"

UNIT_SUITE(tools_libs);

/* ---- the fake backend ---- */
static unsigned long last_op, last_args[5], nr_calls;
static struct xen_domctl last_domctl;
static struct xen_sysctl last_sysctl;
static long (*answer)(unsigned long op, void *arg);

int xc_osdep_open(xc_interface *xch)
{
	xch->fd = 42;
	return 0;
}

void xc_osdep_close(xc_interface *xch)
{
	xch->fd = -1;
}

long xc_osdep_hypercall(xc_interface *xch, unsigned long op, const unsigned long args[5])
{
	long ret;

	(void)xch;
	nr_calls++;
	last_op = op;
	memcpy(last_args, args, sizeof(last_args));
	if (op == __HYPERVISOR_domctl)
		memcpy(&last_domctl, (void *)args[0], sizeof(last_domctl));
	if (op == __HYPERVISOR_sysctl)
		memcpy(&last_sysctl, (void *)args[0], sizeof(last_sysctl));
	ret = answer ? answer(op, (void *)(op == __HYPERVISOR_domctl || op == __HYPERVISOR_sysctl
					       ? args[0]
					       : args[1]))
		     : 0;
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

void *xc_osdep_buf_alloc(xc_interface *xch, size_t size)
{
	(void)xch;
	return calloc(1, size);
}

void xc_osdep_buf_free(xc_interface *xch, void *p, size_t size)
{
	(void)xch;
	(void)size;
	free(p);
}

static xc_interface *open_fake(long (*fn)(unsigned long, void *))
{
	answer = fn;
	nr_calls = 0;
	return xc_interface_open(NULL, NULL, 0);
}

static long create_answers_domid_7(unsigned long op, void *arg)
{
	struct xen_domctl *d = arg;

	if (op == __HYPERVISOR_domctl && d->cmd == XEN_DOMCTL_createdomain)
		d->domain = 7;
	return 0;
}

UNIT_TEST(tools_libs, domain_create_marshals_the_config_and_returns_the_id)
{
	struct xen_domctl_createdomain c = {.flags = XEN_DOMCTL_CDF_hvm, .max_vcpus = 2};
	xc_interface *xch = open_fake(create_answers_domid_7);
	uint32_t domid = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(xch);
	CU_ASSERT_EQUAL(xc_domain_create(xch, &domid, &c), 0);
	CU_ASSERT_EQUAL(domid, 7);
	CU_ASSERT_EQUAL(last_op, __HYPERVISOR_domctl);
	CU_ASSERT_EQUAL(last_domctl.cmd, XEN_DOMCTL_createdomain);
	CU_ASSERT_EQUAL(last_domctl.interface_version, XEN_DOMCTL_INTERFACE_VERSION);
	CU_ASSERT_EQUAL(last_domctl.u.createdomain.max_vcpus, 2);
	CU_ASSERT_EQUAL(last_domctl.u.createdomain.flags, XEN_DOMCTL_CDF_hvm);
	CU_ASSERT_EQUAL(xc_domain_destroy(xch, 7), 0);
	CU_ASSERT_EQUAL(last_domctl.cmd, XEN_DOMCTL_destroydomain);
	CU_ASSERT_EQUAL(last_domctl.domain, 7);
	CU_ASSERT_EQUAL(xc_domain_setmaxmem(xch, 7, 8192), 0);
	CU_ASSERT_EQUAL(last_domctl.u.max_mem.max_memkb, 8192);
	CU_ASSERT_EQUAL(xc_domain_max_vcpus(xch, 7, 2), 0);
	CU_ASSERT_EQUAL(last_domctl.u.max_vcpus.max, 2);
	CU_ASSERT_EQUAL(xc_domain_pause(xch, 7), 0);
	CU_ASSERT_EQUAL(last_domctl.cmd, XEN_DOMCTL_pausedomain);
	CU_ASSERT_EQUAL(xc_domain_unpause(xch, 7), 0);
	CU_ASSERT_EQUAL(last_domctl.cmd, XEN_DOMCTL_unpausedomain);
	xc_interface_close(xch);
}

static long fail_esrch(unsigned long op, void *arg)
{
	(void)op;
	(void)arg;
	return -ESRCH;
}

UNIT_TEST(tools_libs, hypervisor_errors_are_minus_one_with_errno)
{
	xc_interface *xch = open_fake(fail_esrch);
	xc_dominfo_t info;
	uint64_t v;

	errno = 0;
	CU_ASSERT_EQUAL(xc_domain_destroy(xch, 9), -1);
	CU_ASSERT_EQUAL(errno, ESRCH);
	CU_ASSERT_EQUAL(xc_hvm_param_get(xch, 9, HVM_PARAM_STORE_PFN, &v), -1);
	CU_ASSERT_EQUAL(xc_evtchn_alloc_unbound(xch, 9, 0), -1);
	/* As Xen: getinfo counts what it found, 0 here, not -1. */
	CU_ASSERT_EQUAL(xc_domain_getinfo(xch, 0, 1, &info), 0);
	xc_interface_close(xch);
}

/* getdomaininfo: domains 0 and 3 exist, 3 shut down with SHUTDOWN_crash. */
static long two_domains(unsigned long op, void *arg)
{
	struct xen_domctl *d = arg;
	struct xen_domctl_getdomaininfo *i = &d->u.getdomaininfo;

	if (op != __HYPERVISOR_domctl || d->cmd != XEN_DOMCTL_getdomaininfo)
		return -ENOSYS;
	if (d->domain > 3)
		return -ESRCH;
	d->domain = d->domain == 0 ? 0 : 3;
	i->domain = d->domain;
	i->tot_pages = 256;
	i->max_pages = 512;
	i->flags =
	    XEN_DOMINF_hvm_guest |
	    (d->domain == 3 ? XEN_DOMINF_shutdown | (SHUTDOWN_crash << XEN_DOMINF_shutdownshift)
			    : XEN_DOMINF_xs_domain);
	return 0;
}

UNIT_TEST(tools_libs, getinfo_walks_ids_and_decodes_flags_as_xen)
{
	xc_interface *xch = open_fake(two_domains);
	xc_dominfo_t info[4];

	CU_ASSERT_EQUAL(xc_domain_getinfo(xch, 0, 4, info), 2);
	CU_ASSERT_EQUAL(info[0].domid, 0);
	CU_ASSERT(info[0].xenstore && info[0].hvm && !info[0].shutdown);
	CU_ASSERT_EQUAL(info[1].domid, 3);
	CU_ASSERT(info[1].shutdown && info[1].crashed);
	CU_ASSERT_EQUAL(info[1].shutdown_reason, SHUTDOWN_crash);
	CU_ASSERT_EQUAL(info[1].nr_pages, 256);
	CU_ASSERT_EQUAL(info[1].max_memkb, 2048);
	xc_interface_close(xch);
}

/* Boot names: domain 2 has one that fills the buffer without a NUL; 6 has none. */
static long boot_names(unsigned long op, void *arg)
{
	struct xen_domctl *d = arg;
	char *name = d->u.tessera_get_boot_name.name;

	if (op != __HYPERVISOR_domctl || d->cmd != XEN_DOMCTL_tessera_get_boot_name)
		return -ENOSYS;
	if (d->domain == 6)
		return -ENOENT;
	if (d->domain != 2)
		return -ESRCH;
	memset(name, 'x', XEN_DOMCTL_TESSERA_BOOT_NAME_LEN);
	memcpy(name, "linux", 5);
	return 0;
}

UNIT_TEST(tools_libs, get_boot_name_is_marshalled_and_bounded)
{
	xc_interface *xch = open_fake(boot_names);
	char buf[XEN_DOMCTL_TESSERA_BOOT_NAME_LEN + 8], small[6];

	CU_ASSERT_PTR_NOT_NULL_FATAL(xch);
	memset(buf, '#', sizeof(buf));
	CU_ASSERT_EQUAL(xc_tessera_get_boot_name(xch, 2, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(last_domctl.cmd, XEN_DOMCTL_tessera_get_boot_name);
	CU_ASSERT_EQUAL(last_domctl.domain, 2);
	CU_ASSERT_EQUAL(last_domctl.interface_version, XEN_DOMCTL_INTERFACE_VERSION);
	/* No NUL from the hypervisor: the whole buffer, then ours. */
	CU_ASSERT_EQUAL(strlen(buf), XEN_DOMCTL_TESSERA_BOOT_NAME_LEN);
	CU_ASSERT_EQUAL(strncmp(buf, "linuxxxx", 8), 0);
	CU_ASSERT_EQUAL(xc_tessera_get_boot_name(xch, 2, small, sizeof(small)), 0);
	CU_ASSERT_STRING_EQUAL(small, "linux");
	errno = 0;
	CU_ASSERT_EQUAL(xc_tessera_get_boot_name(xch, 6, buf, sizeof(buf)), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_EQUAL(xc_tessera_get_boot_name(xch, 9, buf, sizeof(buf)), -1);
	CU_ASSERT_EQUAL(errno, ESRCH);
	errno = 0;
	nr_calls = 0;
	CU_ASSERT_EQUAL(xc_tessera_get_boot_name(xch, 2, buf, 0), -1);
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_EQUAL(nr_calls, 0);
	xc_interface_close(xch);
}

static long physinfo_answer(unsigned long op, void *arg)
{
	struct xen_sysctl *s = arg;

	if (op == __HYPERVISOR_sysctl && s->cmd == XEN_SYSCTL_physinfo)
		s->u.physinfo.free_pages = 1234;
	return 0;
}

UNIT_TEST(tools_libs, physinfo_and_params_and_ports_are_marshalled)
{
	xc_interface *xch = open_fake(physinfo_answer);
	xc_physinfo_t pi;
	xen_pfn_t gfns[3] = {0x100, 0x200, 0x300};

	CU_ASSERT_EQUAL(xc_physinfo(xch, &pi), 0);
	CU_ASSERT_EQUAL(pi.free_pages, 1234);
	CU_ASSERT_EQUAL(last_sysctl.interface_version, XEN_SYSCTL_INTERFACE_VERSION);
	CU_ASSERT_EQUAL(xc_hvm_param_set(xch, 4, HVM_PARAM_CONSOLE_PFN, 0x7fe), 0);
	CU_ASSERT_EQUAL(last_op, __HYPERVISOR_hvm_op);
	CU_ASSERT_EQUAL(last_args[0], HVMOP_set_param);
	CU_ASSERT_EQUAL(xc_evtchn_alloc_unbound(xch, 4, 1), 0);
	CU_ASSERT_EQUAL(last_op, __HYPERVISOR_event_channel_op);
	CU_ASSERT_EQUAL(last_args[0], EVTCHNOP_alloc_unbound);
	/* The fake does no extents: _exact says ENOMEM, as Xen's. */
	errno = 0;
	CU_ASSERT_EQUAL(xc_domain_populate_physmap_exact(xch, 4, 3, 0, 0, gfns), -1);
	CU_ASSERT_EQUAL(errno, ENOMEM);
	CU_ASSERT_EQUAL(last_op, __HYPERVISOR_memory_op);
	CU_ASSERT_EQUAL(last_args[0], XENMEM_populate_physmap);
	CU_ASSERT_EQUAL(xc_tessera_gnttab_seed(xch, 4, 1, 1, 0x7ff, 0), 0);
	CU_ASSERT_EQUAL(last_domctl.cmd, XEN_DOMCTL_tessera_gnttab_seed);
	CU_ASSERT_EQUAL(last_domctl.u.tessera_gnttab_seed.gfn, 0x7ff);
	xc_interface_close(xch);
}

/* ---- the builder's RAM: 2 MiB extents, 4 KiB ones when the heap has no 2 MiB block left ---- */
#include "../../dom0-tools/libs/builder/pvh_guest_mem.c"

void *xenforeignmemory_map(xenforeignmemory_handle *fmem, uint32_t dom, int prot, size_t pages,
			   const xen_pfn_t arr[], int err[])
{
	(void)fmem, (void)dom, (void)prot, (void)pages, (void)arr, (void)err;
	return NULL;
}

int xenforeignmemory_unmap(xenforeignmemory_handle *fmem, void *addr, size_t pages)
{
	(void)fmem, (void)addr, (void)pages;
	return 0;
}

/* A fragmented heap: two 2 MiB extents per call at most, 4 KiB ones always; gfns recorded. */
static unsigned long pop_order9, pop_order0, pop_frames, pop_refuse_order0_after = ~0UL;
static long fragmented_heap(unsigned long op, void *arg)
{
	struct xen_memory_reservation *r = arg;
	unsigned long n;

	if (op != __HYPERVISOR_memory_op || last_args[0] != XENMEM_populate_physmap)
		return 0;
	n = r->nr_extents;
	if (r->extent_order == 9) {
		n = n < 2 ? n : 2;
		pop_order9 += n;
	} else {
		if (pop_order0 + n > pop_refuse_order0_after)
			n = pop_refuse_order0_after - pop_order0;
		pop_order0 += n;
	}
	pop_frames += n << r->extent_order;
	return (long)n;
}

UNIT_TEST(tools_libs, populate_falls_back_to_4k_extents_when_no_2m_block_is_left)
{
	xc_interface *xch = open_fake(fragmented_heap);

	CU_ASSERT_PTR_NOT_NULL_FATAL(xch);
	pop_order9 = pop_order0 = pop_frames = 0;
	pop_refuse_order0_after = ~0UL;
	/* 16 MiB: 8 aligned 2 MiB extents in one batch; the hypervisor gives 2. */
	CU_ASSERT_EQUAL(pvh_mem_populate(xch, 4, 0, 16UL << 20), 0);
	CU_ASSERT_EQUAL(pop_order9, 2);
	CU_ASSERT_EQUAL(pop_order0, 6 * 512);
	CU_ASSERT_EQUAL(pop_frames, 4096);
	/* Out of memory for real (4 KiB extents refused too): an error, not a short guest. */
	pop_order9 = pop_order0 = pop_frames = 0;
	pop_refuse_order0_after = 700;
	CU_ASSERT_EQUAL(pvh_mem_populate(xch, 4, 0, 16UL << 20), -ENOMEM);
	xc_interface_close(xch);
}
