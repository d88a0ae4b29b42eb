/*
 * ACPI discovery (arch/x86/acpi.c) over a fake 2 MiB physical memory: the
 * RSDP search, RSDT/XSDT walking and MADT parsing, and that a table with a
 * bad checksum or a malformed layout is skipped rather than trusted.
 */
#include <stdlib.h>
#include <string.h>
#include <asm/acpi.h>
#include <tessera/errno.h>
#include "unit.h"

#define FAKE_MEM (2u << 20)
static uint8_t *mem;

static const void *fake_map(paddr_t a, size_t len)
{
	uint64_t pa = paddr_x(a);

	if (pa >= FAKE_MEM || len > FAKE_MEM - pa)
		return NULL;
	return mem + pa;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}
static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}
static void put64(uint8_t *p, uint64_t v)
{
	put32(p, v);
	put32(p + 4, v >> 32);
}

static void fix_checksum(uint8_t *p, size_t len, size_t at)
{
	uint8_t sum = 0;

	p[at] = 0;
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	p[at] = (uint8_t)-sum;
}

/* A table header at pa; returns a pointer to its body. */
static uint8_t *table_at(uint64_t pa, const char *sig, uint32_t len)
{
	uint8_t *t = mem + pa;

	memset(t, 0, len);
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = 1;
	return t;
}

static void seal(uint64_t pa)
{
	fix_checksum(mem + pa, mem[pa + 4] | mem[pa + 5] << 8, 9);
}

static void rsdp_at(uint64_t pa, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	uint8_t *r = mem + pa;

	memset(r, 0, 36);
	memcpy(r, "RSD PTR ", 8);
	r[15] = rev;
	put32(r + 16, rsdt);
	fix_checksum(r, 20, 8);
	if (rev >= 2) {
		put32(r + 20, 36);
		put64(r + 24, xsdt);
		fix_checksum(r, 36, 32);
	}
}

#define MADT_PA 0x110000
#define RSDT_PA 0x100000
#define XSDT_PA 0x108000

/* A MADT with: CPU APIC 0, CPU APIC 2, a disabled CPU, one IOAPIC at 0xfec00000. */
static uint32_t build_madt(uint64_t pa)
{
	uint32_t len = 44 + 8 * 3 + 12;
	uint8_t *t = table_at(pa, "APIC", len), *e = t + 44;

	put32(t + 36, 0xfee00000);
	put32(t + 40, 1);
	for (int i = 0; i < 3; i++, e += 8) {
		e[0] = 0;
		e[1] = 8;
		e[2] = i;     /* processor ID */
		e[3] = i * 2; /* APIC ID */
		put32(e + 4, i < 2 ? 1 : 0);
	}
	e[0] = 1;
	e[1] = 12;
	e[2] = 7;
	put32(e + 4, 0xfec00000);
	put32(e + 8, 0);
	seal(pa);
	return len;
}

static void build_rsdt(uint64_t pa, const uint64_t *tables, int n)
{
	table_at(pa, "RSDT", 36 + 4 * n);
	for (int i = 0; i < n; i++)
		put32(mem + pa + 36 + 4 * i, tables[i]);
	seal(pa);
}

static void build_xsdt(uint64_t pa, const uint64_t *tables, int n)
{
	table_at(pa, "XSDT", 36 + 8 * n);
	for (int i = 0; i < n; i++)
		put64(mem + pa + 36 + 8 * i, tables[i]);
	seal(pa);
}

static int setup(void)
{
	mem = calloc(1, FAKE_MEM);
	return mem ? 0 : -1;
}

static int teardown(void)
{
	free(mem);
	return 0;
}

UNIT_SUITE_WITH(acpi, setup, teardown);

/* A standard platform: RSDP (v1) in the BIOS area, RSDT -> [FACP dummy, MADT]. */
static void build_platform(void)
{
	uint64_t tabs[2] = {0x104000, MADT_PA};

	memset(mem, 0, FAKE_MEM);
	table_at(0x104000, "FACP", 40);
	seal(0x104000);
	build_madt(MADT_PA);
	build_rsdt(RSDT_PA, tabs, 2);
	rsdp_at(0xf5a30, 0, RSDT_PA, 0);
}

