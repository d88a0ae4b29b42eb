/*
 * Tessera's PVH domain builder library (our own API, in the role of Xen's
 * libxenguest + the PVH part of libxl): from an ELF kernel with a
 * XEN_ELFNOTE_PHYS32_ENTRY note (+ optional ramdisk and command line), a
 * memory size and a vCPU count, build a PVH domain the way the
 * hypervisor's boot builder does (hypervisor/arch/x86/pvh_build.c), through
 * libxenctrl and libxenforeignmemory only:
 *   createdomain (PVH: hvm + hap, local APIC), max_vcpus, max_mem;
 *   RAM populated per the PVH layout (the hypervisor's own planner,
 *   hypervisor/shared/pvh_plan.c, compiled in);
 *   the ELF segments, hvm_start_info v1 with memmap, module list and command
 *   lines, and the ACPI tables (RSDP, XSDT, MADT: the hypervisor's
 *   acpi_build.c) written through foreign mappings; XENMEM_set_memory_map;
 *   console and store pages with event channels for their backends and the
 *   HVM params; reserved grant entries 0 (console) and 1 (store) for the
 *   backends;
 *   vCPU 0 in the PVH entry state (setvcpucontext, VGCF_online), then
 *   unpaused unless asked not to.
 * On any failure the domain is destroyed: nothing is left half-created.
 * No locking: the handles are the caller's, one thread at a time.
 */
#ifndef TESSERA_PVH_BUILD_H
#define TESSERA_PVH_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <xenctrl.h>
#include <xenforeignmemory.h>

struct pvh_build_config {
	const void *kernel; /* the ELF image */
	size_t kernel_size;
	const void *ramdisk; /* NULL: none (it becomes module 0, as Linux expects) */
	size_t ramdisk_size;
	const char *cmdline;	  /* NULL or "": none */
	uint64_t memory_kib;	  /* all guest RAM, the special pages included */
	unsigned int vcpus;	  /* 1..128 */
	uint32_t domid;		  /* wanted id; 0 = the hypervisor picks */
	uint32_t console_domid;	  /* backend of the console ring (e.g. the caller) */
	uint32_t store_domid;	  /* the xenstore domain; DOMID_INVALID: no store */
	int start_paused;	  /* leave it paused (as xl create -p) */
	xen_domain_handle_t uuid; /* the domain's handle */
};

struct pvh_build_result {
	uint32_t domid;
	uint32_t entry;		 /* PVH entry (physical) */
	uint64_t start_info_gpa; /* hvm_start_info, in ebx at entry */
	uint64_t console_gfn, store_gfn;
	uint32_t console_port; /* the guest's ports, unbound, for the backends to bind */
	uint32_t store_port;   /* 0 without a store */
};

/* Build and (unless start_paused) start a domain. 0, or -errno with why (one line). */
int pvh_build_domain(xc_interface *xch, xenforeignmemory_handle *fmem,
		     const struct pvh_build_config *cfg, struct pvh_build_result *out, char *why,
		     size_t whylen);

#endif
