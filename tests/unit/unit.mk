# Host unit tests: CUnit, built with ASan and UBSan. Hypervisor sources are
# compiled as they are, against a fake arch layer (tests/unit/fake/), and
# linked with every tests/unit/test_*.c into one binary.
#
# Each concern adds the hypervisor sources it tests in a fragment
# tests/unit/<name>.mk:   UNIT_HV_SRCS += hypervisor/common/foo.c
# Tool sources (dom0-tools/) go in UNIT_TOOL_SRCS instead: the unit binary links
# them, the hypercall fuzz harness (tests/fuzz/fuzz.mk, which takes UNIT_HV_SRCS)
# does not.
# A source needing extra flags sets UNIT_FLAGS_<path with / as _>; extra
# host libraries go in UNIT_LDLIBS.

UNIT_OUT := $(BUILD)/unit
UNIT_BIN := $(UNIT_OUT)/unit-tests
UNIT_HV_SRCS :=
UNIT_TOOL_SRCS :=
include $(filter-out tests/unit/unit.mk,$(wildcard tests/unit/*.mk))

UNIT_TEST_SRCS := tests/unit/main.c $(wildcard tests/unit/test_*.c) $(wildcard tests/unit/fake/*.c)
UNIT_CFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow \
	-DTESSERA_HOST_TEST -Itests/unit -Itests/unit/fake -Ihypervisor/include -Ihypervisor/arch/x86/include \
	-Ihypervisor/shared/include -include hypervisor/include/tessera/config.h -MMD -MP
UNIT_LDFLAGS := -fsanitize=address,undefined
UNIT_OBJS := $(patsubst %.c,$(UNIT_OUT)/%.o,$(UNIT_HV_SRCS) $(UNIT_TOOL_SRCS) $(UNIT_TEST_SRCS))

.PHONY: unit-tests
unit-tests: $(UNIT_BIN)

$(UNIT_OUT)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) $(UNIT_FLAGS_$(subst /,_,$<)) -c $< -o $@

$(UNIT_BIN): $(UNIT_OBJS)
	$(Q)$(HOSTCC) $(UNIT_LDFLAGS) -o $@ $^ -lcunit $(UNIT_LDLIBS)
	@echo "  LD      $@"

-include $(UNIT_OBJS:.o=.d)
