/*
 * ACPI table discovery for CPU and IOAPIC enumeration (see asm/acpi.h).
 * Firmware tables are input we do not control: every read is bounds-checked
 * against the table's own length, every table's checksum is verified, and a
 * table that fails either is reported and ignored as a whole.
 *
 * Locking: none; runs once on the boot CPU before the others are started.
 */
#include <asm/acpi.h>
#include <tessera/compiler.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/string.h>

#define ACPI_HDR_LEN 36
#define ACPI_RSDP_V1_LEN 20
#define ACPI_RSDP_V2_LEN 36
/* No sane RSDT/XSDT/MADT is larger; a bigger length is treated as corrupt. */
#define ACPI_MAX_TABLE_LEN (256u * 1024)

/* MADT entry types (ACPI 6.x, 5.2.12). */
#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_LAPIC_OVERRIDE 5
#define MADT_X2APIC 9
#define MADT_LAPIC_ENABLED (1u << 0)
#define MADT_PCAT_COMPAT (1u << 0)

struct acpi_madt_info acpi_madt;

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}
static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

bool acpi_checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

/* An RSDP at p: signature, the v1 checksum, and for revision >= 2 the extended one. */
static bool rsdp_valid(const uint8_t *p, size_t avail)
{
	uint32_t len;

	if (avail < ACPI_RSDP_V1_LEN || memcmp(p, "RSD PTR ", 8) ||
	    !acpi_checksum_ok(p, ACPI_RSDP_V1_LEN))
		return false;
	if (p[15] < 2)
		return true;
	if (avail < ACPI_RSDP_V2_LEN)
		return false;
	len = get32(p + 20);
	return len >= ACPI_RSDP_V2_LEN && len <= avail && acpi_checksum_ok(p, len);
}

/* Scan [start, end) on 16-byte boundaries; the RSDP's address, or 0. */
static paddr_t rsdp_scan(acpi_map_fn map, uint64_t start, uint64_t end)
{
	const uint8_t *area = map(_paddr(start), end - start);

	if (!area)
		return _paddr(0);
	for (uint64_t off = 0; off + ACPI_RSDP_V1_LEN <= end - start; off += 16) {
		if (memcmp(area + off, "RSD PTR ", 8))
			continue;
		if (rsdp_valid(area + off, end - start - off))
			return _paddr(start + off);
		pr_warn("ACPI: RSDP at %#lx has a bad checksum, skipped",
			(unsigned long)(start + off));
	}
	return _paddr(0);
}

paddr_t acpi_find_rsdp(acpi_map_fn map)
{
	const uint8_t *bda = map(_paddr(ACPI_EBDA_PTR), 2);
	uint64_t ebda = bda ? (uint64_t)get16(bda) << 4 : 0;
	paddr_t pa = _paddr(0);

	/* The EBDA pointer is only believable if it points into conventional memory. */
	if (ebda >= 0x400 && ebda + 1024 <= 0xa0000)
		pa = rsdp_scan(map, ebda, ebda + 1024);
	if (!paddr_x(pa))
		pa = rsdp_scan(map, ACPI_BIOS_AREA_START, ACPI_BIOS_AREA_END);
	return pa;
}

/*
 * Map a whole table after checking its header; NULL (and a warning) if its
 * length is implausible or its checksum is wrong. *len gets its length.
 */
static const uint8_t *map_table(acpi_map_fn map, paddr_t pa, const char *sig, uint32_t *len)
{
	const uint8_t *hdr = paddr_x(pa) ? map(pa, ACPI_HDR_LEN) : NULL;
	const uint8_t *t;
	uint32_t l;

	if (!hdr)
		return NULL;
	if (sig && memcmp(hdr, sig, 4))
		return NULL;
	l = get32(hdr + 4);
	if (l < ACPI_HDR_LEN || l > ACPI_MAX_TABLE_LEN) {
		pr_warn("ACPI: %.4s at %#lx has implausible length %u, skipped", (const char *)hdr,
			(unsigned long)paddr_x(pa), l);
		return NULL;
	}
	t = map(pa, l);
	if (!t)
		return NULL;
	if (!acpi_checksum_ok(t, l)) {
		pr_warn("ACPI: %.4s at %#lx has a bad checksum, skipped", (const char *)t,
			(unsigned long)paddr_x(pa));
		return NULL;
	}
	*len = l;
	return t;
}

