# The Linux control domain (dom0-tools/dom0/, docs/control-domain.md): Debian's kernel (the
# one dom0-tools/linux/linux.mk fetches) as domid 0 with the control role, beside the xenstore
# domain, with an initramfs holding busybox, the Xen driver modules of the same package and
# the control-domain tools ($(DOM0_TOOLS), dom0-tools/tools/tools.mk).
#   make dom0       fetch the kernel if needed, build $(BUILD)/linux/dom0/initramfs.cpio.gz
#                   and the plans' bundles $(BUILD)/linux/dom0/plans/NAME.bundle (this
#                   directory's plans/ and tests/linux/dom0/plans/; none without a
#                   kernel: "linux: SKIP", as make linux)
#   make run-dom0   boot the hypervisor, the xenstore domain and the control domain at a
#                   shell on the serial line (the control domain has the input at boot)
# plans/run.json is make run's plan: d0, the store, a Linux guest and the unikernel demo;
# plans/dom0.json make run-dom0's.

.PHONY: dom0 dom0-bundles run-dom0

DOM0_OUT := $(LINUX_OUT)/dom0
DOM0_INITRAMFS := $(DOM0_OUT)/initramfs.cpio.gz
# The same plus a Linux guest for xl create (/lib/tessera/vmlinux, the kernel ELF, and
# /lib/tessera/initramfs.cpio.gz, the guest's): about 11 MB more compressed, 67 MB unpacked
# in d0's memory, so only the plans that create Linux guests carry it (dom0-xl, run).
DOM0_INITRAMFS_LINUX := $(DOM0_OUT)/initramfs-linux.cpio.gz
DOM0_PLANS := $(wildcard dom0-tools/dom0/plans/*.json)
DOM0_BUNDLES := $(patsubst dom0-tools/dom0/plans/%.json,$(DOM0_OUT)/plans/%.bundle,$(DOM0_PLANS))
# Files the initramfs carries in /lib/tessera: the store domain's image (xen-smoke compares a
# foreign-mapped page with it) and unikernel guests to build (ts-hello; pvh.elf, the PVH
# test guest, whose console-ring scenario writes to its console ring for xl console).
DOM0_DATA := $(BUILD)/guests/xenstored.elf $(BUILD)/guests/ts-hello.elf $(GUEST_PVH)
# xl's checks (tests/integration/xl-dom0.sh boots tests/linux/dom0/plans/dom0-xl.json, whose
# /init runs them through tessera.script=).
DOM0_SCRIPTS := dom0-tools/xl/test/xl-check.sh dom0-tools/xl/test/xl-capacity.sh

# Everything the second make needs is built by this one first, so the two never build one
# file at once (make test also runs make linux's second make beside this one).
dom0: linux-kernel $(MKBOOT) $(DOM0_TOOLS) $(DOM0_DATA) $(LINUX_INITRAMFS)
	$(Q)if [ -f $(LINUX_VMLINUX) ]; then $(MAKE) --no-print-directory dom0-bundles; fi

dom0-bundles: $(DOM0_BUNDLES)

# The kernel package is the one fetch-kernel.sh recorded in $(LINUX_OUT)/version.
# dom0_cpio EXTRA-DATA: the recipe of both initramfs files.
define dom0_cpio
	@mkdir -p $(dir $@)
	$(Q)set -- $$(cat $(LINUX_OUT)/version); \
		bash dom0-tools/dom0/mkinitramfs.sh $@ $(LINUX_OUT)/$$1_$$2_amd64.deb \
		$(foreach t,$(DOM0_TOOLS),--tool $(t)) \
		$(foreach f,$(DOM0_DATA) $(DOM0_SCRIPTS) $(1),--data $(f))
	@echo "  CPIO    $@"
endef
$(DOM0_INITRAMFS): dom0-tools/dom0/mkinitramfs.sh dom0-tools/dom0/init $(DOM0_TOOLS) $(DOM0_DATA) \
		$(DOM0_SCRIPTS) $(LINUX_VMLINUX) | $(DEPS_STAMP)
	$(call dom0_cpio)
$(DOM0_INITRAMFS_LINUX): dom0-tools/dom0/mkinitramfs.sh dom0-tools/dom0/init $(DOM0_TOOLS) \
		$(DOM0_DATA) $(DOM0_SCRIPTS) $(LINUX_VMLINUX) $(LINUX_INITRAMFS) | $(DEPS_STAMP)
	$(call dom0_cpio,$(LINUX_VMLINUX) $(LINUX_INITRAMFS))

# run.json also carries the Linux guest's initramfs and the demo guest; the test plan
# dom0-xl.json a halting boot guest (hlt.elf) whose plan name xl list must show.
DOM0_BUNDLE_DEPS := $(MKBOOT) $(LINUX_VMLINUX) $(DOM0_INITRAMFS) $(DOM0_INITRAMFS_LINUX) \
	$(BUILD)/guests/xenstored.elf $(LINUX_INITRAMFS) $(GUEST_PVH) $(GUEST_HLT)
$(DOM0_BUNDLES): $(DOM0_OUT)/plans/%.bundle: dom0-tools/dom0/plans/%.json $(DOM0_BUNDLE_DEPS)
	@mkdir -p $(dir $@)
	$(Q)$(MKBOOT) $< --base $(BUILD) -o $@

run-dom0: deps all dom0
	$(Q)[ -f $(DOM0_OUT)/plans/dom0.bundle ] || { echo "run-dom0: no kernel (see above)"; exit 1; }
	$(Q)echo "tessera: booting the Linux control domain in QEMU (SMP=$(SMP) MEM=$(LINUX_MEM));" \
		"d0 has the input; Ctrl-] three times switches; Ctrl-a then x quits"
	$(Q)$(QEMU) $(QEMU_MACHINE) -smp $(SMP) -m $(LINUX_MEM) \
		-kernel $(HV_BIN) -append "$(HV_CMDLINE)" -initrd $(DOM0_OUT)/plans/dom0.bundle
