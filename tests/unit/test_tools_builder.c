/*
 * The shared PVH planner (hypervisor/shared/pvh_plan.c) as the toolstack's builder
 * (dom0-tools/libs/builder/pvh_build.c) uses it, without a domain: its
 * refusals, and the info area's bytes for a kernel with one ramdisk. Built
 * with the tool libraries' include path, as the builder is.
 */
#include <errno.h>
#include <string.h>
#include <asm/pvh_plan.h>
#include <public/hvm/start_info.h>
#include "unit.h"

UNIT_SUITE(tools_builder);

UNIT_TEST(tools_builder, builder_refuses_too_little_memory_and_oversized_modules)
{
	struct pvh_layout l;
	struct pvh_boot_placement b;
	struct pvh_module big = {.size = 64ULL << 20};
	struct pvh_boot_params p = {
	    .kernel_end = 0x140000, .cmdline = "x", .modules = &big, .nr_modules = 1};
	uint64_t mod_gpa = 0;
	char why[160];

	CU_ASSERT_EQUAL(pvh_layout_plan(1 << 20, &l, why, sizeof(why)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "at least 2048 KiB"));
	CU_ASSERT_EQUAL(pvh_layout_plan((8 << 20) + 100, &l, why, sizeof(why)), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(pvh_layout_plan(8 << 20, &l, NULL, 0), 0);
	p.kernel_end = l.ram_end + 1;
	CU_ASSERT_EQUAL(pvh_plan_boot_info(&l, &p, &mod_gpa, &b, why, sizeof(why)), -EINVAL);
	p.kernel_end = 0x140000;
	CU_ASSERT_EQUAL(pvh_plan_boot_info(&l, &p, &mod_gpa, &b, why, sizeof(why)), -ENOSPC);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "does not fit"));
	big.size = 4096;
	CU_ASSERT_EQUAL(pvh_plan_boot_info(&l, &p, &mod_gpa, &b, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(b.start_info_gpa, 0x140000);
	CU_ASSERT_EQUAL(mod_gpa % 4096, 0);
	CU_ASSERT_EQUAL(b.modules_gpa, mod_gpa);
	CU_ASSERT(mod_gpa >= b.info_end);
}

/* The info area's bytes name the ramdisk, the map and the command line where they were placed. */
UNIT_TEST(tools_builder, builder_info_area_reads_back)
{
	struct pvh_layout l;
	struct pvh_boot_placement b;
	struct pvh_module rd = {.size = 5000};
	struct pvh_boot_params p = {.kernel_end = 0x180123,
				    .cmdline = "console=hvc0",
				    .modules = &rd,
				    .nr_modules = 1,
				    .rsdp_gpa = 0};
	static uint8_t buf[4096];
	struct hvm_start_info si;
	struct hvm_modlist_entry me;
	struct hvm_memmap_table_entry mm;
	uint64_t mod_gpa = 0;

	CU_ASSERT_EQUAL_FATAL(pvh_layout_plan(16 << 20, &l, NULL, 0), 0);
	p.rsdp_gpa = l.acpi_gpa;
	CU_ASSERT_EQUAL_FATAL(pvh_plan_boot_info(&l, &p, &mod_gpa, &b, NULL, 0), 0);
	CU_ASSERT_FATAL(pvh_boot_info_size(&b) <= sizeof(buf));
	memset(buf, 0xaa, sizeof(buf));
	pvh_write_boot_info(&l, &p, &b, &mod_gpa, buf);
	CU_ASSERT_EQUAL(b.start_info_gpa, 0x181000);
	memcpy(&si, buf, sizeof(si));
	CU_ASSERT_EQUAL(si.magic, XEN_HVM_START_MAGIC_VALUE);
	CU_ASSERT_EQUAL(si.nr_modules, 1);
	CU_ASSERT_EQUAL(si.rsdp_paddr, l.acpi_gpa);
	CU_ASSERT_EQUAL(si.memmap_entries, l.nr_map);
	CU_ASSERT_EQUAL(si.cmdline_paddr, b.cmdline_gpa);
	CU_ASSERT_STRING_EQUAL((char *)buf + (b.cmdline_gpa - b.start_info_gpa), "console=hvc0");
	memcpy(&me, buf + (si.modlist_paddr - b.start_info_gpa), sizeof(me));
	CU_ASSERT_EQUAL(me.paddr, mod_gpa);
	CU_ASSERT_EQUAL(me.size, 5000);
	CU_ASSERT_EQUAL(me.cmdline_paddr, 0);
	memcpy(&mm, buf + (si.memmap_paddr - b.start_info_gpa) + 2 * sizeof(mm), sizeof(mm));
	CU_ASSERT_EQUAL(mm.addr, PVH_LEGACY_END);
	CU_ASSERT_EQUAL(mm.size, l.ram_end - PVH_LEGACY_END);
	CU_ASSERT_EQUAL(mm.type, PVH_MAP_RAM);
	CU_ASSERT_EQUAL(b.end, mod_gpa + 8192);
}
