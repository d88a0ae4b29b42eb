/*
 * ACPI table discovery: just enough to find the CPUs and IOAPICs. The RSDP
 * is searched for in the EBDA and the BIOS area, then the RSDT/XSDT leads to
 * the MADT. Every table's checksum is validated; a table that fails is
 * reported and skipped, never trusted. Portable: all memory access goes
 * through a map callback, so host unit tests run the parser over a buffer.
 */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include <tessera/types.h>

#define ACPI_MAX_IOAPICS 8
#define ACPI_DEFAULT_LAPIC_ADDR 0xfee00000u
#define ACPI_DEFAULT_IOAPIC_ADDR 0xfec00000u

/* Where the RSDP may live (ACPI 6.x, 5.2.5.1). */
#define ACPI_EBDA_PTR 0x40e
#define ACPI_BIOS_AREA_START 0xe0000u
#define ACPI_BIOS_AREA_END 0x100000u

struct acpi_cpu {
	uint32_t apic_id;
	uint32_t acpi_uid; /* processor UID (xAPIC entries: the 8-bit processor ID) */
};

struct acpi_ioapic {
	uint32_t id;
	uint32_t addr;
	uint32_t gsi_base;
};

/* What the MADT says, filled only from a table whose checksum and layout are valid. */
struct acpi_madt_info {
	paddr_t lapic_addr;
	bool pcat_compat;     /* legacy 8259 PICs present */
	unsigned int nr_cpus; /* enabled CPUs, in MADT order */
	struct acpi_cpu cpus[NR_CPUS];
	unsigned int nr_cpus_dropped;  /* enabled CPUs beyond NR_CPUS */
	unsigned int nr_cpus_disabled; /* entries not enabled (absent or hot-plug only) */
	unsigned int nr_ioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
};

/* Returns a pointer through which len bytes at physical pa can be read, or NULL. */
typedef const void *(*acpi_map_fn)(paddr_t pa, size_t len);

/* The bytes sum to 0 modulo 256 (the ACPI checksum rule). */
bool acpi_checksum_ok(const void *p, size_t len);

/* Physical address of a valid RSDP in the EBDA or the BIOS area, or 0 if none. */
paddr_t acpi_find_rsdp(acpi_map_fn map);

/*
 * Physical address of the first table with signature sig (4 chars) reachable
 * from the RSDP at rsdp_pa whose checksum is valid, or 0. Prefers the XSDT
 * (revision >= 2), falling back to the RSDT if the XSDT is corrupt.
 */
paddr_t acpi_find_table(acpi_map_fn map, paddr_t rsdp_pa, const char *sig);

/*
 * Parse a MADT of len bytes (checksum already checked by the caller or not:
 * this checks it again). Returns 0 and fills *out, or -EINVAL (out untouched)
 * if the table is malformed: bad checksum, entry lengths that overrun it.
 */
int acpi_parse_madt(const void *madt, size_t len, struct acpi_madt_info *out);

/*
 * The whole discovery: RSDP -> RSDT/XSDT -> MADT. Returns 0 with *out filled,
 * -ENOENT if there is no usable MADT (then *out holds the defaults: no CPUs
 * listed, the default LAPIC and one IOAPIC at the default address).
 */
int acpi_madt_discover(acpi_map_fn map, struct acpi_madt_info *out);

/* The platform's MADT information, filled by acpi_init() (hypervisor only). */
extern struct acpi_madt_info acpi_madt;
/* Discover the tables through ioremap() and report what was found. */
void acpi_init(void);

#endif
