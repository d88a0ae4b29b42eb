/*
 * HYPERVISOR_vcpu_op (common/vcpu_op.c): vCPU ids, initialise/up/down/is_up,
 * register_vcpu_info (placement rules, once only, the page reference, the
 * state carried over), singleshot and periodic timers delivering VIRQ_TIMER,
 * runstate info and area, -ENOSYS sub-ops, and random arguments.
 */
#include <public/hvm/hvm_vcpu.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <tessera/bitmap.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include <tessera/page_info.h>

#include "misc_test.h"

UNIT_SUITE(vcpu_op);

static long vcpu_op(int cmd, unsigned long vcpu, uint64_t arg)
{
	return fake_hypercall3(__HYPERVISOR_vcpu_op, (unsigned long)cmd, vcpu, arg);
}

/* A valid 64-bit start context. */
static struct vcpu_hvm_context ctx64(void)
{
	struct vcpu_hvm_context c = {.mode = VCPU_HVM_MODE_64B};

	c.cpu_regs.x86_64.rip = 0xffffffff81000000ULL;
	c.cpu_regs.x86_64.cr0 = (1ULL << 31) | 1;
	c.cpu_regs.x86_64.cr4 = 1ULL << 5;
	c.cpu_regs.x86_64.efer = (1ULL << 8) | (1ULL << 10);
	return c;
}

/* A valid flat 32-bit context (as the PVH entry). */
static struct vcpu_hvm_context ctx32(void)
{
	struct vcpu_hvm_context c = {.mode = VCPU_HVM_MODE_32B};
	struct vcpu_hvm_x86_32 *r = &c.cpu_regs.x86_32;

	r->eip = 0x100000;
	r->cs_limit = r->ds_limit = r->ss_limit = r->es_limit = 0xfffff;
	r->cs_ar = 0xc9b; /* code, present, G, D */
	r->ds_ar = r->ss_ar = r->es_ar = 0xc93;
	r->tr_ar = 0x8b;
	r->tr_limit = 0x67;
	r->cr0 = 1;
	return c;
}

static long initialise(struct domain *d, unsigned int vcpu, const struct vcpu_hvm_context *c)
{
	return vcpu_op(VCPUOP_initialise, vcpu, misc_put(d, c, sizeof(*c), NULL));
}

static bool up(const struct vcpu *v)
{
	return !test_bit(VPF_down, &v->pause_flags);
}

UNIT_TEST(vcpu_op, a_vcpu_the_domain_does_not_have_is_enoent)
{
	struct domain *d;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 2);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_is_up, 2, 0), -ENOENT);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_is_up, ~0UL, 0), -ENOENT);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_up, 1000, 0), -ENOENT);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_is_up, 1, 0), 0);
	CU_ASSERT_EQUAL(vcpu_op(77, 0, 0), -ENOSYS);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, 0), -ENOSYS);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_send_nmi, 0, 0), -ENOSYS);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_get_physid, 0, 0), -ENOSYS);
	(void)d;
	misc_teardown();
}

UNIT_TEST(vcpu_op, initialise_up_down_and_is_up)
{
	struct vcpu_hvm_context c = ctx64();
	struct domain *d;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 3);
	d->vcpu[0]->is_initialised = true; /* the builder's job */
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_up, 0, 0), 0);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_is_up, 0, 0), 1);
	/* Up without a context: -EINVAL. */
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_up, 1, 0), -EINVAL);
	CU_ASSERT_FALSE(up(d->vcpu[1]));
	CU_ASSERT_EQUAL(initialise(d, 1, &c), 0);
	CU_ASSERT_PTR_NOT_NULL(d->vcpu[1]->hvm_init_ctx);
	CU_ASSERT_EQUAL(d->vcpu[1]->hvm_init_ctx->cpu_regs.x86_64.rip, c.cpu_regs.x86_64.rip);
	CU_ASSERT_EQUAL(initialise(d, 1, &c), -EEXIST); /* once */
	CU_ASSERT_EQUAL(initialise(d, 0, &c), -EEXIST);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_up, 1, 0), 0);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_is_up, 1, 0), 1);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_up, 1, 0), 0); /* again: no-op */
	c = ctx32();
	CU_ASSERT_EQUAL(initialise(d, 2, &c), 0);
	/* Down while another is up. */
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_down, 1, 0), 0);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_is_up, 1, 0), 0);
	CU_ASSERT_FALSE(d->is_shutting_down);
	/* The last one up going down powers the domain off. */
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_down, 0, 0), 0);
	CU_ASSERT_TRUE(d->is_shutting_down);
	CU_ASSERT_EQUAL(d->shutdown_code, SHUTDOWN_poweroff);
	misc_teardown();
}

