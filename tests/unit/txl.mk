# libtxl (dom0-tools/libtxl), the toolstack library behind xl: the xl.cfg
# parser, the output formats and the create/destroy sequence over the fake
# backend in tests/unit/test_txl_create.c (no backend_xen.c: no hypervisor here).
TXL_UNIT_SRCS := dom0-tools/libtxl/cfg_parse.c dom0-tools/libtxl/cfg_domain.c \
	dom0-tools/libtxl/create.c dom0-tools/libtxl/domain.c dom0-tools/libtxl/format.c \
	dom0-tools/libtxl/json.c dom0-tools/libtxl/monitor.c dom0-tools/libtxl/boot_names.c
UNIT_TOOL_SRCS += $(TXL_UNIT_SRCS)
UNIT_LDLIBS += -lyajl
TXL_UNIT_FLAGS := -Idom0-tools/libtxl -Idom0-tools/libs/include
$(foreach f,$(TXL_UNIT_SRCS) tests/unit/test_txl_cfg.c tests/unit/test_txl_create.c tests/unit/test_txl_format.c,$(eval UNIT_FLAGS_$(subst /,_,$(f)) := $(TXL_UNIT_FLAGS)))
