/*
 * Conformance: hvm_op (Xen 4.17 arch/x86/hvm/hvm.c do_hvm_op,
 * hvmop_get_param/hvmop_set_param with hvm_allow_get_param and
 * hvm_allow_set_param, hvmop_set_evtchn_upcall_vector, HVMOP_get_time).
 *
 * Parameters: what a guest may read and write of its own (the callback
 * the unikernel set, the x87 FIP width with its value check, the store
 * event channel), what it may not (-EPERM even for itself), deprecated
 * ones (-EINVAL), indices out of range, unknown domains. Per-vCPU upcall
 * vector refusals (the unikernel keeps its callback vector). Time.
 *
 * Locking: none (tests run one at a time).
 */
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include "conf.h"

static long get_param(domid_t dom, uint32_t idx, uint64_t *val)
{
	struct xen_hvm_param p = {.domid = dom, .index = idx};
	long rc = HYPERVISOR_hvm_op(HVMOP_get_param, &p);

	if (!rc && val)
		*val = p.value;
	return rc;
}

static long set_param(domid_t dom, uint32_t idx, uint64_t val)
{
	struct xen_hvm_param p = {.domid = dom, .index = idx, .value = val};

	return HYPERVISOR_hvm_op(HVMOP_set_param, &p);
}

TEST(own_readable_params)
{
	uint64_t v = 0;

	/* What the unikernel set at boot: the callback vector. */
	EXPECT_OK(get_param(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &v));
	EXPECT_EQ(v, ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | UK_EVTCHN_VECTOR);
	EXPECT_OK(get_param(DOMID_SELF, HVM_PARAM_STORE_EVTCHN, &v));
	EXPECT_OK(get_param(DOMID_SELF, HVM_PARAM_STORE_PFN, &v));
	EXPECT_OK(get_param(DOMID_SELF, HVM_PARAM_CONSOLE_EVTCHN, &v));
	/* Our domid spelled out works as DOMID_SELF does. */
	EXPECT_OK(get_param(conf_domid(), HVM_PARAM_CALLBACK_IRQ, &v));
}

TEST(param_refusals)
{
	uint64_t v;

	/* Not for the guest itself to read or write (its toolstack's), even as dom0. */
	EXPECT_ERRNO(get_param(DOMID_SELF, HVM_PARAM_IDENT_PT, &v), -EPERM);
	EXPECT_ERRNO(get_param(DOMID_SELF, HVM_PARAM_TIMER_MODE, &v), -EPERM);
	EXPECT_ERRNO(set_param(DOMID_SELF, HVM_PARAM_STORE_PFN, 0x1234), -EPERM);
	EXPECT_ERRNO(set_param(DOMID_SELF, HVM_PARAM_IDENT_PT, 0x1000), -EPERM);
	/* Deprecated. */
	EXPECT_ERRNO(get_param(DOMID_SELF, HVM_PARAM_PAE_ENABLED, &v), -EINVAL);
	EXPECT_ERRNO(set_param(DOMID_SELF, HVM_PARAM_PAE_ENABLED, 1), -EINVAL);
	/* Out of range (HVM_NR_PARAMS is 39). */
	EXPECT_ERRNO(get_param(DOMID_SELF, HVM_NR_PARAMS, &v), -EINVAL);
	EXPECT_ERRNO(get_param(DOMID_SELF, 0xffffffffu, &v), -EINVAL);
	EXPECT_ERRNO(set_param(DOMID_SELF, HVM_NR_PARAMS, 0), -EINVAL);
	/* Nobody there. */
	EXPECT_ERRNO(get_param(CONF_NO_DOMAIN, HVM_PARAM_CALLBACK_IRQ, &v), -ESRCH);
	EXPECT_ERRNO(set_param(CONF_NO_DOMAIN, HVM_PARAM_CALLBACK_IRQ, 0), -ESRCH);
}

TEST(own_writable_params)
{
	uint64_t orig = 0, v = 0, store = 0;

	ASSERT_OK(get_param(DOMID_SELF, HVM_PARAM_X87_FIP_WIDTH, &orig));
	EXPECT_TRUE(orig == 0 || orig == 4 || orig == 8);
	EXPECT_OK(set_param(DOMID_SELF, HVM_PARAM_X87_FIP_WIDTH, 8));
	EXPECT_OK(get_param(DOMID_SELF, HVM_PARAM_X87_FIP_WIDTH, &v));
	EXPECT_EQ(v, 8);
	/* Only 0, 4 and 8 bytes. */
	EXPECT_ERRNO(set_param(DOMID_SELF, HVM_PARAM_X87_FIP_WIDTH, 3), -EINVAL);
	EXPECT_ERRNO(set_param(DOMID_SELF, HVM_PARAM_X87_FIP_WIDTH, 16), -EINVAL);
	EXPECT_OK(set_param(DOMID_SELF, HVM_PARAM_X87_FIP_WIDTH, orig));
	/* The store event channel: the guest may set it (writing back what is there). */
	EXPECT_OK(get_param(DOMID_SELF, HVM_PARAM_STORE_EVTCHN, &store));
	EXPECT_OK(set_param(DOMID_SELF, HVM_PARAM_STORE_EVTCHN, store));
}

TEST(upcall_vector_refusals)
{
	struct xen_hvm_evtchn_upcall_vector uv = {.vcpu = 0, .vector = 0x0f};

	/* Vectors below 0x10 are exceptions; vCPUs must exist. */
	EXPECT_ERRNO(HYPERVISOR_hvm_op(HVMOP_set_evtchn_upcall_vector, &uv), -EINVAL);
	uv.vector = 0xf0;
	uv.vcpu = 1000;
	EXPECT_ERRNO(HYPERVISOR_hvm_op(HVMOP_set_evtchn_upcall_vector, &uv), -ENOENT);
}

TEST(get_time)
{
	struct xen_hvm_get_time t1, t2;
	s_time_t mine;

	EXPECT_OK(HYPERVISOR_hvm_op(HVMOP_get_time, &t1));
	mine = NOW();
	EXPECT_OK(HYPERVISOR_hvm_op(HVMOP_get_time, &t2));
	EXPECT_TRUE(t2.now >= t1.now);
	test_note("HVMOP_get_time %ld us ahead of our pvclock reading",
		  (long)(((int64_t)t1.now - mine) / 1000));
	/*
	 * The same clock as the pvclock, in nanoseconds. Only roughly: under
	 * QEMU's TCG, Xen's own clock and a guest's pvclock extrapolation were
	 * seen 135 ms apart (an emulated TSC that is not constant), so the
	 * bound is the tolerance the timer tests use, 1 s.
	 */
	EXPECT_TRUE((int64_t)t1.now <= mine + MILLISECS(1000));
	EXPECT_TRUE((int64_t)t2.now >= mine - MILLISECS(1000));
	EXPECT_TRUE(t2.now - t1.now < (uint64_t)MILLISECS(500));
}

TEST(unknown_ops)
{
	char buf[64];

	EXPECT_ERRNO(HYPERVISOR_hvm_op(200, buf), -ENOSYS);
	EXPECT_ERRNO(HYPERVISOR_hvm_op(0x7fffffff, buf), -ENOSYS);
}
