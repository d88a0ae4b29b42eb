/*
 * HYPERVISOR_multicall (common/multicall.c): every entry's result written
 * back, each entry dispatched with the caller's privileges, nesting refused,
 * a bad list, preemption between entries and an entry that continues
 * itself, and random batches.
 */
#include <public/hvm/hvm_op.h>
#include <public/sched.h>
#include <public/vcpu.h>

#include "misc_test.h"

UNIT_SUITE(multicall);

static multicall_entry_t entry(unsigned long op, unsigned long a0, unsigned long a1)
{
	multicall_entry_t e = {.op = op, .result = 0xdead, .args = {a0, a1}};

	return e;
}

static long multicall(uint64_t list, unsigned long nr)
{
	return fake_hypercall2(__HYPERVISOR_multicall, list, nr);
}

/* A test handler: returns its first argument + 1000 (and records the calls). */
static unsigned int echo_calls;
static long echo(const struct hypercall_args *args)
{
	echo_calls++;
	return (long)args->a[0] + 1000;
}

/* A test handler that continues itself until its argument reaches 3, then returns 77. */
static unsigned int counting_calls;
static long counting(const struct hypercall_args *args)
{
	counting_calls++;
	if (args->a[0] < 3)
		return hypercall_create_continuation(FAKE_HC_OPEN, "l", args->a[0] + 1);
	return 77;
}

UNIT_TEST(multicall, results_are_written_per_entry)
{
	struct xen_hvm_get_time *t;
	multicall_entry_t calls[5], *out;
	struct domain *d;
	uint64_t tgva, list;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 1);
	fake_hc_open_fn = echo;
	echo_calls = 0;
	tgva = fake_guest_alloc(d, sizeof(*t), (void **)&t);
	fake_now = SECONDS(9);
	calls[0] = entry(FAKE_HC_OPEN, 5, 0);
	calls[1] = entry(__HYPERVISOR_hvm_op, HVMOP_get_time, tgva);
	calls[2] = entry(63, 0, 0);		 /* no such hypercall */
	calls[3] = entry(FAKE_HC_CONTROL, 0, 0); /* needs the control role */
	calls[4] = entry(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
	list = misc_put(d, calls, sizeof(calls), (void **)&out);
	CU_ASSERT_EQUAL(multicall(list, 5), 0);
	CU_ASSERT_EQUAL(out[0].result, 1005);
	CU_ASSERT_EQUAL(out[1].result, 0);
	CU_ASSERT_EQUAL(t->now, (uint64_t)SECONDS(9));
	CU_ASSERT_EQUAL((long)out[2].result, -ENOSYS);
	CU_ASSERT_EQUAL((long)out[3].result, -EPERM);
	CU_ASSERT_EQUAL(out[4].result, 0);
	CU_ASSERT_EQUAL(echo_calls, 1);
	/* Zero entries: nothing to do. */
	CU_ASSERT_EQUAL(multicall(list, 0), 0);
	misc_teardown();
}

UNIT_TEST(multicall, nesting_is_refused_and_a_bad_list_faults)
{
	multicall_entry_t calls[2], *out;
	struct domain *d;
	uint64_t list;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 1);
	fake_hc_open_fn = echo;
	echo_calls = 0;
	calls[0] = entry(__HYPERVISOR_multicall, 0, 0);
	calls[1] = entry(FAKE_HC_OPEN, 1, 0);
	list = misc_put(d, calls, sizeof(calls), (void **)&out);
	CU_ASSERT_EQUAL(multicall(list, 2), 0);
	CU_ASSERT_EQUAL((long)out[0].result, -EINVAL);
	CU_ASSERT_EQUAL(out[1].result, 1001);
	CU_ASSERT_EQUAL(multicall(0, 1), -EFAULT);
	/* The list runs off the end of guest memory: the entries before it still ran. */
	echo_calls = 0;
	memcpy(fake_guest_host(d, fake_guest_end(d) - sizeof(calls[1])), &calls[1],
	       sizeof(calls[1]));
	CU_ASSERT_EQUAL(multicall(fake_guest_end(d) - sizeof(calls[1]), 2), -EFAULT);
	CU_ASSERT_EQUAL(echo_calls, 1);
	misc_teardown();
}

