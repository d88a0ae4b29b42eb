/*
 * Hypercall dispatch (common/hypercall.c): numbers without a handler,
 * the role check, continuations re-executed by the (fake) arch until done,
 * nesting; role checks (common/privilege.c); guest copies
 * (common/guest_access.c) over the fake guest memory, including partial
 * and out-of-range copies.
 */
#include <stddef.h>
#include <string.h>
#include <public/xen.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/guest_access.h>
#include <tessera/hypercall.h>
#include <tessera/privilege.h>
#include <tessera/sched.h>
#include <tessera/softirq.h>
#include "fake_guest.h"
#include "unit.h"

#define FRAMES 1024

UNIT_SUITE(hypercall);
UNIT_SUITE(privilege);
UNIT_SUITE(guest_access);

static struct domain *guest, *ctl, *store;

static void setup(void)
{
	fake_abi_setup(FRAMES);
	ctl = fake_domain_create(0, ROLE_CONTROL, 1);
	store = fake_domain_create(1, ROLE_XENSTORE, 1);
	guest = fake_domain_create(2, ROLE_GUEST, 1);
	CU_ASSERT_FATAL(ctl && store && guest);
	fake_set_current(guest->vcpu[0]);
}

static void teardown(void)
{
	CU_ASSERT_EQUAL(fake_abi_teardown(), 0);
}

/* --- dispatch --- */

static unsigned int calls;
static struct hypercall_args seen;

static long h_echo(const struct hypercall_args *a)
{
	calls++;
	seen = *a;
	return (long)(a->a[0] + a->a[1]);
}

UNIT_TEST(hypercall, numbers_without_a_handler_are_enosys)
{
	static const unsigned long nrs[] = {11,
					    43,
					    47,
					    __HYPERVISOR_set_trap_table,
					    __HYPERVISOR_mmu_update,
					    __HYPERVISOR_arch_0,
					    NR_HYPERCALLS - 1};

	setup();
	for (unsigned int i = 0; i < ARRAY_SIZE(nrs); i++)
		CU_ASSERT_EQUAL(fake_hypercall(nrs[i], 1, 2, 3, 4, 5), -ENOSYS);
	teardown();
}

UNIT_TEST(hypercall, numbers_past_the_table_are_enosys)
{
	setup();
	CU_ASSERT_EQUAL(fake_hypercall(NR_HYPERCALLS, 0, 0, 0, 0, 0), -ENOSYS);
	CU_ASSERT_EQUAL(fake_hypercall(NR_HYPERCALLS + 1, 0, 0, 0, 0, 0), -ENOSYS);
	CU_ASSERT_EQUAL(fake_hypercall(0x100000000UL + FAKE_HC_OPEN, 0, 0, 0, 0, 0), -ENOSYS);
	CU_ASSERT_EQUAL(fake_hypercall(~0UL, 0, 0, 0, 0, 0), -ENOSYS);
	teardown();
}

UNIT_TEST(hypercall, handler_gets_the_arguments_and_its_result_is_returned)
{
	setup();
	calls = 0;
	fake_hc_open_fn = h_echo;
	CU_ASSERT_EQUAL(fake_hypercall(FAKE_HC_OPEN, 40, 2, 3, 4, 5), 42);
	CU_ASSERT_EQUAL(calls, 1);
	CU_ASSERT_EQUAL(seen.a[2], 3);
	CU_ASSERT_EQUAL(seen.a[4], 5);
	CU_ASSERT_EQUAL(fake_hypercall_restarts, 0);
	teardown();
}

