/*
 * Multiboot v1/v2 parsing (common/multiboot.c) over a fake physical memory:
 * what QEMU and GRUB hand over, and loader data that lies.
 */
#include <stdint.h>
#include <string.h>
#include <tessera/bootinfo.h>
#include <tessera/errno.h>
#include "unit.h"

UNIT_SUITE(multiboot);

#define FAKE_BASE 0x10000u
static uint8_t mem[64 * 1024];

static const void *fake_map(paddr_t a, size_t len)
{
	uint64_t pa = paddr_x(a);

	if (pa < FAKE_BASE || pa - FAKE_BASE > sizeof(mem) || len > sizeof(mem) - (pa - FAKE_BASE))
		return NULL;
	return mem + (pa - FAKE_BASE);
}

static void put32(uint32_t pa, uint32_t v)
{
	memcpy(mem + pa - FAKE_BASE, &v, 4);
}
static void put64(uint32_t pa, uint64_t v)
{
	memcpy(mem + pa - FAKE_BASE, &v, 8);
}
static void puts_at(uint32_t pa, const char *s)
{
	strcpy((char *)mem + pa - FAKE_BASE, s);
}

/* A v1 info block at 0x10000 with cmdline, 2 mmap entries and 1 module. */
static void build_mb1(void)
{
	memset(mem, 0, sizeof(mem));
	put32(0x10000, (1u << 2) | (1u << 3) | (1u << 6) | (1u << 9));
	put32(0x10000 + 16, 0x11000);
	puts_at(0x11000, "loglvl=debug test-exit");
	put32(0x10000 + 20, 1);
	put32(0x10000 + 24, 0x12000);
	put32(0x12000, 0x400000);
	put32(0x12004, 0x401234);
	put32(0x12008, 0x11100);
	puts_at(0x11100, "bundle");
	put32(0x10000 + 44, 2 * 24);
	put32(0x10000 + 48, 0x13000);
	put32(0x13000, 20);
	put64(0x13004, 0);
	put64(0x1300c, 0x9fc00);
	put32(0x13014, 1);
	put32(0x13018, 20);
	put64(0x1301c, 0x100000);
	put64(0x13024, 0x1ff00000);
	put32(0x1302c, 1);
	put32(0x10000 + 64, 0x11200);
	puts_at(0x11200, "qemu");
}

UNIT_TEST(multiboot, v1_info_from_qemu_is_read_whole)
{
	struct boot_info bi;

	build_mb1();
	CU_ASSERT_EQUAL(multiboot_parse(MULTIBOOT1_LOADER_MAGIC, _paddr(0x10000), fake_map, &bi),
			0);
	CU_ASSERT_STRING_EQUAL(bi.cmdline, "loglvl=debug test-exit");
	CU_ASSERT_STRING_EQUAL(bi.loader, "qemu");
	CU_ASSERT_EQUAL(bi.nr_regions, 2);
	CU_ASSERT_EQUAL(bi.regions[1].start, 0x100000);
	CU_ASSERT_EQUAL(bi.regions[1].size, 0x1ff00000);
	CU_ASSERT_EQUAL(bi.nr_modules, 1);
	CU_ASSERT_EQUAL(paddr_x(bi.modules[0].start), 0x400000);
	CU_ASSERT_EQUAL(bi.modules[0].size, 0x1234);
	CU_ASSERT_STRING_EQUAL(bi.modules[0].cmdline, "bundle");
}

UNIT_TEST(multiboot, wrong_magic_is_rejected)
{
	struct boot_info bi;

	build_mb1();
	CU_ASSERT_EQUAL(multiboot_parse(0x12345678, _paddr(0x10000), fake_map, &bi), -EINVAL);
}

UNIT_TEST(multiboot, v1_mmap_entry_running_past_its_table_is_rejected)
{
	struct boot_info bi;

	build_mb1();
	put32(0x13018, 200); /* second entry claims 200 bytes */
	CU_ASSERT_EQUAL(multiboot_parse(MULTIBOOT1_LOADER_MAGIC, _paddr(0x10000), fake_map, &bi),
			-EINVAL);
}

UNIT_TEST(multiboot, v1_module_ending_before_it_starts_is_rejected)
{
	struct boot_info bi;

	build_mb1();
	put32(0x12004, 0x3fffff);
	CU_ASSERT_EQUAL(multiboot_parse(MULTIBOOT1_LOADER_MAGIC, _paddr(0x10000), fake_map, &bi),
			-EINVAL);
}

