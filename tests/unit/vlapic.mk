# The virtual x2APIC's register model (arch/x86/hvm/vlapic.c), portable by design,
# and the boot-domain exit policy (common/domain_exit.c), which common/domain.c calls.
UNIT_HV_SRCS += hypervisor/arch/x86/hvm/vlapic.c hypervisor/common/domain_exit.c