/* Search one root table (entries of entry_size bytes: 4 in the RSDT, 8 in the XSDT). */
static paddr_t root_find(acpi_map_fn map, const uint8_t *root, uint32_t len,
			 unsigned int entry_size, const char *sig)
{
	for (uint32_t off = ACPI_HDR_LEN; off + entry_size <= len; off += entry_size) {
		paddr_t pa = _paddr(entry_size == 8 ? get64(root + off) : get32(root + off));
		const uint8_t *hdr = paddr_x(pa) ? map(pa, ACPI_HDR_LEN) : NULL;
		uint32_t tlen;

		if (!hdr || memcmp(hdr, sig, 4))
			continue;
		/* A corrupt copy is skipped; a later valid one may still be found. */
		if (map_table(map, pa, sig, &tlen))
			return pa;
	}
	return _paddr(0);
}

paddr_t acpi_find_table(acpi_map_fn map, paddr_t rsdp_pa, const char *sig)
{
	const uint8_t *rsdp = map(rsdp_pa, ACPI_RSDP_V2_LEN);
	const uint8_t *root;
	uint32_t len;
	paddr_t found = _paddr(0);

	if (!rsdp || !rsdp_valid(rsdp, rsdp[15] >= 2 ? ACPI_RSDP_V2_LEN : ACPI_RSDP_V1_LEN))
		return found;
	if (rsdp[15] >= 2 && get64(rsdp + 24)) {
		root = map_table(map, _paddr(get64(rsdp + 24)), "XSDT", &len);
		if (root)
			found = root_find(map, root, len, 8, sig);
		if (paddr_x(found))
			return found;
	}
	root = map_table(map, _paddr(get32(rsdp + 16)), "RSDT", &len);
	if (root)
		found = root_find(map, root, len, 4, sig);
	return found;
}

/* Add an enabled CPU unless its APIC ID is already listed (xAPIC and x2APIC entries may repeat). */
static void madt_add_cpu(struct acpi_madt_info *m, uint32_t apic_id, uint32_t uid)
{
	for (unsigned int i = 0; i < m->nr_cpus; i++)
		if (m->cpus[i].apic_id == apic_id)
			return;
	if (m->nr_cpus == NR_CPUS) {
		m->nr_cpus_dropped++;
		return;
	}
	m->cpus[m->nr_cpus].apic_id = apic_id;
	m->cpus[m->nr_cpus].acpi_uid = uid;
	m->nr_cpus++;
}