UNIT_TEST(acpi, discovers_enabled_cpus_and_ioapic_from_bios_area_rsdp)
{
	struct acpi_madt_info m;

	build_platform();
	CU_ASSERT_EQUAL(paddr_x(acpi_find_rsdp(fake_map)), 0xf5a30);
	CU_ASSERT_EQUAL(acpi_madt_discover(fake_map, &m), 0);
	CU_ASSERT_EQUAL(m.nr_cpus, 2);
	CU_ASSERT_EQUAL(m.cpus[0].apic_id, 0);
	CU_ASSERT_EQUAL(m.cpus[1].apic_id, 2);
	CU_ASSERT_EQUAL(m.cpus[1].acpi_uid, 1);
	CU_ASSERT_EQUAL(m.nr_cpus_disabled, 1);
	CU_ASSERT_EQUAL(m.nr_ioapics, 1);
	CU_ASSERT_EQUAL(m.ioapics[0].addr, 0xfec00000);
	CU_ASSERT_EQUAL(m.ioapics[0].id, 7);
	CU_ASSERT_EQUAL(paddr_x(m.lapic_addr), 0xfee00000);
	CU_ASSERT(m.pcat_compat);
}

UNIT_TEST(acpi, finds_rsdp_in_ebda_before_bios_area)
{
	build_platform();
	put16(mem + ACPI_EBDA_PTR, 0x9fc0);
	rsdp_at(0x9fc00 + 0x40, 0, RSDT_PA, 0);
	CU_ASSERT_EQUAL(paddr_x(acpi_find_rsdp(fake_map)), 0x9fc40);
}

UNIT_TEST(acpi, rsdp_with_bad_checksum_is_skipped_for_a_later_valid_one)
{
	build_platform();
	rsdp_at(0xe0010, 0, RSDT_PA, 0);
	mem[0xe0010 + 8] ^= 0x55;
	CU_ASSERT_EQUAL(paddr_x(acpi_find_rsdp(fake_map)), 0xf5a30);
}

UNIT_TEST(acpi, no_rsdp_gives_defaults_and_enoent)
{
	struct acpi_madt_info m;

	memset(mem, 0, FAKE_MEM);
	CU_ASSERT_EQUAL(paddr_x(acpi_find_rsdp(fake_map)), 0);
	CU_ASSERT_EQUAL(acpi_madt_discover(fake_map, &m), -ENOENT);
	CU_ASSERT_EQUAL(m.nr_cpus, 0);
	CU_ASSERT_EQUAL(m.nr_ioapics, 1);
	CU_ASSERT_EQUAL(m.ioapics[0].addr, ACPI_DEFAULT_IOAPIC_ADDR);
	CU_ASSERT_EQUAL(paddr_x(m.lapic_addr), ACPI_DEFAULT_LAPIC_ADDR);
}

UNIT_TEST(acpi, madt_with_bad_checksum_is_not_trusted)
{
	struct acpi_madt_info m;

	build_platform();
	mem[MADT_PA + 44 + 3] = 9; /* change an APIC ID without fixing the checksum */
	CU_ASSERT_EQUAL(acpi_madt_discover(fake_map, &m), -ENOENT);
	CU_ASSERT_EQUAL(m.nr_cpus, 0);
}

UNIT_TEST(acpi, rsdt_with_bad_checksum_is_not_walked)
{
	build_platform();
	mem[RSDT_PA + 20] ^= 1;
	CU_ASSERT_EQUAL(paddr_x(acpi_find_table(fake_map, _paddr(0xf5a30), "APIC")), 0);
}

UNIT_TEST(acpi, xsdt_is_preferred_and_corrupt_xsdt_falls_back_to_rsdt)
{
	uint64_t xt[1] = {0x120000};
	struct acpi_madt_info m;

	build_platform();
	/* The XSDT points at a different MADT with a single CPU (APIC ID 5). */
	table_at(0x120000, "APIC", 44 + 8);
	put32(mem + 0x120000 + 36, 0xfee00000);
	mem[0x120000 + 44] = 0;
	mem[0x120000 + 45] = 8;
	mem[0x120000 + 47] = 5;
	put32(mem + 0x120000 + 48, 1);
	seal(0x120000);
	build_xsdt(XSDT_PA, xt, 1);
	rsdp_at(0xf5a30, 2, RSDT_PA, XSDT_PA);

	CU_ASSERT_EQUAL(acpi_madt_discover(fake_map, &m), 0);
	CU_ASSERT_EQUAL(m.nr_cpus, 1);
	CU_ASSERT_EQUAL(m.cpus[0].apic_id, 5);

	mem[XSDT_PA + 30] ^= 1; /* corrupt the XSDT: the RSDT's MADT is used */
	CU_ASSERT_EQUAL(acpi_madt_discover(fake_map, &m), 0);
	CU_ASSERT_EQUAL(m.nr_cpus, 2);
}

