/*
 * Guest ACPI tables for PVH boot domains (asm/acpi_build.h). Layouts from
 * the ACPI specification 6.x: 5.2.5 RSDP, 5.2.6 table header, 5.2.7 RSDT,
 * 5.2.8 XSDT, 5.2.12 MADT and 5.2.12.2 the processor local APIC entry.
 *
 * Contents follow Xen's tools/libacpi for a PVH guest: no IOAPIC entry, no
 * interrupt source overrides, no PCAT_COMPAT flag (there is no 8259 PIC),
 * one type-0 entry per vCPU with processor ID = vCPU id and APIC ID =
 * PVH_LAPIC_ID(vCPU id), all enabled.
 *
 * A hardware-reduced FADT (5.2.9, revision 6) and a DSDT holding only \_S5
 * give the guest its two platform controls without any emulated ACPI
 * hardware: power off through the sleep control register (5.2.9 and 4.8.3.7:
 * SLP_TYP in bits 4:2, SLP_EN bit 5; PVH_ACPI_SLEEP_CONTROL_PORT) and reset
 * through the reset register (PVH_ACPI_RESET_PORT, value PVH_ACPI_RESET_VALUE,
 * as Xen's FADT). The boot architecture flags say there is no VGA, no CMOS
 * RTC and no 8042, so Linux does not probe for them (each probe of a floating
 * port costs it seconds). hvm/svm/exits.c serves the two ports. No state, no
 * locking.
 */
#include <asm/acpi_build.h>
#include <tessera/compiler.h>
#include <tessera/errno.h>
#include <tessera/string.h>

struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;  /* over the first 20 bytes */
	char oem_id[6];
	uint8_t revision; /* 2: ACPI 2.0+, the XSDT fields are valid */
	uint32_t rsdt_address;
	uint32_t length; /* 36 */
	uint64_t xsdt_address;
	uint8_t extended_checksum; /* over all 36 bytes */
	uint8_t reserved[3];
} __packed;

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __packed;

struct acpi_madt {
	struct acpi_header h;
	uint32_t lapic_address;
	uint32_t flags; /* bit 0 PCAT_COMPAT: dual 8259s present (not here) */
} __packed;

struct acpi_madt_lapic {
	uint8_t type;	/* 0: processor local APIC */
	uint8_t length; /* 8 */
	uint8_t acpi_processor_id;
	uint8_t apic_id;
	uint32_t flags; /* bit 0 enabled */
} __packed;

/* Generic address structure (5.2.3.2). */
struct acpi_gas {
	uint8_t space_id; /* 1: system I/O */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size; /* 1: byte */
	uint64_t address;
} __packed;

/* FADT, revision 6 (5.2.9): only the fields we set are named; the rest stay zero. */
struct acpi_fadt {
	struct acpi_header h;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t legacy_fields[109 - 44]; /* SCI, SMI, PM1/PM2/GPE blocks: none (hardware-reduced) */
	uint16_t iapc_boot_arch;
	uint8_t reserved;
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct acpi_gas x_legacy_blocks[8];
	struct acpi_gas sleep_control;
	struct acpi_gas sleep_status;
	uint64_t hypervisor_vendor;
} __packed;

#define FADT_BOOT_NO_VGA (1u << 2)
#define FADT_BOOT_NO_CMOS_RTC (1u << 5)
#define FADT_RESET_REG_SUP (1u << 10)
#define FADT_HW_REDUCED_ACPI (1u << 20)
#define ACPI_SPACE_SYSTEM_IO 1

/*
 * The DSDT's AML: Name (\_S5, Package (2) { 5, 0 }). NameOp '_S5_', PackageOp, PkgLength 5,
 * NumElements 2, BytePrefix 5, ZeroOp. Linux reads SLP_TYPa from it.
 */
static const uint8_t dsdt_aml[] = {
    0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, PVH_ACPI_S5_SLP_TYP, 0x00,
};

_Static_assert(sizeof(struct acpi_gas) == 12, "GAS layout");
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT layout");
_Static_assert(__builtin_offsetof(struct acpi_fadt, iapc_boot_arch) == 109, "FADT boot flags");
_Static_assert(__builtin_offsetof(struct acpi_fadt, flags) == 112, "FADT flags");
_Static_assert(__builtin_offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT X_DSDT");
_Static_assert(__builtin_offsetof(struct acpi_fadt, sleep_control) == 244, "FADT sleep control");
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP layout");
_Static_assert(sizeof(struct acpi_header) == 36, "table header layout");
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT layout");
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "MADT local APIC entry layout");

#define ACPI_OEM_ID "TSSERA"
#define ACPI_OEM_TABLE_ID "TESSERA "
#define ACPI_CREATOR_ID "TSRA"

/* Offsets in the buffer: RSDP at 0, then each table 16-byte aligned. RSDT and XSDT list
 * the FADT and the MADT. */
#define RSDT_OFF 48
#define XSDT_OFF 96
#define FADT_OFF 160
#define DSDT_OFF 448
#define MADT_OFF 496
_Static_assert(RSDT_OFF + 36 + 2 * 4 <= XSDT_OFF && XSDT_OFF + 36 + 2 * 8 <= FADT_OFF &&
		   FADT_OFF + sizeof(struct acpi_fadt) <= DSDT_OFF &&
		   DSDT_OFF + 36 + sizeof(dsdt_aml) <= MADT_OFF,
	       "ACPI tables overlap");

static uint8_t acpi_sum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (len--)
		s += *b++;
	return s;
}

