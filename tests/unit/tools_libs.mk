# The tool libraries' cores (dom0-tools/libs) against a fake backend
# (tests/unit/test_tools_libs.c records each hypercall), and the builder's
# refusals through the shared PVH planner (builder.mk compiles it in).
TOOLS_LIBS_UNIT_SRCS := dom0-tools/libs/ctrl/xc_core.c dom0-tools/libs/ctrl/xc_domain.c \
	dom0-tools/libs/ctrl/xc_misc.c
UNIT_TOOL_SRCS += $(TOOLS_LIBS_UNIT_SRCS)
TOOLS_LIBS_UNIT_FLAGS := -Idom0-tools/libs/include -Idom0-tools/libs/ctrl -Idom0-tools/libs/builder
$(foreach f,$(TOOLS_LIBS_UNIT_SRCS) tests/unit/test_tools_libs.c tests/unit/test_tools_builder.c,$(eval UNIT_FLAGS_$(subst /,_,$(f)) := $(TOOLS_LIBS_UNIT_FLAGS)))
