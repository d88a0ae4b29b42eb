# Test guests (tests/guests/) and the boot bundles of their test plans.
#   $(BUILD)/guests/pvh.elf                 the PVH test guest (tests/guests/pvh)
#   $(BUILD)/guests/pvh/plans/NAME.bundle   from tests/guests/pvh/plans/NAME.json
#                                           (file names relative to $(BUILD))
# (tests/guests/hlt is built by dom0-tools/build.mk for the default bundle.)

GUEST_PVH := $(BUILD)/guests/pvh.elf
PVH_GUEST_OUT := $(BUILD)/guests/pvh
PVH_GUEST_C := $(wildcard tests/guests/pvh/*.c)
PVH_GUEST_OBJS := $(PVH_GUEST_OUT)/head.o \
	$(patsubst tests/guests/pvh/%.c,$(PVH_GUEST_OUT)/%.o,$(PVH_GUEST_C))
# Freestanding, identity-mapped below 4 GiB (so -mcmodel=small, no PIE);
# no SSE (the guest never enables it) and no red zone (hypercall-page calls).
PVH_GUEST_CFLAGS := -std=gnu11 -O2 -g -m64 -ffreestanding -fno-pie -fno-pic -fno-common \
	-fno-stack-protector -fno-asynchronous-unwind-tables -mno-red-zone -mgeneral-regs-only \
	-fcf-protection=none -fno-tree-loop-distribute-patterns \
	-nostdinc -isystem $(shell $(CC) -print-file-name=include) -Ihypervisor/include \
	-Wall -Wextra -Werror -Wmissing-prototypes -Wshadow -MMD -MP

PVH_PLANS := $(wildcard tests/guests/pvh/plans/*.json)
PVH_BUNDLES := $(patsubst tests/guests/pvh/plans/%.json,$(PVH_GUEST_OUT)/plans/%.bundle,$(PVH_PLANS))

.PHONY: guests
guests: $(GUEST_PVH) $(PVH_BUNDLES)
all: guests

$(PVH_GUEST_OUT)/%.o: tests/guests/pvh/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(PVH_GUEST_CFLAGS) -c $< -o $@

$(PVH_GUEST_OUT)/head.o: tests/guests/pvh/head.S | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -c -m64 -nostdinc -D__ASSEMBLY__ -MMD -MP -Wa,--noexecstack $< -o $@

$(GUEST_PVH): $(PVH_GUEST_OBJS) tests/guests/pvh/pvh.lds
	$(Q)$(LD) -m elf_x86_64 -nostdlib -static --build-id=none -z noexecstack --no-warn-rwx-segments \
		-T tests/guests/pvh/pvh.lds -o $@ $(PVH_GUEST_OBJS)
	@echo "  LD      $@"

$(PVH_GUEST_OUT)/plans/%.bundle: tests/guests/pvh/plans/%.json $(MKBOOT) $(GUEST_PVH) $(GUEST_HLT)
	@mkdir -p $(dir $@)
	$(Q)$(MKBOOT) $< --base $(BUILD) -o $@

-include $(PVH_GUEST_OBJS:.o=.d)
