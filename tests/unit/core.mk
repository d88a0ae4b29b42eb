# Timers, softirqs and the scheduler (core + credit). Their allocations go to
# malloc (tests/unit/fake/fake_sched.c), not to the xmalloc under test in mm.mk,
# whose fake machine other suites set up and tear down.
CORE_UNIT_SRCS := hypervisor/common/softirq.c hypervisor/common/timer.c \
	hypervisor/common/sched/core.c hypervisor/common/sched/credit.c
UNIT_HV_SRCS += $(CORE_UNIT_SRCS)
CORE_UNIT_FLAGS := -Dxmalloc_bytes=fake_core_xmalloc_bytes -Dxzalloc_bytes=fake_core_xzalloc_bytes \
	-Dxfree=fake_core_xfree
$(foreach f,$(CORE_UNIT_SRCS),$(eval UNIT_FLAGS_$(subst /,_,$(f)) := $(CORE_UNIT_FLAGS)))
