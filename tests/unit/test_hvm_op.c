/*
 * HYPERVISOR_hvm_op (arch/x86/hvm/hvm_op.c): who may set/get which HVM_PARAM_*
 * (the guest itself vs its controller, deprecated ones), value checks,
 * set-once params, bad indices, domains and handles, the per-vCPU upcall
 * vector, get_time, -ENOSYS sub-ops, and random arguments.
 */
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/sched.h>

#include "misc_test.h"

UNIT_SUITE(hvm_op);

static long param(struct domain *caller, bool set, domid_t dom, uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = {.domid = dom, .index = index, .value = *value};
	void *host;
	uint64_t gva = misc_put(caller, &p, sizeof(p), &host);
	long rc;

	fake_set_current(caller->vcpu[0]);
	rc = fake_hypercall2(__HYPERVISOR_hvm_op, set ? HVMOP_set_param : HVMOP_get_param, gva);
	memcpy(&p, host, sizeof(p));
	*value = p.value;
	return rc;
}

static long set(struct domain *caller, domid_t dom, uint32_t index, uint64_t value)
{
	return param(caller, true, dom, index, &value);
}

static long get(struct domain *caller, domid_t dom, uint32_t index, uint64_t *value)
{
	*value = 0xdeadbeef;
	return param(caller, false, dom, index, value);
}

UNIT_TEST(hvm_op, guest_sets_and_reads_its_callback_and_reads_its_rings)
{
	struct domain *ctl, *g;
	uint64_t v;

	misc_setup();
	ctl = misc_domain(0, ROLE_CONTROL, 1);
	g = misc_domain(1, ROLE_GUEST, 1);
	/* Linux PVH: CALLBACK_IRQ = vector type | 0xf3. */
	CU_ASSERT_EQUAL(set(g, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, (2ULL << 56) | 0xf3), 0);
	CU_ASSERT_EQUAL(get(g, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &v), 0);
	CU_ASSERT_EQUAL(v, (2ULL << 56) | 0xf3);
	CU_ASSERT_EQUAL(g->hvm_params[HVM_PARAM_CALLBACK_IRQ], (2ULL << 56) | 0xf3);
	/* Store and console rings: set by the toolstack, read by the guest. */
	CU_ASSERT_EQUAL(set(g, 1, HVM_PARAM_STORE_PFN, 0xfeffc), -EPERM);
	CU_ASSERT_EQUAL(set(ctl, 1, HVM_PARAM_STORE_PFN, 0xfeffc), 0);
	CU_ASSERT_EQUAL(set(ctl, 1, HVM_PARAM_CONSOLE_PFN, 0xfeffd), 0);
	CU_ASSERT_EQUAL(set(ctl, 1, HVM_PARAM_STORE_EVTCHN, 5), 0);
	CU_ASSERT_EQUAL(set(g, DOMID_SELF, HVM_PARAM_CONSOLE_EVTCHN, 6), 0); /* guest-writable */
	CU_ASSERT_EQUAL(get(g, DOMID_SELF, HVM_PARAM_STORE_PFN, &v), 0);
	CU_ASSERT_EQUAL(v, 0xfeffc);
	CU_ASSERT_EQUAL(get(g, 1, HVM_PARAM_CONSOLE_PFN, &v), 0);
	CU_ASSERT_EQUAL(v, 0xfeffd);
	CU_ASSERT_EQUAL(get(g, DOMID_SELF, HVM_PARAM_STORE_EVTCHN, &v), 0);
	CU_ASSERT_EQUAL(v, 5);
	CU_ASSERT_EQUAL(get(ctl, 1, HVM_PARAM_CONSOLE_EVTCHN, &v), 0);
	CU_ASSERT_EQUAL(v, 6);
	misc_teardown();
}

