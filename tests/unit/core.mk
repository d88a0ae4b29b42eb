# Timers, softirqs and the scheduler (core + credit).
UNIT_HV_SRCS += hypervisor/common/softirq.c hypervisor/common/timer.c \
	hypervisor/common/sched/core.c hypervisor/common/sched/credit.c
