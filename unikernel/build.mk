# The unikernel (unikernel/): the library $(BUILD)/unikernel/libuk.a, its
# entry object $(UK_HEAD) and linker script $(UK_LDS), and uk_app, which
# links an application or test kernel:
#
#   $(eval $(call uk_app,NAME,SOURCES))   builds $(BUILD)/guests/NAME.elf from the C files
#                                         SOURCES + libuk.a (part of make guests / all)
#
# A test kernel is one C file of TEST()s (unikernel/README.md).

UK_OUT := $(BUILD)/unikernel
UK_LIB := $(UK_OUT)/libuk.a
UK_LDS := unikernel/arch/x86/uk.lds
UK_HEAD := $(UK_OUT)/arch/x86/head.o
UK_LIB_C := $(wildcard unikernel/arch/x86/*.c unikernel/kernel/*.c)
# The hypervisor's portable string routines (hypervisor/shared/string.c) serve the unikernel
# too (kernel/string.c has the rest); their object has its own name in libuk.a (ar matches
# members by file name).
UK_HV_STRING := $(UK_OUT)/hv_shared_string.o
UK_LIB_OBJS := $(patsubst unikernel/%.c,$(UK_OUT)/%.o,$(UK_LIB_C)) $(UK_OUT)/arch/x86/entry.o \
	$(UK_HV_STRING)

# Freestanding, identity-mapped below 4 GiB (so -mcmodel=small, no PIE);
# no SSE (never enabled) and no red zone (interrupts and hypercall-page calls
# push on the current stack).
UK_CFLAGS := -std=gnu11 -O2 -g -m64 -ffreestanding -fno-pie -fno-pic -fno-common \
	-fno-stack-protector -fno-asynchronous-unwind-tables -mno-red-zone -mgeneral-regs-only \
	-fcf-protection=none -fno-tree-loop-distribute-patterns -fno-builtin \
	-nostdinc -isystem $(shell $(CC) -print-file-name=include) -Iunikernel/include \
	-Ihypervisor/include -Ihypervisor/shared/include -Wall -Wextra -Werror -Wmissing-prototypes \
	-Wshadow -MMD -MP
UK_ASFLAGS := -m64 -nostdinc -D__ASSEMBLY__ -MMD -MP -Wa,--noexecstack
UK_LDFLAGS := -m elf_x86_64 -nostdlib -static --build-id=none -z noexecstack \
	--no-warn-rwx-segments -T $(UK_LDS)

.PHONY: unikernel
unikernel: $(UK_LIB) $(UK_HEAD)

$(UK_OUT)/%.o: unikernel/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UK_CFLAGS) -c $< -o $@

$(UK_HV_STRING): hypervisor/shared/string.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UK_CFLAGS) -c $< -o $@

$(UK_OUT)/%.o: unikernel/%.S | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UK_ASFLAGS) -c $< -o $@

$(UK_LIB): $(UK_LIB_OBJS)
	@rm -f $@
	$(Q)$(AR) rcs $@ $^
	@echo "  AR      $@"

-include $(UK_LIB_OBJS:.o=.d) $(UK_HEAD:.o=.d)

# uk_app NAME SOURCES: objects under $(UK_OUT)/app/NAME/, the kernel $(BUILD)/guests/NAME.elf.
define uk_app
$(1)_UK_OBJS := $$(patsubst %.c,$(UK_OUT)/app/$(1)/%.o,$(2))
$$($(1)_UK_OBJS): $(UK_OUT)/app/$(1)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(UK_CFLAGS) -c $$< -o $$@
$(BUILD)/guests/$(1).elf: $$($(1)_UK_OBJS) $(UK_HEAD) $(UK_LIB) $(UK_LDS)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(LD) $$(UK_LDFLAGS) -o $$@ $(UK_HEAD) $$($(1)_UK_OBJS) $(UK_LIB)
	@echo "  LD      $$@"
guests: $(BUILD)/guests/$(1).elf
-include $$($(1)_UK_OBJS:.o=.d)
endef

# ---- applications (apps/) ----
# apps/pvh: the PVH guest, $(GUEST_PVH): the unikernel demo make run boots, and the PVH
# integration tests' scenarios (apps/pvh/README.md). Its demo plan's bundle,
# $(BUILD)/guests/pvh/plans/demo.bundle, is made with mkboot by dom0-tools/build.mk.
GUEST_PVH := $(BUILD)/guests/pvh.elf
PVH_GUEST_OUT := $(BUILD)/guests/pvh
$(eval $(call uk_app,pvh,$(wildcard unikernel/apps/pvh/*.c)))
