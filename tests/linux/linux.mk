# Debian's Linux as a PVH guest (tests/linux/, docs/linux-guests.md).
#   make linux       fetch Debian's current linux-image-amd64 (apt-get download, cached in
#                    $(BUILD)/linux/), extract its ELF, build the busybox initramfs and the
#                    plans' bundles $(BUILD)/linux/plans/NAME.bundle. Without apt or the
#                    network it says "linux: SKIP" and builds nothing (tests/integration/
#                    linux.sh then reports the skip). make test runs it.
#   make run-linux   boot the hypervisor with one Linux guest at a shell on hvc0 and the
#                    xenstore domain (tests/linux/plans/linux.json); Ctrl-a x quits QEMU.
#                    make run boots tests/linux/dom0/plans/run.json (the control domain too).
# LINUX_PKG=linux-image-6.1.0-NN-amd64 picks another kernel package (rm -r $(BUILD)/linux first).

.PHONY: linux linux-kernel linux-bundles run-linux

LINUX_MEM ?= 1G
LINUX_OUT := $(BUILD)/linux
LINUX_VMLINUX := $(LINUX_OUT)/vmlinux
LINUX_INITRAMFS := $(LINUX_OUT)/initramfs.cpio.gz
LINUX_PLANS := $(wildcard tests/linux/plans/*.json)
LINUX_BUNDLES := $(patsubst tests/linux/plans/%.json,$(LINUX_OUT)/plans/%.bundle,$(LINUX_PLANS))

# The bundles are made by a second make once the kernel is there (a failed fetch is no error);
# mkboot first, so the two makes never build it at once.
linux: linux-kernel $(MKBOOT)
	$(Q)if [ -f $(LINUX_VMLINUX) ]; then $(MAKE) --no-print-directory linux-bundles; fi

linux-kernel: | $(DEPS_STAMP)
	$(Q)[ -f $(LINUX_VMLINUX) ] || bash tests/linux/fetch-kernel.sh $(LINUX_OUT)
	$(Q)[ ! -f $(LINUX_OUT)/version ] || echo "linux: kernel $$(cat $(LINUX_OUT)/version)"

linux-bundles: $(LINUX_BUNDLES)

$(LINUX_INITRAMFS): tests/linux/mkinitramfs.sh tests/linux/init | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)bash tests/linux/mkinitramfs.sh $@

# Every plan may name the xenstore domain and the unikernel demo guest (run.json).
$(LINUX_OUT)/plans/%.bundle: tests/linux/plans/%.json $(MKBOOT) $(LINUX_VMLINUX) $(LINUX_INITRAMFS) \
		$(BUILD)/guests/xenstored.elf $(BUILD)/guests/pvh.elf
	@mkdir -p $(dir $@)
	$(Q)$(MKBOOT) $< --base $(BUILD) -o $@

run-linux: deps all linux
	$(Q)[ -f $(LINUX_OUT)/plans/linux.bundle ] || { echo "run-linux: no kernel (see above)"; exit 1; }
	$(Q)echo "tessera: booting Linux in QEMU (SMP=$(SMP) MEM=$(LINUX_MEM)); press Ctrl-a then x to quit"
	$(Q)$(QEMU) $(QEMU_MACHINE) -smp $(SMP) -m $(LINUX_MEM) \
		-kernel $(HV_BIN) -append "$(HV_CMDLINE)" -initrd $(LINUX_OUT)/plans/linux.bundle
