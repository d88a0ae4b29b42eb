/*
 * Conformance: vcpu_op, sched_op, set_timer_op and multicall (Xen 4.17
 * common/domain.c common_vcpu_op, arch/x86/domain.c do_vcpu_op,
 * common/sched/core.c do_sched_op, common/multicall.c).
 *
 * vCPU 0 is always there; vCPU 1000 never is. Timers (periodic,
 * singleshot, set_timer_op) are checked by the VIRQ_TIMER events they
 * raise (the unikernel counts them). The last test moves vCPU 0's
 * vcpu_info out of shared_info (VCPUOP_register_vcpu_info) and points the
 * unikernel at the new copy, then checks time and events still work.
 *
 * Locking: none (tests run one at a time).
 */
#include <public/hvm/hvm_op.h>
#include <public/hvm/hvm_vcpu.h>
#include "conf.h"

#define NO_VCPU 1000

TEST(vcpu_state)
{
	struct vcpu_hvm_context ctx;

	EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
	EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_is_up, NO_VCPU, NULL), -ENOENT);
	/* Already up: up again is a no-op. Already initialised: no second context. */
	EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_up, 0, NULL));
	memset(&ctx, 0, sizeof(ctx));
	EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 0, &ctx), -EEXIST);
	EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, NO_VCPU, &ctx), -ENOENT);
	EXPECT_ERRNO(HYPERVISOR_vcpu_op(99, 0, NULL), -ENOSYS);
}

TEST(runstate)
{
	static struct vcpu_runstate_info area;
	struct vcpu_register_runstate_memory_area reg;
	struct vcpu_runstate_info ri;
	struct xen_hvm_get_time now;

	memset(&ri, 0xff, sizeof(ri));
	EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &ri));
	EXPECT_OK(HYPERVISOR_hvm_op(HVMOP_get_time, &now));
	EXPECT_EQ(ri.state, RUNSTATE_running);
	/* Times include the current state so far; entry times are the hypervisor's clock. */
	EXPECT_TRUE(ri.time[RUNSTATE_running] > 0);
	EXPECT_TRUE((ri.state_entry_time & ~XEN_RUNSTATE_UPDATE) <= now.now);
	EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, NO_VCPU, &ri), -ENOENT);
	/*
	 * A registered area is written at once (we are running), then at each
	 * switch. (Its times are those of the last switch: Xen copies its record
	 * without the current state's time so far, so they may still be 0.)
	 */
	memset(&area, 0xff, sizeof(area));
	reg.addr.v = &area;
	EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &reg));
	EXPECT_EQ(READ_ONCE(area.state), RUNSTATE_running);
	EXPECT_TRUE(READ_ONCE(area.time[RUNSTATE_running]) <=
		    ri.time[RUNSTATE_running] + SECONDS(1));
	/* A null area unregisters. */
	reg.addr.p = 0;
	EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &reg));
}

TEST(periodic_timer)
{
	struct vcpu_set_periodic_timer pt = {.period_ns = 100000}; /* 100 us: below 1 ms */
	unsigned long before;

	EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &pt), -EINVAL);
	pt.period_ns = 1ULL << 63;
	EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &pt), -EINVAL);
	pt.period_ns = MILLISECS(10);
	EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, NO_VCPU, &pt), -ENOENT);
	before = timer_virq_count;
	EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &pt));
	/* Ticks keep coming: at least three within a generous window. */
	EXPECT_TRUE(CONF_WAIT(timer_virq_count >= before + 3, 2000));
	EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL));
	/* Stopped: at most one tick already on its way. */
	thread_sleep_ns(MILLISECS(5));
	before = timer_virq_count;
	EXPECT_FALSE(CONF_WAIT(timer_virq_count > before + 1, 60));
}

TEST(singleshot_timer)
{
	struct vcpu_set_singleshot_timer st = {.flags = 0};
	unsigned long before = timer_virq_count;

	/* Only for the calling vCPU; a vCPU that does not exist is -ENOENT first. */
	st.timeout_abs_ns = (uint64_t)(NOW() + MILLISECS(5));
	EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, NO_VCPU, &st), -ENOENT);
	EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st));
	EXPECT_TRUE(CONF_WAIT(timer_virq_count != before, 1000));
	/* Stopped before it fires: no event. */
	before = timer_virq_count;
	st.timeout_abs_ns = (uint64_t)(NOW() + MILLISECS(20));
	EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st));
	EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL));
	EXPECT_FALSE(CONF_WAIT(timer_virq_count != before, 60));
}

TEST(set_timer_op)
{
	unsigned long before = timer_virq_count;

	EXPECT_OK(uk_hypercall(__HYPERVISOR_set_timer_op, (unsigned long)(NOW() + MILLISECS(5)), 0,
			       0, 0, 0));
	EXPECT_TRUE(CONF_WAIT(timer_virq_count != before, 1000));
	/* 0 cancels. */
	before = timer_virq_count;
	EXPECT_OK(uk_hypercall(__HYPERVISOR_set_timer_op, (unsigned long)(NOW() + MILLISECS(20)), 0,
			       0, 0, 0));
	EXPECT_OK(uk_hypercall(__HYPERVISOR_set_timer_op, 0, 0, 0, 0, 0));
	EXPECT_FALSE(CONF_WAIT(timer_virq_count != before, 60));
}

