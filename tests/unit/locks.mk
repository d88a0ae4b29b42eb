# The lock checker (common/spinlock.c, docs/locking.md): on in every unit and fuzz
# build (-DCONFIG_LOCK_DEBUG in build.mk), so an inversion anywhere fails a test.
# Tests: tests/unit/test_spinlock.c.
UNIT_HV_SRCS += hypervisor/common/spinlock.c
# test_spinlock.c checks that docs/locking.md lists the levels of enum lock_level, in order.
UNIT_FLAGS_tests_unit_test_spinlock.c := -DLOCKING_DOC=\"$(abspath docs/locking.md)\"
