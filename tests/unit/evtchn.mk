# Event channels: common/event_channel.c (ports, EVTCHNOP_*), event_2l.c (2-level delivery) and
# event_fifo.c (FIFO delivery), over the fake arch and the core's domains (abi_core.mk).
# Tests: tests/unit/test_evtchn_*.c, one suite "evtchn", set-up shared in evtchn_test.h.
UNIT_HV_SRCS += hypervisor/common/event_channel.c hypervisor/common/event_2l.c \
	hypervisor/common/event_fifo.c
