# The PVH domain builder's portable parts: the ELF parser, guest-physical
# copies, the PVH planner (layout, boot info placement and bytes) and the
# steps that fill a domain, the guest ACPI tables. The
# tests also parse the real hlt test guest (tests/guests/hlt), built first.
UNIT_HV_SRCS += hypervisor/shared/elf.c hypervisor/common/guest_phys.c \
	hypervisor/arch/x86/pvh_layout.c hypervisor/shared/pvh_plan.c \
	hypervisor/shared/acpi_build.c
UNIT_FLAGS_tests_unit_test_elf.c := -DHLT_ELF_PATH=\"$(GUEST_HLT)\"
$(UNIT_OUT)/tests/unit/test_elf.o: $(GUEST_HLT)
