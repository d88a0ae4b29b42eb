# Differential runs against the real Xen 4.17 (tests/xen/test-xen.sh); not part of make test.
#   make test-xen        every single-domain test kernel on Xen 4.17 (PVH dom0) and on
#                        Tessera; the verdicts must be equal (docs/conformance.md)
#   make xen-ref         only fetch Debian's xen-hypervisor-4.17-amd64 into $(BUILD)/xen-ref/
#   make bench-xen       Xen 4.17's boot time in QEMU's virtual time (tests/xen/boot-time.sh)
# XEN_ONLY=REGEX picks kernels by name (and leaves docs/conformance.md alone).
#
# The kernels: XEN_SINGLE_DOMAIN_LISTS names list files of "NAME ELF CMDLINE..." lines
# (ELF relative to $(BUILD); format in tests/xen/test-xen.sh). A test-kernel fragment adds
# its own list with `XEN_SINGLE_DOMAIN_LISTS += path/to/its.list` (a source file, or one that
# `make all` builds into $(BUILD)); its kernels must be built by `make all`.

XEN_REF_DIR := $(BUILD)/xen-ref
XEN_SINGLE_DOMAIN_LISTS += tests/xen/pvh.list

.PHONY: test-xen xen-ref bench-xen
xen-ref: $(XEN_REF_DIR)/xen-4.17-amd64
$(XEN_REF_DIR)/xen-4.17-amd64:
	$(Q)bash tests/xen/fetch-xen.sh $(XEN_REF_DIR)

test-xen: deps all $(XEN_REF_DIR)/xen-4.17-amd64
	$(Q)bash tests/xen/test-xen.sh $(XEN_SINGLE_DOMAIN_LISTS)

bench-xen: deps all $(XEN_REF_DIR)/xen-4.17-amd64
	$(Q)bash tests/xen/boot-time.sh
