# The ABI core: domains, page references, p2m, hypercall dispatch, privileges
# and guest access, over the fake guest memory and arch hooks of
# tests/unit/fake/fake_guest.c.
UNIT_HV_SRCS += hypervisor/common/domain.c hypervisor/common/page_ref.c \
	hypervisor/common/p2m.c hypervisor/common/hypercall.c hypervisor/common/privilege.c \
	hypervisor/common/guest_access.c
# hypercall_preempt_check() reads softirq_pending(): tests can force a preemption.
UNIT_FLAGS_hypervisor_common_hypercall.c := -Dsoftirq_pending=fake_hc_softirq_pending
