# Tessera: one Makefile for the whole tree (plain GNU make).
#   make                  build everything into build/
#   make run              boot the Linux control domain (d0) at a shell with xl, the xenstore domain,
#                         a Linux guest and the unikernel demo in QEMU
#                         (serial on this terminal; Ctrl-] x3 switches consoles; Ctrl-a x quits)
#   make run-linux        boot Debian's Linux as a PVH guest at a shell on hvc0 beside the xenstore domain
#                         (dom0-tools/linux/linux.mk, docs/linux-guests.md); make linux fetches the kernel
#   make run-dom0         boot the xenstore domain and Debian's Linux as the control domain (d0) at its
#                         shell (dom0-tools/dom0/dom0.mk, docs/control-domain.md)
#   make test             every test; ends with one line "N passed, N failed, N skipped"
#                         (a skip only names what make test cannot provide; docs/testing.md)
#   make test-unit        host unit tests (CUnit, ASan+UBSan)
#   make format           format the git-tracked *.c/*.h with .clang-format (clang-format 14);
#                         make test-format checks them (part of make test)
#   make hypervisor-test  the test build, build/tessera-test.{elf,bin}: tessera.bin plus the
#                         in-hypervisor self-tests (SELFTESTS=y; hypervisor/build.mk)
#   make test-integration QEMU boot scenarios
#   make test-guests      the conformance test kernels on Tessera (tests/guests/conf; part of make test)
#   make bench            benchmarks side by side with Xen 4.17 (not part of make test;
#                         tests/bench/bench.mk, docs/performance.md); make bench-linux: QEMU start
#                         to Linux's /init natively, on Tessera and on Xen 4.17
#   make test-xen         test kernels on Debian's Xen 4.17 and on Tessera: same verdicts
#                         (not part of make test; tests/xen/xen.mk, docs/conformance.md)
#   make fuzz             the long hypercall fuzz run (FUZZ_RUNS=10000000; docs/testing.md);
#                         make fuzz-smoke is the short one make test runs; make fuzz-x86 and
#                         make fuzz-x86-smoke: the same for MMIO decoding and CR4 (tests/fuzz/fuzz_x86.c)
# SMP= and MEM= pick QEMU's CPU count and memory for make run.

SHELL := /bin/bash
BUILD ?= build
export BUILD
SMP ?= 1
MEM ?= 1G
V ?= 0
ifeq ($(V),0)
Q := @
else
Q :=
endif

HOSTCC ?= gcc
QEMU ?= qemu-system-x86_64

.PHONY: all deps run test test-unit test-integration test-abi bench clean format test-format
all: deps hypervisor tools

# The dependency step: checks for the Debian packages and installs the missing ones as root.
# Every compile waits for it (order-only prerequisite), so make -j is safe on a fresh machine.
DEPS_STAMP := $(BUILD)/.deps-checked
deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/install-deps.sh
	$(Q)sh scripts/install-deps.sh
	$(Q)mkdir -p $(BUILD) && touch $@

# One build.mk per top-level directory; each includes its subdirectories' fragments. Order
# matters: each may use what the ones before it define.
include hypervisor/build.mk
include unikernel/build.mk
include dom0-tools/build.mk
include libvchan/build.mk
include tests/build.mk

QEMU_MACHINE := -machine pc -cpu qemu64,+svm,+npt,+rdrand -nographic -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -nic none

# make run boots Debian's Linux as the control domain (d0, at a shell on the serial line, with
# xl), the xenstore domain, a Linux guest and the unikernel demo (two domains that talk):
# dom0-tools/dom0/plans/run.json, so it needs make linux and make dom0 (apt-get download of
# the kernel, once). RUN_BUNDLE= boots another bundle, e.g.
# RUN_BUNDLE=$(BUILD)/guests/pvh/plans/demo.bundle (the demo alone, no kernel needed).
RUN_BUNDLE ?= $(BUILD)/linux/dom0/plans/run.bundle
run: deps all $(if $(filter $(BUILD)/linux/%,$(RUN_BUNDLE)),linux dom0,$(RUN_BUNDLE))
	$(Q)[ -f $(RUN_BUNDLE) ] || { echo "make run: no $(RUN_BUNDLE): Debian's Linux kernel could" \
		"not be fetched (see the linux: lines above; make linux retries)."; \
		echo "make run RUN_BUNDLE=$(BUILD)/guests/pvh/plans/demo.bundle boots the unikernel demo alone."; \
		exit 1; }
	$(Q)echo "tessera: booting in QEMU (SMP=$(SMP) MEM=$(MEM)); the control domain d0 has the" \
		"input (try xl list); Ctrl-] three times switches consoles; Ctrl-a then x quits"
	$(Q)$(QEMU) $(QEMU_MACHINE) -smp $(SMP) -m $(MEM) \
		-kernel $(HV_BIN) -append "$(HV_CMDLINE)" -initrd $(RUN_BUNDLE)

test: deps all unit-tests linux hypervisor-test
	$(Q)scripts/run-tests.sh all

test-unit: deps unit-tests
	$(Q)scripts/run-tests.sh unit

test-integration: deps all linux hypervisor-test
	$(Q)scripts/run-tests.sh integration

# make format: formats every git-tracked *.c and *.h with the committed .clang-format (in place);
# make test-format checks them (the format group of scripts/run-tests.sh, part of make test).
format: deps
	$(Q)git ls-files -z -- '*.c' '*.h' | xargs -0 -r clang-format -i

test-format: deps
	$(Q)scripts/run-tests.sh format

clean:
	rm -rf $(BUILD)
