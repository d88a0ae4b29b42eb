# The hypervisor: freestanding C11 (GNU dialect for inline asm) and a little assembly.
# Linked twice: the second link embeds the symbol table used by stack traces
# (the table sits after .text, so text addresses are the same in both links).

HV_SRC := hypervisor
HV_OUT := $(BUILD)/hypervisor
HV_ELF := $(BUILD)/tessera.elf
HV_BIN := $(BUILD)/tessera.bin
HV_CMDLINE ?= loglvl=info

# shared/: the freestanding code the tools and the unikernel build too (shared/README.md).
HV_SHARED_SRCS := $(wildcard $(HV_SRC)/shared/*.c)
HV_C_SRCS := $(wildcard $(HV_SRC)/common/*.c $(HV_SRC)/common/*/*.c \
	$(HV_SRC)/arch/x86/*.c $(HV_SRC)/arch/x86/*/*.c $(HV_SRC)/arch/x86/*/*/*.c) \
	$(HV_SHARED_SRCS)
HV_S_SRCS := $(wildcard $(HV_SRC)/arch/x86/*.S $(HV_SRC)/arch/x86/*/*.S \
	$(HV_SRC)/arch/x86/*/*/*.S)

# ---- The test build (self-tests, lock checker): make SELFTESTS=y, or make hypervisor-test ----
# tessera.bin carries no test code. SELFTESTS=y builds $(BUILD)/tessera-test.{elf,bin} from
# objects in $(BUILD)/hypervisor-test with CONFIG_SELFTESTS defined: every SELFTEST() and the
# files named *selftest* (the runner, the SVM and timer self-tests), and with the lock-order
# checker (HV_LOCK_DEBUG below); the default build leaves those out (tessera/selftest.h,
# docs/testing.md, docs/locking.md).
HV_SELFTEST_SRCS := $(foreach f,$(HV_C_SRCS),$(if $(findstring selftest,$(notdir $(f))),$(f)))
ifeq ($(SELFTESTS),y)
HV_OUT := $(BUILD)/hypervisor-test
HV_ELF := $(BUILD)/tessera-test.elf
HV_BIN := $(BUILD)/tessera-test.bin
# The test build also has the struct form of paddr_t/vaddr_t (tessera/types.h), so a mix-up of
# address types fails to compile there as in the unit tests.
HV_DEFINES := -DCONFIG_SELFTESTS -DTESSERA_TYPE_SAFE
else
HV_C_SRCS := $(filter-out $(HV_SELFTEST_SRCS),$(HV_C_SRCS))
HV_DEFINES :=
endif
.PHONY: hypervisor-test
hypervisor-test: | $(DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory SELFTESTS=y hypervisor
# ----
HV_OBJS := $(patsubst $(HV_SRC)/%.c,$(HV_OUT)/%.o,$(HV_C_SRCS)) \
	$(patsubst $(HV_SRC)/%.S,$(HV_OUT)/%.o,$(HV_S_SRCS))

HV_INCLUDES = -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-I$(HV_SRC)/include -I$(HV_SRC)/arch/x86/include -I$(HV_SRC)/shared/include \
	-include $(HV_SRC)/include/tessera/config.h $(HV_DEFINES)
HV_CFLAGS = -std=gnu11 -O2 -g -ffreestanding -fno-common -fno-stack-protector \
	-fpie -fvisibility=hidden -fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
	-mno-red-zone -mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 \
	-fcf-protection=none -fno-jump-tables -fno-tree-loop-distribute-patterns \
	-Wall -Wextra -Werror -Wmissing-prototypes -Wshadow -Wno-unused-parameter \
	-MMD -MP $(HV_INCLUDES)
# The lock checker (docs/locking.md): on in the test build, off in tessera.bin, whose hot paths
# it would lengthen by a third (icount); HV_LOCK_DEBUG=y|n overrides (objects do not track the
# flag: build such a binary in its own BUILD directory).
HV_LOCK_DEBUG ?= $(if $(filter y,$(SELFTESTS)),y,n)
ifeq ($(HV_LOCK_DEBUG),y)
HV_CFLAGS += -DCONFIG_LOCK_DEBUG
endif
HV_ASFLAGS = -D__ASSEMBLY__ -g -MMD -MP $(HV_INCLUDES) -Wa,--noexecstack
HV_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments -T $(HV_OUT)/hypervisor.lds

.PHONY: hypervisor
hypervisor: $(HV_BIN) $(HV_ELF)

# Objects depend on the flags they were compiled with: a change of HV_LOCK_DEBUG or any other
# flag rewrites this file, and so rebuilds them.
HV_FLAGS_STAMP := $(HV_OUT)/.flags
HV_FLAGS_NOW = $(CC) $(HV_CFLAGS) $(HV_ASFLAGS)
$(HV_FLAGS_STAMP): FORCE | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@[ "$$(cat $@ 2>/dev/null)" = '$(HV_FLAGS_NOW)' ] || echo '$(HV_FLAGS_NOW)' >$@
.PHONY: FORCE
FORCE:

$(HV_OUT)/%.o: $(HV_SRC)/%.c $(HV_FLAGS_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HV_CFLAGS) -c $< -o $@

$(HV_OUT)/%.o: $(HV_SRC)/%.S $(HV_FLAGS_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HV_ASFLAGS) -c $< -o $@

# shared/ sees only its own headers and the public ABI (shared/README.md): its include path
# holds shared/include and a directory with nothing but a link to include/public, so an
# #include of any other hypervisor header fails the build.
HV_SHARED_PUBLIC := $(HV_OUT)/shared-include/public
HV_SHARED_OBJS := $(patsubst $(HV_SRC)/%.c,$(HV_OUT)/%.o,$(HV_SHARED_SRCS))
$(HV_SHARED_OBJS): HV_INCLUDES = -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-I$(HV_SRC)/shared/include -I$(dir $(HV_SHARED_PUBLIC)) \
	-include $(HV_SRC)/include/tessera/config.h $(HV_DEFINES)
$(HV_SHARED_OBJS): | $(HV_SHARED_PUBLIC)
$(HV_SHARED_PUBLIC): | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)ln -sfn $(CURDIR)/$(HV_SRC)/include/public $@