UNIT_TEST(multicall, preemption_continues_with_the_remaining_entries)
{
	multicall_entry_t calls[6], *out;
	struct domain *d;
	uint64_t list;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 1);
	fake_hc_open_fn = echo;
	echo_calls = 0;
	for (unsigned int i = 0; i < 6; i++)
		calls[i] = entry(FAKE_HC_OPEN, i, 0);
	list = misc_put(d, calls, sizeof(calls), (void **)&out);
	fake_preempt_after(1);
	CU_ASSERT_EQUAL(multicall(list, 6), 0);
	fake_preempt_after(-1);
	CU_ASSERT(fake_hypercall_restarts > 0);
	CU_ASSERT_EQUAL(echo_calls, 6); /* each entry ran exactly once */
	for (unsigned int i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(out[i].result, 1000 + i);
	misc_teardown();
}

UNIT_TEST(multicall, an_entry_that_continues_resumes_in_its_own_entry)
{
	multicall_entry_t calls[2], *out;
	struct domain *d;
	uint64_t list;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 1);
	fake_hc_open_fn = counting;
	counting_calls = 0;
	calls[0] = entry(FAKE_HC_OPEN, 0, 0);
	calls[1] = entry(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
	list = misc_put(d, calls, sizeof(calls), (void **)&out);
	CU_ASSERT_EQUAL(multicall(list, 2), 0);
	CU_ASSERT_EQUAL(counting_calls, 4); /* 0, 1, 2, then 3 returns */
	CU_ASSERT_EQUAL(out[0].result, 77);
	CU_ASSERT_EQUAL(out[0].args[0], 3); /* the continuation's arguments, in the guest's entry */
	CU_ASSERT_EQUAL(out[1].result, 0);
	CU_ASSERT_EQUAL(fake_hypercall_restarts, 3);
	misc_teardown();
}

UNIT_TEST(multicall, random_batches_never_crash_or_leak)
{
	static const unsigned long ops[] = {__HYPERVISOR_sched_op,
					    __HYPERVISOR_vcpu_op,
					    __HYPERVISOR_hvm_op,
					    __HYPERVISOR_set_timer_op,
					    __HYPERVISOR_multicall,
					    FAKE_HC_OPEN,
					    63,
					    1000};
	uint64_t seed = 0x123456789abcdefULL;
	multicall_entry_t *calls;
	struct domain *d;
	uint64_t list;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 2);
	fake_hc_open_fn = echo;
	list = fake_guest_alloc(d, 8 * sizeof(*calls), (void **)&calls);
	for (unsigned int i = 0; i < 5000; i++) {
		unsigned long nr = misc_rand(&seed) % 9;

		for (unsigned int e = 0; e < 8; e++) {
			calls[e].op = ops[misc_rand(&seed) % 8];
			for (unsigned int a = 0; a < 6; a++)
				calls[e].args[a] = misc_rand_arg(&seed, d);
			/* Keep the domain alive: no shutdowns, no vCPU down. */
			if ((calls[e].op == __HYPERVISOR_sched_op &&
			     (calls[e].args[0] == SCHEDOP_shutdown ||
			      calls[e].args[0] == SCHEDOP_remote_shutdown)) ||
			    (calls[e].op == __HYPERVISOR_vcpu_op &&
			     calls[e].args[0] == VCPUOP_down))
				calls[e].op = 63;
		}
		if (misc_rand(&seed) % 8 == 0)
			fake_preempt_after((long)(misc_rand(&seed) % 3));
		fake_set_current(d->vcpu[0]);
		(void)multicall(misc_rand(&seed) % 8 ? list : misc_rand_arg(&seed, d), nr);
		fake_preempt_after(-1);
		vcpu_unblock(d->vcpu[0]);
	}
	misc_teardown();
}
