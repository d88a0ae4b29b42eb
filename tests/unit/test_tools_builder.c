/*
 * The PVH builder's planning (dom0-tools/libs/builder/pvh_plan.c) against
 * the hypervisor's own pvh_layout_plan (arch/x86/pvh_layout.c), and its
 * refusals. Kept apart from test_tools_libs.c: the hypervisor's headers and
 * xenctrl.h each declare struct e820entry.
 */
#include <errno.h>
#include <string.h>
#include <asm/pvh_layout.h>
#include "pvh_plan.h"
#include "unit.h"

UNIT_SUITE(tools_builder);

/* The builder plans the same map as the hypervisor's boot builder, for every size tried. */
UNIT_TEST(tools_builder, builder_layout_matches_the_hypervisors)
{
	static const uint64_t mib[] = {2, 3, 8, 16, 64, 255, 1024, 3840, 3841, 8192};

	for (unsigned int i = 0; i < sizeof(mib) / sizeof(mib[0]); i++) {
		struct pvh_plan_layout ours;
		struct pvh_layout hv;
		uint64_t bytes = mib[i] << 20;

		CU_ASSERT_EQUAL_FATAL(pvh_plan_layout(bytes, &ours, NULL, 0), 0);
		CU_ASSERT_EQUAL_FATAL(pvh_layout_plan(bytes, &hv, NULL, 0), 0);
		CU_ASSERT_EQUAL(ours.low_end, hv.low_end);
		CU_ASSERT_EQUAL(ours.high_end, hv.high_end);
		CU_ASSERT_EQUAL(ours.ram_end, hv.ram_end);
		CU_ASSERT_EQUAL(ours.acpi_gpa, hv.acpi_gpa);
		CU_ASSERT_EQUAL(ours.console_gpa, hv.console_gpa);
		CU_ASSERT_EQUAL(ours.store_gpa, hv.store_gpa);
		CU_ASSERT_EQUAL_FATAL(ours.nr_map, hv.nr_map);
		for (unsigned int j = 0; j < ours.nr_map; j++) {
			CU_ASSERT_EQUAL(ours.map[j].addr, hv.map[j].addr);
			CU_ASSERT_EQUAL(ours.map[j].size, hv.map[j].size);
			CU_ASSERT_EQUAL(ours.map[j].type, hv.map[j].type);
		}
	}
}

UNIT_TEST(tools_builder, builder_refuses_too_little_memory_and_oversized_modules)
{
	struct pvh_plan_layout l;
	struct pvh_plan_boot b;
	struct pvh_plan_module big = {.size = 64ULL << 20};
	char why[160];

	CU_ASSERT_EQUAL(pvh_plan_layout(1 << 20, &l, why, sizeof(why)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "at least 2048 KiB"));
	CU_ASSERT_EQUAL(pvh_plan_layout((8 << 20) + 100, &l, why, sizeof(why)), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(pvh_plan_layout(8 << 20, &l, NULL, 0), 0);
	CU_ASSERT_EQUAL(pvh_plan_boot_info(&l, l.ram_end + 1, NULL, NULL, 0, &b, why, sizeof(why)),
			-EINVAL);
	CU_ASSERT_EQUAL(pvh_plan_boot_info(&l, 0x140000, "x", &big, 1, &b, why, sizeof(why)),
			-ENOSPC);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "does not fit"));
	big.size = 4096;
	CU_ASSERT_EQUAL(pvh_plan_boot_info(&l, 0x140000, "x", &big, 1, &b, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(b.start_info_gpa, 0x140000);
	CU_ASSERT_EQUAL(b.module_gpa[0] % 4096, 0);
	CU_ASSERT(b.module_gpa[0] >= b.info_end);
}
