/*
 * The PVH boot-domain layout (arch/x86/pvh_layout.c) and guest ACPI tables
 * (shared/acpi_build.c): the memory map for small and large domains;
 * a fake domain populated, loaded with a kernel, boot info, modules and
 * ACPI, then read back through guest-physical copies field by field at the
 * ABI's offsets (public/hvm/start_info.h); the ACPI tables checked by the
 * hypervisor's own ACPI parser; special pages' params and ports; refusals
 * with reasons; nothing leaked.
 */
#include <elf.h>
#include <string.h>
#include <asm/acpi.h>
#include <asm/acpi_build.h>
#include <asm/pvh_layout.h>
#include <public/hvm/params.h>
#include <public/hvm/start_info.h>
#include <tessera/elf.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include "fake_guest.h"
#include "unit.h"

UNIT_SUITE(pvh_layout);

#define FRAMES 4096
#define MIB (1UL << 20)

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}
static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

UNIT_TEST(pvh_layout, small_domain_map)
{
	struct pvh_layout l;
	char why[128];

	CU_ASSERT_EQUAL_FATAL(pvh_layout_plan(64 * MIB, &l, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(l.low_end, 64 * MIB);
	CU_ASSERT_EQUAL(l.high_end, 0);
	CU_ASSERT_EQUAL(l.ram_end, 64 * MIB - 3 * 4096);
	CU_ASSERT_EQUAL(l.acpi_gpa, l.ram_end);
	CU_ASSERT_EQUAL(l.console_gpa, 64 * MIB - 2 * 4096);
	CU_ASSERT_EQUAL(l.store_gpa, 64 * MIB - 4096);
	CU_ASSERT_EQUAL_FATAL(l.nr_map, 5);
	const struct e820entry want[] = {
	    {0, 0xa0000, E820_RAM},
	    {0xa0000, 0x60000, E820_RESERVED},
	    {0x100000, 64 * MIB - 3 * 4096 - 0x100000, E820_RAM},
	    {64 * MIB - 3 * 4096, 4096, E820_ACPI},
	    {64 * MIB - 2 * 4096, 2 * 4096, E820_RESERVED},
	};
	for (unsigned int i = 0; i < 5; i++) {
		CU_ASSERT_EQUAL(l.map[i].addr, want[i].addr);
		CU_ASSERT_EQUAL(l.map[i].size, want[i].size);
		CU_ASSERT_EQUAL(l.map[i].type, want[i].type);
	}
}

UNIT_TEST(pvh_layout, large_domain_map_skips_the_hole)
{
	struct pvh_layout l;

	CU_ASSERT_EQUAL_FATAL(pvh_layout_plan(5UL << 30, &l, NULL, 0), 0);
	CU_ASSERT_EQUAL(l.low_end, PVH_HOLE_START);
	CU_ASSERT_EQUAL(l.high_end, PVH_HIGH_START + (5UL << 30) - PVH_HOLE_START);
	CU_ASSERT_EQUAL_FATAL(l.nr_map, 6);
	CU_ASSERT_EQUAL(l.map[5].addr, PVH_HIGH_START);
	CU_ASSERT_EQUAL(l.map[5].type, E820_RAM);
	CU_ASSERT_EQUAL(l.store_gpa, PVH_HOLE_START - 4096);
	/* Sizes add up to the memory: every page is backed exactly once. */
	uint64_t sum = 0;
	for (unsigned int i = 0; i < l.nr_map; i++)
		sum += l.map[i].size;
	CU_ASSERT_EQUAL(sum, 5UL << 30);
}

UNIT_TEST(pvh_layout, bad_sizes_are_refused)
{
	struct pvh_layout l;
	char why[128];

	CU_ASSERT_EQUAL(pvh_layout_plan(1 * MIB, &l, why, sizeof(why)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "at least 2048 KiB"));
	CU_ASSERT_EQUAL(pvh_layout_plan(4 * MIB + 100, &l, why, sizeof(why)), -EINVAL);
	CU_ASSERT_EQUAL(pvh_layout_plan(1ULL << 60, &l, why, sizeof(why)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "more than a guest-physical map holds"));
}

/* A tiny PVH kernel: one PT_LOAD of 64 bytes + bss at 1 MiB. */
static uint8_t kimg[1024];

static void make_kernel(struct elf_image *e, uint64_t paddr, uint64_t memsz)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)kimg;
	Elf64_Phdr *ph = (Elf64_Phdr *)(kimg + 64);

	memset(kimg, 0, sizeof(kimg));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = 64;
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	for (int i = 0; i < 64; i++)
		kimg[512 + i] = (uint8_t)(0xa0 + i);
	*ph = (Elf64_Phdr){
	    .p_type = PT_LOAD, .p_offset = 512, .p_paddr = paddr, .p_filesz = 64, .p_memsz = memsz};
	CU_ASSERT_EQUAL_FATAL(elf_parse(kimg, sizeof(kimg), e, NULL, 0), 0);
}

