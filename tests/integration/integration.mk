# Host helpers of the integration scripts (tests/integration/lib.sh).
#   $(BUILD)/tools/qemu-monitor   asks a hung QEMU where its CPUs are (qemu_monitor.c)

QEMU_MONITOR := $(TOOLS_OUT)/qemu-monitor
tools: $(QEMU_MONITOR)

$(QEMU_MONITOR): $(TOOLS_OUT)/obj/tests/integration/qemu_monitor.o
	$(Q)$(HOSTCC) -o $@ $^
	@echo "  LD      $@"

-include $(TOOLS_OUT)/obj/tests/integration/qemu_monitor.d
