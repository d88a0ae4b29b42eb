/*
 * Domains and vCPUs (common/domain.c) and domain frames with their
 * references (common/page_ref.c): creation and its refusals, the list and
 * references, pause counting, shutdown reasons, and destruction that gives
 * every frame back (unless another domain still maps it). Every test ends
 * with fake_abi_teardown(), which kills what is left and checks that the
 * heap is back to its size at setup.
 */
#include <string.h>
#include <public/sched.h>
#include <public/xen.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/sched.h>
#include "fake_guest.h"
#include "unit.h"

#define FRAMES 2048

UNIT_SUITE(domain);

static void setup(void)
{
	fake_abi_setup(FRAMES);
}

static void teardown(void)
{
	CU_ASSERT_EQUAL(fake_abi_teardown(), 0);
}

static int refcnt(struct domain *d)
{
	return __atomic_load_n(&d->refcnt, __ATOMIC_RELAXED);
}

static unsigned long page_refs(struct page_info *pg)
{
	return pg->count_info & PGC_count_mask;
}

UNIT_TEST(domain, create_sets_up_vcpu0_shared_info_and_subsystems)
{
	struct domain *d;

	setup();
	d = fake_domain_create(1, ROLE_GUEST, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d->domain_id, 1);
	CU_ASSERT_EQUAL(d->max_vcpus, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d->vcpu[0]);
	CU_ASSERT_PTR_NULL(d->vcpu[1]);
	CU_ASSERT_PTR_EQUAL(d->vcpu[0]->domain, d);
	CU_ASSERT_PTR_NOT_NULL(d->vcpu[0]->sched_priv);
	CU_ASSERT_PTR_NOT_NULL(d->shared_info);
	CU_ASSERT_PTR_EQUAL(d->vcpu[0]->vcpu_info, &d->shared_info->vcpu_info[0]);
	CU_ASSERT_TRUE(test_bit(VPF_down, &d->vcpu[0]->pause_flags));
	CU_ASSERT_TRUE(d->auto_translated);
	CU_ASSERT_PTR_NOT_NULL(d->p2m);
	CU_ASSERT_EQUAL(d->state, DOMAIN_ALIVE);
	CU_ASSERT_EQUAL(refcnt(d), 1); /* the list's */
	CU_ASSERT(total_free_pages() < fake_abi_free_at_setup);
	teardown();
}

