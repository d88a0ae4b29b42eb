# Host unit tests: CUnit, built with ASan and UBSan. Hypervisor sources are
# compiled as they are, against a fake arch layer (tests/unit/fake/), and
# linked with every tests/unit/test_*.c into one binary.
#
# Each concern adds the hypervisor sources it tests in its section below (in
# alphabetical order, as the fragments they were):
#   UNIT_HV_SRCS += hypervisor/common/foo.c
# Tool sources (dom0-tools/, libvchan/) go in UNIT_TOOL_SRCS instead: the unit binary
# links them, the hypercall fuzz harness (tests/fuzz/fuzz.mk, which takes UNIT_HV_SRCS)
# does not.
# A source needing extra flags sets UNIT_FLAGS_<path with / as _>; extra
# host libraries go in UNIT_LDLIBS.

UNIT_OUT := $(BUILD)/unit
UNIT_BIN := $(UNIT_OUT)/unit-tests
UNIT_HV_SRCS :=
UNIT_TOOL_SRCS :=

# ---- abi_core ----
# The ABI core: domains, page references, p2m, hypercall dispatch, privileges
# and guest access, over the fake guest memory and arch hooks of
# tests/unit/fake/fake_guest.c.
UNIT_HV_SRCS += hypervisor/common/domain.c hypervisor/common/page_ref.c \
	hypervisor/common/p2m.c hypervisor/common/hypercall.c hypervisor/common/privilege.c \
	hypervisor/common/guest_access.c
# hypercall_preempt_check() reads softirq_pending(): tests can force a preemption.
UNIT_FLAGS_hypervisor_common_hypercall.c := -Dsoftirq_pending=fake_hc_softirq_pending

# ---- acpi ----
# ACPI table discovery (RSDP search, RSDT/XSDT, MADT parsing) over a fake memory buffer.
UNIT_HV_SRCS += hypervisor/arch/x86/acpi.c

# ---- builder ----
# The PVH domain builder's portable parts: the ELF parser, guest-physical
# copies, the PVH planner (layout, boot info placement and bytes) and the
# steps that fill a domain, the guest ACPI tables. The
# tests also parse the real hlt test guest (tests/guests/hlt), built first.
UNIT_HV_SRCS += hypervisor/shared/elf.c hypervisor/common/guest_phys.c \
	hypervisor/arch/x86/pvh_layout.c hypervisor/shared/pvh_plan.c \
	hypervisor/shared/acpi_build.c
UNIT_FLAGS_tests_unit_test_elf.c := -DHLT_ELF_PATH=\"$(GUEST_HLT)\"
$(UNIT_OUT)/tests/unit/test_elf.o: $(GUEST_HLT)

# ---- bundle ----
# The boot bundle: the portable parser, the hypervisor's XXH3, the boot glue,
# and mkboot's writer (which the tests use to make bundles); the host's
# libxxhash is the reference for XXH3.
UNIT_HV_SRCS += hypervisor/shared/bundle_parse.c hypervisor/common/xxhash.c \
	hypervisor/common/bootbundle.c dom0-tools/mkboot/bundle_write.c
UNIT_LDLIBS += -lxxhash
UNIT_FLAGS_tests_unit_test_bundle.c := -Idom0-tools/mkboot

# ---- console_backend ----
# The hypervisor's PV console backend (common/console_backend.c) over the ABI
# core's fake guest memory (section abi_core), event channels (evtchn) and
# console_io's limiter (memory). Its log lines and raw output are captured
# by the test.
UNIT_HV_SRCS += hypervisor/common/console_backend.c
UNIT_FLAGS_hypervisor_common_console_backend.c := -Dlog_printf=fake_console_backend_log \
	-Dconsole_puts_raw=fake_console_backend_raw

# ---- core ----
# Timers, softirqs and the scheduler (core + credit). Their allocations go to
# malloc (tests/unit/fake/fake_sched.c), not to the xmalloc under test in section mm,
# whose fake machine other suites set up and tear down.
CORE_UNIT_SRCS := hypervisor/common/softirq.c hypervisor/common/timer.c \
	hypervisor/common/sched/core.c hypervisor/common/sched/credit.c
UNIT_HV_SRCS += $(CORE_UNIT_SRCS)
CORE_UNIT_FLAGS := -Dxmalloc_bytes=fake_core_xmalloc_bytes -Dxzalloc_bytes=fake_core_xzalloc_bytes \
	-Dxfree=fake_core_xfree
$(foreach f,$(CORE_UNIT_SRCS),$(eval UNIT_FLAGS_$(subst /,_,$(f)) := $(CORE_UNIT_FLAGS)))

# ---- ctl ----
# domctl and sysctl (the toolstack's interface) over the ABI core's fake guest
# memory (tests/unit/fake/fake_guest.c) and the fake arch hooks of
# tests/unit/fake/fake_ctl.c.
UNIT_HV_SRCS += hypervisor/common/domctl.c hypervisor/common/sysctl.c

