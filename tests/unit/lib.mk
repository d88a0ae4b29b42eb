# Portable library code under test.
UNIT_HV_SRCS += hypervisor/common/lib/vsnprintf.c hypervisor/common/multiboot.c
UNIT_FLAGS_hypervisor_common_lib_vsnprintf.c := -Dvsnprintf=hv_vsnprintf -Dsnprintf=hv_snprintf