UNIT_TEST(domain, shared_info_page_is_zeroed_but_for_the_time)
{
	static unsigned char page[4096];
	struct shared_info *si = (struct shared_info *)page;
	struct domain *d;
	bool zero = true;

	setup();
	d = fake_domain_create(1, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	/* Creation publishes the wallclock and vCPU 0's pvclock (even versions); nothing else. */
	memcpy(page, d->shared_info, sizeof(page));
	CU_ASSERT(si->wc_version > 0 && si->wc_version % 2 == 0);
	CU_ASSERT(si->vcpu_info[0].time.version > 0 && si->vcpu_info[0].time.version % 2 == 0);
	memset(&si->vcpu_info[0].time, 0, sizeof(si->vcpu_info[0].time));
	si->wc_version = si->wc_sec = si->wc_nsec = si->wc_sec_hi = 0;
	for (unsigned int i = 0; i < sizeof(page); i++)
		zero &= page[i] == 0;
	CU_ASSERT_TRUE(zero);
	teardown();
}

UNIT_TEST(domain, pv_domain_has_no_p2m)
{
	struct domain_create_args a = fake_domain_args("pv", ROLE_GUEST, 1);
	struct domain *d;

	setup();
	a.mode = GUEST_MODE_PV;
	CU_ASSERT_EQUAL_FATAL(domain_create(2, &a, &d), 0);
	CU_ASSERT_FALSE(d->auto_translated);
	CU_ASSERT_PTR_NULL(d->p2m);
	teardown();
}

UNIT_TEST(domain, create_refuses_reserved_domids_bad_vcpus_and_modes)
{
	struct domain_create_args a = fake_domain_args("x", ROLE_GUEST, 1);
	struct domain *d = NULL;

	setup();
	CU_ASSERT_EQUAL(domain_create(DOMID_FIRST_RESERVED, &a, &d), -EINVAL);
	CU_ASSERT_EQUAL(domain_create(DOMID_SELF, &a, &d), -EINVAL);
	CU_ASSERT_EQUAL(domain_create(DOMID_IDLE, &a, &d), -EINVAL);
	CU_ASSERT_EQUAL(domain_create(0xFFFF, &a, &d), -EINVAL);
	CU_ASSERT_EQUAL(domain_create(1, NULL, &d), -EINVAL);
	a.max_vcpus = 0;
	CU_ASSERT_EQUAL(domain_create(1, &a, &d), -EINVAL);
	a.max_vcpus = MAX_VIRT_CPUS + 1;
	CU_ASSERT_EQUAL(domain_create(1, &a, &d), -EINVAL);
	a.max_vcpus = 1;
	a.mode = 0;
	CU_ASSERT_EQUAL(domain_create(1, &a, &d), -EINVAL);
	a.mode = 4;
	CU_ASSERT_EQUAL(domain_create(1, &a, &d), -EINVAL);
	CU_ASSERT_PTR_NULL(d);
	CU_ASSERT_PTR_NULL(first_domain());
	CU_ASSERT_EQUAL(total_free_pages(), fake_abi_free_at_setup);
	/* The highest usable domid and MAX_VIRT_CPUS vCPUs are fine. */
	a.mode = GUEST_MODE_HVM;
	a.max_vcpus = MAX_VIRT_CPUS;
	CU_ASSERT_EQUAL(domain_create(DOMID_FIRST_RESERVED - 1, &a, &d), 0);
	teardown();
}

UNIT_TEST(domain, create_of_a_used_domid_is_eexist_and_leaks_nothing)
{
	struct domain_create_args a = fake_domain_args("x", ROLE_GUEST, 2);
	struct domain *d, *d2 = NULL;
	unsigned long before;

	setup();
	CU_ASSERT_EQUAL_FATAL(domain_create(7, &a, &d), 0);
	before = total_free_pages();
	CU_ASSERT_EQUAL(domain_create(7, &a, &d2), -EEXIST);
	CU_ASSERT_PTR_NULL(d2);
	CU_ASSERT_EQUAL(total_free_pages(), before);
	teardown();
}

UNIT_TEST(domain, create_out_of_memory_at_any_point_gives_back_everything)
{
	struct domain_create_args a = fake_domain_args("x", ROLE_GUEST, 1);
	bool created = false;

	/* Leave k frames free, for growing k: every failure must give back all it took. */
	for (unsigned long k = 0; k < 64 && !created; k++) {
		struct domain *d = NULL;
		int rc;

		setup();
		while (total_free_pages() > k)
			CU_ASSERT_PTR_NOT_NULL_FATAL(alloc_xenheap_pages(0));
		rc = domain_create(3, &a, &d);
		if (rc) {
			CU_ASSERT_EQUAL(rc, -ENOMEM);
			CU_ASSERT_PTR_NULL(d);
			CU_ASSERT_PTR_NULL(first_domain());
			CU_ASSERT_EQUAL(total_free_pages(), k);
		} else {
			created = true;
			fake_domain_kill(d);
			CU_ASSERT_EQUAL(total_free_pages(), k);
		}
		fake_abi_teardown(); /* the pages taken above stay taken: no leak check here */
	}
	CU_ASSERT_TRUE(created);
}

UNIT_TEST(domain, list_is_sorted_and_iteration_hands_out_references)
{
	static const domid_t ids[] = {5, 1, 9, 3};
	static const domid_t sorted[] = {1, 3, 5, 9};
	struct domain *d, *n;
	unsigned int i = 0;

	setup();
	for (unsigned int k = 0; k < ARRAY_SIZE(ids); k++)
		CU_ASSERT_PTR_NOT_NULL_FATAL(fake_domain_create(ids[k], ROLE_GUEST, 1));
	for (d = first_domain(); d; d = n) {
		CU_ASSERT_FATAL(i < ARRAY_SIZE(sorted));
		CU_ASSERT_EQUAL(d->domain_id, sorted[i]);
		CU_ASSERT_EQUAL(refcnt(d), 2);
		i++;
		n = next_domain(d);
		put_domain(d);
	}
	CU_ASSERT_EQUAL(i, 4);
	teardown();
}

UNIT_TEST(domain, next_domain_works_after_d_left_the_list)
{
	struct domain *d1, *d3, *n;

	setup();
	d1 = fake_domain_create(1, ROLE_GUEST, 1);
	d3 = fake_domain_create(3, ROLE_GUEST, 1);
	CU_ASSERT_FATAL(d1 && d3);
	d1 = first_domain();
	CU_ASSERT_EQUAL(d1->domain_id, 1);
	fake_domain_kill(d1); /* off the list; our reference keeps the struct */
	CU_ASSERT_EQUAL(d1->state, DOMAIN_DEAD);
	n = next_domain(d1);
	CU_ASSERT_PTR_EQUAL(n, d3);
	put_domain(n);
	put_domain(d1);
	teardown();
}

UNIT_TEST(domain, get_and_put_count_references)
{
	struct domain *d, *r;

	setup();
	d = fake_domain_create(4, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	r = get_domain_by_id(4);
	CU_ASSERT_PTR_EQUAL(r, d);
	CU_ASSERT_EQUAL(refcnt(d), 2);
	CU_ASSERT_TRUE(get_domain(d));
	CU_ASSERT_EQUAL(refcnt(d), 3);
	put_domain(d);
	put_domain(r);
	CU_ASSERT_EQUAL(refcnt(d), 1);
	CU_ASSERT_PTR_NULL(get_domain_by_id(5));
	CU_ASSERT_PTR_NULL(get_domain_by_id(DOMID_SELF));
	teardown();
}

UNIT_TEST(domain, domid_self_names_the_caller)
{
	struct domain *d, *r;

	setup();
	d = fake_domain_create(4, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	r = get_domain_by_any_id(DOMID_SELF, d);
	CU_ASSERT_PTR_EQUAL(r, d);
	put_domain(r);
	r = get_domain_by_any_id(4, NULL);
	CU_ASSERT_PTR_EQUAL(r, d);
	put_domain(r);
	CU_ASSERT_PTR_NULL(get_domain_by_any_id(DOMID_SELF, NULL));
	teardown();
}

UNIT_TEST(domain, dying_domain_is_found_only_by_the_incl_dying_lookup)
{
	struct domain *d, *r;

	setup();
	d = fake_domain_create(6, ROLE_GUEST, 1);
	CU_ASSERT_FATAL(d && get_domain(d));
	/* Stop the kill midway: the domain is DYING, still listed. */
	fake_preempt_after(0);
	alloc_domain_pages(d, 1);
	CU_ASSERT_EQUAL(domain_kill(d), -ERESTART);
	CU_ASSERT_EQUAL(d->state, DOMAIN_DYING);
	CU_ASSERT_PTR_NULL(get_domain_by_id(6));
	CU_ASSERT_FALSE(get_domain(d));
	r = get_domain_by_id_incl_dying(6);
	CU_ASSERT_PTR_EQUAL(r, d);
	put_domain(r);
	fake_preempt_after(-1);
	fake_domain_kill(d);
	CU_ASSERT_EQUAL(d->state, DOMAIN_DEAD);
	CU_ASSERT_PTR_NULL(get_domain_by_id_incl_dying(6));
	CU_ASSERT_EQUAL(refcnt(d), 1); /* ours: the list's is gone */
	put_domain(d);
	teardown();
}

UNIT_TEST(domain, vcpu_info_is_the_legacy_slot_below_32_then_a_dummy)
{
	struct domain *d;
	struct vcpu *v1, *v33;

	setup();
	d = fake_domain_create(1, ROLE_GUEST, 40);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	v1 = vcpu_create(d, 1);
	v33 = vcpu_create(d, 33);
	CU_ASSERT_FATAL(v1 && v33);
	CU_ASSERT_PTR_EQUAL(v1->vcpu_info, &d->shared_info->vcpu_info[1]);
	CU_ASSERT_PTR_NOT_NULL(v33->vcpu_info);
	CU_ASSERT((void *)v33->vcpu_info < (void *)d->shared_info ||
		  (void *)v33->vcpu_info >= (void *)(d->shared_info + 1));
	CU_ASSERT_PTR_EQUAL(d->vcpu[33], v33);
	CU_ASSERT_EQUAL(v33->vcpu_id, 33);
	teardown();
}

UNIT_TEST(domain, vcpu_create_refuses_out_of_range_and_duplicate_ids)
{
	struct domain *d;

	setup();
	d = fake_domain_create(1, ROLE_GUEST, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_PTR_NULL(vcpu_create(d, 0));
	CU_ASSERT_PTR_NULL(vcpu_create(d, 2));
	CU_ASSERT_PTR_NULL(vcpu_create(d, ~0u));
	CU_ASSERT_PTR_NOT_NULL(vcpu_create(d, 1));
	CU_ASSERT_PTR_NULL(vcpu_create(d, 1));
	teardown();
}

UNIT_TEST(domain, new_domain_is_paused_by_its_controller_until_unpaused)
{
	struct domain *d;
	struct vcpu *v;

	setup();
	d = fake_domain_create(1, ROLE_GUEST, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	v = d->vcpu[0];
	CU_ASSERT_EQUAL(d->controller_pause_count, 1);
	CU_ASSERT_TRUE(test_bit(VPF_paused, &v->pause_flags));
	CU_ASSERT_EQUAL(domain_unpause_by_controller(d), 0);
	CU_ASSERT_EQUAL(d->controller_pause_count, 0);
	CU_ASSERT_FALSE(test_bit(VPF_paused, &v->pause_flags));
	CU_ASSERT_EQUAL(v->pause_count, 0);
	/* As Xen: an unpause with no pause outstanding. */
	CU_ASSERT_EQUAL(domain_unpause_by_controller(d), -EINVAL);
	CU_ASSERT_EQUAL(d->controller_pause_count, 0);
	CU_ASSERT_EQUAL(d->pause_count, 0);
	teardown();
}

UNIT_TEST(domain, controller_pauses_are_counted_and_each_needs_an_unpause)
{
	struct domain *d;
	struct vcpu *v;

	setup();
	d = fake_domain_create(1, ROLE_GUEST, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	v = d->vcpu[0];
	CU_ASSERT_EQUAL(domain_unpause_by_controller(d), 0);
	/* As Xen's domain_pause_by_systemcontroller: two pauses need two unpauses. */
	CU_ASSERT_EQUAL(domain_pause_by_controller(d), 0);
	CU_ASSERT_EQUAL(domain_pause_by_controller(d), 0);
	CU_ASSERT_EQUAL(d->controller_pause_count, 2);
	CU_ASSERT_EQUAL(v->pause_count, 2);
	CU_ASSERT_EQUAL(domain_unpause_by_controller(d), 0);
	CU_ASSERT_TRUE(test_bit(VPF_paused, &v->pause_flags));
	CU_ASSERT_EQUAL(domain_unpause_by_controller(d), 0);
	CU_ASSERT_FALSE(test_bit(VPF_paused, &v->pause_flags));
	CU_ASSERT_EQUAL(domain_unpause_by_controller(d), -EINVAL);
	/* A vCPU created while paused by the controller inherits the pause. */
	CU_ASSERT_EQUAL(domain_pause_by_controller(d), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vcpu_create(d, 1));
	CU_ASSERT_TRUE(test_bit(VPF_paused, &d->vcpu[1]->pause_flags));
	CU_ASSERT_EQUAL(domain_unpause_by_controller(d), 0);
	CU_ASSERT_FALSE(test_bit(VPF_paused, &d->vcpu[1]->pause_flags));
	CU_ASSERT_EQUAL(d->pause_count, 0);
	teardown();
}

UNIT_TEST(domain, controller_pause_count_stops_at_255_with_eoverflow)
{
	struct domain *d;
	unsigned int i;

	setup();
	d = fake_domain_create(1, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	/* Born with one; 254 more reach Xen's limit of 255. */
	for (i = 1; i < DOMAIN_CONTROLLER_PAUSE_MAX; i++)
		CU_ASSERT_EQUAL(domain_pause_by_controller(d), 0);
	CU_ASSERT_EQUAL(d->controller_pause_count, 255);
	CU_ASSERT_EQUAL(domain_pause_by_controller(d), -EOVERFLOW);
	/* The refused pause took nothing. */
	CU_ASSERT_EQUAL(d->controller_pause_count, 255);
	CU_ASSERT_EQUAL(d->pause_count, 255);
	CU_ASSERT_EQUAL(d->vcpu[0]->pause_count, 255);
	for (i = 0; i < DOMAIN_CONTROLLER_PAUSE_MAX; i++)
		CU_ASSERT_EQUAL(domain_unpause_by_controller(d), 0);
	CU_ASSERT_EQUAL(domain_unpause_by_controller(d), -EINVAL);
	CU_ASSERT_EQUAL(d->pause_count, 0);
	CU_ASSERT_FALSE(test_bit(VPF_paused, &d->vcpu[0]->pause_flags));
	teardown();
}

UNIT_TEST(domain, pause_is_counted_and_reaches_new_vcpus)
{
	struct domain *d;
	struct vcpu *v0, *v1;

	setup();
	d = fake_domain_create(1, ROLE_GUEST, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(domain_unpause_by_controller(d), 0);
	v0 = d->vcpu[0];
	domain_pause(d);
	domain_pause(d);
	v1 = vcpu_create(d, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v1);
	CU_ASSERT_EQUAL(v1->pause_count, 2);
	CU_ASSERT_TRUE(test_bit(VPF_paused, &v1->pause_flags));
	domain_unpause(d);
	CU_ASSERT_TRUE(test_bit(VPF_paused, &v0->pause_flags));
	CU_ASSERT_TRUE(test_bit(VPF_paused, &v1->pause_flags));
	domain_unpause(d);
	CU_ASSERT_FALSE(test_bit(VPF_paused, &v0->pause_flags));
	CU_ASSERT_FALSE(test_bit(VPF_paused, &v1->pause_flags));
	/* vcpu_pause stacks on the domain's. */
	vcpu_pause(v0);
	domain_pause(d);
	domain_unpause(d);
	CU_ASSERT_TRUE(test_bit(VPF_paused, &v0->pause_flags));
	vcpu_unpause(v0);
	CU_ASSERT_FALSE(test_bit(VPF_paused, &v0->pause_flags));
	teardown();
}

UNIT_TEST(domain, unpaused_up_vcpu_becomes_runnable)
{
	struct domain *d;
	struct vcpu *v;

	setup();
	d = fake_domain_create(1, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	v = d->vcpu[0];
	clear_bit(VPF_down, &v->pause_flags); /* as VCPUOP_up would */
	CU_ASSERT_FALSE(vcpu_runnable(v));
	CU_ASSERT_EQUAL(domain_unpause_by_controller(d), 0);
	CU_ASSERT_TRUE(vcpu_runnable(v));
	domain_pause(d);
	CU_ASSERT_FALSE(vcpu_runnable(v));
	domain_unpause(d);
	CU_ASSERT_TRUE(vcpu_runnable(v));
	teardown();
}

UNIT_TEST(domain, shutdown_keeps_the_first_reason_and_stops_vcpus)
{
	struct domain *d;

	setup();
	d = fake_domain_create(1, ROLE_GUEST, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vcpu_create(d, 1));
	CU_ASSERT_EQUAL(domain_unpause_by_controller(d), 0);
	CU_ASSERT_FALSE(d->is_shutting_down);
	domain_shutdown(d, SHUTDOWN_reboot);
	CU_ASSERT_TRUE(d->is_shutting_down);
	CU_ASSERT_TRUE(d->is_shut_down);
	CU_ASSERT_EQUAL(d->shutdown_code, SHUTDOWN_reboot);
	CU_ASSERT_TRUE(test_bit(VPF_paused, &d->vcpu[0]->pause_flags));
	CU_ASSERT_TRUE(test_bit(VPF_paused, &d->vcpu[1]->pause_flags));
	domain_shutdown(d, SHUTDOWN_poweroff);
	domain_crash(d, "test");
	CU_ASSERT_EQUAL(d->shutdown_code, SHUTDOWN_reboot);
	CU_ASSERT_EQUAL(d->vcpu[0]->pause_count, 1); /* paused once, not per call */
	teardown();
}

UNIT_TEST(domain, crash_is_a_shutdown_with_reason_crash)
{
	struct domain *d, *other;

	setup();
	d = fake_domain_create(1, ROLE_GUEST, 1);
	other = fake_domain_create(2, ROLE_GUEST, 1);
	CU_ASSERT_FATAL(d && other);
	domain_crash(d, "unit test");
	CU_ASSERT_TRUE(d->is_shutting_down);
	CU_ASSERT_EQUAL(d->shutdown_code, SHUTDOWN_crash);
	CU_ASSERT_FALSE(other->is_shutting_down);
	CU_ASSERT_EQUAL(d->state, DOMAIN_ALIVE); /* the toolstack destroys it */
	teardown();
}

UNIT_TEST(domain, shutdown_of_a_dying_domain_is_ignored)
{
	struct domain *d;

	setup();
	d = fake_domain_create(1, ROLE_GUEST, 1);
	CU_ASSERT_FATAL(d && get_domain(d));
	fake_preempt_after(0);
	alloc_domain_pages(d, 0);
	CU_ASSERT_EQUAL(domain_kill(d), -ERESTART);
	domain_shutdown(d, SHUTDOWN_poweroff);
	CU_ASSERT_FALSE(d->is_shutting_down);
	fake_preempt_after(-1);
	fake_domain_kill(d);
	put_domain(d);
	teardown();
}

UNIT_TEST(domain, kill_releases_pages_and_the_last_put_frees_the_domain)
{
	struct domain *d;
	unsigned long free_before;

	setup();
	free_before = total_free_pages();
	d = fake_domain_create(1, ROLE_GUEST, 2);
	CU_ASSERT_FATAL(d && get_domain(d));
	CU_ASSERT_PTR_NOT_NULL(vcpu_create(d, 1));
	for (unsigned int i = 0; i < 20; i++)
		CU_ASSERT_PTR_NOT_NULL(alloc_domain_pages(d, i % 3));
	CU_ASSERT_EQUAL(d->tot_pages, 7 * 1 + 7 * 2 + 6 * 4);
	CU_ASSERT_EQUAL(domain_kill(d), 0);
	CU_ASSERT_EQUAL(d->state, DOMAIN_DEAD);
	CU_ASSERT_EQUAL(d->tot_pages, 0);
	CU_ASSERT_TRUE(list_empty(&d->page_list));
	CU_ASSERT_PTR_NULL(get_domain_by_id(1));
	CU_ASSERT_EQUAL(domain_kill(d), 0); /* again: nothing left to do */
	/* Our reference still holds the struct (and its shared_info, vCPUs). */
	CU_ASSERT(total_free_pages() < free_before);
	put_domain(d);
	CU_ASSERT_EQUAL(total_free_pages(), free_before);
	teardown();
}

UNIT_TEST(domain, kill_is_preemptible_and_resumes_where_it_stopped)
{
	struct domain *d;
	unsigned int restarts = 0;
	int rc;

	setup();
	d = fake_domain_create(1, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	for (unsigned int i = 0; i < 50; i++)
		CU_ASSERT_PTR_NOT_NULL(alloc_domain_pages(d, 0));
	CU_ASSERT_TRUE_FATAL(get_domain(d));
	fake_preempt_after(4); /* stop every fifth check */
	while ((rc = domain_kill(d)) == -ERESTART) {
		restarts++;
		CU_ASSERT_EQUAL(d->state, DOMAIN_DYING);
		CU_ASSERT_FATAL(restarts < 1000);
	}
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT(restarts >= 5);
	CU_ASSERT_EQUAL(d->tot_pages, 0);
	CU_ASSERT_EQUAL(d->state, DOMAIN_DEAD);
	put_domain(d);
	teardown();
}

UNIT_TEST(domain, create_kill_cycles_leak_nothing)
{
	setup();
	for (unsigned int round = 0; round < 20; round++) {
		struct domain *d = fake_domain_create((domid_t)(round % 3 + 1), ROLE_GUEST, 3);

		CU_ASSERT_PTR_NOT_NULL_FATAL(d);
		CU_ASSERT_PTR_NOT_NULL(vcpu_create(d, 2));
		CU_ASSERT_PTR_NOT_NULL(alloc_domain_pages(d, 2));
		fake_domain_kill(d);
		fake_guest_detach(d);
	}
	CU_ASSERT_EQUAL(total_free_pages(), fake_abi_free_at_setup);
	teardown();
}

/* --- Domain frames and their references (common/page_ref.c) --- */

UNIT_TEST(domain, alloc_domain_pages_respects_max_pages)
{
	struct domain_create_args a = fake_domain_args("x", ROLE_GUEST, 1);
	struct page_info *pg;
	struct domain *d;

	setup();
	a.max_pages = 5;
	CU_ASSERT_EQUAL_FATAL(domain_create(1, &a, &d), 0);
	pg = alloc_domain_pages(d, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pg);
	CU_ASSERT_EQUAL(d->tot_pages, 4);
	for (unsigned int i = 0; i < 4; i++) {
		CU_ASSERT_PTR_EQUAL(page_get_owner(pg + i), d);
		CU_ASSERT(!!(pg[i].count_info & PGC_allocated));
		CU_ASSERT_EQUAL(page_refs(pg + i), 1);
	}
	CU_ASSERT_PTR_NULL(alloc_domain_pages(d, 1)); /* 6 > 5 */
	CU_ASSERT_EQUAL(d->tot_pages, 4);
	CU_ASSERT_PTR_NOT_NULL(alloc_domain_pages(d, 0));
	CU_ASSERT_PTR_NULL(alloc_domain_pages(d, 0));
	CU_ASSERT_PTR_NULL(alloc_domain_pages(d, MAX_ORDER + 1));
	CU_ASSERT_EQUAL(d->tot_pages, 5);
	teardown();
}

UNIT_TEST(domain, get_page_checks_owner_and_allocation)
{
	struct domain *d1, *d2;
	struct page_info *pg;
	void *xen;

	setup();
	d1 = fake_domain_create(1, ROLE_GUEST, 1);
	d2 = fake_domain_create(2, ROLE_GUEST, 1);
	CU_ASSERT_FATAL(d1 && d2);
	pg = alloc_domain_pages(d1, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pg);
	CU_ASSERT_FALSE(get_page(pg, d2));
	CU_ASSERT_FALSE(get_page(pg, NULL));
	CU_ASSERT_EQUAL(page_refs(pg), 1);
	CU_ASSERT_TRUE(get_page(pg, d1));
	CU_ASSERT_EQUAL(page_refs(pg), 2);
	put_page(pg);
	CU_ASSERT_EQUAL(page_refs(pg), 1);
	/* A free frame and a xenheap frame are nobody's to reference. */
	CU_ASSERT_FALSE(get_page(mfn_to_page(_mfn(FRAMES - 1)), d1));
	xen = alloc_xenheap_pages(0);
	CU_ASSERT_FALSE(get_page(virt_to_page(xen), d1));
	CU_ASSERT_FALSE(get_page(virt_to_page(d1->shared_info), d1));
	free_xenheap_pages(xen, 0);
	teardown();
}

UNIT_TEST(domain, relinquished_page_is_freed_at_once_unless_referenced)
{
	struct domain *d;
	struct page_info *a, *b;
	unsigned long free0;

	setup();
	d = fake_domain_create(1, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	a = alloc_domain_pages(d, 0);
	b = alloc_domain_pages(d, 0);
	CU_ASSERT_FATAL(a && b);
	free0 = total_free_pages();
	CU_ASSERT_TRUE(get_page(b, d));
	relinquish_page(d, a);
	relinquish_page(d, b);
	CU_ASSERT_EQUAL(d->tot_pages, 0);
	CU_ASSERT_EQUAL(total_free_pages(), free0 + 1);
	/* No new references on a relinquished frame; a second relinquish is harmless. */
	CU_ASSERT_FALSE(get_page(b, d));
	relinquish_page(d, b);
	CU_ASSERT_EQUAL(page_refs(b), 1);
	put_page(b);
	CU_ASSERT_EQUAL(total_free_pages(), free0 + 2);
	teardown();
}

UNIT_TEST(domain, page_mapped_by_another_survives_the_owners_kill)
{
	struct domain *owner, *mapper;
	struct page_info *pg;
	unsigned char *mem;
	unsigned long free_after_kill;

	setup();
	owner = fake_domain_create(1, ROLE_GUEST, 1);
	mapper = fake_domain_create(2, ROLE_GUEST, 1);
	CU_ASSERT_FATAL(owner && mapper);
	pg = alloc_domain_pages(owner, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pg);
	mem = page_to_virt(pg);
	mem[0] = 0x5a;
	CU_ASSERT_TRUE_FATAL(get_page(pg, owner)); /* as a grant map by mapper would */
	fake_domain_kill(owner);
	free_after_kill = total_free_pages();
	/* Still allocated from the heap's point of view, and its contents are intact. */
	CU_ASSERT_FALSE(!!(pg->count_info & PGC_free));
	CU_ASSERT_EQUAL(page_refs(pg), 1);
	CU_ASSERT_EQUAL(mem[0], 0x5a);
	put_page(pg);
	CU_ASSERT(!!(pg->count_info & PGC_free));
	CU_ASSERT_EQUAL(total_free_pages(), free_after_kill + 1);
	teardown();
}

UNIT_TEST(domain, dying_domain_gets_no_new_pages)
{
	struct domain *d;

	setup();
	d = fake_domain_create(1, ROLE_GUEST, 1);
	CU_ASSERT_FATAL(d && get_domain(d));
	CU_ASSERT_PTR_NOT_NULL(alloc_domain_pages(d, 0));
	fake_preempt_after(0);
	CU_ASSERT_EQUAL(domain_kill(d), -ERESTART);
	fake_preempt_after(-1);
	CU_ASSERT_PTR_NULL(alloc_domain_pages(d, 0));
	fake_domain_kill(d);
	put_domain(d);
	teardown();
}