static void acpi_header_fill(struct acpi_header *h, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, ACPI_OEM_ID, 6);
	memcpy(h->oem_table_id, ACPI_OEM_TABLE_ID, 8);
	h->oem_revision = 1;
	memcpy(h->creator_id, ACPI_CREATOR_ID, 4);
	h->creator_revision = 1;
}

/* Set the checksum byte so the table's bytes sum to zero. */
static void acpi_seal(struct acpi_header *h)
{
	h->checksum = 0;
	h->checksum = (uint8_t)-acpi_sum(h, h->length);
}

size_t acpi_build_size(unsigned int nr_vcpus)
{
	return MADT_OFF + sizeof(struct acpi_madt) +
	       (size_t)nr_vcpus * sizeof(struct acpi_madt_lapic);
}

long acpi_build_tables(void *buf, size_t size, uint64_t base, unsigned int nr_vcpus)
{
	uint8_t *p = buf;
	struct acpi_rsdp *rsdp = buf;
	struct acpi_header *rsdt = (struct acpi_header *)(p + RSDT_OFF);
	struct acpi_header *xsdt = (struct acpi_header *)(p + XSDT_OFF);
	struct acpi_madt *madt = (struct acpi_madt *)(p + MADT_OFF);
	struct acpi_madt_lapic *lapic = (struct acpi_madt_lapic *)(madt + 1);
	size_t total = acpi_build_size(nr_vcpus);
	struct acpi_fadt *fadt = (struct acpi_fadt *)(p + FADT_OFF);
	struct acpi_header *dsdt = (struct acpi_header *)(p + DSDT_OFF);
	uint64_t madt_pa = base + MADT_OFF, fadt_pa = base + FADT_OFF;
	uint32_t madt_pa32 = (uint32_t)madt_pa, fadt_pa32 = (uint32_t)fadt_pa;

	/* Type-0 entries hold 8-bit IDs; PVH_LAPIC_ID(n) must stay below 0xff (broadcast). */
	if (!nr_vcpus || PVH_LAPIC_ID(nr_vcpus - 1) >= 0xff || base % 16)
		return -EINVAL;
	/* The RSDT holds 32-bit addresses: all tables below 4 GiB. */
	if (base > UINT32_MAX || total > UINT32_MAX - base)
		return -EINVAL;
	if (size < total)
		return -ENOSPC;
	memset(buf, 0, total);

	acpi_header_fill(&madt->h, "APIC", (uint32_t)(total - MADT_OFF), 4);
	madt->lapic_address = PVH_LAPIC_ADDR;
	madt->flags = 0;
	for (unsigned int i = 0; i < nr_vcpus; i++)
		lapic[i] = (struct acpi_madt_lapic){
		    .type = 0,
		    .length = sizeof(struct acpi_madt_lapic),
		    .acpi_processor_id = (uint8_t)i,
		    .apic_id = (uint8_t)PVH_LAPIC_ID(i),
		    .flags = 1,
		};
	acpi_seal(&madt->h);

	acpi_header_fill(dsdt, "DSDT", (uint32_t)(sizeof(*dsdt) + sizeof(dsdt_aml)), 2);
	memcpy(dsdt + 1, dsdt_aml, sizeof(dsdt_aml));
	acpi_seal(dsdt);

	acpi_header_fill(&fadt->h, "FACP", sizeof(*fadt), 6);
	fadt->dsdt = (uint32_t)(base + DSDT_OFF);
	fadt->x_dsdt = base + DSDT_OFF;
	fadt->iapc_boot_arch = FADT_BOOT_NO_VGA | FADT_BOOT_NO_CMOS_RTC; /* 8042 bit clear: none */
	fadt->flags = FADT_HW_REDUCED_ACPI | FADT_RESET_REG_SUP;
	fadt->reset_reg = (struct acpi_gas){ACPI_SPACE_SYSTEM_IO, 8, 0, 1, PVH_ACPI_RESET_PORT};
	fadt->reset_value = PVH_ACPI_RESET_VALUE;
	fadt->sleep_control =
	    (struct acpi_gas){ACPI_SPACE_SYSTEM_IO, 8, 0, 1, PVH_ACPI_SLEEP_CONTROL_PORT};
	fadt->sleep_status =
	    (struct acpi_gas){ACPI_SPACE_SYSTEM_IO, 8, 0, 1, PVH_ACPI_SLEEP_STATUS_PORT};
	acpi_seal(&fadt->h);

	acpi_header_fill(xsdt, "XSDT", sizeof(*xsdt) + 16, 1);
	memcpy(xsdt + 1, &fadt_pa, 8);
	memcpy((uint8_t *)(xsdt + 1) + 8, &madt_pa, 8);
	acpi_seal(xsdt);

	acpi_header_fill(rsdt, "RSDT", sizeof(*rsdt) + 8, 1);
	memcpy(rsdt + 1, &fadt_pa32, 4);
	memcpy((uint8_t *)(rsdt + 1) + 4, &madt_pa32, 4);
	acpi_seal(rsdt);

	memcpy(rsdp->signature, "RSD PTR ", 8);
	memcpy(rsdp->oem_id, ACPI_OEM_ID, 6);
	rsdp->revision = 2;
	rsdp->rsdt_address = (uint32_t)(base + RSDT_OFF);
	rsdp->length = sizeof(*rsdp);
	rsdp->xsdt_address = base + XSDT_OFF;
	rsdp->checksum = (uint8_t)-acpi_sum(rsdp, 20);
	rsdp->extended_checksum = (uint8_t)-acpi_sum(rsdp, sizeof(*rsdp));
	return (long)total;
}
