# The unikernel's xenbus message layer (unikernel/kernel/xenbus_core.c), tested
# against the xenstored core (XS_CORE_SRCS, added by tests/unit/xenstored.mk)
# through an in-memory pipe: tests/unit/test_xenbus.c.  The ring transport
# (unikernel/kernel/xenbus.c) is freestanding and only built into libuk.a.
UNIT_HV_SRCS += unikernel/kernel/xenbus_core.c
UNIT_FLAGS_unikernel_kernel_xenbus_core.c := -Iunikernel/include
UNIT_FLAGS_tests_unit_test_xenbus.c := -Iunikernel/include -Idom0-tools/xenstored