int acpi_parse_madt(const void *madt, size_t len, struct acpi_madt_info *out)
{
	const uint8_t *t = madt;
	struct acpi_madt_info m;
	size_t off;

	if (len < ACPI_HDR_LEN + 8 || memcmp(t, "APIC", 4) || get32(t + 4) != len ||
	    !acpi_checksum_ok(t, len))
		return -EINVAL;

	memset(&m, 0, sizeof(m));
	m.lapic_addr = _paddr(get32(t + ACPI_HDR_LEN));
	m.pcat_compat = get32(t + ACPI_HDR_LEN + 4) & MADT_PCAT_COMPAT;

	for (off = ACPI_HDR_LEN + 8; off < len;) {
		const uint8_t *e = t + off;
		uint8_t type, elen;

		if (len - off < 2)
			return -EINVAL;
		type = e[0];
		elen = e[1];
		/* A zero or overrunning length would loop forever or read past the table. */
		if (elen < 2 || elen > len - off)
			return -EINVAL;

		switch (type) {
		case MADT_LAPIC:
			if (elen < 8)
				return -EINVAL;
			if (get32(e + 4) & MADT_LAPIC_ENABLED)
				madt_add_cpu(&m, e[3], e[2]);
			else
				m.nr_cpus_disabled++;
			break;
		case MADT_X2APIC:
			if (elen < 16)
				return -EINVAL;
			if (get32(e + 8) & MADT_LAPIC_ENABLED)
				madt_add_cpu(&m, get32(e + 4), get32(e + 12));
			else
				m.nr_cpus_disabled++;
			break;
		case MADT_IOAPIC:
			if (elen < 12)
				return -EINVAL;
			if (m.nr_ioapics < ACPI_MAX_IOAPICS) {
				m.ioapics[m.nr_ioapics].id = e[2];
				m.ioapics[m.nr_ioapics].addr = get32(e + 4);
				m.ioapics[m.nr_ioapics].gsi_base = get32(e + 8);
				m.nr_ioapics++;
			}
			break;
		case MADT_LAPIC_OVERRIDE:
			if (elen < 12)
				return -EINVAL;
			m.lapic_addr = _paddr(get64(e + 4));
			break;
		default:
			break; /* interrupt overrides, NMI sources, ...: not needed yet */
		}
		off += elen;
	}

	*out = m;
	return 0;
}

int acpi_madt_discover(acpi_map_fn map, struct acpi_madt_info *out)
{
	paddr_t rsdp, madt_pa;
	const uint8_t *madt;
	uint32_t len;

	memset(out, 0, sizeof(*out));
	out->lapic_addr = _paddr(ACPI_DEFAULT_LAPIC_ADDR);
	out->pcat_compat = true;
	out->nr_ioapics = 1;
	out->ioapics[0].addr = ACPI_DEFAULT_IOAPIC_ADDR;

	rsdp = acpi_find_rsdp(map);
	if (!paddr_x(rsdp)) {
		pr_warn("ACPI: no valid RSDP found");
		return -ENOENT;
	}
	madt_pa = acpi_find_table(map, rsdp, "APIC");
	if (!paddr_x(madt_pa)) {
		pr_warn("ACPI: no valid MADT found");
		return -ENOENT;
	}
	madt = map_table(map, madt_pa, "APIC", &len);
	if (!madt || acpi_parse_madt(madt, len, out)) {
		pr_warn("ACPI: MADT at %#lx is malformed, skipped",
			(unsigned long)paddr_x(madt_pa));
		/* acpi_parse_madt leaves *out untouched on failure: the defaults stand. */
		return -ENOENT;
	}
	return 0;
}

#ifndef TESSERA_HOST_TEST
#include <tessera/mm.h>

static const void *acpi_ioremap(paddr_t pa, size_t len)
{
	return ioremap(pa, len);
}

void acpi_init(void)
{
	if (acpi_madt_discover(acpi_ioremap, &acpi_madt)) {
		pr_warn("ACPI: no MADT: assuming one CPU, LAPIC at %#x, IOAPIC at %#x",
			ACPI_DEFAULT_LAPIC_ADDR, ACPI_DEFAULT_IOAPIC_ADDR);
		return;
	}
	pr_info("ACPI: MADT: %u CPU%s enabled, %u IOAPIC%s, LAPIC at %#lx", acpi_madt.nr_cpus,
		acpi_madt.nr_cpus == 1 ? "" : "s", acpi_madt.nr_ioapics,
		acpi_madt.nr_ioapics == 1 ? "" : "s", (unsigned long)paddr_x(acpi_madt.lapic_addr));
	if (acpi_madt.nr_cpus_dropped)
		pr_warn("ACPI: %u more CPUs than NR_CPUS (%u) ignored", acpi_madt.nr_cpus_dropped,
			NR_CPUS);
}
#endif