UNIT_TEST(vcpu_op, initialise_rejects_bad_contexts)
{
	struct vcpu_hvm_context c;
	struct domain *d, *pv;
	struct domain_create_args args = fake_domain_args("pv", ROLE_GUEST, 2);

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 2);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_initialise, 1, fake_guest_end(d) - 8), -EFAULT);
	c = ctx64();
	c.mode = 7;
	CU_ASSERT_EQUAL(initialise(d, 1, &c), -EINVAL);
	c = ctx64();
	c.pad = 1;
	CU_ASSERT_EQUAL(initialise(d, 1, &c), -EINVAL);
	c = ctx64();
	c.cpu_regs.x86_64.rip = 0x0000800000000000ULL; /* non-canonical */
	CU_ASSERT_EQUAL(initialise(d, 1, &c), -EINVAL);
	c = ctx64();
	c.cpu_regs.x86_64.cr0 = 1; /* no paging */
	CU_ASSERT_EQUAL(initialise(d, 1, &c), -EINVAL);
	c = ctx64();
	c.cpu_regs.x86_64.efer = 0;
	CU_ASSERT_EQUAL(initialise(d, 1, &c), -EINVAL);
	c = ctx32();
	c.cpu_regs.x86_32.cs_ar = 0xc93; /* data for CS */
	CU_ASSERT_EQUAL(initialise(d, 1, &c), -EINVAL);
	c = ctx32();
	c.cpu_regs.x86_32.ss_ar = 0; /* null SS */
	CU_ASSERT_EQUAL(initialise(d, 1, &c), -EINVAL);
	c = ctx32();
	c.cpu_regs.x86_32.tr_ar = 0x89 | 0x10; /* code/data for TR */
	CU_ASSERT_EQUAL(initialise(d, 1, &c), -EINVAL);
	c = ctx32();
	c.cpu_regs.x86_32.ds_ar = 0x1c93; /* bits 12-15 */
	CU_ASSERT_EQUAL(initialise(d, 1, &c), -EINVAL);
	c = ctx32();
	c.cpu_regs.x86_32.cs_ar = 0x49b; /* byte granular: limit 0xfffff */
	c.cpu_regs.x86_32.eip = 0x100000;
	CU_ASSERT_EQUAL(initialise(d, 1, &c), -EINVAL);
	c = ctx32();
	c.cpu_regs.x86_32.ss_ar = 0xcf3; /* DPL 3 against CS DPL 0 */
	CU_ASSERT_EQUAL(initialise(d, 1, &c), -EINVAL);
	c = ctx32();
	c.cpu_regs.x86_32.efer = 1ULL << 10; /* LMA without LME */
	CU_ASSERT_EQUAL(initialise(d, 1, &c), -EINVAL);
	c = ctx32();
	c.cpu_regs.x86_32.pad2[1] = 1;
	CU_ASSERT_EQUAL(initialise(d, 1, &c), -EINVAL);
	c = ctx32();
	c.cpu_regs.x86_32.ds_ar = 0; /* a null DS is allowed */
	CU_ASSERT_EQUAL(initialise(d, 1, &c), 0);
	CU_ASSERT_TRUE(d->vcpu[1]->is_initialised);

	/* PV guests' vcpu_guest_context is not implemented yet. */
	args.mode = GUEST_MODE_PV;
	CU_ASSERT_EQUAL_FATAL(domain_create(2, &args, &pv), 0);
	fake_guest_attach(pv, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vcpu_create(pv, 1));
	fake_set_current(pv->vcpu[0]);
	c = ctx64();
	CU_ASSERT_EQUAL(initialise(pv, 1, &c), -ENOSYS);
	misc_teardown();
}