# common/xxhash.c alone sees Debian's xxhash.h: a link to it in a private build
# directory, plus stand-ins for the libc headers it includes; the rest of
# /usr/include stays invisible to the hypervisor.
HV_XXH_INC := $(HV_OUT)/xxhash-include
$(HV_XXH_INC)/xxhash.h: | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)ln -sf /usr/include/xxhash.h $@
$(HV_OUT)/common/xxhash.o: HV_CFLAGS += -isystem $(HV_XXH_INC) -isystem $(HV_SRC)/shared/xxhash-compat
$(HV_OUT)/common/xxhash.o: $(HV_XXH_INC)/xxhash.h

$(HV_OUT)/hypervisor.lds: $(HV_SRC)/arch/x86/hypervisor.lds.in | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -D__ASSEMBLY__ -D__LINKER_SCRIPT__ $(HV_INCLUDES) -x c $< -o $@

# Pass 1: an empty symbol table; pass 2: the real one, generated from pass 1.
$(HV_OUT)/symbols-empty.o: $(HV_SRC)/tools/symbols-empty.S | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HV_ASFLAGS) -c $< -o $@

$(HV_OUT)/tessera-pass1.elf: $(HV_OBJS) $(HV_OUT)/symbols-empty.o $(HV_OUT)/hypervisor.lds
	$(Q)$(LD) $(HV_LDFLAGS) -o $@ $(HV_OBJS) $(HV_OUT)/symbols-empty.o

$(HV_OUT)/symbols.S: $(HV_OUT)/tessera-pass1.elf $(HV_SRC)/tools/gen-symbols.sh
	$(Q)sh $(HV_SRC)/tools/gen-symbols.sh $< > $@

$(HV_OUT)/symbols.o: $(HV_OUT)/symbols.S
	$(Q)$(CC) $(HV_ASFLAGS) -c $< -o $@

$(HV_ELF): $(HV_OBJS) $(HV_OUT)/symbols.o $(HV_OUT)/hypervisor.lds
	$(Q)$(LD) $(HV_LDFLAGS) -o $@ $(HV_OBJS) $(HV_OUT)/symbols.o
	$(Q)sh $(HV_SRC)/tools/check-symbols.sh $(HV_OUT)/tessera-pass1.elf $@
	@echo "  LD      $@"

# QEMU's -kernel and GRUB load this flat image through the Multiboot header's address fields.
$(HV_BIN): $(HV_ELF)
	$(Q)objcopy -O binary --remove-section=.bss $< $@
	$(Q)truncate -s $$(( 0x$$(nm $< | awk '$$3=="_edata"{print $$1}') - 0x$$(nm $< | awk '$$3=="_start"{print $$1}') )) $@
	@echo "  BIN     $@"

-include $(HV_OBJS:.o=.d)