UNIT_TEST(hypercall, role_needed_is_checked_before_the_handler_runs)
{
	setup();
	calls = 0;
	fake_hc_control_fn = h_echo;
	CU_ASSERT_EQUAL(fake_hypercall(FAKE_HC_CONTROL, 1, 1, 0, 0, 0), -EPERM);
	fake_set_current(store->vcpu[0]);
	CU_ASSERT_EQUAL(fake_hypercall(FAKE_HC_CONTROL, 1, 1, 0, 0, 0), -EPERM);
	CU_ASSERT_EQUAL(calls, 0);
	fake_set_current(ctl->vcpu[0]);
	CU_ASSERT_EQUAL(fake_hypercall(FAKE_HC_CONTROL, 1, 1, 0, 0, 0), 2);
	CU_ASSERT_EQUAL(calls, 1);
	teardown();
}

UNIT_TEST(hypercall, domctl_and_sysctl_need_the_control_role)
{
	setup();
	/* From the guest: refused by the dispatcher whether or not the handler is linked here. */
	CU_ASSERT(fake_hypercall(__HYPERVISOR_domctl, 0, 0, 0, 0, 0) == -EPERM ||
		  fake_hypercall(__HYPERVISOR_domctl, 0, 0, 0, 0, 0) == -ENOSYS);
	CU_ASSERT(fake_hypercall(__HYPERVISOR_sysctl, 0, 0, 0, 0, 0) == -EPERM ||
		  fake_hypercall(__HYPERVISOR_sysctl, 0, 0, 0, 0, 0) == -ENOSYS);
	teardown();
}

/* Continues with a[0] + 1 until a[0] reaches a[1]; a[2] counts the runs the guest saw. */
static long h_count_up(const struct hypercall_args *a)
{
	calls++;
	if (a->a[0] < a->a[1])
		return hypercall_create_continuation(FAKE_HC_OPEN, "lli", a->a[0] + 1, a->a[1],
						     (unsigned int)a->a[2] + 1);
	return (long)(a->a[0] * 1000 + a->a[2]);
}

UNIT_TEST(hypercall, continuation_is_re_executed_with_new_arguments_until_done)
{
	setup();
	calls = 0;
	fake_hc_open_fn = h_count_up;
	CU_ASSERT_EQUAL(fake_hypercall(FAKE_HC_OPEN, 0, 3, 0, 0, 0), 3003);
	CU_ASSERT_EQUAL(calls, 4);
	CU_ASSERT_EQUAL(fake_hypercall_restarts, 3);
	teardown();
}

UNIT_TEST(hypercall, dispatch_returns_erestart_and_updates_args_in_place)
{
	struct hypercall_args a = {{5, 9, 0, 77, 88}};

	setup();
	fake_hc_open_fn = h_count_up;
	CU_ASSERT_EQUAL(hypercall_dispatch(FAKE_HC_OPEN, &a), -ERESTART);
	CU_ASSERT_EQUAL(a.a[0], 6);
	CU_ASSERT_EQUAL(a.a[1], 9);
	CU_ASSERT_EQUAL(a.a[2], 1);
	/* Arguments the format does not name stay as they were. */
	CU_ASSERT_EQUAL(a.a[3], 77);
	CU_ASSERT_EQUAL(a.a[4], 88);
	teardown();
}

static long h_int_and_handle(const struct hypercall_args *a)
{
	if (a->a[0] == 0)
		return hypercall_create_continuation(FAKE_HC_OPEN, "ih", -1, (void *)0x1234);
	return 0;
}

UNIT_TEST(hypercall, continuation_formats_truncate_ints_and_keep_handles)
{
	struct hypercall_args a = {{0, 0, 0, 0, 0}};

	setup();
	fake_hc_open_fn = h_int_and_handle;
	CU_ASSERT_EQUAL(hypercall_dispatch(FAKE_HC_OPEN, &a), -ERESTART);
	CU_ASSERT_EQUAL(a.a[0], 0xFFFFFFFFUL);
	CU_ASSERT_EQUAL(a.a[1], 0x1234);
	teardown();
}

static unsigned int plain_restarts_left;

static long h_plain_restart(const struct hypercall_args *a)
{
	calls++;
	seen = *a;
	if (plain_restarts_left) {
		plain_restarts_left--;
		return -ERESTART; /* as domctl destroydomain: run again, same arguments */
	}
	return 7;
}

