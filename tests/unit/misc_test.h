/*
 * Helpers shared by the guest-services tests (test_sched_op.c,
 * test_vcpu_op.c, test_time.c, test_hvm_op.c, test_multicall.c): domains
 * over the ABI core's fake guest memory, hypercalls with an argument in
 * guest memory, timers run to a given time, and a teardown that releases
 * what vcpu_op_destroy() owns and checks nothing leaked.
 */
#ifndef MISC_TEST_H
#define MISC_TEST_H

#include <string.h>

#include <public/event_channel.h>
#include <public/xen.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/hypercall.h>
#include <tessera/sched.h>
#include <tessera/softirq.h>
#include <tessera/time.h>
#include <tessera/timer.h>

#include "fake_arch.h"
#include "fake_guest.h"
#include "fake_time.h"
#include "unit.h"

#define MISC_FRAMES 4096

static inline void misc_setup(void)
{
	fake_abi_setup(MISC_FRAMES);
	fake_now = SECONDS(10);
	fake_tsc = 0;
	fake_tsc_mul = 1U << 31; /* 2 GHz */
	fake_tsc_shift = 0;
	fake_boot_wallclock_ns = 0;
}

/* Release every vCPU's guest-service state, then the core's teardown and leak check. */
static inline void misc_teardown(void)
{
	struct domain *d, *n;

	fake_set_current(idle_vcpu[fake_current_cpu]);
	for (d = first_domain(); d; d = n) {
		n = next_domain(d);
		for (unsigned int i = 0; i < d->max_vcpus; i++)
			if (d->vcpu[i])
				vcpu_op_destroy(d->vcpu[i]);
		put_domain(d);
	}
	CU_ASSERT_EQUAL(fake_abi_teardown(), 0);
}

/* A domain with all its vCPUs, the first one current. */
static inline struct domain *misc_domain(domid_t id, uint32_t roles, unsigned int vcpus)
{
	struct domain *d = fake_domain_create(id, roles, vcpus);

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	for (unsigned int i = 1; i < vcpus; i++)
		CU_ASSERT_PTR_NOT_NULL_FATAL(vcpu_create(d, i));
	fake_set_current(d->vcpu[0]);
	return d;
}

/* Copy size bytes of *arg into d's memory: the guest address (host view in *host if asked). */
static inline uint64_t misc_put(struct domain *d, const void *arg, size_t size, void **host)
{
	uint64_t gva = fake_guest_put(d, arg, size);

	if (host)
		*host = fake_guest_host(d, gva);
	return gva;
}

/* Let time reach t and run the timers (and any schedule) due; current stays as it was. */
static inline void misc_run_until(s_time_t t)
{
	struct vcpu *cur = current;

	fake_now = t;
	timer_interrupt();
	do_softirq();
	fake_set_current(cur);
}

/* Bind VIRQ virq of the current domain to vCPU vcpu: the port. */
static inline uint32_t misc_bind_virq(struct domain *d, uint32_t virq, uint32_t vcpu)
{
	struct evtchn_bind_virq op = {.virq = virq, .vcpu = vcpu};
	void *host;
	uint64_t gva = misc_put(d, &op, sizeof(op), &host);

	CU_ASSERT_EQUAL_FATAL(
	    fake_hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, gva), 0);
	memcpy(&op, host, sizeof(op));
	return op.port;
}

static inline bool misc_port_pending(struct domain *d, uint32_t port)
{
	return evtchn_port_is_pending(d, port);
}

/* A cheap deterministic random stream for the randomized tests. */
static inline uint64_t misc_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A random argument: small numbers, guest addresses in and around d's buffer, or noise. */
static inline unsigned long misc_rand_arg(uint64_t *s, struct domain *d)
{
	uint64_t r = misc_rand(s);

	switch (r % 5) {
	case 0:
		return r >> 60;
	case 1:
		return FAKE_GUEST_BASE + (misc_rand(s) % (FAKE_GUEST_DEFAULT_SIZE + 64));
	case 2:
		return fake_guest_end(d) - (misc_rand(s) % 64);
	case 3:
		return 0;
	default:
		return misc_rand(s);
	}
}

#endif
