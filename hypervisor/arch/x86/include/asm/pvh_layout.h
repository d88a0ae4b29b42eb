/*
 * The steps that fill a PVH boot domain's guest-physical layout
 * (arch/x86/pvh_layout.c), as asm/pvh_plan.h plans it: RAM population,
 * kernel segments, the boot information and modules, ACPI tables, and the
 * console and xenstore special pages with their event channels and HVM
 * params. Portable (common interfaces only), so host unit tests run every
 * step on a fake machine; arch/x86/pvh_build.c strings them together for
 * each bundle domain. docs/architecture.md, "Building boot domains", draws
 * the map.
 *
 * Locking: none of its own; the domain is new and paused by its controller
 * while it is built (nothing else runs in it).
 */
#ifndef ASM_PVH_LAYOUT_H
#define ASM_PVH_LAYOUT_H

#include <asm/pvh_plan.h>
#include <tessera/domain.h>
#include <tessera/elf.h>
#include <tessera/memory.h>

/* Give d zeroed RAM for every page of the plan and map it (p2m_ram_rw). 0, -ENOMEM. On failure
 * what was mapped stays (the caller destroys the domain). */
int pvh_populate(struct domain *d, const struct pvh_layout *l);

/*
 * Copy img's PT_LOAD segments to their p_paddr and zero the rest of each (bss). Every segment
 * must lie in guest RAM: [0, 0xA0000) or [1 MiB, ram_end). 0, or -EINVAL/-EFAULT with why.
 */
int pvh_load_elf(struct domain *d, const struct pvh_layout *l, const struct elf_image *img,
		 char *why, size_t whylen);

/*
 * Place the boot information and modules (pvh_plan_boot_info) and write them into d: the info
 * area (pvh_write_boot_info), each module's bytes, and the memory map (l->map) also stored
 * with domain_set_memory_map for XENMEM_memory_map. 0, or -errno with why.
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