UNIT_TEST(hypercall, erestart_without_continuation_reruns_with_the_same_arguments)
{
	setup();
	calls = 0;
	plain_restarts_left = 2;
	fake_hc_open_fn = h_plain_restart;
	CU_ASSERT_EQUAL(fake_hypercall(FAKE_HC_OPEN, 11, 22, 33, 44, 55), 7);
	CU_ASSERT_EQUAL(calls, 3);
	CU_ASSERT_EQUAL(seen.a[0], 11);
	CU_ASSERT_EQUAL(seen.a[4], 55);
	teardown();
}

/* A multicall-like handler: runs FAKE_HC_OPEN inside and reports what its continuation did. */
static struct hypercall_args inner_args;
static long inner_ret;

static long h_outer(const struct hypercall_args *a)
{
	inner_args = (struct hypercall_args){{1, 2, 0, 0, 0}};
	fake_hc_open_fn = h_count_up;
	inner_ret = hypercall_dispatch(FAKE_HC_OPEN, &inner_args);
	/* The outer call's own continuation still works after the nested one. */
	if (a->a[0] == 0)
		return hypercall_create_continuation(FAKE_HC_CONTROL, "l", 1UL);
	return 99;
}

UNIT_TEST(hypercall, nested_dispatch_keeps_each_calls_continuation_apart)
{
	struct hypercall_args a = {{0, 0, 0, 0, 0}};

	setup();
	fake_set_current(ctl->vcpu[0]);
	fake_hc_control_fn = h_outer;
	CU_ASSERT_EQUAL(hypercall_dispatch(FAKE_HC_CONTROL, &a), -ERESTART);
	CU_ASSERT_EQUAL(inner_ret, -ERESTART);
	CU_ASSERT_EQUAL(inner_args.a[0], 2);
	CU_ASSERT_EQUAL(inner_args.a[2], 1);
	CU_ASSERT_EQUAL(a.a[0], 1); /* the outer arguments got the outer continuation only */
	CU_ASSERT_EQUAL(a.a[1], 0);
	CU_ASSERT_EQUAL(hypercall_dispatch(FAKE_HC_CONTROL, &a), 99);
	teardown();
}

UNIT_TEST(hypercall, preempt_check_follows_pending_softirqs_and_the_fake)
{
	setup();
	CU_ASSERT_FALSE(hypercall_preempt_check());
	fake_preempt_after(1);
	CU_ASSERT_FALSE(hypercall_preempt_check());
	CU_ASSERT_TRUE(hypercall_preempt_check());
	CU_ASSERT_FALSE(hypercall_preempt_check());
	CU_ASSERT_TRUE(hypercall_preempt_check());
	fake_preempt_after(-1);
	CU_ASSERT_FALSE(hypercall_preempt_check());
	raise_softirq(NR_SOFTIRQS - 1);
	CU_ASSERT_TRUE(hypercall_preempt_check());
	do_softirq(); /* no handler for that number: the bit just clears */
	CU_ASSERT_FALSE(hypercall_preempt_check());
	teardown();
}

/* xorshift: reproducible random numbers. */
static uint64_t rnd_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

