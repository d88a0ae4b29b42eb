# Grant tables (v1): common/grant_table.c and grant_copy.c over the fake arch and the core's domains.
# Tests: tests/unit/test_gnttab_*.c, one suite "gnttab", set-up shared in gnttab_test.h.
UNIT_HV_SRCS += hypervisor/common/grant_table.c hypervisor/common/grant_copy.c
