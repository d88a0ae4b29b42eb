/*
 * HYPERVISOR_sysctl (common/sysctl.c) through the dispatcher, as a control
 * domain (domid 0) or a guest, over the fake guest memory; readconsole over
 * the real console ring (common/console.c).
 */
#include <string.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/percpu.h>
#include <public/sysctl.h>
#include "fake_arch.h"
#include "fake_ctl.h"
#include "fake_guest.h"
#include "unit.h"

UNIT_SUITE(sysctl);

static struct domain *ctl;
static struct xen_sysctl *op;
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

static long sysctl(uint32_t cmd)
{
	op->cmd = cmd;
	op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	return fake_hypercall(__HYPERVISOR_sysctl, op_gva, 0, 0, 0, 0);
}

UNIT_TEST(sysctl, guest_caller_gets_eperm)
{
	struct hypercall_args a = {{0}};
	struct xen_sysctl *gop;
	struct domain *g;
	uint64_t gva;

	setup();
	g = fake_domain_create(1, ROLE_XENSTORE, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	gva = fake_guest_alloc(g, sizeof(*gop), (void **)&gop);
	gop->cmd = XEN_SYSCTL_physinfo;
	gop->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	fake_set_current(g->vcpu[0]);
	CU_ASSERT_EQUAL(fake_hypercall(__HYPERVISOR_sysctl, gva, 0, 0, 0, 0), -EPERM);
	a.a[0] = gva;
	CU_ASSERT_EQUAL(do_sysctl(&a), -EPERM);
	CU_ASSERT_EQUAL(gop->u.physinfo.total_pages, 0); /* nothing written */
	teardown();
}

UNIT_TEST(sysctl, wrong_interface_version_is_eacces_and_bad_handles_efault)
{
	setup();
	op->cmd = XEN_SYSCTL_physinfo;
	op->interface_version = XEN_SYSCTL_INTERFACE_VERSION + 1;
	CU_ASSERT_EQUAL(fake_hypercall(__HYPERVISOR_sysctl, op_gva, 0, 0, 0, 0), -EACCES);
	CU_ASSERT_EQUAL(op->u.physinfo.nr_cpus, 0);
	CU_ASSERT_EQUAL(fake_hypercall(__HYPERVISOR_sysctl, 0, 0, 0, 0, 0), -EFAULT);
	CU_ASSERT_EQUAL(fake_hypercall(__HYPERVISOR_sysctl, fake_guest_end(ctl) - 8, 0, 0, 0, 0),
			-EFAULT);
	/* The copy back fails. */
	op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	fake_copy_fail_after = 1;
	CU_ASSERT_EQUAL(fake_hypercall(__HYPERVISOR_sysctl, op_gva, 0, 0, 0, 0), -EFAULT);
	fake_copy_fail_after = -1;
	teardown();
}

UNIT_TEST(sysctl, physinfo_reports_cpus_memory_and_honest_capabilities)
{
	struct xen_sysctl_physinfo *pi;
	struct domain *d;

	setup();
	pi = &op->u.physinfo;
	memset(pi, 0xff, sizeof(*pi));
	fake_cpu_khz = 3000123;
	CU_ASSERT_EQUAL(sysctl(XEN_SYSCTL_physinfo), 0);
	CU_ASSERT_EQUAL(pi->nr_cpus, nr_cpus_online);
	CU_ASSERT_EQUAL(pi->threads_per_core, 1);
	CU_ASSERT_EQUAL(pi->cores_per_socket, nr_cpus_online);
	CU_ASSERT_EQUAL(pi->max_cpu_id, NR_CPUS - 1);
	CU_ASSERT_EQUAL(pi->nr_nodes, 1);
	CU_ASSERT_EQUAL(pi->max_node_id, 0);
	CU_ASSERT_EQUAL(pi->cpu_khz, 3000123);
	CU_ASSERT_EQUAL(pi->capabilities, XEN_SYSCTL_PHYSCAP_gnttab_v1);
	/* hvm and hap once the CPU runs PVH guests (SVM with NPT), as Xen reports them. */
	fake_hvm_hap = true;
	CU_ASSERT_EQUAL(sysctl(XEN_SYSCTL_physinfo), 0);
	CU_ASSERT_EQUAL(pi->capabilities, XEN_SYSCTL_PHYSCAP_gnttab_v1 | XEN_SYSCTL_PHYSCAP_hvm |
					      XEN_SYSCTL_PHYSCAP_hap);
	fake_hvm_hap = false;
	CU_ASSERT_EQUAL(pi->arch_capabilities, 0);
	CU_ASSERT_EQUAL(pi->total_pages, 4096);
	CU_ASSERT_EQUAL(pi->free_pages, total_free_pages());
	CU_ASSERT_EQUAL(pi->max_mfn, 4095);
	CU_ASSERT_EQUAL(pi->scrub_pages, 0);
	CU_ASSERT_EQUAL(pi->hw_cap[7], 0);
	/* Free pages follow allocations. */
	d = fake_domain_create(3, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_PTR_NOT_NULL(alloc_domain_pages(d, 4));
	CU_ASSERT_EQUAL(sysctl(XEN_SYSCTL_physinfo), 0);
	CU_ASSERT_EQUAL(pi->free_pages, total_free_pages());
	CU_ASSERT_EQUAL(pi->total_pages, 4096);
	teardown();
}

/* Ask for up to max records from first into buf (a guest address of ctl). */
static long infolist(domid_t first, uint32_t max, uint64_t buf)
{
	memset(&op->u, 0, sizeof(op->u));
	op->u.getdomaininfolist.first_domain = first;
	op->u.getdomaininfolist.max_domains = max;
	set_xen_guest_handle(op->u.getdomaininfolist.buffer, (xen_domctl_getdomaininfo_t *)buf);
	return sysctl(XEN_SYSCTL_getdomaininfolist);
}

UNIT_TEST(sysctl, getdomaininfolist_walks_the_domains_in_order)
{
	static const domid_t ids[] = {4, 9, 2, 30};
	xen_domctl_getdomaininfo_t *info;
	uint64_t buf;

	setup();
	for (unsigned int i = 0; i < 4; i++)
		CU_ASSERT_PTR_NOT_NULL_FATAL(fake_domain_create(ids[i], ROLE_GUEST, 1));
	buf = fake_guest_alloc(ctl, 8 * sizeof(*info), (void **)&info);

	CU_ASSERT_EQUAL(infolist(0, 8, buf), 0);
	CU_ASSERT_EQUAL(op->u.getdomaininfolist.num_domains, 5);
	CU_ASSERT_EQUAL(info[0].domain, 0);
	CU_ASSERT_EQUAL(info[1].domain, 2);
	CU_ASSERT_EQUAL(info[2].domain, 4);
	CU_ASSERT_EQUAL(info[3].domain, 9);
	CU_ASSERT_EQUAL(info[4].domain, 30);
	CU_ASSERT(info[3].flags & XEN_DOMINF_paused);

	/* A buffer too small: the first ones only. */
	memset(info, 0, 8 * sizeof(*info));
	CU_ASSERT_EQUAL(infolist(0, 2, buf), 0);
	CU_ASSERT_EQUAL(op->u.getdomaininfolist.num_domains, 2);
	CU_ASSERT_EQUAL(info[1].domain, 2);
	CU_ASSERT_EQUAL(info[2].domain, 0); /* untouched */

	/* From an id on; past the last; none asked for. */
	CU_ASSERT_EQUAL(infolist(5, 8, buf), 0);
	CU_ASSERT_EQUAL(op->u.getdomaininfolist.num_domains, 2);
	CU_ASSERT_EQUAL(info[0].domain, 9);
	CU_ASSERT_EQUAL(info[1].domain, 30);
	CU_ASSERT_EQUAL(infolist(31, 8, buf), 0);
	CU_ASSERT_EQUAL(op->u.getdomaininfolist.num_domains, 0);
	CU_ASSERT_EQUAL(infolist(0, 0, buf), 0);
	CU_ASSERT_EQUAL(op->u.getdomaininfolist.num_domains, 0);
	CU_ASSERT_EQUAL(infolist(DOMID_SELF, 8, buf), 0);
	CU_ASSERT_EQUAL(op->u.getdomaininfolist.num_domains, 0);
	teardown();
}

UNIT_TEST(sysctl, getdomaininfolist_into_bad_memory_is_efault_without_leaking_references)
{
	uint64_t end;
	struct domain *d;

	setup();
	d = fake_domain_create(5, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fake_domain_create(6, ROLE_GUEST, 1));
	CU_ASSERT_EQUAL(infolist(0, 3, 0x10), -EFAULT);
	/* Room for one record at the end of guest memory, three asked for. */
	end = fake_guest_end(ctl);
	CU_ASSERT_EQUAL(infolist(0, 3, end - sizeof(xen_domctl_getdomaininfo_t)), -EFAULT);
	CU_ASSERT_EQUAL(op->u.getdomaininfolist.max_domains, 3); /* no copy back on failure */
	CU_ASSERT_EQUAL(op->u.getdomaininfolist.num_domains, 0); /* though one record was written */
	/* Every reference the walk took was dropped: the list's own is the only one. */
	CU_ASSERT_EQUAL(d->refcnt, 1);
	CU_ASSERT_EQUAL(ctl->refcnt, 1);
	teardown();
}

/* readconsole into buf (a guest address); returns the result. */
static long readconsole(uint64_t buf, uint32_t count, bool incremental, uint32_t index, bool clear)
{
	memset(&op->u, 0, sizeof(op->u));
	op->u.readconsole.clear = clear;
	op->u.readconsole.incremental = incremental;
	op->u.readconsole.index = index;
	op->u.readconsole.count = count;
	set_xen_guest_handle(op->u.readconsole.buffer, (char *)buf);
	return sysctl(XEN_SYSCTL_readconsole);
}

UNIT_TEST(sysctl, readconsole_returns_what_was_logged)
{
	static const char msg[] = "d1: hello from the console\n";
	char *host, big[CONSOLE_RING_SIZE + 1000];
	uint32_t idx;
	uint64_t buf;

	setup();
	buf = fake_guest_alloc(ctl, CONSOLE_RING_SIZE + 64, (void **)&host);
	/* Drain what earlier tests logged. */
	CU_ASSERT_EQUAL(readconsole(buf, CONSOLE_RING_SIZE + 64, false, 0, true), 0);
	idx = op->u.readconsole.index;
	CU_ASSERT_EQUAL(readconsole(buf, 100, false, 0, false), 0);
	CU_ASSERT_EQUAL(op->u.readconsole.count, 0);

	console_puts_raw(msg, strlen(msg));
	CU_ASSERT_EQUAL(readconsole(buf, 100, false, 0, false), 0);
	CU_ASSERT_EQUAL(op->u.readconsole.count, strlen(msg));
	CU_ASSERT_EQUAL(memcmp(host, msg, strlen(msg)), 0);
	CU_ASSERT_EQUAL(op->u.readconsole.index, idx + strlen(msg));
	/* Without clear, the same again; a small buffer gets the start. */
	memset(host, 0, 100);
	CU_ASSERT_EQUAL(readconsole(buf, 5, false, 0, false), 0);
	CU_ASSERT_EQUAL(op->u.readconsole.count, 5);
	CU_ASSERT_EQUAL(memcmp(host, "d1: h", 5), 0);
	CU_ASSERT_EQUAL(host[5], 0);
	CU_ASSERT_EQUAL(op->u.readconsole.index, idx + 5);
	/* Incremental: on from where the last read stopped. */
	CU_ASSERT_EQUAL(readconsole(buf, 100, true, idx + 5, false), 0);
	CU_ASSERT_EQUAL(op->u.readconsole.count, strlen(msg) - 5);
	CU_ASSERT_EQUAL(memcmp(host, msg + 5, strlen(msg) - 5), 0);
	/* Clear: consumed, a plain read is empty after. */
	CU_ASSERT_EQUAL(readconsole(buf, 100, false, 0, true), 0);
	CU_ASSERT_EQUAL(readconsole(buf, 100, false, 0, false), 0);
	CU_ASSERT_EQUAL(op->u.readconsole.count, 0);

	/* More than the ring holds: the newest CONSOLE_RING_SIZE bytes, in order. */
	for (unsigned int i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	console_puts_raw(big, sizeof(big));
	CU_ASSERT_EQUAL(readconsole(buf, CONSOLE_RING_SIZE + 64, false, 0, false), 0);
	CU_ASSERT_EQUAL(op->u.readconsole.count, CONSOLE_RING_SIZE);
	CU_ASSERT_EQUAL(memcmp(host, big + 1000, CONSOLE_RING_SIZE), 0);
	/* An incremental index that fell out of the ring restarts at the oldest byte. */
	CU_ASSERT_EQUAL(readconsole(buf, 26, true, idx, false), 0);
	CU_ASSERT_EQUAL(op->u.readconsole.count, 26);
	CU_ASSERT_EQUAL(memcmp(host, big + 1000, 26), 0);

	/* A buffer the guest cannot write: -EFAULT, nothing consumed. */
	CU_ASSERT_EQUAL(readconsole(fake_guest_end(ctl) - 10, 100, false, 0, true), -EFAULT);
	CU_ASSERT_EQUAL(readconsole(buf, 1, false, 0, false), 0);
	CU_ASSERT_EQUAL(op->u.readconsole.count, 1);
	CU_ASSERT_EQUAL(host[0], big[1000]);
	CU_ASSERT_EQUAL(readconsole(buf, CONSOLE_RING_SIZE + 64, false, 0, true), 0); /* drain */
	teardown();
}

UNIT_TEST(sysctl, unimplemented_commands_are_enosys)
{
	static const uint32_t cmds[] = {0,
					XEN_SYSCTL_tbuf_op,
					XEN_SYSCTL_sched_id,
					XEN_SYSCTL_perfc_op,
					XEN_SYSCTL_debug_keys,
					XEN_SYSCTL_getcpuinfo,
					XEN_SYSCTL_availheap,
					XEN_SYSCTL_cpupool_op,
					XEN_SYSCTL_scheduler_op,
					13,
					24,
					28,
					XEN_SYSCTL_livepatch_op,
					XEN_SYSCTL_get_cpu_policy,
					30,
					1000,
					0xffffffffu};

	setup();
	for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		memset(&op->u, 0x5a, sizeof(op->u));
		CU_ASSERT_EQUAL(sysctl(cmds[i]), -ENOSYS);
		CU_ASSERT_EQUAL(op->u.pad[0], 0x5a); /* no copy back */
	}
	teardown();
}

static uint64_t rng_state;
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

UNIT_TEST(sysctl, random_commands_and_payloads_never_crash_or_leak)
{
	uint64_t buf;

	rng_state = 0x1234567887654321ULL;
	setup();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fake_domain_create(3, ROLE_GUEST, 2));
	buf = fake_guest_alloc(ctl, 4096, NULL);
	for (unsigned int i = 0; i < 20000; i++) {
		uint64_t r = rng();
		uint8_t *raw = (uint8_t *)op;
		long rc;

		for (unsigned int j = 0; j < sizeof(*op); j++)
			raw[j] = (uint8_t)rng();
		if (r & 7)
			op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
		if (r & 0x18)
			op->cmd = (uint32_t)((r >> 8) % 8);
		/* Often a real buffer, with a count that may or may not fit it. */
		if (r & 0x20) {
			set_xen_guest_handle(op->u.readconsole.buffer,
					     (char *)(buf + ((r >> 16) % 64)));
			op->u.readconsole.count = (uint32_t)((r >> 24) % 8192);
		}
		if (op->cmd == XEN_SYSCTL_getdomaininfolist && (r & 0x40)) {
			set_xen_guest_handle(
			    op->u.getdomaininfolist.buffer,
			    (xen_domctl_getdomaininfo_t *)(buf + ((r >> 16) % 64)));
			op->u.getdomaininfolist.max_domains = (uint32_t)((r >> 24) % 64);
		}
		if ((r >> 48) % 32 == 0)
			fake_copy_fail_after = (long)((r >> 53) % 3);
		rc = fake_hypercall(__HYPERVISOR_sysctl, (r >> 56) % 64 ? op_gva : (uint64_t)r, 0,
				    0, 0, 0);
		fake_copy_fail_after = -1;
		CU_ASSERT(rc == 0 || rc == -EFAULT || rc == -EACCES || rc == -ENOSYS);
	}
	CU_ASSERT_EQUAL(ctl->refcnt, 1);
	teardown();
}