UNIT_TEST(hypercall, random_calls_from_unprivileged_domains_never_crash_or_leak)
{
	enum { BUF = 512 };

	setup();
	CU_ASSERT_EQUAL(domain_unpause_by_controller(guest), 0);
	for (unsigned int iter = 0; iter < 20000; iter++) {
		struct domain *me = iter % 2 ? guest : store;
		unsigned long a[HYPERCALL_MAX_ARGS], nr;
		unsigned char *host;
		uint64_t gva;

		fake_set_current(me->vcpu[0]);
		/* A fresh guest buffer of random bytes for pointer arguments to land in. */
		fake_guest_attach(me, 4 * BUF);
		gva = fake_guest_alloc(me, BUF, (void **)&host);
		for (unsigned int i = 0; i < BUF; i++)
			host[i] = (unsigned char)rnd();
		nr = rnd() % 8 ? rnd() % NR_HYPERCALLS : rnd();
		if (nr == FAKE_HC_OPEN || nr == FAKE_HC_CONTROL)
			nr = __HYPERVISOR_xen_version;
		for (unsigned int i = 0; i < HYPERCALL_MAX_ARGS; i++) {
			switch (rnd() % 4) {
			case 0:
				a[i] = rnd() % 64; /* small: sub-op numbers, counts */
				break;
			case 1:
				a[i] = gva + rnd() % BUF; /* into guest memory */
				break;
			case 2:
				a[i] = gva;
				break;
			default:
				a[i] = rnd();
			}
		}
		if (rnd() % 16 == 0)
			fake_preempt_after((long)(rnd() % 3));
		(void)fake_hypercall(nr, a[0], a[1], a[2], a[3], a[4]);
		fake_preempt_after(-1);
		/* Nobody but the control domain can make another domain die. */
		CU_ASSERT_FATAL(guest->state == DOMAIN_ALIVE && store->state == DOMAIN_ALIVE &&
				ctl->state == DOMAIN_ALIVE);
	}
	teardown();
}

/* --- privilege --- */

UNIT_TEST(privilege, target_is_self_or_the_control_domain)
{
	setup();
	CU_ASSERT_EQUAL(priv_target(guest, guest), 0);
	CU_ASSERT_EQUAL(priv_target(ctl, guest), 0);
	CU_ASSERT_EQUAL(priv_target(guest, ctl), -EPERM);
	CU_ASSERT_EQUAL(priv_target(store, guest), -EPERM);
	CU_ASSERT_EQUAL(priv_target(guest, store), -EPERM);
	teardown();
}

UNIT_TEST(privilege, foreign_map_is_for_the_control_domain_on_others)
{
	setup();
	CU_ASSERT_EQUAL(priv_foreign_map(ctl, guest), 0);
	CU_ASSERT_EQUAL(priv_foreign_map(ctl, store), 0);
	CU_ASSERT_EQUAL(priv_foreign_map(ctl, ctl), -EPERM);
	CU_ASSERT_EQUAL(priv_foreign_map(guest, guest), -EPERM);
	CU_ASSERT_EQUAL(priv_foreign_map(guest, ctl), -EPERM);
	CU_ASSERT_EQUAL(priv_foreign_map(store, guest), -EPERM);
	teardown();
}

UNIT_TEST(privilege, control_is_the_control_role_only)
{
	setup();
	CU_ASSERT_EQUAL(priv_control(ctl), 0);
	CU_ASSERT_EQUAL(priv_control(store), -EPERM);
	CU_ASSERT_EQUAL(priv_control(guest), -EPERM);
	teardown();
}