# ---- evtchn ----
# Event channels: common/event_channel.c (ports, EVTCHNOP_*), event_2l.c (2-level delivery) and
# event_fifo.c (FIFO delivery), over the fake arch and the core's domains (section abi_core).
# Tests: tests/unit/test_evtchn_*.c, one suite "evtchn", set-up shared in evtchn_test.h.
UNIT_HV_SRCS += hypervisor/common/event_channel.c hypervisor/common/event_2l.c \
	hypervisor/common/event_fifo.c

# ---- gnttab ----
# Grant tables (v1): common/grant_table.c and grant_copy.c over the fake arch and the core's domains.
# Tests: tests/unit/test_gnttab_*.c, one suite "gnttab", set-up shared in gnttab_test.h.
UNIT_HV_SRCS += hypervisor/common/grant_table.c hypervisor/common/grant_copy.c

# ---- lib ----
# Portable library code under test.
UNIT_HV_SRCS += hypervisor/common/lib/vsnprintf.c hypervisor/common/multiboot.c
UNIT_FLAGS_hypervisor_common_lib_vsnprintf.c := -Dvsnprintf=hv_vsnprintf -Dsnprintf=hv_snprintf

# ---- locks ----
# The lock checker (common/spinlock.c, docs/locking.md): on in every unit and fuzz
# build (-DCONFIG_LOCK_DEBUG in UNIT_CFLAGS below), so an inversion anywhere fails a test.
# Tests: tests/unit/test_spinlock.c.
UNIT_HV_SRCS += hypervisor/common/spinlock.c
# test_spinlock.c checks that docs/locking.md lists the levels of enum lock_level, in order.
UNIT_FLAGS_tests_unit_test_spinlock.c := -DLOCKING_DOC=\"$(abspath docs/locking.md)\"

# ---- memory ----
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

# ---- misc ----
# Guest services: sched_op, vcpu_op, set_timer_op and guest time, hvm_op,
# multicall, over the ABI core's fake guest memory (section abi_core) and the
# fake time hooks of tests/unit/fake/fake_time.c.
UNIT_HV_SRCS += hypervisor/common/sched_op.c hypervisor/common/vcpu_op.c \
	hypervisor/common/time.c hypervisor/common/multicall.c
# hvm_op and the VCPUOP_initialise context checks are x86's (arch/x86/hvm/), portable C.
UNIT_HV_SRCS += hypervisor/arch/x86/hvm/hvm_op.c hypervisor/arch/x86/hvm/hvm_context.c

# ---- mm ----
# Memory management: the buddy allocator and xmalloc, over the fake machine in tests/unit/fake/fake_mm.c.
UNIT_HV_SRCS += hypervisor/common/page_alloc.c hypervisor/common/xmalloc.c

# ---- symbols ----
# Symbol lookup for stack traces (portable: the table is passed in).
UNIT_HV_SRCS += hypervisor/common/symbols.c

# ---- tools_libs ----
# The tool libraries' cores (dom0-tools/libs) against a fake backend
# (tests/unit/test_tools_libs.c records each hypercall), and the builder's
# refusals through the shared PVH planner (section builder compiles it in).
TOOLS_LIBS_UNIT_SRCS := dom0-tools/libs/ctrl/xc_core.c dom0-tools/libs/ctrl/xc_domain.c \
	dom0-tools/libs/ctrl/xc_misc.c
UNIT_TOOL_SRCS += $(TOOLS_LIBS_UNIT_SRCS)
TOOLS_LIBS_UNIT_FLAGS := -Idom0-tools/libs/include -Idom0-tools/libs/ctrl -Idom0-tools/libs/builder
$(foreach f,$(TOOLS_LIBS_UNIT_SRCS) tests/unit/test_tools_libs.c tests/unit/test_tools_builder.c,$(eval UNIT_FLAGS_$(subst /,_,$(f)) := $(TOOLS_LIBS_UNIT_FLAGS)))

# ---- txl ----
# libtxl (dom0-tools/libtxl), the toolstack library behind xl: the xl.cfg
# parser, the output formats and the create/destroy sequence over the fake
# backend in tests/unit/test_txl_create.c (no backend_xen.c: no hypervisor here).
TXL_UNIT_SRCS := dom0-tools/libtxl/cfg_parse.c dom0-tools/libtxl/cfg_domain.c \
	dom0-tools/libtxl/create.c dom0-tools/libtxl/domain.c dom0-tools/libtxl/format.c \
	dom0-tools/libtxl/json.c dom0-tools/libtxl/monitor.c dom0-tools/libtxl/boot_names.c
