# Grant tables (v1): common/grant_table.c and grant_copy.c over the fake arch and the core's domains.
UNIT_HV_SRCS += hypervisor/common/grant_table.c hypervisor/common/grant_copy.c