TEST(sched_ops)
{
	struct sched_remote_shutdown rs = {.domain_id = CONF_NO_DOMAIN,
					   .reason = SHUTDOWN_poweroff};
	struct sched_shutdown code = {.reason = SHUTDOWN_poweroff};
	unsigned long before = timer_virq_count;
	s_time_t start;

	EXPECT_OK(HYPERVISOR_sched_op(SCHEDOP_yield, NULL));
	/* block: sleeps until an event (here our own timer in 10 ms). */
	start = NOW();
	EXPECT_OK(uk_hypercall(__HYPERVISOR_set_timer_op, (unsigned long)(start + MILLISECS(10)), 0,
			       0, 0, 0));
	EXPECT_OK(HYPERVISOR_sched_op(SCHEDOP_block, NULL));
	EXPECT_TRUE(CONF_WAIT(timer_virq_count != before, 1000));
	/* The code a later shutdown reports (the one we will use anyway: poweroff). */
	EXPECT_OK(HYPERVISOR_sched_op(SCHEDOP_shutdown_code, &code));
	EXPECT_ERRNO(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), -ESRCH);
	EXPECT_ERRNO(HYPERVISOR_sched_op(99, NULL), -ENOSYS);
	EXPECT_ERRNO(HYPERVISOR_sched_op(-1, NULL), -ENOSYS);
	if (!conf_privileged()) {
		struct sched_pin_override po = {.pcpu = 0};

		/* Only the hardware domain pins its vCPUs. */
		EXPECT_ERRNO(HYPERVISOR_sched_op(SCHEDOP_pin_override, &po), -EPERM);
	}
}

TEST(multicall)
{
	static multicall_entry_t mc[5];
	long dummy;

	memset(mc, 0, sizeof(mc));
	mc[0].op = __HYPERVISOR_xen_version;
	mc[0].args[0] = XENVER_version;
	mc[1].op = 1000;		   /* no such hypercall */
	mc[2].op = __HYPERVISOR_multicall; /* no multicall inside a multicall */
	mc[2].args[0] = (xen_ulong_t)(unsigned long)&mc[0];
	mc[2].args[1] = 1;
	mc[3].op = __HYPERVISOR_sched_op;
	mc[3].args[0] = SCHEDOP_yield;
	mc[4].op = __HYPERVISOR_xen_version;
	mc[4].args[0] = XENVER_pagesize;
	mc[4].args[1] = (xen_ulong_t)(unsigned long)&dummy; /* must be null: -EINVAL */
	EXPECT_OK(HYPERVISOR_multicall(mc, 5));
	EXPECT_EQ(mc[0].result, (xen_ulong_t)HYPERVISOR_xen_version(XENVER_version, NULL));
	EXPECT_EQ((long)mc[1].result, -ENOSYS);
	EXPECT_EQ((long)mc[2].result, -EINVAL);
	EXPECT_EQ((long)mc[3].result, 0);
	EXPECT_EQ((long)mc[4].result, -EINVAL);
	EXPECT_OK(HYPERVISOR_multicall(mc, 0));
	EXPECT_ERRNO(HYPERVISOR_multicall(CONF_BAD_VA, 1), -EFAULT);
}

TEST(register_vcpu_info_refusals)
{
	struct vcpu_register_vcpu_info vi = {.offset = 0};
	void *page = page_alloc(0), *hole = conf_hole();

	ASSERT_TRUE(page && hole);
	vi.mfn = virt_to_gfn(page);
	/* The structure must fit in the page and be 8-byte aligned. */
	vi.offset = PAGE_SIZE - 3;
	EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &vi), -ENXIO);
	vi.offset = 4;
	EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &vi), -ENXIO);
	/* The frame must be RAM of ours. */
	vi.mfn = virt_to_gfn(hole);
	vi.offset = 0;
	EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &vi), -EINVAL);
	EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, NO_VCPU, &vi), -ENOENT);
	EXPECT_OK(conf_hole_fill(hole));
	page_free(page, 0);
}

/* Must stay the last test: vCPU 0's vcpu_info moves for good. */
TEST(register_vcpu_info_moves_it)
{
	struct vcpu_register_vcpu_info vi = {.offset = 64};
	uint8_t *page = page_alloc(0); /* never freed: the hypervisor keeps writing to it */
	struct vcpu_info *moved;
	unsigned long flags, before;
	s_time_t t0;
	long rc;

	ASSERT_TRUE(page != NULL);
	moved = (struct vcpu_info *)(page + vi.offset);
	vi.mfn = virt_to_gfn(page);
	/* No upcall may look at the old copy while we switch. */
	flags = irq_save();
	rc = HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &vi);
	if (!rc)
		uk_vcpu_info = moved;
	irq_restore(flags);
	ASSERT_OK(rc);
	/* The time moved with it, and keeps being published there. */
	EXPECT_NE(READ_ONCE(moved->time.tsc_to_system_mul), 0);
	t0 = NOW();
	before = timer_virq_count;
	thread_sleep_ns(MILLISECS(10)); /* needs VIRQ_TIMER through the new vcpu_info */
	EXPECT_TRUE(NOW() >= t0 + MILLISECS(10));
	EXPECT_TRUE(timer_virq_count != before);
	/* Once per vCPU. */
	EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &vi), -EINVAL);
}