UNIT_TEST(multiboot, v1_unterminated_cmdline_is_cut_at_the_buffer)
{
	struct boot_info bi;

	build_mb1();
	memset(mem + 0x11000 - FAKE_BASE, 'a', 0x2000); /* runs over the module table too */
	put32(0x10000 + 24, 0x14000);
	put32(0x14000, 0x400000);
	put32(0x14004, 0x400000);
	put32(0x10000 + 16, 0x11000);
	multiboot_parse(MULTIBOOT1_LOADER_MAGIC, _paddr(0x10000), fake_map, &bi);
	CU_ASSERT_EQUAL(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
}

UNIT_TEST(multiboot, v1_too_many_regions_keeps_the_first_and_says_so)
{
	struct boot_info bi;

	build_mb1();
	for (unsigned int i = 0; i < BOOT_MAX_REGIONS + 5; i++) {
		uint32_t e = 0x13000 + i * 24;

		put32(e, 20);
		put64(e + 4, (uint64_t)i << 20);
		put64(e + 12, 1 << 20);
		put32(e + 20, 1);
	}
	put32(0x10000 + 44, (BOOT_MAX_REGIONS + 5) * 24);
	CU_ASSERT_EQUAL(multiboot_parse(MULTIBOOT1_LOADER_MAGIC, _paddr(0x10000), fake_map, &bi),
			-E2BIG);
	CU_ASSERT_EQUAL(bi.nr_regions, BOOT_MAX_REGIONS);
	CU_ASSERT_EQUAL(bi.regions[3].start, 3 << 20);
}

/* A v2 info block: cmdline, loader, one module, an mmap of 2 entries, end. */
static uint32_t build_mb2(void)
{
	uint32_t p = 0x10008;

	memset(mem, 0, sizeof(mem));
	put32(p, 1), put32(p + 4, 8 + 9), puts_at(p + 8, "loglvl=x"), p += 24;
	put32(p, 2), put32(p + 4, 8 + 5), puts_at(p + 8, "GRUB"), p += 16;
	put32(p, 3), put32(p + 4, 16 + 7), put32(p + 8, 0x500000), put32(p + 12, 0x501000);
	puts_at(p + 16, "bundle"), p += 24;
	put32(p, 6), put32(p + 4, 16 + 48), put32(p + 8, 24), put32(p + 12, 0);
	put64(p + 16, 0), put64(p + 24, 0x9f000), put32(p + 32, 1);
	put64(p + 40, 0x100000), put64(p + 48, 0x7ff00000), put32(p + 56, 1);
	p += 64;
	put32(p, 0), put32(p + 4, 8), p += 8;
	put32(0x10000, p - 0x10000);
	return p - 0x10000;
}

UNIT_TEST(multiboot, v2_info_from_grub_is_read_whole)
{
	struct boot_info bi;

	build_mb2();
	CU_ASSERT_EQUAL(multiboot_parse(MULTIBOOT2_LOADER_MAGIC, _paddr(0x10000), fake_map, &bi),
			0);
	CU_ASSERT_STRING_EQUAL(bi.cmdline, "loglvl=x");
	CU_ASSERT_STRING_EQUAL(bi.loader, "GRUB");
	CU_ASSERT_EQUAL(bi.nr_modules, 1);
	CU_ASSERT_EQUAL(bi.modules[0].size, 0x1000);
	CU_ASSERT_STRING_EQUAL(bi.modules[0].cmdline, "bundle");
	CU_ASSERT_EQUAL(bi.nr_regions, 2);
	CU_ASSERT_EQUAL(bi.regions[1].size, 0x7ff00000);
}

UNIT_TEST(multiboot, v2_without_end_tag_or_with_overlong_tag_is_rejected)
{
	struct boot_info bi;
	uint32_t total = build_mb2();

	put32(0x10000, total - 8); /* drop the end tag */
	CU_ASSERT_EQUAL(multiboot_parse(MULTIBOOT2_LOADER_MAGIC, _paddr(0x10000), fake_map, &bi),
			-EINVAL);
	build_mb2();
	put32(0x10008 + 4, 0x100000); /* first tag claims 1 MiB */
	CU_ASSERT_EQUAL(multiboot_parse(MULTIBOOT2_LOADER_MAGIC, _paddr(0x10000), fake_map, &bi),
			-EINVAL);
	build_mb2();
	put32(0x10000, 4); /* total smaller than its own header */
	CU_ASSERT_EQUAL(multiboot_parse(MULTIBOOT2_LOADER_MAGIC, _paddr(0x10000), fake_map, &bi),
			-EINVAL);
}

UNIT_TEST(multiboot, cmdline_get_finds_keys_and_flags)
{
	char v[16];

	CU_ASSERT_TRUE(cmdline_get("a=1 loglvl=debug test-exit", "loglvl", v, sizeof(v)));
	CU_ASSERT_STRING_EQUAL(v, "debug");
	CU_ASSERT_TRUE(cmdline_get("a=1 loglvl=debug test-exit", "test-exit", NULL, 0));
	CU_ASSERT_FALSE(cmdline_get("test-exitx loglvlx=1", "test-exit", NULL, 0));
	CU_ASSERT_FALSE(cmdline_get("loglvlx=1", "loglvl", v, sizeof(v)));
	CU_ASSERT_TRUE(cmdline_get("k=0123456789abcdefXYZ", "k", v, sizeof(v)));
	CU_ASSERT_STRING_EQUAL(v, "0123456789abcde");
}