UNIT_TOOL_SRCS += $(TXL_UNIT_SRCS)
UNIT_LDLIBS += -lyajl
TXL_UNIT_FLAGS := -Idom0-tools/libtxl -Idom0-tools/libs/include
$(foreach f,$(TXL_UNIT_SRCS) tests/unit/test_txl_cfg.c tests/unit/test_txl_create.c tests/unit/test_txl_format.c,$(eval UNIT_FLAGS_$(subst /,_,$(f)) := $(TXL_UNIT_FLAGS)))

# ---- vchan ----
# libvchan's data path and set-up (libvchan/io.c, init.c) over
# fake grant, event and store backends: tests/unit/test_vchan.c. The ring
# buffers are malloc'd at their exact size, so ASan sees any access outside.
VCHAN_UNIT_SRCS := libvchan/io.c libvchan/init.c dom0-tools/libs/gnttab/core.c
UNIT_TOOL_SRCS += $(VCHAN_UNIT_SRCS)
VCHAN_UNIT_FLAGS := -Idom0-tools/libs/include -Ilibvchan/include -Idom0-tools/libs -Ilibvchan
$(foreach f,$(VCHAN_UNIT_SRCS) tests/unit/test_vchan.c,$(eval UNIT_FLAGS_$(subst /,_,$(f)) := $(VCHAN_UNIT_FLAGS)))

# ---- vlapic ----
# The virtual x2APIC's register model (arch/x86/hvm/vlapic.c), portable by design,
# and the boot-domain exit policy (common/domain_exit.c), which common/domain.c calls.
UNIT_HV_SRCS += hypervisor/arch/x86/hvm/vlapic.c hypervisor/common/domain_exit.c

# ---- xenbus ----
# The unikernel's xenbus message layer (unikernel/kernel/xenbus_core.c), tested
# against the xenstored core (XS_CORE_SRCS, added by section xenstored)
# through an in-memory pipe: tests/unit/test_xenbus.c.  The ring transport
# (unikernel/kernel/xenbus.c) is freestanding and only built into libuk.a.
UNIT_HV_SRCS += unikernel/kernel/xenbus_core.c
UNIT_FLAGS_unikernel_kernel_xenbus_core.c := -Iunikernel/include
UNIT_FLAGS_tests_unit_test_xenbus.c := -Iunikernel/include -Idom0-tools/xenstored

# ---- xenconsoled ----
# xenconsoled's portable parts (dom0-tools/xenconsoled/cons_ring.c,
# cons_text.c): ring draining and input, log escaping, the detach key.
XCONS_UNIT_SRCS := dom0-tools/xenconsoled/cons_ring.c dom0-tools/xenconsoled/cons_text.c
UNIT_TOOL_SRCS += $(XCONS_UNIT_SRCS)
$(foreach f,$(XCONS_UNIT_SRCS) tests/unit/test_xenconsoled.c,$(eval UNIT_FLAGS_$(subst /,_,$(f)) := -Idom0-tools/xenconsoled))

# ---- xenstored ----
# xenstored core (dom0-tools/xenstored/): host tests of the real sources,
# tests/unit/test_xs_*.c with the client helper tests/unit/xs_client.h.
# XS_CORE_SRCS comes from dom0-tools/xenstored/xenstored.mk (included earlier).
UNIT_HV_SRCS += $(XS_CORE_SRCS)
UNIT_FLAGS_tests_unit_test_xs_nodes.c := -Idom0-tools/xenstored
UNIT_FLAGS_tests_unit_test_xs_proto.c := -Idom0-tools/xenstored
UNIT_FLAGS_tests_unit_test_xs_quota.c := -Idom0-tools/xenstored

# ---- the binary ----

UNIT_TEST_SRCS := tests/unit/main.c $(wildcard tests/unit/test_*.c) $(wildcard tests/unit/fake/*.c)
UNIT_CFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow \
	-DTESSERA_HOST_TEST -DTESSERA_TYPE_SAFE -DCONFIG_LOCK_DEBUG -Itests/unit -Itests/unit/fake -Ihypervisor/include -Ihypervisor/arch/x86/include \
	-Ihypervisor/shared/include -include hypervisor/include/tessera/config.h -MMD -MP
UNIT_LDFLAGS := -fsanitize=address,undefined
UNIT_OBJS := $(patsubst %.c,$(UNIT_OUT)/%.o,$(UNIT_HV_SRCS) $(UNIT_TOOL_SRCS) $(UNIT_TEST_SRCS))

.PHONY: unit-tests
unit-tests: $(UNIT_BIN)

$(UNIT_OUT)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) $(UNIT_FLAGS_$(subst /,_,$<)) -c $< -o $@

$(UNIT_BIN): $(UNIT_OBJS)
	$(Q)$(HOSTCC) $(UNIT_LDFLAGS) -o $@ $^ -lcunit $(UNIT_LDLIBS)
	@echo "  LD      $@"

-include $(UNIT_OBJS:.o=.d)
