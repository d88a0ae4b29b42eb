# Memory ops, xen_version and console_io (common/memory.c, version.c,
# console_io.c) over the ABI core's fake guest memory, plus the console's
# history ring (common/console.c, its log_printf renamed: the fake arch's
# stands in for it everywhere else).
UNIT_HV_SRCS := $(filter-out hypervisor/common/console.c,$(UNIT_HV_SRCS)) \
	hypervisor/common/memory.c hypervisor/common/version.c hypervisor/common/console_io.c \
	hypervisor/common/console.c
# version.c reads the boot command line from the arch's boot_info: the test provides one.
UNIT_FLAGS_hypervisor_common_version.c := -Dboot_info=fake_version_boot_info
# console_io.c logs guest lines through log_printf: the test captures them.
UNIT_FLAGS_hypervisor_common_console_io.c := -Dlog_printf=fake_console_io_log
UNIT_FLAGS_hypervisor_common_console.c := -Dlog_printf=console_real_log_printf \
	-Dvlog_printf=console_real_vlog_printf
