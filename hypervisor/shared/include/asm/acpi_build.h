/*
 * Guest ACPI tables for PVH domains (shared/acpi_build.c): RSDP (revision
 * 2) -> RSDT and XSDT -> MADT with one enabled local APIC per vCPU, as Xen's
 * tools/libacpi builds them for a PVH guest without an IOAPIC. Linux needs
 * a MADT even with one vCPU, or it runs without a local APIC and never
 * installs the Xen clock event (docs/architecture.md, "Building boot
 * domains"). Portable: the tables are built into a buffer, then copied into
 * the guest; host unit tests check them with the hypervisor's own ACPI
 * parser. No state, no locking.
 */
#ifndef ASM_ACPI_BUILD_H
#define ASM_ACPI_BUILD_H

#include <tessera/types.h>

/*
 * The local APIC ID of vCPU n, as Xen gives it (hvmloader's LAPIC_ID and
 * vlapic_reset: vcpu_id * 2). The guest's MADT and its (x2)APIC ID register
 * must agree, or Linux's setup_local_APIC hits BUG_ON(!apic_id_registered()).
 */
#define PVH_LAPIC_ID(vcpu_id) ((uint32_t)(vcpu_id)*2)
#define PVH_LAPIC_ADDR 0xfee00000u

/*
 * The FADT's platform controls (hardware-reduced ACPI), served by hvm/svm/exits.c: a write
 * with SLP_EN (bit 5) and SLP_TYP (bits 4:2) = PVH_ACPI_S5_SLP_TYP to the sleep control port
 * powers the domain off; PVH_ACPI_RESET_VALUE to the reset port reboots it.
 */
#define PVH_ACPI_SLEEP_CONTROL_PORT 0xb004u
#define PVH_ACPI_SLEEP_STATUS_PORT 0xb005u
#define PVH_ACPI_RESET_PORT 0xcf9u
#define PVH_ACPI_RESET_VALUE 0x06u
#define PVH_ACPI_S5_SLP_TYP 5u
#define PVH_ACPI_SLP_EN (1u << 5)

/* Bytes the tables take for nr_vcpus vCPUs (all of them fit one page up to 128 vCPUs). */
size_t acpi_build_size(unsigned int nr_vcpus);

/*
 * Build the tables for nr_vcpus (1..255) vCPUs into buf (size bytes, zeroed
 * here), laid out to sit at guest-physical address base (16-byte aligned).
 * The RSDP is at offset 0 (base is then the guest's rsdp_paddr). Returns the
 * bytes used, or -EINVAL / -ENOSPC.
 */
long acpi_build_tables(void *buf, size_t size, uint64_t base, unsigned int nr_vcpus);

#endif
