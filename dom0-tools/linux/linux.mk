# Debian's Linux as a PVH guest (dom0-tools/linux/, docs/linux-guests.md): the kernel, the
# guest's busybox initramfs and make run-linux's plan. The test plans' bundles
# (tests/linux/plans/) are tests/linux/linux.mk's.
#   make linux       fetch Debian's current linux-image-amd64 (apt-get download, cached in
#                    $(BUILD)/linux/), extract its ELF, build the busybox initramfs and the
#                    plans' bundles $(BUILD)/linux/plans/NAME.bundle (this directory's
#                    plans/ and tests/linux/plans/). Without apt or the
#                    network it says "linux: SKIP" and builds nothing (tests/integration/
#                    linux.sh then reports the skip). make test runs it.
#   make run-linux   boot the hypervisor with one Linux guest at a shell on hvc0 and the
#                    xenstore domain (dom0-tools/linux/plans/linux.json); Ctrl-a x quits QEMU.
#                    make run boots dom0-tools/dom0/plans/run.json (the control domain too).
# LINUX_PKG=linux-image-6.1.0-NN-amd64 picks another kernel package (rm -r $(BUILD)/linux first).

.PHONY: linux linux-kernel linux-bundles run-linux

LINUX_MEM ?= 1G
LINUX_OUT := $(BUILD)/linux
LINUX_VMLINUX := $(LINUX_OUT)/vmlinux
LINUX_INITRAMFS := $(LINUX_OUT)/initramfs.cpio.gz
LINUX_PLANS := $(wildcard dom0-tools/linux/plans/*.json)
LINUX_BUNDLES := $(patsubst dom0-tools/linux/plans/%.json,$(LINUX_OUT)/plans/%.bundle,$(LINUX_PLANS))

# The bundles are made by a second make once the kernel is there (a failed fetch is no error);
# mkboot first, so the two makes never build it at once.
linux: linux-kernel $(MKBOOT)
	$(Q)if [ -f $(LINUX_VMLINUX) ]; then $(MAKE) --no-print-directory linux-bundles; fi

linux-kernel: | $(DEPS_STAMP)
	$(Q)[ -f $(LINUX_VMLINUX) ] || bash dom0-tools/linux/fetch-kernel.sh $(LINUX_OUT)
	$(Q)[ ! -f $(LINUX_OUT)/version ] || echo "linux: kernel $$(cat $(LINUX_OUT)/version)"

linux-bundles: $(LINUX_BUNDLES)

$(LINUX_INITRAMFS): dom0-tools/linux/mkinitramfs.sh dom0-tools/linux/init | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)bash dom0-tools/linux/mkinitramfs.sh $@

# Every plan may name the xenstore domain and the unikernel demo guest (as run.json does).
LINUX_BUNDLE_DEPS := $(MKBOOT) $(LINUX_VMLINUX) $(LINUX_INITRAMFS) $(BUILD)/guests/xenstored.elf \
	$(BUILD)/guests/pvh.elf
$(LINUX_BUNDLES): $(LINUX_OUT)/plans/%.bundle: dom0-tools/linux/plans/%.json $(LINUX_BUNDLE_DEPS)
	@mkdir -p $(dir $@)
	$(Q)$(MKBOOT) $< --base $(BUILD) -o $@

run-linux: deps all linux
	$(Q)[ -f $(LINUX_OUT)/plans/linux.bundle ] || { echo "run-linux: no kernel (see above)"; exit 1; }
	$(Q)echo "tessera: booting Linux in QEMU (SMP=$(SMP) MEM=$(LINUX_MEM)); press Ctrl-a then x to quit"
	$(Q)$(QEMU) $(QEMU_MACHINE) -smp $(SMP) -m $(LINUX_MEM) \
		-kernel $(HV_BIN) -append "$(HV_CMDLINE)" -initrd $(LINUX_OUT)/plans/linux.bundle
