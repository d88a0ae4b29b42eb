/*
 * The planning of a PVH domain's guest-physical memory (shared/pvh_plan.c):
 * the layout constants, the memory map, where a kernel may load, where the
 * boot information and modules go, and the bytes of the boot information
 * area. Portable and freestanding like acpi_build.c: no domain, no
 * hypercalls, no allocation, so both builders use it, the hypervisor's for
 * its boot domains (asm/pvh_layout.h) and the toolstack's
 * (dom0-tools/libs/builder/pvh_build.c), and both plan the same domain.
 * docs/architecture.md, "Building boot domains", draws the map.
 *
 * Locking: none; no state.
 */
#ifndef ASM_PVH_PLAN_H
#define ASM_PVH_PLAN_H

#include <tessera/elf.h>
#include <tessera/types.h>

#define PVH_PAGE_SIZE 4096UL
/* Conventional memory ends here; [0xA0000, 1 MiB) is the legacy VGA/ROM area. */
#define PVH_LOW_RAM_END 0xa0000UL
#define PVH_LEGACY_END 0x100000UL
/* RAM stops below the MMIO hole (LAPIC at 0xFEE00000) and resumes at 4 GiB, as Xen's
 * HVM_BELOW_4G_MMIO_START. */
#define PVH_HOLE_START 0xf0000000UL
#define PVH_HIGH_START 0x100000000UL
/* Smallest domain: the low 1 MiB, the special pages and room for a small kernel. */
#define PVH_MIN_MEMORY (2UL << 20)
/* start_info is read with paging off (below 4 GiB); its memmap and module list through
 * Linux's early 1 GiB mapping (arch/x86/kernel/head_64.S): keep the whole area below 1 GiB. */
#define PVH_INFO_LIMIT (1UL << 30)
#define PVH_E820_MAX 8
/* Special pages at the top of low memory: the ACPI tables, then the console and store rings. */
#define PVH_ACPI_PAGES 1
#define PVH_SPECIAL_PAGES (PVH_ACPI_PAGES + 2)
/* Memory map entry types: the E820 numbers (E820_RAM... in tessera/memory.h). */
#define PVH_MAP_RAM 1
#define PVH_MAP_RESERVED 2
#define PVH_MAP_ACPI 3

/* One entry of the plan's memory map (the toolstack's xenctrl.h has its own e820entry). */
struct pvh_map_entry {
	uint64_t addr, size;
	uint32_t type; /* PVH_MAP_* */
};

struct pvh_layout {
	uint64_t mem_bytes;   /* all the RAM the domain gets, special pages included */
	uint64_t low_end;     /* end of memory below the hole */
	uint64_t high_end;    /* end of RAM from 4 GiB up; 0 if none */
	uint64_t ram_end;     /* end of low RAM the guest may use (= special pages' start) */
	uint64_t acpi_gpa;    /* ACPI tables (E820 ACPI); the RSDP is first */
	uint64_t console_gpa; /* console ring page (E820 reserved) */
	uint64_t store_gpa;   /* xenstore ring page (E820 reserved) */
	unsigned int nr_map;
	struct pvh_map_entry map[PVH_E820_MAX];
};

/* Plan the layout of a domain with mem_bytes of memory. 0, or -EINVAL with why. */
int pvh_layout_plan(uint64_t mem_bytes, struct pvh_layout *l, char *why, size_t whylen);

/*
 * Does every PT_LOAD segment of img lie in guest RAM, [0, 0xA0000) or [1 MiB, ram_end)?
 * 0, or -EINVAL with why.
 */
int pvh_plan_check_kernel(const struct pvh_layout *l, const struct elf_image *img, char *why,
			  size_t whylen);

/* A boot module: module 0 is the initrd (Linux's convention for PVH). */
struct pvh_module {
	const void *data; /* the bytes, for the builder that copies them (not read here) */
	uint64_t size;
	const char *cmdline; /* NULL or "" = none */
};

struct pvh_boot_params {
	uint64_t kernel_end; /* end of the loaded image: the boot info goes above it */
	const char *cmdline; /* NULL or "" = none */
	const struct pvh_module *modules;
	unsigned int nr_modules;
	uint32_t flags;	   /* hvm_start_info.flags (SIF_*) */
	uint64_t rsdp_gpa; /* 0 = none */
};

/* Where the boot information and the modules go. */
struct pvh_boot_placement {
	uint64_t start_info_gpa, modlist_gpa, memmap_gpa, cmdline_gpa;
	uint64_t mod_cmdline_gpa; /* the modules' command lines, one after another */
	uint64_t info_end;	  /* end of the info area (start_info .. last command line) */
	uint64_t modules_gpa;	  /* first module; 0 if none */
	uint64_t end;		  /* first byte above everything placed */
};

/*
 * Place hvm_start_info v1 (public/hvm/start_info.h), the module list, the memory map and the
 * command lines, page aligned above p->kernel_end and at least 1 MiB, then the modules, each
 * page aligned, at module_gpa[0 .. p->nr_modules). All of it must fit below l->ram_end and
 * the info area below PVH_INFO_LIMIT. 0, or -EINVAL/-ENOSPC with why.
 */
int pvh_plan_boot_info(const struct pvh_layout *l, const struct pvh_boot_params *p,
		       uint64_t *module_gpa, struct pvh_boot_placement *out, char *why,
		       size_t whylen);

/* Bytes of the info area: pl->info_end - pl->start_info_gpa. */
static inline size_t pvh_boot_info_size(const struct pvh_boot_placement *pl)
{
	return (size_t)(pl->info_end - pl->start_info_gpa);
}

/*
 * The info area's bytes as the guest reads them at pl->start_info_gpa (start_info, module
 * list, memory map, command lines) into buf of pvh_boot_info_size(pl) bytes, zeroed here.
 * The modules themselves are the caller's to copy to module_gpa[].
 */
void pvh_write_boot_info(const struct pvh_layout *l, const struct pvh_boot_params *p,
			 const struct pvh_boot_placement *pl, const uint64_t *module_gpa,
			 void *buf);

#endif
