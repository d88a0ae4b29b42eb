# The vLAPIC test guest (tests/guests/lapic) and the boot bundles of its plans:
#   $(BUILD)/guests/lapic.elf                 the guest (asm entry + C, no libc)
#   $(BUILD)/guests/lapic/plans/NAME.bundle   from tests/guests/lapic/plans/NAME.json
# tests/integration/lapic.sh boots them.

GUEST_LAPIC := $(BUILD)/guests/lapic.elf
LAPIC_GUEST_OUT := $(BUILD)/guests/lapic
LAPIC_GUEST_OBJS := $(LAPIC_GUEST_OUT)/head.o $(LAPIC_GUEST_OUT)/irq.o $(LAPIC_GUEST_OUT)/main.o
# Freestanding, identity-mapped below 1 GiB (no PIE), no SSE, no red zone (interrupts
# arrive on the interrupted stack).
LAPIC_GUEST_CFLAGS := -std=gnu11 -O2 -g -m64 -ffreestanding -fno-pie -fno-pic -fno-common \
	-fno-stack-protector -fno-asynchronous-unwind-tables -mno-red-zone -mgeneral-regs-only \
	-fcf-protection=none -fno-tree-loop-distribute-patterns -fno-builtin \
	-nostdinc -isystem $(shell $(CC) -print-file-name=include) -Ihypervisor/include \
	-Wall -Wextra -Werror -Wmissing-prototypes -Wshadow -MMD -MP

LAPIC_PLANS := $(wildcard tests/guests/lapic/plans/*.json)
LAPIC_BUNDLES := $(patsubst tests/guests/lapic/plans/%.json,$(LAPIC_GUEST_OUT)/plans/%.bundle,$(LAPIC_PLANS))

.PHONY: lapic-guest
lapic-guest: $(GUEST_LAPIC) $(LAPIC_BUNDLES)
all: lapic-guest

$(LAPIC_GUEST_OUT)/%.o: tests/guests/lapic/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LAPIC_GUEST_CFLAGS) -c $< -o $@

$(LAPIC_GUEST_OUT)/%.o: tests/guests/lapic/%.S | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -c -m64 -nostdinc -D__ASSEMBLY__ -MMD -MP -Wa,--noexecstack $< -o $@

$(GUEST_LAPIC): $(LAPIC_GUEST_OBJS) tests/guests/lapic/lapic.lds
	$(Q)$(LD) -m elf_x86_64 -nostdlib -static --build-id=none -z noexecstack --no-warn-rwx-segments \
		-T tests/guests/lapic/lapic.lds -o $@ $(LAPIC_GUEST_OBJS)
	@echo "  LD      $@"

$(LAPIC_GUEST_OUT)/plans/%.bundle: tests/guests/lapic/plans/%.json $(MKBOOT) $(GUEST_LAPIC)
	@mkdir -p $(dir $@)
	$(Q)$(MKBOOT) $< --base $(BUILD) -o $@

-include $(LAPIC_GUEST_OBJS:.o=.d)
