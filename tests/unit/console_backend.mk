# The hypervisor's PV console backend (common/console_backend.c) over the ABI
# core's fake guest memory (abi_core.mk), event channels (evtchn.mk) and
# console_io's limiter (memory.mk). Its log lines and raw output are captured
# by the test.
UNIT_HV_SRCS += hypervisor/common/console_backend.c
UNIT_FLAGS_hypervisor_common_console_backend.c := -Dlog_printf=fake_console_backend_log \
	-Dconsole_puts_raw=fake_console_backend_raw
