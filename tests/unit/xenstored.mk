# xenstored core (dom0-tools/xenstored/): host tests of the real sources,
# tests/unit/test_xs_*.c with the client helper tests/unit/xs_client.h.
# XS_CORE_SRCS comes from dom0-tools/xenstored/xenstored.mk (included earlier).
UNIT_HV_SRCS += $(XS_CORE_SRCS)
UNIT_FLAGS_tests_unit_test_xs_nodes.c := -Idom0-tools/xenstored
UNIT_FLAGS_tests_unit_test_xs_proto.c := -Idom0-tools/xenstored
