# libFuzzer harness over the hypercall dispatcher (docs/testing.md).
#
# It links the same hypervisor sources as the unit tests (UNIT_HV_SRCS from
# tests/unit/unit.mk, with their per-source UNIT_FLAGS_*) and the fake arch
# (tests/unit/fake/*.c), compiled by clang with -fsanitize=fuzzer-no-link,
# address,undefined into $(BUILD)/fuzz/. One difference from the unit build:
# xmalloc/xzalloc/xfree become host malloc in every hypervisor source but
# the allocators themselves, so ASan checks each hypervisor object and LSan
# reports any left behind (the page heap stays the real one and is checked
# for leaks by the harness).
#
#   make fuzz-smoke   short fixed run + regression inputs (part of make test)
#   make fuzz         the long run: FUZZ_RUNS inputs (default 10 million),
#                     corpus kept in $(BUILD)/fuzz/corpus; FUZZ_SEED, FUZZ_ARGS
#                     (extra libFuzzer flags, e.g. -fork=8) may be set.
#
# The x86 emulation harness (tests/fuzz/fuzz_x86.c: hvm_emulate_mmio and
# hvm_set_cr4, whose sources it includes) links the same objects into
# $(BUILD)/fuzz/fuzz-x86, seeds from tests/fuzz/x86_mkseeds.c:
#   make fuzz-x86-smoke  the short run make test does (scripts/run-tests.sh x86fuzz)
#   make fuzz-x86        the long run (FUZZ_RUNS, FUZZ_SEED, FUZZ_ARGS as above;
#                        corpus in $(BUILD)/fuzz/x86-corpus)

FUZZ_CC ?= clang
FUZZ_OUT := $(BUILD)/fuzz
FUZZ_BIN := $(FUZZ_OUT)/fuzz-hypercall
FUZZ_MKSEEDS := $(FUZZ_OUT)/mkseeds
FUZZ_SEEDS := $(FUZZ_OUT)/seeds
FUZZ_RUNS ?= 10000000
FUZZ_SEED ?= 1
FUZZ_ARGS ?=
FUZZ_MAX_LEN := 2048

# Every UBSan check is on, pointer-overflow included: tessera/guest_access.h offsets guest
# handles as integers, so a guest's NULL or wrapping address is no pointer arithmetic
# (regression input: tests/fuzz/crashes/ubsan-null-guest-handle-sysctl).
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
# The unit flags minus gcc's sanitizer choice and -Werror (clang warns about other things
# in code that gcc builds clean; the harness itself keeps -Werror).
FUZZ_CFLAGS = $(filter-out -fsanitize=% -fno-sanitize-recover=% -Werror,$(UNIT_CFLAGS)) \
	$(FUZZ_SAN) -fsanitize=fuzzer-no-link -Itests/fuzz
FUZZ_MALLOC := -Dxmalloc_bytes=fake_core_xmalloc_bytes -Dxzalloc_bytes=fake_core_xzalloc_bytes \
	-Dxfree=fake_core_xfree
# The allocators keep their own xmalloc; everything else gets host malloc.
fuzz_malloc_for = $(if $(filter hypervisor/common/xmalloc.c hypervisor/common/page_alloc.c,$(1)),,\
	$(if $(filter hypervisor/%,$(1)),$(FUZZ_MALLOC)))


