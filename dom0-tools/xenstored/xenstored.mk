# xenstored (dom0-tools/xenstored/, README.md there): the portable core and its builds.
#   core sources         XS_CORE_SRCS (also compiled into the unit tests: tests/unit/unit.mk)
#   $(BUILD)/fuzz-xs/fuzz-xenstored   libFuzzer harness tests/fuzz/xs_fuzz.c over the core;
#                        make xs-fuzz-smoke = the short run make test does (tests/fuzz/xs_smoke.sh)
#   make xs-fuzz         the long run (XS_FUZZ_RUNS inputs, corpus in $(BUILD)/fuzz-xs/corpus)

XS_CORE_SRCS := dom0-tools/xenstored/xs_store.c dom0-tools/xenstored/xs_conn.c \
	dom0-tools/xenstored/xs_ops.c

XSF_CC ?= clang
XSF_OUT := $(BUILD)/fuzz-xs
XSF_BIN := $(XSF_OUT)/fuzz-xenstored
XS_FUZZ_RUNS ?= 2000000
XSF_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
	-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer -Ihypervisor/include -Idom0-tools/xenstored -MMD -MP
XSF_OBJS := $(patsubst %.c,$(XSF_OUT)/obj/%.o,$(XS_CORE_SRCS) tests/fuzz/xs_fuzz.c)

.PHONY: xs-fuzz-build xs-fuzz-smoke xs-fuzz
xs-fuzz-build: $(XSF_BIN)

$(XSF_OUT)/obj/%.o: %.c dom0-tools/xenstored/xenstored.mk | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(XSF_CC) $(XSF_CFLAGS) -c $< -o $@

$(XSF_BIN): $(XSF_OBJS)
	$(Q)$(XSF_CC) -fsanitize=fuzzer,address,undefined -o $@ $^
	@echo "  LD      $@"

# make test runs the smoke (scripts/run-tests.sh, group xsfuzz): build it first.
test: xs-fuzz-build

xs-fuzz-smoke: deps xs-fuzz-build
	$(Q)scripts/run-tests.sh xsfuzz

xs-fuzz: deps xs-fuzz-build
	@mkdir -p $(XSF_OUT)/corpus $(XSF_OUT)/artifacts
	$(XSF_BIN) -runs=$(XS_FUZZ_RUNS) -seed=1 -max_len=4096 -timeout=30 -print_final_stats=1 \
		-artifact_prefix=$(XSF_OUT)/artifacts/ $(XSF_OUT)/corpus tests/fuzz/xs_crashes

-include $(XSF_OBJS:.o=.d)

# The Linux daemon (xenstored_linux.c: Unix socket, epoll) and its check with Xen's libxenstore
# (dom0-tools/xenstored/test/libxs_check.c, run by tests/integration/xenstored.sh).
XSD_OUT := $(BUILD)/xenstored
XSD_BIN := $(XSD_OUT)/xenstored
XSD_CHECK := $(XSD_OUT)/libxs-check
XSD_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
	-Wno-unused-parameter -Ihypervisor/include -Idom0-tools/xenstored -MMD -MP
XSD_OBJS := $(patsubst %.c,$(XSD_OUT)/obj/%.o,$(XS_CORE_SRCS) dom0-tools/xenstored/xenstored_linux.c)

tools: $(XSD_BIN) $(XSD_CHECK)

$(XSD_OUT)/obj/%.o: %.c dom0-tools/xenstored/xenstored.mk | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(XSD_CFLAGS) -c $< -o $@

$(XSD_BIN): $(XSD_OBJS)
	$(Q)$(HOSTCC) -o $@ $^
	@echo "  LD      $@"

$(XSD_CHECK): dom0-tools/xenstored/test/libxs_check.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -std=gnu11 -O1 -g -Wall -Wextra -Werror -o $@ $< -lxenstore

-include $(XSD_OBJS:.o=.d)

# make xs-bench: ops/s over the socket with Xen's libxenstore as the client (not part of make test;
# dom0-tools/xenstored/README.md has the figures). XS_BENCH_SECS per operation.
XSD_BENCH := $(XSD_OUT)/libxs-bench
XS_BENCH_SECS ?= 2
.PHONY: xs-bench
tools: $(XSD_BENCH)

$(XSD_BENCH): dom0-tools/xenstored/test/libxs_bench.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $< -lxenstore

xs-bench: $(XSD_BIN) $(XSD_BENCH)
	$(Q)d=$$(mktemp -d /tmp/xs-bench.XXXXXX); $(XSD_BIN) --socket $$d/socket & p=$$!; \
	for i in $$(seq 50); do [ -S $$d/socket ] && break; sleep 0.1; done; \
	XENSTORED_PATH=$$d/socket $(XSD_BENCH) $(XS_BENCH_SECS); kill $$p; wait $$p; rm -rf $$d

# The xenstore domain (xenstored_uk.c; its ring transport, xenstored_uk_ring.c): the core built
# for the unikernel, linked as the unikernel
# application $(BUILD)/guests/xenstored.elf (unikernel/build.mk's rules with private flags).
# The core's <errno.h>, <string.h> and <xxhash.h> come from uk-include/; XXH3 itself is
# xs_uk_xxhash.c over Debian's header (the same hash as the host builds).
XSU_OUT := $(UK_OUT)/xenstored
XSU_ELF := $(BUILD)/guests/xenstored.elf
XSU_XXH_INC := $(XSU_OUT)/xxhash-include
XSU_OBJS := $(patsubst %.c,$(XSU_OUT)/%.o,$(XS_CORE_SRCS) dom0-tools/xenstored/xenstored_uk.c \
	dom0-tools/xenstored/xenstored_uk_ring.c)
XSU_XXH_OBJ := $(XSU_OUT)/xs_uk_xxhash.o

$(XSU_XXH_INC)/xxhash.h: | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)ln -sf /usr/include/xxhash.h $@

$(XSU_OBJS): $(XSU_OUT)/%.o: %.c dom0-tools/xenstored/xenstored.mk | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UK_CFLAGS) -Wno-unused-parameter -isystem dom0-tools/xenstored/uk-include \
		-Idom0-tools/xenstored -c $< -o $@

$(XSU_XXH_OBJ): dom0-tools/xenstored/xs_uk_xxhash.c $(XSU_XXH_INC)/xxhash.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UK_CFLAGS) -isystem $(XSU_XXH_INC) -isystem hypervisor/shared/xxhash-compat \
		-c $< -o $@

$(XSU_ELF): $(XSU_OBJS) $(XSU_XXH_OBJ) $(UK_HEAD) $(UK_LIB) $(UK_LDS)
	@mkdir -p $(dir $@)
	$(Q)$(LD) $(UK_LDFLAGS) -o $@ $(UK_HEAD) $(XSU_OBJS) $(XSU_XXH_OBJ) $(UK_LIB)
	@echo "  LD      $@"
guests: $(XSU_ELF)

-include $(XSU_OBJS:.o=.d) $(XSU_XXH_OBJ:.o=.d)
