# Symbol lookup for stack traces (portable: the table is passed in).
UNIT_HV_SRCS += hypervisor/common/symbols.c