/* Give d a RAM page at gfn (p2m, as XENMEM_populate_physmap would): the page. */
static struct page_info *ram_at(struct domain *d, uint64_t gfn)
{
	struct page_info *pg = alloc_domain_pages(d, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(pg);
	CU_ASSERT_EQUAL_FATAL(p2m_set_entry(d, _gfn(gfn), page_to_mfn(pg), p2m_ram_rw), 0);
	return pg;
}

static long register_info(struct domain *d, unsigned int vcpu, uint64_t gfn, uint32_t offset)
{
	struct vcpu_register_vcpu_info info = {.mfn = gfn, .offset = offset};

	return vcpu_op(VCPUOP_register_vcpu_info, vcpu, misc_put(d, &info, sizeof(info), NULL));
}

UNIT_TEST(vcpu_op, register_vcpu_info_moves_it_once_keeping_its_state)
{
	struct domain *d;
	struct vcpu *v;
	struct page_info *pg;
	struct vcpu_info *vi;
	unsigned long refs;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 2);
	v = d->vcpu[0];
	pg = ram_at(d, 0x200);
	refs = pg->count_info & PGC_count_mask;
	v->vcpu_info->evtchn_upcall_mask = 1;
	v->vcpu_info->arch.cr2 = 0x1234;
	CU_ASSERT_EQUAL(register_info(d, 0, 0x200, 64), 0);
	vi = (struct vcpu_info *)((char *)page_to_virt(pg) + 64);
	CU_ASSERT_PTR_EQUAL(v->vcpu_info, vi);
	CU_ASSERT_PTR_EQUAL(v->vcpu_info_page, pg);
	CU_ASSERT_EQUAL(pg->count_info & PGC_count_mask,
			refs + 1); /* a reference while registered */
	CU_ASSERT_EQUAL(vi->evtchn_upcall_mask, 1);
	CU_ASSERT_EQUAL(vi->arch.cr2, 0x1234);
	CU_ASSERT_EQUAL(vi->evtchn_pending_sel, ~0UL); /* everything pending: nothing lost */
	CU_ASSERT_EQUAL(vi->evtchn_upcall_pending, 1);
	CU_ASSERT_EQUAL(vi->time.version % 2, 0);
	CU_ASSERT_NOT_EQUAL(vi->time.version, 0); /* time published at the new place */
	/* Once only. */
	CU_ASSERT_EQUAL(register_info(d, 0, 0x200, 128), -EINVAL);
	CU_ASSERT_PTR_EQUAL(v->vcpu_info, vi);
	CU_ASSERT_EQUAL(pg->count_info & PGC_count_mask, refs + 1);
	/* Events now land in the new place. */
	vi->evtchn_upcall_pending = 0;
	vi->evtchn_pending_sel = 0;
	(void)misc_bind_virq(d, VIRQ_TIMER, 0);
	send_guest_vcpu_virq(v, VIRQ_TIMER);
	CU_ASSERT_EQUAL(vi->evtchn_upcall_pending, 1);
	/* Teardown gives the reference back and the shared_info slot back. */
	vcpu_op_destroy(v);
	CU_ASSERT_EQUAL(pg->count_info & PGC_count_mask, refs);
	CU_ASSERT_PTR_EQUAL(v->vcpu_info, &d->shared_info->vcpu_info[0]);
	misc_teardown();
}

UNIT_TEST(vcpu_op, register_vcpu_info_checks_placement_and_target)
{
	struct domain *d;
	struct page_info *pg;
	unsigned long refs;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 2);
	pg = ram_at(d, 0x300);
	refs = pg->count_info & PGC_count_mask;
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_register_vcpu_info, 0, 4), -EFAULT);
	/* Crossing the page end, or misaligned: -ENXIO (Xen 4.17's map_vcpu_info). */
	CU_ASSERT_EQUAL(register_info(d, 0, 0x300, 4096 - 32), -ENXIO);
	CU_ASSERT_EQUAL(register_info(d, 0, 0x300, 4096), -ENXIO);
	CU_ASSERT_EQUAL(register_info(d, 0, 0x300, 0xffffffffu), -ENXIO);
	CU_ASSERT_EQUAL(register_info(d, 0, 0x300, 4), -ENXIO);
	/* No RAM there, or beyond any gfn: -EINVAL. */
	CU_ASSERT_EQUAL(register_info(d, 0, 0x301, 0), -EINVAL);
	CU_ASSERT_EQUAL(register_info(d, 0, ~0ULL, 0), -EINVAL);
	/* Another vCPU only while it is down. */
	clear_bit(VPF_down, &d->vcpu[1]->pause_flags);
	CU_ASSERT_EQUAL(register_info(d, 1, 0x300, 0), -EINVAL);
	set_bit(VPF_down, &d->vcpu[1]->pause_flags);
	CU_ASSERT_EQUAL(register_info(d, 1, 0x300, 4096 - sizeof(struct vcpu_info)), 0);
	CU_ASSERT_EQUAL(pg->count_info & PGC_count_mask, refs + 1);
	CU_ASSERT_EQUAL(register_info(d, 0, 0x300, 0), 0);
	CU_ASSERT_EQUAL(pg->count_info & PGC_count_mask, refs + 2);
	misc_teardown();
}

