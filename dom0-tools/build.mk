# Host tools (dom0-tools/), the default boot bundle and the unikernel demo's bundle.
#   $(BUILD)/tools/mkboot      boot bundle writer (docs/boot-bundle.md)
#   $(BUILD)/default.bundle    from dom0-tools/mkboot/default-plan.json, whose
#                              file names are relative to $(BUILD)

TOOLS_OUT := $(BUILD)/tools
MKBOOT := $(TOOLS_OUT)/mkboot
# The bundle parser is the hypervisor's own file (hypervisor/shared/), built for the host.
MKBOOT_SRCS := dom0-tools/mkboot/mkboot.c dom0-tools/mkboot/bundle_write.c \
	dom0-tools/mkboot/host_xxhash.c hypervisor/shared/bundle_parse.c
MKBOOT_OBJS := $(patsubst %.c,$(TOOLS_OUT)/obj/%.o,$(MKBOOT_SRCS))
TOOLS_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
	-Ihypervisor/include -Ihypervisor/shared/include -MMD -MP

.PHONY: tools
tools: $(MKBOOT) $(BUILD)/default.bundle

$(TOOLS_OUT)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(TOOLS_CFLAGS) -c $< -o $@

$(MKBOOT): $(MKBOOT_OBJS)
	$(Q)$(HOSTCC) -o $@ $^ -lyajl -lxxhash
	@echo "  LD      $@"

# tests/guests/hlt: the smallest PVH guest (an ELF64 with a PHYS32_ENTRY note).
GUEST_HLT := $(BUILD)/guests/hlt.elf
$(BUILD)/guests/hlt.o: tests/guests/hlt/hlt.S | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -c -m64 -nostdinc -D__ASSEMBLY__ $< -o $@
$(GUEST_HLT): $(BUILD)/guests/hlt.o tests/guests/hlt/hlt.lds
	$(Q)$(LD) -m elf_x86_64 -nostdlib -static --build-id=none -z noexecstack \
		-T tests/guests/hlt/hlt.lds -o $@ $<

DEFAULT_PLAN := dom0-tools/mkboot/default-plan.json
$(BUILD)/default.bundle: $(DEFAULT_PLAN) $(MKBOOT) $(GUEST_HLT)
	$(Q)$(MKBOOT) $(DEFAULT_PLAN) --base $(BUILD) -o $@
	@echo "  BUNDLE  $@"

# The unikernel demo alone (make run RUN_BUNDLE=$(BUILD)/guests/pvh/plans/demo.bundle):
# unikernel/apps/pvh/plans/demo.json.
PVH_DEMO_BUNDLE := $(PVH_GUEST_OUT)/plans/demo.bundle
guests: $(PVH_DEMO_BUNDLE)
$(PVH_DEMO_BUNDLE): unikernel/apps/pvh/plans/demo.json $(MKBOOT) $(GUEST_PVH)
	@mkdir -p $(dir $@)
	$(Q)$(MKBOOT) $< --base $(BUILD) -o $@

-include $(MKBOOT_OBJS:.o=.d)

# The rest of dom0-tools/, one fragment per directory, in this order (each may use what the
# ones before define; unikernel/build.mk comes before this file, libvchan/build.mk after):
include dom0-tools/xenstored/xenstored.mk
include dom0-tools/libs/libs.mk
include dom0-tools/tools/tools.mk
include dom0-tools/xl/xl.mk
include dom0-tools/xenconsoled/xenconsoled.mk
include dom0-tools/linux/linux.mk
include dom0-tools/dom0/dom0.mk
