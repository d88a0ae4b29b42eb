# Guest services: sched_op, vcpu_op, set_timer_op and guest time, hvm_op,
# multicall, over the ABI core's fake guest memory (abi_core.mk) and the
# fake time hooks of tests/unit/fake/fake_time.c.
UNIT_HV_SRCS += hypervisor/common/sched_op.c hypervisor/common/vcpu_op.c \
	hypervisor/common/time.c hypervisor/common/multicall.c
# hvm_op and the VCPUOP_initialise context checks are x86's (arch/x86/hvm/), portable C.
UNIT_HV_SRCS += hypervisor/arch/x86/hvm/hvm_op.c hypervisor/arch/x86/hvm/hvm_context.c
