/*
 * Guest time (common/time.c): the pvclock in vcpu_info (version protocol,
 * values a guest turns into the same system time as NOW()), the wallclock
 * in shared_info with the domain's offset, and set_timer_op delivering
 * VIRQ_TIMER.
 */
#include <public/xen.h>
#include <tessera/bitmap.h>

#include "misc_test.h"

UNIT_SUITE(time);

/* What a guest computes from its pvclock at TSC value tsc (Linux's pvclock_read). */
static uint64_t guest_time(const struct vcpu_time_info *t, uint64_t tsc)
{
	uint64_t delta = tsc - t->tsc_timestamp;

	if (t->tsc_shift >= 0)
		delta <<= t->tsc_shift;
	else
		delta >>= -t->tsc_shift;
	return t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
}

UNIT_TEST(time, pvclock_version_is_even_at_rest_and_advances)
{
	struct vcpu_time_info *t;
	struct domain *d;
	uint32_t last;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 1);
	t = &d->vcpu[0]->vcpu_info->time;
	last = t->version;
	for (unsigned int i = 0; i < 100; i++) {
		/* Odd in the middle of an update: the hook sees the structure mid-write. */
		t->version |= (i == 50); /* a torn version left by a crash would still be fixed */
		update_vcpu_system_time(d->vcpu[0]);
		CU_ASSERT_EQUAL(t->version % 2, 0);
		CU_ASSERT(t->version > last);
		last = t->version;
	}
	misc_teardown();
}

UNIT_TEST(time, pvclock_gives_the_guest_the_hypervisors_system_time)
{
	struct vcpu_time_info *t;
	struct domain *d;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 1);
	t = &d->vcpu[0]->vcpu_info->time;
	/* A 2 GHz TSC: 2 ticks per ns. */
	fake_tsc = 1000000;
	fake_now = SECONDS(3);
	update_vcpu_system_time(d->vcpu[0]);
	CU_ASSERT_EQUAL(t->tsc_timestamp, 1000000);
	CU_ASSERT_EQUAL(t->system_time, (uint64_t)SECONDS(3));
	CU_ASSERT_EQUAL(t->tsc_to_system_mul, 1U << 31);
	CU_ASSERT_EQUAL(t->tsc_shift, 0);
	CU_ASSERT_EQUAL(t->flags, 0);
	CU_ASSERT_EQUAL(guest_time(t, 1000000 + 2 * 1000000000ULL), (uint64_t)SECONDS(4));
	/* A slow TSC (shift > 0): 500 MHz is 2 ns per tick. */
	fake_tsc_mul = 1U << 31;
	fake_tsc_shift = 2;
	update_vcpu_system_time(d->vcpu[0]);
	CU_ASSERT_EQUAL(guest_time(t, 1000000 + 500000000ULL), (uint64_t)SECONDS(4));
	/* A vCPU without vcpu_info is left alone. */
	d->vcpu[0]->vcpu_info = NULL;
	update_vcpu_system_time(d->vcpu[0]);
	vcpu_info_reset(d->vcpu[0]);
	misc_teardown();
}

UNIT_TEST(time, wallclock_is_boot_time_plus_the_domains_offset)
{
	struct shared_info *s;
	struct domain *d;
	uint32_t v0;

	misc_setup();
	fake_boot_wallclock_ns = 1700000000ULL * 1000000000ULL + 123456789ULL;
	d = misc_domain(1, ROLE_GUEST, 1);
	s = d->shared_info;
	v0 = s->wc_version;
	update_domain_wallclock_time(d);
	CU_ASSERT_EQUAL(s->wc_version % 2, 0);
	CU_ASSERT(s->wc_version > v0);
	CU_ASSERT_EQUAL(s->wc_sec, 1700000000U);
	CU_ASSERT_EQUAL(s->wc_nsec, 123456789U);
	CU_ASSERT_EQUAL(s->wc_sec_hi, 0);
	domain_set_time_offset(d, -3600);
	CU_ASSERT_EQUAL(s->wc_version % 2, 0);
	CU_ASSERT_EQUAL(s->wc_sec, 1700000000U - 3600);
	CU_ASSERT_EQUAL(d->time_offset_seconds, -3600);
	/* Past 2106: the high word. */
	domain_set_time_offset(d, 1LL << 32);
	CU_ASSERT_EQUAL(s->wc_sec_hi, 1);
	CU_ASSERT_EQUAL(s->wc_sec, 1700000000U);
	misc_teardown();
}

