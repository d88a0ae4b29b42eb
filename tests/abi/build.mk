# make test-abi: Tessera's public headers (hypervisor/include/public) against
# Xen 4.17's from Debian's libxen-dev.  Host-only, no QEMU.  Output and
# generated programs go to $(BUILD)/abi; the last line is the verdict
# ("abi: PASS" or "abi: FAIL ..."), the exit status says the same.
# See tests/abi/check.sh and docs/abi.md.

HOSTCXX ?= g++

.PHONY: test-abi
test-abi: deps
	$(Q)HOSTCC="$(HOSTCC)" HOSTCXX="$(HOSTCXX)" scripts/run-tests.sh abi
