# ACPI table discovery (RSDP search, RSDT/XSDT, MADT parsing) over a fake memory buffer.
UNIT_HV_SRCS += hypervisor/arch/x86/acpi.c
