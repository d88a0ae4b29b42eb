# The tests (tests/, docs/testing.md): one fragment per kind, included in this order
# (a fragment may use what the ones before it define; all come after the hypervisor,
# unikernel, dom0-tools and libvchan builds).
#   tests/guests/                 test guests and their plans' bundles (make all)
#   tests/unit/unit.mk            CUnit host tests (make test-unit)
#   tests/fuzz/fuzz.mk            the hypercall and x86 emulation fuzz harnesses over the unit tests' sources
#   tests/xen/xen.mk              differential runs on Xen 4.17 (make test-xen)
#   tests/linux/linux.mk          the Linux test plans' bundles (make linux, make dom0)
#   tests/bench/bench.mk          benchmarks (make bench)
# and, below, the integration scripts' host helper and make test-abi.

include tests/guests/guests.mk
include tests/guests/toolstack/toolstack.mk
include tests/guests/vchan/vchan.mk
include tests/guests/lapic/lapic.mk
include tests/guests/conf/conf.mk
include tests/unit/unit.mk
include tests/fuzz/fuzz.mk
include tests/xen/xen.mk
include tests/linux/linux.mk
include tests/bench/bench.mk

# Host helpers of the integration scripts (tests/integration/lib.sh).
#   $(BUILD)/tools/qemu-monitor   asks a hung QEMU where its CPUs are (qemu_monitor.c)
QEMU_MONITOR := $(TOOLS_OUT)/qemu-monitor
tools: $(QEMU_MONITOR)

$(QEMU_MONITOR): $(TOOLS_OUT)/obj/tests/integration/qemu_monitor.o
	$(Q)$(HOSTCC) -o $@ $^
	@echo "  LD      $@"

-include $(TOOLS_OUT)/obj/tests/integration/qemu_monitor.d

# make test-abi: Tessera's public headers (hypervisor/include/public) against
# Xen 4.17's from Debian's libxen-dev.  Host-only, no QEMU.  Output and
# generated programs go to $(BUILD)/abi; the last line is the verdict
# ("abi: PASS" or "abi: FAIL ..."), the exit status says the same.
# See tests/abi/check.sh and docs/abi.md.
HOSTCXX ?= g++

.PHONY: test-abi
test-abi: deps
	$(Q)HOSTCC="$(HOSTCC)" HOSTCXX="$(HOSTCXX)" scripts/run-tests.sh abi