UNIT_TEST(acpi, madt_entry_of_zero_length_is_rejected_without_looping)
{
	struct acpi_madt_info m = {.nr_cpus = 77};
	uint32_t len = build_madt(MADT_PA);

	mem[MADT_PA + 44 + 8 + 1] = 0; /* second entry's length */
	seal(MADT_PA);
	CU_ASSERT_EQUAL(acpi_parse_madt(mem + MADT_PA, len, &m), -EINVAL);
	CU_ASSERT_EQUAL(m.nr_cpus, 77); /* untouched */
}

UNIT_TEST(acpi, madt_entry_overrunning_the_table_is_rejected)
{
	struct acpi_madt_info m;
	uint32_t len = build_madt(MADT_PA);

	mem[MADT_PA + len - 12 + 1] = 40; /* IOAPIC entry claims 40 bytes */
	seal(MADT_PA);
	CU_ASSERT_EQUAL(acpi_parse_madt(mem + MADT_PA, len, &m), -EINVAL);
}

UNIT_TEST(acpi, madt_length_must_match_the_header)
{
	struct acpi_madt_info m;
	uint32_t len = build_madt(MADT_PA);

	CU_ASSERT_EQUAL(acpi_parse_madt(mem + MADT_PA, len - 4, &m), -EINVAL);
	CU_ASSERT_EQUAL(acpi_parse_madt(mem + MADT_PA, len, &m), 0);
}

UNIT_TEST(acpi, x2apic_entries_add_cpus_and_duplicates_are_merged)
{
	struct acpi_madt_info m;
	uint32_t len = 44 + 8 + 16 + 16 + 12;
	uint8_t *t = table_at(MADT_PA, "APIC", len), *e = t + 44;

	e[0] = 0, e[1] = 8, e[3] = 1, put32(e + 4, 1); /* xAPIC ID 1 */
	e += 8;
	e[0] = 9, e[1] = 16, put32(e + 4, 1), put32(e + 8, 1); /* x2APIC ID 1 again */
	e += 16;
	e[0] = 9, e[1] = 16, put32(e + 4, 300), put32(e + 8, 1), put32(e + 12, 42);
	e += 16;
	e[0] = 5, e[1] = 12, put64(e + 4, 0xfee10000ULL); /* LAPIC address override */
	seal(MADT_PA);
	CU_ASSERT_EQUAL(acpi_parse_madt(t, len, &m), 0);
	CU_ASSERT_EQUAL(m.nr_cpus, 2);
	CU_ASSERT_EQUAL(m.cpus[1].apic_id, 300);
	CU_ASSERT_EQUAL(m.cpus[1].acpi_uid, 42);
	CU_ASSERT_EQUAL(paddr_x(m.lapic_addr), 0xfee10000ULL);
}

UNIT_TEST(acpi, cpus_beyond_nr_cpus_are_counted_not_stored)
{
	struct acpi_madt_info m;
	unsigned int n = NR_CPUS + 3;
	uint32_t len = 44 + 16 * n;
	uint8_t *t = table_at(MADT_PA, "APIC", len), *e = t + 44;

	for (unsigned int i = 0; i < n; i++, e += 16) {
		e[0] = 9;
		e[1] = 16;
		put32(e + 4, i);
		put32(e + 8, 1);
	}
	seal(MADT_PA);
	CU_ASSERT_EQUAL(acpi_parse_madt(t, len, &m), 0);
	CU_ASSERT_EQUAL(m.nr_cpus, NR_CPUS);
	CU_ASSERT_EQUAL(m.nr_cpus_dropped, 3);
}