UNIT_TEST(time, new_domain_finds_its_wallclock_published)
{
	struct shared_info *s;
	struct domain *d;

	misc_setup();
	fake_boot_wallclock_ns = 1700000000ULL * 1000000000ULL + 5;
	/* No update_domain_wallclock_time() here: domain_create publishes it. */
	d = misc_domain(1, ROLE_GUEST, 1);
	s = d->shared_info;
	CU_ASSERT(s->wc_version > 0);
	CU_ASSERT_EQUAL(s->wc_version % 2, 0);
	CU_ASSERT_EQUAL(s->wc_sec, 1700000000U);
	CU_ASSERT_EQUAL(s->wc_nsec, 5);
	CU_ASSERT_EQUAL(s->wc_sec_hi, 0);
	misc_teardown();
}

UNIT_TEST(time, every_new_vcpu_starts_with_a_valid_pvclock)
{
	struct vcpu_time_info *t;
	struct domain *d;
	struct vcpu *v;

	misc_setup();
	fake_tsc = 4242;
	fake_now = SECONDS(7);
	d = fake_domain_create(1, ROLE_GUEST, 40);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	/* vCPU 0 from domain_create, 1 and 31 added later: Linux reads mul at boot. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(vcpu_create(d, 1));
	CU_ASSERT_PTR_NOT_NULL_FATAL(vcpu_create(d, 31));
	for (unsigned int id = 0; id < 32; id += (id ? 30 : 1)) {
		v = d->vcpu[id];
		t = &v->vcpu_info->time;
		CU_ASSERT_PTR_EQUAL(v->vcpu_info, &d->shared_info->vcpu_info[id]);
		CU_ASSERT(t->version > 0);
		CU_ASSERT_EQUAL(t->version % 2, 0);
		CU_ASSERT_EQUAL(t->tsc_to_system_mul, 1U << 31);
		CU_ASSERT_EQUAL(t->tsc_timestamp, 4242);
		CU_ASSERT_EQUAL(t->system_time, (uint64_t)SECONDS(7));
	}
	/* Beyond the legacy slots: no shared slot to fill, and creation still works. */
	CU_ASSERT_PTR_NOT_NULL(vcpu_create(d, 35));
	misc_teardown();
}

UNIT_TEST(time, set_timer_op_arms_stops_and_delivers_virq_timer)
{
	struct domain *d;
	uint32_t port;
	unsigned long *pending;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 1);
	pending = (unsigned long *)d->shared_info->evtchn_pending;
	port = misc_bind_virq(d, VIRQ_TIMER, 0);
	CU_ASSERT_EQUAL(
	    fake_hypercall2(__HYPERVISOR_set_timer_op, (unsigned long)(fake_now + MILLISECS(2)), 0),
	    0);
	misc_run_until(fake_now + MILLISECS(1));
	CU_ASSERT_FALSE(test_bit(port, pending));
	misc_run_until(fake_now + MILLISECS(1));
	CU_ASSERT_TRUE(test_bit(port, pending));
	clear_bit(port, pending);
	/* 0 stops it. */
	CU_ASSERT_EQUAL(
	    fake_hypercall2(__HYPERVISOR_set_timer_op, (unsigned long)(fake_now + MILLISECS(2)), 0),
	    0);
	CU_ASSERT_EQUAL(fake_hypercall2(__HYPERVISOR_set_timer_op, 0, 0), 0);
	misc_run_until(fake_now + MILLISECS(5));
	CU_ASSERT_FALSE(test_bit(port, pending));
	/* In the past: fires at the next timer run. */
	CU_ASSERT_EQUAL(
	    fake_hypercall2(__HYPERVISOR_set_timer_op, (unsigned long)(fake_now - 5), 0), 0);
	misc_run_until(fake_now);
	CU_ASSERT_TRUE(test_bit(port, pending));
	clear_bit(port, pending);
	/* Wrapped negative, or beyond 2^50 ns ahead: a tick in 100 ms (Xen's Linux workaround). */
	CU_ASSERT_EQUAL(fake_hypercall2(__HYPERVISOR_set_timer_op, ~0UL, 0), 0);
	CU_ASSERT_EQUAL(d->vcpu[0]->singleshot_timer->expires, fake_now + MILLISECS(100));
	CU_ASSERT_EQUAL(
	    fake_hypercall2(__HYPERVISOR_set_timer_op, (unsigned long)(fake_now + (1LL << 51)), 0),
	    0);
	CU_ASSERT_EQUAL(d->vcpu[0]->singleshot_timer->expires, fake_now + MILLISECS(100));
	misc_run_until(fake_now + MILLISECS(100));
	CU_ASSERT_TRUE(test_bit(port, pending));
	misc_teardown();
}