UNIT_TEST(privilege, xenstore_ops_for_the_store_or_the_control_domain)
{
	struct domain *both;

	setup();
	both = fake_domain_create(9, ROLE_CONTROL | ROLE_XENSTORE, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(both);
	CU_ASSERT_EQUAL(priv_xenstore(store, guest), 0);
	CU_ASSERT_EQUAL(priv_xenstore(ctl, guest), 0);
	CU_ASSERT_EQUAL(priv_xenstore(both, guest), 0);
	CU_ASSERT_EQUAL(priv_xenstore(guest, guest), -EPERM);
	CU_ASSERT_EQUAL(priv_xenstore(guest, store), -EPERM);
	CU_ASSERT_TRUE(is_control_domain(both));
	CU_ASSERT_FALSE(is_control_domain(store));
	teardown();
}

UNIT_TEST(privilege, hardware_role_grants_no_control)
{
	struct domain *hw;

	setup();
	hw = fake_domain_create(5, ROLE_HARDWARE, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(hw);
	CU_ASSERT_EQUAL(priv_control(hw), -EPERM);
	CU_ASSERT_EQUAL(priv_target(hw, guest), -EPERM);
	CU_ASSERT_EQUAL(priv_foreign_map(hw, guest), -EPERM);
	CU_ASSERT_EQUAL(priv_xenstore(hw, guest), -EPERM);
	teardown();
}

/* --- guest access --- */

struct sample {
	uint32_t a;
	uint16_t b;
	uint8_t c[10];
};
DEFINE_XEN_GUEST_HANDLE(uint32_t);

UNIT_TEST(guest_access, copies_move_every_byte_inside_the_buffer)
{
	struct sample s = {1, 2, "abcdefghi"}, back;
	struct sample *host;
	uint64_t gva;

	setup();
	gva = fake_guest_alloc(guest, sizeof(s), (void **)&host);
	CU_ASSERT_EQUAL(raw_copy_to_guest((void *)gva, &s, sizeof(s)), 0);
	CU_ASSERT_EQUAL(memcmp(host, &s, sizeof(s)), 0);
	host->a = 0xdeadbeef;
	CU_ASSERT_EQUAL(raw_copy_from_guest(&back, (void *)gva, sizeof(back)), 0);
	CU_ASSERT_EQUAL(back.a, 0xdeadbeef);
	CU_ASSERT_EQUAL(back.b, 2);
	teardown();
}

UNIT_TEST(guest_access, typed_handle_macros_copy_elements_and_fields)
{
	XEN_GUEST_HANDLE(uint32_t) h;
	uint32_t *host, out[4] = {0}, in[2] = {7, 8};
	uint64_t gva;

	setup();
	gva = fake_guest_alloc(guest, 4 * sizeof(uint32_t), (void **)&host);
	for (unsigned int i = 0; i < 4; i++)
		host[i] = 100 + i;
	h.p = (uint32_t *)gva;
	CU_ASSERT_EQUAL(copy_from_guest(out, h, 4), 0);
	CU_ASSERT_EQUAL(out[3], 103);
	CU_ASSERT_EQUAL(copy_to_guest_offset(h, 2, in, 2), 0);
	CU_ASSERT_EQUAL(host[1], 101);
	CU_ASSERT_EQUAL(host[2], 7);
	CU_ASSERT_EQUAL(host[3], 8);
	CU_ASSERT_EQUAL(copy_from_guest_offset(out, h, 3, 1), 0);
	CU_ASSERT_EQUAL(out[0], 8);
	CU_ASSERT_FALSE(guest_handle_is_null(h));
	guest_handle_add_offset(h, 1);
	CU_ASSERT_EQUAL(copy_from_guest(out, h, 1), 0);
	CU_ASSERT_EQUAL(out[0], 101);
	teardown();
}

typedef struct sample sample_t;
DEFINE_XEN_GUEST_HANDLE(sample_t);

UNIT_TEST(guest_access, field_copies_work_on_misaligned_guest_arrays)
{
	XEN_GUEST_HANDLE(sample_t) h;
	struct sample s = {0};
	unsigned char *host;
	uint64_t gva;
	uint16_t b;

	setup();
	gva = fake_guest_alloc(guest, 3 * sizeof(s) + 1, (void **)&host);
	h.p = (sample_t *)(uintptr_t)(gva + 1); /* a guest may pass any address */
	s.b = 0x1234;
	CU_ASSERT_EQUAL(copy_field_to_guest_offset(h, 2, &s, b), 0);
	memcpy(&b, host + 1 + 2 * sizeof(s) + offsetof(struct sample, b), 2);
	CU_ASSERT_EQUAL(b, 0x1234);
	s.b = 0x4321;
	CU_ASSERT_EQUAL(copy_field_to_guest(h, &s, b), 0);
	s.b = 0;
	CU_ASSERT_EQUAL(copy_field_from_guest(&s, h, b), 0);
	CU_ASSERT_EQUAL(s.b, 0x4321);
	teardown();
}

UNIT_TEST(guest_access, copy_across_the_end_reports_the_bytes_not_copied)
{
	unsigned char buf[64], *end_host;
	uint64_t end = 0;

	setup();
	memset(buf, 0x11, sizeof(buf));
	end = fake_guest_end(guest);
	end_host = fake_guest_host(guest, end - 16);
	CU_ASSERT_PTR_NOT_NULL_FATAL(end_host);
	memset(end_host, 0x22, 16);
	CU_ASSERT_EQUAL(raw_copy_from_guest(buf, (void *)(end - 16), 64), 48);
	CU_ASSERT_EQUAL(buf[15], 0x22);
	CU_ASSERT_EQUAL(buf[16], 0x11); /* nothing past what was copied */
	memset(buf, 0x33, sizeof(buf));
	CU_ASSERT_EQUAL(raw_copy_to_guest((void *)(end - 10), buf, 64), 54);
	CU_ASSERT_EQUAL(end_host[5], 0x22);
	CU_ASSERT_EQUAL(end_host[6], 0x33);
	CU_ASSERT_EQUAL(end_host[15], 0x33);
	teardown();
}

UNIT_TEST(guest_access, copy_outside_the_buffer_copies_nothing)
{
	unsigned char buf[8] = {0};
	uint64_t end;

	setup();
	end = fake_guest_end(guest);
	CU_ASSERT_EQUAL(raw_copy_from_guest(buf, (void *)end, 8), 8);
	CU_ASSERT_EQUAL(raw_copy_from_guest(buf, (void *)(FAKE_GUEST_BASE - 4), 8), 8);
	CU_ASSERT_EQUAL(raw_copy_from_guest(buf, NULL, 8), 8);
	CU_ASSERT_EQUAL(raw_copy_from_guest(buf, (void *)~0UL, 8), 8);
	CU_ASSERT_EQUAL(raw_copy_to_guest((void *)(end + 4096), buf, 8), 8);
	CU_ASSERT_EQUAL(raw_copy_to_guest((void *)(uintptr_t)0xffff800000000000UL, buf, 8), 8);
	/* Zero bytes always succeed. */
	CU_ASSERT_EQUAL(raw_copy_from_guest(buf, NULL, 0), 0);
	teardown();
}

UNIT_TEST(guest_access, each_domain_sees_only_its_own_memory)
{
	uint32_t *gh, *sh, v = 0;
	uint64_t ga, sa;

	setup();
	ga = fake_guest_alloc(guest, 4, (void **)&gh);
	sa = fake_guest_alloc(store, 4, (void **)&sh);
	CU_ASSERT_EQUAL(ga, sa); /* same guest address, different memory */
	*gh = 1;
	*sh = 2;
	fake_set_current(store->vcpu[0]);
	CU_ASSERT_EQUAL(raw_copy_from_guest(&v, (void *)sa, 4), 0);
	CU_ASSERT_EQUAL(v, 2);
	fake_set_current(guest->vcpu[0]);
	CU_ASSERT_EQUAL(raw_copy_from_guest(&v, (void *)ga, 4), 0);
	CU_ASSERT_EQUAL(v, 1);
	teardown();
}

UNIT_TEST(guest_access, no_guest_vcpu_means_no_guest_memory)
{
	uint32_t v = 0;
	uint64_t gva;

	setup();
	gva = fake_guest_alloc(guest, 4, NULL);
	fake_set_current(idle_vcpu[0]);
	CU_ASSERT_EQUAL(raw_copy_from_guest(&v, (void *)gva, 4), 4);
	CU_ASSERT_EQUAL(raw_copy_to_guest((void *)gva, &v, 4), 4);
	fake_set_current(NULL);
	CU_ASSERT_EQUAL(raw_copy_from_guest(&v, (void *)gva, 4), 4);
	teardown();
}

UNIT_TEST(guest_access, injected_fault_fails_one_copy_whole)
{
	uint32_t v = 5, *host;
	uint64_t gva;

	setup();
	gva = fake_guest_alloc(guest, 4, (void **)&host);
	fake_copy_fail_after = 1;
	CU_ASSERT_EQUAL(raw_copy_to_guest((void *)gva, &v, 4), 0);
	v = 6;
	CU_ASSERT_EQUAL(raw_copy_to_guest((void *)gva, &v, 4), 4);
	CU_ASSERT_EQUAL(*host, 5);
	CU_ASSERT_EQUAL(raw_copy_to_guest((void *)gva, &v, 4), 0);
	CU_ASSERT_EQUAL(*host, 6);
	teardown();
}

UNIT_TEST(guest_access, typed_handles_address_elements_and_fields_by_offset)
{
	struct sample s = {7, 8, "xyz"}, back = {0}, *host;
	XEN_GUEST_HANDLE(sample_t) h;
	uint64_t gva;

	setup();
	gva = fake_guest_alloc(guest, 3 * sizeof(s), (void **)&host);
	h = guest_handle_from_arg(gva, sample_t);
	CU_ASSERT_EQUAL(guest_handle_to_arg(h), gva);
	CU_ASSERT_EQUAL(copy_to_guest_offset(h, 2, &s, 1), 0);
	CU_ASSERT_EQUAL(host[2].a, 7);
	CU_ASSERT_EQUAL(host[1].a, 0);
	/* One field of element 1: its neighbours are not written. */
	CU_ASSERT_EQUAL(copy_field_to_guest_offset(h, 1, &s, b), 0);
	CU_ASSERT_EQUAL(host[1].b, 8);
	CU_ASSERT_EQUAL(host[1].a, 0);
	CU_ASSERT_EQUAL(host[1].c[0], 0);
	guest_handle_add_offset(h, 2);
	CU_ASSERT_EQUAL(copy_field_from_guest(&back, h, a), 0);
	CU_ASSERT_EQUAL(back.a, 7);
	CU_ASSERT_EQUAL(back.b, 0);
	CU_ASSERT_EQUAL(copy_from_guest(&back, h, 1), 0);
	CU_ASSERT_EQUAL(back.c[2], 'z');
	/* Past the guest's memory: nothing copied, every byte reported. */
	h = guest_handle_from_arg(fake_guest_end(guest), sample_t);
	CU_ASSERT_EQUAL(copy_from_guest(&back, h, 1), sizeof(back));
	teardown();
}

UNIT_TEST(guest_access, handle_range_check_refuses_arrays_that_wrap)
{
	XEN_GUEST_HANDLE(uint64_t) h = guest_handle_from_arg(~0UL - 15, uint64_t);

	CU_ASSERT_TRUE(guest_handle_okay(h, 0));
	CU_ASSERT_TRUE(guest_handle_okay(h, 1));
	CU_ASSERT_FALSE(guest_handle_okay(h, 2)); /* would end at 2^64 */
	CU_ASSERT_FALSE(guest_handle_okay(h, ~0UL / 4));
	h = guest_handle_from_arg(0, uint64_t);
	CU_ASSERT_TRUE(guest_handle_is_null(h));
	CU_ASSERT_TRUE(guest_handle_okay(h, ~0UL / 8));
	CU_ASSERT_FALSE(guest_handle_okay(h, ~0UL / 8 + 1));
}

/* The host build uses the struct form: an address is not an integer, nor the other kind. */
_Static_assert(!__builtin_types_compatible_p(paddr_t, uint64_t), "paddr_t is a distinct type");
_Static_assert(!__builtin_types_compatible_p(vaddr_t, uint64_t), "vaddr_t is a distinct type");
_Static_assert(!__builtin_types_compatible_p(paddr_t, vaddr_t), "paddr_t is not vaddr_t");
_Static_assert(!__builtin_types_compatible_p(gfn_t, mfn_t), "gfn_t is not mfn_t");