static const uint8_t *acpi_buf;
static uint64_t acpi_base;

static const void *acpi_map(paddr_t a, size_t len)
{
	uint64_t pa = paddr_x(a);

	if (pa < acpi_base || pa - acpi_base > 4096 || len > 4096 - (pa - acpi_base))
		return NULL;
	return acpi_buf + (pa - acpi_base);
}

UNIT_TEST(pvh_layout, a_domain_built_and_read_back_field_by_field)
{
	static uint8_t ramdisk[10000], extra[300];
	struct pvh_module mods[2] = {
	    {ramdisk, sizeof(ramdisk), NULL},
	    {extra, sizeof(extra), "state=1"},
	};
	struct pvh_boot_params bp;
	struct pvh_boot_placement pl;
	struct pvh_layout l;
	struct elf_image e;
	struct domain *d;
	uint8_t si[56], buf[4096];
	char why[160];
	enum p2m_type t;

	fake_abi_setup(FRAMES);
	d = fake_domain_create(1, ROLE_GUEST, 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	d->max_pages = 1024;
	for (size_t i = 0; i < sizeof(ramdisk); i++)
		ramdisk[i] = (uint8_t)(i * 13);
	memset(extra, 0x3c, sizeof(extra));

	CU_ASSERT_EQUAL_FATAL(pvh_layout_plan(4 * MIB, &l, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL_FATAL(pvh_populate(d, &l), 0);
	CU_ASSERT_EQUAL(d->tot_pages, 1024);
	/* Every page is RAM, zeroed (the legacy area too: probe_roms reads it). */
	for (uint64_t gfn = 0; gfn < 1024; gfn++)
		CU_ASSERT(!mfn_eq(p2m_lookup(d, _gfn(gfn), &t), INVALID_MFN) && t == p2m_ram_rw);
	CU_ASSERT(mfn_eq(p2m_lookup(d, _gfn(1024), NULL), INVALID_MFN));
	CU_ASSERT_EQUAL(copy_from_guest_phys(d, buf, _paddr(0xc0000), sizeof(buf)), 0);
	CU_ASSERT_EQUAL(buf[0] | buf[4095], 0);

	make_kernel(&e, 0x100000, 0x2000);
	CU_ASSERT_EQUAL_FATAL(pvh_load_elf(d, &l, &e, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(copy_from_guest_phys(d, buf, _paddr(0x100000), 128), 0);
	CU_ASSERT_EQUAL(buf[0], 0xa0);
	CU_ASSERT_EQUAL(buf[63], 0xa0 + 63);
	CU_ASSERT_EQUAL(buf[64], 0); /* bss */

	CU_ASSERT_EQUAL_FATAL(pvh_load_acpi(d, &l), 0);
	bp = (struct pvh_boot_params){.kernel_end = e.paddr_end,
				      .cmdline = "console=hvc0 earlyprintk=xen",
				      .modules = mods,
				      .nr_modules = 2,
				      .flags = SIF_PRIVILEGED | SIF_INITDOMAIN,
				      .rsdp_gpa = l.acpi_gpa};
	CU_ASSERT_EQUAL_FATAL(pvh_load_boot_info(d, &l, &bp, &pl, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(pl.start_info_gpa, 0x102000); /* the page after the kernel */
	CU_ASSERT(pl.end <= l.ram_end && pl.end <= PVH_INFO_LIMIT);

	/* hvm_start_info v1, at the ABI's offsets. */
	CU_ASSERT_EQUAL_FATAL(copy_from_guest_phys(d, si, _paddr(pl.start_info_gpa), sizeof(si)),
			      0);
	CU_ASSERT_EQUAL(rd32(si + 0), XEN_HVM_START_MAGIC_VALUE);
	CU_ASSERT_EQUAL(rd32(si + 4), 1);
	CU_ASSERT_EQUAL(rd32(si + 8), SIF_PRIVILEGED | SIF_INITDOMAIN);
	CU_ASSERT_EQUAL(rd32(si + 12), 2);
	CU_ASSERT_EQUAL(rd64(si + 16), pl.modlist_gpa);
	CU_ASSERT_EQUAL(rd64(si + 24), pl.cmdline_gpa);
	CU_ASSERT_EQUAL(rd64(si + 32), l.acpi_gpa);
	CU_ASSERT_EQUAL(rd64(si + 40), pl.memmap_gpa);
	CU_ASSERT_EQUAL(rd32(si + 48), 5);
	CU_ASSERT(pl.modlist_gpa % 8 == 0 && pl.memmap_gpa % 8 == 0);

	/* The command line. */
	CU_ASSERT_EQUAL(copy_from_guest_phys(d, buf, _paddr(pl.cmdline_gpa), 30), 0);
	CU_ASSERT_STRING_EQUAL((char *)buf, "console=hvc0 earlyprintk=xen");

	/* The memory map: 24-byte entries {addr, size, type, reserved}. */
	for (unsigned int i = 0; i < 5; i++) {
		CU_ASSERT_EQUAL(copy_from_guest_phys(d, buf, _paddr(pl.memmap_gpa + 24 * i), 24),
				0);
		CU_ASSERT_EQUAL(rd64(buf), l.map[i].addr);
		CU_ASSERT_EQUAL(rd64(buf + 8), l.map[i].size);
		CU_ASSERT_EQUAL(rd32(buf + 16), l.map[i].type);
		CU_ASSERT_EQUAL(rd32(buf + 20), 0);
	}
	/* ... and the same map for XENMEM_memory_map. */
	CU_ASSERT_EQUAL_FATAL(d->nr_memory_map, 5);
	CU_ASSERT_EQUAL(d->memory_map[2].addr, 0x100000);
	CU_ASSERT_EQUAL(d->memory_map[3].type, E820_ACPI);

	/* Modules: 32-byte entries {paddr, size, cmdline_paddr, reserved}; page aligned, in RAM. */
	uint64_t m0, m1;
	CU_ASSERT_EQUAL(copy_from_guest_phys(d, buf, _paddr(pl.modlist_gpa), 64), 0);
	m0 = rd64(buf);
	m1 = rd64(buf + 32);
	CU_ASSERT_EQUAL(m0, pl.modules_gpa);
	CU_ASSERT_EQUAL(m0 % 4096, 0);
	CU_ASSERT_EQUAL(rd64(buf + 8), sizeof(ramdisk));
	CU_ASSERT_EQUAL(rd64(buf + 16), 0); /* no command line */
	CU_ASSERT_EQUAL(m1, m0 + 12288);    /* 10000 bytes rounded up to pages */
	CU_ASSERT_EQUAL(rd64(buf + 40), sizeof(extra));
	uint64_t mcmd = rd64(buf + 48);
	CU_ASSERT(mcmd > pl.cmdline_gpa && mcmd < m0);
	CU_ASSERT_EQUAL(copy_from_guest_phys(d, buf, _paddr(mcmd), 8), 0);
	CU_ASSERT_STRING_EQUAL((char *)buf, "state=1");
	static uint8_t back[10000];
	CU_ASSERT_EQUAL(copy_from_guest_phys(d, back, _paddr(m0), sizeof(back)), 0);
	CU_ASSERT(memcmp(back, ramdisk, sizeof(ramdisk)) == 0);
	CU_ASSERT_EQUAL(copy_from_guest_phys(d, back, _paddr(m1), sizeof(extra)), 0);
	CU_ASSERT(memcmp(back, extra, sizeof(extra)) == 0);
	CU_ASSERT(m1 + sizeof(extra) <= l.ram_end);

	/* ACPI: found from the RSDP, checksums valid, one LAPIC per vCPU with Xen's IDs. */
	static uint8_t tables[4096];
	struct acpi_madt_info mi;
	uint64_t madt;
	CU_ASSERT_EQUAL_FATAL(copy_from_guest_phys(d, tables, _paddr(l.acpi_gpa), sizeof(tables)),
			      0);
	acpi_buf = tables;
	acpi_base = l.acpi_gpa;
	CU_ASSERT_EQUAL(memcmp(tables, "RSD PTR ", 8), 0);
	CU_ASSERT(acpi_checksum_ok(tables, 20));
	CU_ASSERT(acpi_checksum_ok(tables, 36));
	madt = paddr_x(acpi_find_table(acpi_map, _paddr(l.acpi_gpa), "APIC"));
	CU_ASSERT_FATAL(madt != 0);
	uint32_t mlen = rd32(tables + (madt - l.acpi_gpa) + 4);
	CU_ASSERT_EQUAL(mlen, 44 + 3 * 8);
	CU_ASSERT_EQUAL_FATAL(acpi_parse_madt(tables + (madt - l.acpi_gpa), mlen, &mi), 0);
	CU_ASSERT_EQUAL(paddr_x(mi.lapic_addr), 0xfee00000);
	CU_ASSERT(!mi.pcat_compat);
	CU_ASSERT_EQUAL(mi.nr_ioapics, 0);
	CU_ASSERT_EQUAL_FATAL(mi.nr_cpus, 3);
	for (unsigned int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(mi.cpus[i].apic_id, PVH_LAPIC_ID(i));
		CU_ASSERT_EQUAL(mi.cpus[i].acpi_uid, i);
	}
	/* Hardware-reduced FADT: boot flags, sleep control and reset ports, a DSDT with \_S5. */
	uint64_t fadt = paddr_x(acpi_find_table(acpi_map, _paddr(l.acpi_gpa), "FACP"));
	CU_ASSERT_FATAL(fadt != 0);
	const uint8_t *f = tables + (fadt - l.acpi_gpa);
	CU_ASSERT_EQUAL(rd32(f + 4), 276);
	CU_ASSERT(acpi_checksum_ok(f, 276));
	/* HW_REDUCED_ACPI and RESET_REG_SUP; boot flags no VGA, no CMOS RTC (and no 8042). */
	CU_ASSERT_EQUAL(rd32(f + 112), (1u << 20) | (1u << 10));
	CU_ASSERT_EQUAL(f[109] | f[110] << 8, (1u << 2) | (1u << 5));
	CU_ASSERT_EQUAL(f[116], 1); /* reset register: system I/O */
	CU_ASSERT_EQUAL(rd64(f + 120), PVH_ACPI_RESET_PORT);
	CU_ASSERT_EQUAL(f[128], PVH_ACPI_RESET_VALUE);
	CU_ASSERT_EQUAL(rd64(f + 248), PVH_ACPI_SLEEP_CONTROL_PORT);
	CU_ASSERT_EQUAL(rd64(f + 260), PVH_ACPI_SLEEP_STATUS_PORT);
	uint64_t dsdt = rd64(f + 140);
	CU_ASSERT_EQUAL(rd32(f + 40), dsdt);
	CU_ASSERT_FATAL(dsdt > l.acpi_gpa && dsdt < l.acpi_gpa + 4096 - 64);
	const uint8_t *ds = tables + (dsdt - l.acpi_gpa);
	CU_ASSERT_EQUAL(memcmp(ds, "DSDT", 4), 0);
	CU_ASSERT(acpi_checksum_ok(ds, rd32(ds + 4)));
	CU_ASSERT_EQUAL(memcmp(ds + 36, "\x08_S5_", 5), 0);
	CU_ASSERT_EQUAL(ds[45], PVH_ACPI_S5_SLP_TYP);

	/* Special pages: params and the store's unbound port for the xenstore domain. */
	uint32_t cport = 0, sport = 0;
	CU_ASSERT_EQUAL(evtchn_alloc_unbound_port(d, DOMID_XEN, &cport), 0);
	CU_ASSERT_EQUAL(pvh_setup_special_pages(d, &l, cport, 7, &sport), 0);
	CU_ASSERT(sport != 0 && sport != cport);
	CU_ASSERT_EQUAL(d->hvm_params[HVM_PARAM_CONSOLE_PFN], (4 * MIB - 8192) >> 12);
	CU_ASSERT_EQUAL(d->hvm_params[HVM_PARAM_CONSOLE_EVTCHN], cport);
	CU_ASSERT_EQUAL(d->hvm_params[HVM_PARAM_STORE_PFN], (4 * MIB - 4096) >> 12);
	CU_ASSERT_EQUAL(d->hvm_params[HVM_PARAM_STORE_EVTCHN], sport);
	CU_ASSERT(evtchn_port_is_valid(d, sport));
	CU_ASSERT_EQUAL(copy_from_guest_phys(d, buf, _paddr(l.store_gpa), 4096), 0);
	CU_ASSERT_EQUAL(buf[4095] | buf[2048], 0); /* zeroed: connection = XENSTORE_CONNECTED */

	CU_ASSERT_EQUAL(fake_abi_teardown(), 0);
}

UNIT_TEST(pvh_layout, what_does_not_fit_is_refused_with_a_reason)
{
	static uint8_t big[8];
	struct pvh_module m = {big, 3 * MIB, NULL};
	struct pvh_boot_params bp = {.kernel_end = 0x101000, .modules = &m, .nr_modules = 1};
	struct pvh_boot_placement pl;
	struct pvh_layout l;
	struct elf_image e;
	struct domain *d;
	char why[160];
	uint32_t sport = 1;

	fake_abi_setup(FRAMES);
	d = fake_domain_create(1, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL_FATAL(pvh_layout_plan(4 * MIB, &l, NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(pvh_populate(d, &l), 0);

	/* Kernel segments in the legacy hole, over the special pages, or past RAM. */
	make_kernel(&e, 0xb0000, 0x1000);
	CU_ASSERT_EQUAL(pvh_load_elf(d, &l, &e, why, sizeof(why)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(why, "kernel segment [0xb0000, 0xb1000) is outside guest RAM"));
	make_kernel(&e, l.ram_end - 0x1000, 0x2000);
	CU_ASSERT_EQUAL(pvh_load_elf(d, &l, &e, why, sizeof(why)), -EINVAL);
	make_kernel(&e, 0x10000000, 0x1000);
	CU_ASSERT_EQUAL(pvh_load_elf(d, &l, &e, why, sizeof(why)), -EINVAL);
	make_kernel(&e, 0x1000, 0x1000); /* conventional memory is fine */
	CU_ASSERT_EQUAL(pvh_load_elf(d, &l, &e, why, sizeof(why)), 0);

	/* A module larger than the RAM left. */
	CU_ASSERT_EQUAL(pvh_load_boot_info(d, &l, &bp, &pl, why, sizeof(why)), -ENOSPC);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "module 0 (3145728 bytes) does not fit"));
	/* A kernel reaching the special pages leaves no room for boot info. */
	bp.kernel_end = l.ram_end - 16;
	bp.nr_modules = 0;
	CU_ASSERT_EQUAL(pvh_load_boot_info(d, &l, &bp, &pl, why, sizeof(why)), -ENOSPC);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "no room for the boot information"));
	bp.kernel_end = l.ram_end + 1;
	CU_ASSERT_EQUAL(pvh_load_boot_info(d, &l, &bp, &pl, why, sizeof(why)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "above guest RAM"));

	/* No store for the xenstore domain itself. */
	CU_ASSERT_EQUAL(pvh_setup_special_pages(d, &l, 5, DOMID_INVALID, &sport), 0);
	CU_ASSERT_EQUAL(sport, 0);
	CU_ASSERT_EQUAL(d->hvm_params[HVM_PARAM_STORE_PFN], 0);
	CU_ASSERT_EQUAL(d->hvm_params[HVM_PARAM_CONSOLE_EVTCHN], 5);

	/* Populating past max_pages fails cleanly (the domain keeps what it got, then dies). */
	struct domain *small = fake_domain_create(2, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(small);
	small->max_pages = 100;
	CU_ASSERT_EQUAL(pvh_populate(small, &l), -ENOMEM);
	CU_ASSERT(small->tot_pages <= 100);
	CU_ASSERT_EQUAL(fake_abi_teardown(), 0);
}

UNIT_TEST(pvh_layout, acpi_tables_refuse_what_they_cannot_describe)
{
	static uint8_t b[4096];

	CU_ASSERT_EQUAL(acpi_build_tables(b, sizeof(b), 0x1000, 0), -EINVAL);
	CU_ASSERT_EQUAL(acpi_build_tables(b, sizeof(b), 0x1008, 1), -EINVAL);
	CU_ASSERT_EQUAL(acpi_build_tables(b, sizeof(b), 0x100000000ULL, 1), -EINVAL);
	CU_ASSERT_EQUAL(acpi_build_tables(b, sizeof(b), 0x1000, 128), (long)acpi_build_size(128));
	CU_ASSERT_EQUAL(acpi_build_tables(b, sizeof(b), 0x1000, 129), -EINVAL); /* ID 256 */
	CU_ASSERT_EQUAL(acpi_build_tables(b, 100, 0x1000, 1), -ENOSPC);
	CU_ASSERT(acpi_build_size(128) <= 4096);
}