FUZZ_LIB_SRCS = $(UNIT_HV_SRCS) $(wildcard tests/unit/fake/*.c)
FUZZ_LIB_OBJS = $(patsubst %.c,$(FUZZ_OUT)/obj/%.o,$(FUZZ_LIB_SRCS))
FUZZ_HARNESS_OBJ := $(FUZZ_OUT)/obj/tests/fuzz/fuzz_hypercall.o

.PHONY: fuzz-build fuzz-smoke fuzz
fuzz-build: $(FUZZ_BIN) $(FUZZ_SEEDS)/.stamp

$(FUZZ_OUT)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(UNIT_FLAGS_$(subst /,_,$<)) \
		$(FUZZ_FLAGS_$(subst /,_,$<)) $(call fuzz_malloc_for,$<) -c $< -o $@

$(FUZZ_HARNESS_OBJ): tests/fuzz/fuzz_hypercall.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror -c $< -o $@

# Flags live here: a change rebuilds the fuzz objects.
$(FUZZ_LIB_OBJS) $(FUZZ_HARNESS_OBJ): tests/fuzz/fuzz.mk

# The dispatch table depends on which handlers the unit build lists (section abi_core).
$(FUZZ_OUT)/obj/hypervisor/common/hypercall.o: tests/unit/unit.mk

$(FUZZ_BIN): $(FUZZ_LIB_OBJS) $(FUZZ_HARNESS_OBJ)
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(UNIT_LDLIBS)
	@echo "  LD      $@"

$(FUZZ_MKSEEDS): tests/fuzz/mkseeds.c tests/fuzz/fuzz_script.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -std=gnu11 -O1 -Wall -Wextra -Werror -Ihypervisor/include -Itests/fuzz $< -o $@

$(FUZZ_SEEDS)/.stamp: $(FUZZ_MKSEEDS)
	@rm -rf $(FUZZ_SEEDS) && mkdir -p $(FUZZ_SEEDS)
	$(Q)$(FUZZ_MKSEEDS) $(FUZZ_SEEDS) >/dev/null
	@touch $@

# make test runs the smoke (scripts/run-tests.sh, group fuzz): build it first.
test: fuzz-build

fuzz-smoke: deps fuzz-build
	$(Q)scripts/run-tests.sh fuzz

# The long run: FUZZ_RUNS inputs from the seeds plus the corpus of earlier runs.
fuzz: deps fuzz-build
	@mkdir -p $(FUZZ_OUT)/corpus $(FUZZ_OUT)/artifacts
	$(FUZZ_BIN) -runs=$(FUZZ_RUNS) -seed=$(FUZZ_SEED) -max_len=$(FUZZ_MAX_LEN) -timeout=30 \
		-rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix=$(FUZZ_OUT)/artifacts/ \
		$(FUZZ_ARGS) $(FUZZ_OUT)/corpus $(FUZZ_SEEDS) tests/fuzz/crashes

FX86_BIN := $(FUZZ_OUT)/fuzz-x86
FX86_OBJ := $(FUZZ_OUT)/obj/tests/fuzz/fuzz_x86.o
FX86_MKSEEDS := $(FUZZ_OUT)/x86-mkseeds
FX86_SEEDS := $(FUZZ_OUT)/x86-seeds
FX86_MAX_LEN := 128

.PHONY: fuzz-x86-build fuzz-x86-smoke fuzz-x86
fuzz-x86-build: $(FX86_BIN) $(FX86_SEEDS)/.stamp

$(FX86_OBJ): tests/fuzz/fuzz_x86.c tests/fuzz/fuzz.mk | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror -c $< -o $@

$(FX86_BIN): $(FUZZ_LIB_OBJS) $(FX86_OBJ)
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(UNIT_LDLIBS)
	@echo "  LD      $@"

$(FX86_MKSEEDS): tests/fuzz/x86_mkseeds.c tests/fuzz/fuzz_x86.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -std=gnu11 -O1 -Wall -Wextra -Werror -Itests/fuzz $< -o $@

$(FX86_SEEDS)/.stamp: $(FX86_MKSEEDS)
	@rm -rf $(FX86_SEEDS) && mkdir -p $(FX86_SEEDS)
	$(Q)$(FX86_MKSEEDS) $(FX86_SEEDS) >/dev/null
	@touch $@

test: fuzz-x86-build

fuzz-x86-smoke: deps fuzz-x86-build
	$(Q)scripts/run-tests.sh x86fuzz

fuzz-x86: deps fuzz-x86-build
	@mkdir -p $(FUZZ_OUT)/x86-corpus $(FUZZ_OUT)/x86-artifacts
	$(FX86_BIN) -runs=$(FUZZ_RUNS) -seed=$(FUZZ_SEED) -max_len=$(FX86_MAX_LEN) -timeout=30 \
		-rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix=$(FUZZ_OUT)/x86-artifacts/ \
		$(FUZZ_ARGS) $(FUZZ_OUT)/x86-corpus $(FX86_SEEDS)

-include $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_HARNESS_OBJ:.o=.d) $(FX86_OBJ:.o=.d)
