/*
 * The guest-physical layout of a PVH boot domain and the steps that fill it
 * (arch/x86/pvh_layout.c): memory map, RAM population, kernel segments,
 * hvm_start_info with its module list, memory map and command lines, ACPI
 * tables, and the console and xenstore special pages with their event
 * channels and HVM params. Portable (common interfaces only), so host unit
 * tests run every step on a fake machine; arch/x86/pvh_build.c strings them
 * together for each bundle domain. docs/architecture.md, "Building boot
 * domains", draws the map.
 *
 * Locking: none of its own; the domain is new and paused by its controller
 * while it is built (nothing else runs in it).
 */
#ifndef ASM_PVH_LAYOUT_H
#define ASM_PVH_LAYOUT_H

#include <tessera/domain.h>
#include <tessera/elf.h>
#include <tessera/memory.h>

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

struct pvh_layout {
	uint64_t mem_bytes;   /* all the RAM the domain gets, special pages included */
	uint64_t low_end;     /* end of memory below the hole */
	uint64_t high_end;    /* end of RAM from 4 GiB up; 0 if none */
	uint64_t ram_end;     /* end of low RAM the guest may use (= special pages' start) */
	uint64_t acpi_gpa;    /* ACPI tables (E820 ACPI); the RSDP is first */
	uint64_t console_gpa; /* console ring page (E820 reserved) */
	uint64_t store_gpa;   /* xenstore ring page (E820 reserved) */
	unsigned int nr_map;
	struct e820entry map[PVH_E820_MAX];
};

/* Plan the layout of a domain with mem_bytes of memory. 0, or -EINVAL with why. */
int pvh_layout_plan(uint64_t mem_bytes, struct pvh_layout *l, char *why, size_t whylen);

/* Give d zeroed RAM for every page of the plan and map it (p2m_ram_rw). 0, -ENOMEM. On failure
 * what was mapped stays (the caller destroys the domain). */
int pvh_populate(struct domain *d, const struct pvh_layout *l);

/*
 * Copy img's PT_LOAD segments to their p_paddr and zero the rest of each (bss). Every segment
 * must lie in guest RAM: [0, 0xA0000) or [1 MiB, ram_end). 0, or -EINVAL/-EFAULT with why.
 */
int pvh_load_elf(struct domain *d, const struct pvh_layout *l, const struct elf_image *img,
		 char *why, size_t whylen);

/* A boot module: module 0 is the initrd (Linux's convention for PVH). */
struct pvh_module {
	const void *data;
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

/* Where pvh_load_boot_info put things (for the log and the tests). */
struct pvh_boot_placement {
	uint64_t start_info_gpa, modlist_gpa, memmap_gpa, cmdline_gpa;
	uint64_t modules_gpa; /* first module; 0 if none */
	uint64_t end;	      /* first byte above everything placed */
};

/*
 * Write hvm_start_info v1 (public/hvm/start_info.h), the module list, the memory map (l->map,
 * also stored with domain_set_memory_map for XENMEM_memory_map) and the command lines, page
 * aligned above p->kernel_end and at least 1 MiB, then the modules, each page aligned. All of
 * it must fit below l->ram_end and the info area below PVH_INFO_LIMIT. 0, or -errno with why.
 */
int pvh_load_boot_info(struct domain *d, const struct pvh_layout *l,
		       const struct pvh_boot_params *p, struct pvh_boot_placement *out, char *why,
		       size_t whylen);

/* Build the ACPI tables for d's vCPUs at l->acpi_gpa. 0 or -errno. */
int pvh_load_acpi(struct domain *d, const struct pvh_layout *l);

/*
 * The special pages' HVM params and the store's event channel. Console: console_port (a port
 * of d already bound to the console backend) and the ring page go to CONSOLE_EVTCHN/
 * CONSOLE_PFN. Store (unless store_remote is DOMID_INVALID, e.g. for the xenstore domain
 * itself, or when no xenstore domain runs): a new unbound port of d that store_remote may
 * bind, in STORE_EVTCHN, and the page in STORE_PFN. The pages themselves are zeroed RAM from
 * pvh_populate (a zeroed store page reads as XENSTORE_CONNECTED). 0 or -errno.
 */
int pvh_setup_special_pages(struct domain *d, const struct pvh_layout *l, uint32_t console_port,
			    domid_t store_remote, uint32_t *store_port);

#endif
