# domctl and sysctl (the toolstack's interface) over the ABI core's fake guest
# memory (tests/unit/fake/fake_guest.c) and the fake arch hooks of
# tests/unit/fake/fake_ctl.c.
UNIT_HV_SRCS += hypervisor/common/domctl.c hypervisor/common/sysctl.c
