/*
 * The builder's pure planning (builder/pvh_plan.c): the guest-physical
 * layout of a PVH domain and where the boot information and modules go, as
 * the hypervisor's arch/x86/pvh_layout.c plans its boot domains (the unit
 * tests compare the two for many sizes), and the bytes of the boot
 * information area. No hypercalls, no state, no locking.
 */
#ifndef PVH_PLAN_H
#define PVH_PLAN_H

#include <stddef.h>
#include <stdint.h>

#define PVH_PLAN_PAGE 4096UL
#define PVH_PLAN_LOW_RAM_END 0xa0000UL
#define PVH_PLAN_LEGACY_END 0x100000UL
#define PVH_PLAN_HOLE_START 0xf0000000UL
#define PVH_PLAN_HIGH_START 0x100000000UL
#define PVH_PLAN_MIN_MEMORY (2UL << 20)
#define PVH_PLAN_INFO_LIMIT (1UL << 30)
#define PVH_PLAN_MAX_GFN ((1UL << 40) - 1) /* the hypervisor's P2M_MAX_GFN */
#define PVH_PLAN_E820_MAX 8
#define PVH_PLAN_ACPI_PAGES 1
#define PVH_PLAN_SPECIAL_PAGES (PVH_PLAN_ACPI_PAGES + 2)
#define PVH_PLAN_E820_RAM 1
#define PVH_PLAN_E820_RESERVED 2
#define PVH_PLAN_E820_ACPI 3
#define PVH_PLAN_MAX_MODULES 8

struct pvh_plan_e820 {
	uint64_t addr, size;
	uint32_t type;
};

struct pvh_plan_layout {
	uint64_t mem_bytes, low_end, high_end, ram_end;
	uint64_t acpi_gpa, console_gpa, store_gpa;
	unsigned int nr_map;
	struct pvh_plan_e820 map[PVH_PLAN_E820_MAX];
};

struct pvh_plan_module {
	uint64_t size;
	const char *cmdline; /* NULL or "": none */
};

struct pvh_plan_boot {
	uint64_t start_info_gpa, modlist_gpa, memmap_gpa, cmdline_gpa, mod_cmdline_gpa;
	uint64_t info_end; /* end of the info area (start_info .. last command line) */
	uint64_t module_gpa[PVH_PLAN_MAX_MODULES];
	uint64_t end;
};

/* The layout of a domain with mem_bytes of RAM. 0, or -EINVAL with why. */
int pvh_plan_layout(uint64_t mem_bytes, struct pvh_plan_layout *l, char *why, size_t whylen);

/* Where the boot info and modules go above kernel_end. 0, or -EINVAL/-ENOSPC with why. */
int pvh_plan_boot_info(const struct pvh_plan_layout *l, uint64_t kernel_end, const char *cmdline,
		       const struct pvh_plan_module *mods, unsigned int nr_mods,
		       struct pvh_plan_boot *b, char *why, size_t whylen);

/*
 * The info area's bytes (hvm_start_info v1, module list, memmap, command
 * lines) into buf of b->info_end - b->start_info_gpa bytes, zeroed here.
 */
void pvh_plan_write_info(const struct pvh_plan_layout *l, const struct pvh_plan_boot *b,
			 const char *cmdline, const struct pvh_plan_module *mods,
			 unsigned int nr_mods, uint32_t flags, uint64_t rsdp_gpa, void *buf);

#endif
