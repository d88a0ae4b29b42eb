# Tessera: one Makefile for the whole tree (plain GNU make).
#   make                  build everything into build/
#   make run              boot the unikernel demo in QEMU (serial on this terminal; Ctrl-a x quits)
#   make test             every test; ends with one line "N passed, N failed"
#   make test-unit        host unit tests (CUnit, ASan+UBSan)
#   make test-integration QEMU boot scenarios
#   make test-guests      the conformance test kernels on Tessera (tests/guests/conf; part of make test)
#   make bench            benchmarks (not part of make test)
#   make test-xen         test kernels on Debian's Xen 4.17 and on Tessera: same verdicts
#                         (not part of make test; tests/xen/xen.mk, docs/conformance.md)
#   make fuzz             the long hypercall fuzz run (FUZZ_RUNS=10000000; docs/testing.md);
#                         make fuzz-smoke is the short one make test runs
# SMP= and MEM= pick QEMU's CPU count and memory for make run.

SHELL := /bin/bash
BUILD ?= build
export BUILD
SMP ?= 1
MEM ?= 512M
V ?= 0
ifeq ($(V),0)
Q := @
else
Q :=
endif

HOSTCC ?= gcc
QEMU ?= qemu-system-x86_64

.PHONY: all deps run test test-unit test-integration test-abi bench clean
all: deps hypervisor tools

# The dependency step: checks for the Debian packages and installs the missing ones as root.
# Every compile waits for it (order-only prerequisite), so make -j is safe on a fresh machine.
DEPS_STAMP := $(BUILD)/.deps-checked
deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/install-deps.sh
	$(Q)sh scripts/install-deps.sh
	$(Q)mkdir -p $(BUILD) && touch $@

include hypervisor/build.mk
include dom0-tools/build.mk
include unikernel/build.mk
include tests/guests/guests.mk
include tests/guests/lapic/lapic.mk
include tests/guests/conf/conf.mk
include tests/unit/build.mk
include tests/fuzz/fuzz.mk
include tests/abi/build.mk
include tests/xen/xen.mk

QEMU_MACHINE := -machine pc -cpu qemu64,+svm,+npt,+rdrand -nographic -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -nic none

# make run boots the unikernel demo (two domains that talk; tests/guests/pvh/plans/demo.json);
# RUN_BUNDLE=$(BUILD)/default.bundle boots the default plan instead.
RUN_BUNDLE ?= $(BUILD)/guests/pvh/plans/demo.bundle
run: deps all $(RUN_BUNDLE)
	$(Q)echo "tessera: booting in QEMU (SMP=$(SMP) MEM=$(MEM)); press Ctrl-a then x to quit"
	$(Q)$(QEMU) $(QEMU_MACHINE) -smp $(SMP) -m $(MEM) \
		-kernel $(HV_BIN) -append "$(HV_CMDLINE)" -initrd $(RUN_BUNDLE)

test: deps all unit-tests
	$(Q)scripts/run-tests.sh all

test-unit: deps unit-tests
	$(Q)scripts/run-tests.sh unit

test-integration: deps all
	$(Q)scripts/run-tests.sh integration

bench: deps all
	$(Q)tests/bench/boot-cost.sh

clean:
	rm -rf $(BUILD)