UNIT_TEST(vcpu_op, singleshot_timer_raises_virq_timer)
{
	struct vcpu_set_singleshot_timer set = {0};
	struct domain *d;
	struct vcpu *v;
	uint32_t port;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 2);
	v = d->vcpu[0];
	port = misc_bind_virq(d, VIRQ_TIMER, 0);
	/* Only on the calling vCPU. */
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_set_singleshot_timer, 1, 0), -EINVAL);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_stop_singleshot_timer, 1, 0), -EINVAL);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_set_singleshot_timer, 0, 0), -EFAULT);
	/* In the future: fires at the deadline, not before. */
	set.timeout_abs_ns = (uint64_t)(fake_now + MILLISECS(3));
	CU_ASSERT_EQUAL(
	    vcpu_op(VCPUOP_set_singleshot_timer, 0, misc_put(d, &set, sizeof(set), NULL)), 0);
	CU_ASSERT_TRUE(timer_is_active(v->singleshot_timer));
	misc_run_until(fake_now + MILLISECS(2));
	CU_ASSERT_FALSE(misc_port_pending(d, port));
	misc_run_until(fake_now + MILLISECS(1));
	CU_ASSERT_TRUE(misc_port_pending(d, port));
	clear_bit(port, (unsigned long *)d->shared_info->evtchn_pending);
	/* Stopped: never fires. */
	set.timeout_abs_ns = (uint64_t)(fake_now + MILLISECS(3));
	CU_ASSERT_EQUAL(
	    vcpu_op(VCPUOP_set_singleshot_timer, 0, misc_put(d, &set, sizeof(set), NULL)), 0);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_stop_singleshot_timer, 0, 0), 0);
	misc_run_until(fake_now + MILLISECS(10));
	CU_ASSERT_FALSE(misc_port_pending(d, port));
	/* In the past, even with VCPU_SSHOTTMR_future: fires at once (Xen 4.17.2+ ignores the
	 * flag). */
	set.timeout_abs_ns = (uint64_t)(fake_now - 1);
	set.flags = VCPU_SSHOTTMR_future;
	CU_ASSERT_EQUAL(
	    vcpu_op(VCPUOP_set_singleshot_timer, 0, misc_put(d, &set, sizeof(set), NULL)), 0);
	CU_ASSERT_TRUE(misc_port_pending(d, port));
	misc_teardown();
}

UNIT_TEST(vcpu_op, periodic_timer_ticks_until_stopped)
{
	struct vcpu_set_periodic_timer set = {.period_ns = (uint64_t)MILLISECS(1) - 1};
	struct domain *d;
	uint32_t port;
	unsigned int ticks = 0;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 1);
	port = misc_bind_virq(d, VIRQ_TIMER, 0);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_stop_periodic_timer, 0, 0), 0); /* none running: fine */
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_set_periodic_timer, 0, misc_put(d, &set, sizeof(set), NULL)),
			-EINVAL);
	set.period_ns = ~0ULL;
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_set_periodic_timer, 0, misc_put(d, &set, sizeof(set), NULL)),
			-EINVAL);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_set_periodic_timer, 0, fake_guest_end(d)), -EFAULT);
	set.period_ns = (uint64_t)MILLISECS(10);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_set_periodic_timer, 0, misc_put(d, &set, sizeof(set), NULL)),
			0);
	for (unsigned int i = 0; i < 5; i++) {
		misc_run_until(fake_now + MILLISECS(10));
		if (misc_port_pending(d, port))
			ticks++;
		clear_bit(port, (unsigned long *)d->shared_info->evtchn_pending);
	}
	CU_ASSERT_EQUAL(ticks, 5);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_stop_periodic_timer, 0, 0), 0);
	misc_run_until(fake_now + MILLISECS(50));
	CU_ASSERT_FALSE(misc_port_pending(d, port));
	misc_teardown();
}