/* Tessera's rule (docs/security.md): the xenstore domain reads others' store ring and port only. */
UNIT_TEST(hvm_op, xenstore_domain_reads_store_params_of_others_and_nothing_more)
{
	struct domain *ctl, *xs, *g, *h;
	uint64_t v;

	misc_setup();
	ctl = misc_domain(0, ROLE_CONTROL, 1);
	xs = misc_domain(1, ROLE_XENSTORE, 1);
	g = misc_domain(2, ROLE_GUEST, 1);
	h = misc_domain(3, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL(set(ctl, 2, HVM_PARAM_STORE_PFN, 0xfeffc), 0);
	CU_ASSERT_EQUAL(set(ctl, 2, HVM_PARAM_STORE_EVTCHN, 7), 0);
	CU_ASSERT_EQUAL(get(xs, 2, HVM_PARAM_STORE_PFN, &v), 0);
	CU_ASSERT_EQUAL(v, 0xfeffc);
	CU_ASSERT_EQUAL(get(xs, 2, HVM_PARAM_STORE_EVTCHN, &v), 0);
	CU_ASSERT_EQUAL(v, 7);
	/* Nothing else of another domain, and no writes. */
	CU_ASSERT_EQUAL(get(xs, 2, HVM_PARAM_CONSOLE_PFN, &v), -EPERM);
	CU_ASSERT_EQUAL(get(xs, 2, HVM_PARAM_CALLBACK_IRQ, &v), -EPERM);
	CU_ASSERT_EQUAL(set(xs, 2, HVM_PARAM_STORE_EVTCHN, 9), -EPERM);
	CU_ASSERT_EQUAL(set(xs, 2, HVM_PARAM_STORE_PFN, 1), -EPERM);
	CU_ASSERT_EQUAL(g->hvm_params[HVM_PARAM_STORE_EVTCHN], 7);
	/* A plain guest gets none of it for another domain (its own stays readable). */
	CU_ASSERT_EQUAL(get(h, 2, HVM_PARAM_STORE_PFN, &v), -EPERM);
	CU_ASSERT_EQUAL(get(h, 2, HVM_PARAM_STORE_EVTCHN, &v), -EPERM);
	CU_ASSERT_EQUAL(get(g, DOMID_SELF, HVM_PARAM_STORE_EVTCHN, &v), 0);
	/* Bad domains are still -ESRCH. */
	CU_ASSERT_EQUAL(get(xs, 42, HVM_PARAM_STORE_PFN, &v), -ESRCH);
	misc_teardown();
}

UNIT_TEST(hvm_op, control_only_deprecated_and_bad_requests_are_refused)
{
	struct domain *ctl, *g, *h, *pv;
	struct domain_create_args args = fake_domain_args("pv", ROLE_GUEST, 1);
	uint64_t v;

	misc_setup();
	ctl = misc_domain(0, ROLE_CONTROL, 1);
	h = misc_domain(2, ROLE_GUEST, 1);
	g = misc_domain(1, ROLE_GUEST, 1);
	/* Control-only params: -EPERM to the guest, both ways. */
	CU_ASSERT_EQUAL(set(g, DOMID_SELF, HVM_PARAM_TIMER_MODE, 1), -EPERM);
	CU_ASSERT_EQUAL(get(g, DOMID_SELF, HVM_PARAM_TIMER_MODE, &v), -EPERM);
	CU_ASSERT_EQUAL(set(g, DOMID_SELF, HVM_PARAM_IDENT_PT, 0x1000), -EPERM);
	CU_ASSERT_EQUAL(set(g, DOMID_SELF, HVM_PARAM_ALTP2M, 0), -EPERM);
	CU_ASSERT_EQUAL(g->hvm_params[HVM_PARAM_TIMER_MODE], 0);
	/* Deprecated: -EINVAL for everyone. */
	CU_ASSERT_EQUAL(set(g, DOMID_SELF, HVM_PARAM_PAE_ENABLED, 1), -EINVAL);
	CU_ASSERT_EQUAL(get(ctl, 1, HVM_PARAM_NESTEDHVM, &v), -EINVAL);
	/* Another guest's params: -EPERM, even the guest-writable ones. */
	CU_ASSERT_EQUAL(set(g, 2, HVM_PARAM_CALLBACK_IRQ, 1), -EPERM);
	CU_ASSERT_EQUAL(get(g, 2, HVM_PARAM_STORE_PFN, &v), -EPERM);
	/* Bad index, unknown domain, bad handle. */
	CU_ASSERT_EQUAL(set(g, DOMID_SELF, HVM_NR_PARAMS, 1), -EINVAL);
	CU_ASSERT_EQUAL(get(g, DOMID_SELF, 0xffffffffu, &v), -EINVAL);
	CU_ASSERT_EQUAL(set(g, 42, HVM_PARAM_CALLBACK_IRQ, 1), -ESRCH);
	fake_set_current(g->vcpu[0]);
	CU_ASSERT_EQUAL(
	    fake_hypercall2(__HYPERVISOR_hvm_op, HVMOP_set_param, fake_guest_end(g) - 8), -EFAULT);
	CU_ASSERT_EQUAL(fake_hypercall2(__HYPERVISOR_hvm_op, HVMOP_get_param, 0), -EFAULT);
	/* The controller: value checks and set-once params. */
	CU_ASSERT_EQUAL(set(ctl, 1, HVM_PARAM_TIMER_MODE, HVMPTM_one_missed_tick_pending + 1),
			-EINVAL);
	CU_ASSERT_EQUAL(set(ctl, 1, HVM_PARAM_TIMER_MODE, HVMPTM_no_missed_ticks_pending), 0);
	CU_ASSERT_EQUAL(get(ctl, 1, HVM_PARAM_TIMER_MODE, &v), 0);
	CU_ASSERT_EQUAL(v, HVMPTM_no_missed_ticks_pending);
	CU_ASSERT_EQUAL(set(ctl, 1, HVM_PARAM_VIRIDIAN, HVMPV_time_ref_count),
			-EINVAL); /* no base_freq */
	CU_ASSERT_EQUAL(set(ctl, 1, HVM_PARAM_VIRIDIAN, HVMPV_base_freq), 0);
	CU_ASSERT_EQUAL(set(ctl, 1, HVM_PARAM_VIRIDIAN, HVMPV_base_freq), 0); /* same value: fine */
	CU_ASSERT_EQUAL(set(ctl, 1, HVM_PARAM_VIRIDIAN, HVMPV_base_freq | HVMPV_no_freq), -EEXIST);
	CU_ASSERT_EQUAL(set(ctl, 1, HVM_PARAM_NR_IOREQ_SERVER_PAGES, 0), -EINVAL);
	CU_ASSERT_EQUAL(set(ctl, 1, HVM_PARAM_NR_IOREQ_SERVER_PAGES, 65), -EINVAL);
	CU_ASSERT_EQUAL(set(ctl, 1, HVM_PARAM_TRIPLE_FAULT_REASON, SHUTDOWN_MAX + 1), -EINVAL);
	CU_ASSERT_EQUAL(set(ctl, 1, HVM_PARAM_ALTP2M, XEN_ALTP2M_mixed), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(set(g, DOMID_SELF, HVM_PARAM_X87_FIP_WIDTH, 2), -EINVAL);
	CU_ASSERT_EQUAL(set(g, DOMID_SELF, HVM_PARAM_X87_FIP_WIDTH, 8), 0);
	/* VM86_TSS: the legacy form becomes the sized one; above 4 GiB from the guest crashes it.
	 */
	CU_ASSERT_EQUAL(set(ctl, 1, HVM_PARAM_VM86_TSS, 0x5000), 0);
	CU_ASSERT_EQUAL(get(ctl, 1, HVM_PARAM_VM86_TSS, &v), 0);
	CU_ASSERT_EQUAL(v, 0x5000);
	CU_ASSERT_EQUAL(get(ctl, 1, HVM_PARAM_VM86_TSS_SIZED, &v), 0);
	CU_ASSERT_EQUAL(v >> 32, 128);
	CU_ASSERT_EQUAL(set(g, DOMID_SELF, HVM_PARAM_VM86_TSS, 1ULL << 32), -EINVAL);
	CU_ASSERT_TRUE(g->is_shutting_down);
	/* A PV domain has no HVM params. */
	args.mode = GUEST_MODE_PV;
	CU_ASSERT_EQUAL_FATAL(domain_create(3, &args, &pv), 0);
	fake_guest_attach(pv, 0);
	CU_ASSERT_EQUAL(set(ctl, 3, HVM_PARAM_CALLBACK_IRQ, 1), -EINVAL);
	CU_ASSERT_EQUAL(set(pv, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, 1), -EINVAL);
	(void)h;
	misc_teardown();
}

UNIT_TEST(hvm_op, upcall_vector_is_per_vcpu_and_at_least_0x10)
{
	struct xen_hvm_evtchn_upcall_vector op = {.vcpu = 1, .vector = 0xf3};
	struct domain *g;

	misc_setup();
	g = misc_domain(1, ROLE_GUEST, 2);
	CU_ASSERT_EQUAL(fake_hypercall2(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector,
					misc_put(g, &op, sizeof(op), NULL)),
			0);
	CU_ASSERT_EQUAL(g->vcpu[1]->arch.hvm.evtchn_upcall_vector, 0xf3);
	CU_ASSERT_EQUAL(g->vcpu[0]->arch.hvm.evtchn_upcall_vector, 0);
	op.vector = 0x0f;
	CU_ASSERT_EQUAL(fake_hypercall2(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector,
					misc_put(g, &op, sizeof(op), NULL)),
			-EINVAL);
	op.vector = 0x20;
	op.vcpu = 2;
	CU_ASSERT_EQUAL(fake_hypercall2(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector,
					misc_put(g, &op, sizeof(op), NULL)),
			-ENOENT);
	CU_ASSERT_EQUAL(fake_hypercall2(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, 0),
			-EFAULT);
	/* An upcall already pending is kicked out the new way. */
	g->vcpu[0]->vcpu_info->evtchn_upcall_pending = 1;
	fake_vcpu_kicks = 0;
	op.vcpu = 0;
	CU_ASSERT_EQUAL(fake_hypercall2(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector,
					misc_put(g, &op, sizeof(op), NULL)),
			0);
	CU_ASSERT_EQUAL(fake_vcpu_kicks, 1);
	misc_teardown();
}

UNIT_TEST(hvm_op, get_time_and_unimplemented_ops)
{
	struct xen_hvm_get_time *t;
	struct domain *g;
	uint64_t gva;

	misc_setup();
	g = misc_domain(1, ROLE_GUEST, 1);
	gva = fake_guest_alloc(g, sizeof(*t), (void **)&t);
	fake_now = SECONDS(42) + 7;
	CU_ASSERT_EQUAL(fake_hypercall2(__HYPERVISOR_hvm_op, HVMOP_get_time, gva), 0);
	CU_ASSERT_EQUAL(t->now, (uint64_t)(SECONDS(42) + 7));
	CU_ASSERT_EQUAL(fake_hypercall2(__HYPERVISOR_hvm_op, HVMOP_get_time, 0), -EFAULT);
	CU_ASSERT_EQUAL(fake_hypercall2(__HYPERVISOR_hvm_op, HVMOP_pagetable_dying, gva), -ENOSYS);
	CU_ASSERT_EQUAL(fake_hypercall2(__HYPERVISOR_hvm_op, HVMOP_flush_tlbs, 0), -ENOSYS);
	CU_ASSERT_EQUAL(fake_hypercall2(__HYPERVISOR_hvm_op, HVMOP_altp2m, gva), -ENOSYS);
	CU_ASSERT_EQUAL(fake_hypercall2(__HYPERVISOR_hvm_op, 1000, gva), -ENOSYS);
	misc_teardown();
}

UNIT_TEST(hvm_op, random_arguments_never_crash_or_leak)
{
	uint64_t seed = 0xabcdef0123456789ULL;
	struct domain *ctl, *g;
	uint64_t scratch[2];
	void *host[2];

	misc_setup();
	ctl = misc_domain(0, ROLE_CONTROL, 1);
	g = misc_domain(1, ROLE_GUEST, 2);
	scratch[0] = fake_guest_alloc(ctl, 32, &host[0]);
	scratch[1] = fake_guest_alloc(g, 32, &host[1]);
	for (unsigned int i = 0; i < 20000; i++) {
		unsigned int who = misc_rand(&seed) % 2;
		struct domain *d = who ? g : ctl;
		unsigned long op = misc_rand(&seed) % 27;
		unsigned long arg = misc_rand(&seed) % 3 ? scratch[who] : misc_rand_arg(&seed, d);
		struct xen_hvm_param *p = host[who];

		memset(host[who], 0, 32);
		p->domid =
		    (domid_t)(misc_rand(&seed) % 3 ? misc_rand(&seed) % 4 : misc_rand(&seed));
		p->index =
		    (uint32_t)(misc_rand(&seed) % 3 ? misc_rand(&seed) % 45 : misc_rand(&seed));
		p->value = misc_rand(&seed) % 2 ? misc_rand(&seed) % 16 : misc_rand(&seed);
		if (p->index == HVM_PARAM_VM86_TSS || p->index == HVM_PARAM_VM86_TSS_SIZED)
			continue; /* may crash the caller (by design); covered above */
		fake_set_current(d->vcpu[0]);
		(void)fake_hypercall2(__HYPERVISOR_hvm_op, op, arg);
	}
	misc_teardown();
}