UNIT_TEST(vcpu_op, runstate_info_and_registered_area)
{
	struct vcpu_register_runstate_memory_area area;
	struct vcpu_runstate_info *info, *mirror;
	struct domain *d;
	struct vcpu *v;
	uint64_t gva, mgva;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 2);
	v = d->vcpu[1];
	gva = fake_guest_alloc(d, sizeof(*info), (void **)&info);
	v->runstate.state = VCPU_RUNSTATE_OFFLINE;
	v->runstate.state_entry_time = fake_now - 100;
	v->runstate.time[VCPU_RUNSTATE_RUNNING] = 7;
	v->runstate.time[VCPU_RUNSTATE_OFFLINE] = 1000;
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_get_runstate_info, 1, gva), 0);
	CU_ASSERT_EQUAL(info->state, RUNSTATE_offline);
	CU_ASSERT_EQUAL(info->time[RUNSTATE_running], 7);
	CU_ASSERT_EQUAL(info->time[RUNSTATE_offline], 1100); /* includes the time so far */
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_get_runstate_info, 1, fake_guest_end(d) - 4), -EFAULT);

	mgva = fake_guest_alloc(d, sizeof(*mirror), (void **)&mirror);
	area.addr.p = mgva;
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_register_runstate_memory_area, 1,
				misc_put(d, &area, sizeof(area), NULL)),
			0);
	CU_ASSERT_EQUAL(mirror->state, RUNSTATE_offline);
	CU_ASSERT_EQUAL(mirror->time[RUNSTATE_offline], 1100);
	v->runstate.time[VCPU_RUNSTATE_RUNNING] = 99;
	vcpu_update_runstate_area(v);
	CU_ASSERT_EQUAL(mirror->time[RUNSTATE_running], 99);
	/* An unmapped address is accepted, as Xen (writes just fail); 0 unregisters. */
	area.addr.p = 0x10;
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_register_runstate_memory_area, 1,
				misc_put(d, &area, sizeof(area), NULL)),
			0);
	vcpu_update_runstate_area(v);
	area.addr.p = 0;
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_register_runstate_memory_area, 1,
				misc_put(d, &area, sizeof(area), NULL)),
			0);
	CU_ASSERT_EQUAL(v->runstate_guest, 0);
	CU_ASSERT_EQUAL(vcpu_op(VCPUOP_register_runstate_memory_area, 1, 0), -EFAULT);
	misc_teardown();
}

UNIT_TEST(vcpu_op, random_arguments_never_crash_or_leak)
{
	uint64_t seed = 0xfeedfacecafe1234ULL;
	struct domain *d;

	misc_setup();
	d = misc_domain(1, ROLE_GUEST, 3);
	(void)ram_at(d, 0x10);
	(void)misc_bind_virq(d, VIRQ_TIMER, 0);
	for (unsigned int i = 0; i < 20000; i++) {
		int cmd = (int)(misc_rand(&seed) % 16) - 1;
		unsigned long vcpu = misc_rand(&seed) % 5;
		unsigned long arg = misc_rand_arg(&seed, d);
		void *host = fake_guest_host(d, arg);

		if (host && arg + 160 <= fake_guest_end(d))
			for (unsigned int b = 0; b < 160; b++)
				((uint8_t *)host)[b] =
				    (uint8_t)(misc_rand(&seed) % 4 ? 0 : misc_rand(&seed));
		if (cmd == VCPUOP_down)
			continue; /* may power the domain off; covered above */
		fake_set_current(d->vcpu[misc_rand(&seed) % 3]);
		(void)vcpu_op(cmd, vcpu, arg);
		if (misc_rand(&seed) % 64 == 0)
			misc_run_until(fake_now + MILLISECS(1));
	}
	misc_teardown();
}
