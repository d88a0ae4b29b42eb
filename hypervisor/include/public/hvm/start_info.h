/*
 * Tessera public ABI: the PVH / HVM direct-boot start of day.
 *
 * A PVH kernel is entered at its XEN_ELFNOTE_PHYS32_ENTRY address in 32-bit
 * protected mode with paging off and ebx holding the physical address of a
 * struct hvm_start_info.  Every address is physical and 64 bits wide; 0 means
 * "absent".  Layout is version 1 of Xen's structure (56 bytes).  Xen keeps
 * this header as arch-x86/hvm/start_info.h (ours forwards there too); make
 * test-abi compares it and tests/abi/layout_checks.c also pins the offsets.
 */
#ifndef TESSERA_PUBLIC_HVM_START_INFO_H
#define TESSERA_PUBLIC_HVM_START_INFO_H

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

/* "xEn3" with bit 7 of the 'E' set, read as a little-endian word. */
#define XEN_HVM_START_MAGIC_VALUE 0x336ec578

/* hvm_memmap_table_entry.type: the ACPI address range types. */
#define XEN_HVM_MEMMAP_TYPE_RAM 1
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2
#define XEN_HVM_MEMMAP_TYPE_ACPI 3
#define XEN_HVM_MEMMAP_TYPE_NVS 4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE 5
#define XEN_HVM_MEMMAP_TYPE_DISABLED 6
#define XEN_HVM_MEMMAP_TYPE_PMEM 7

#ifndef __ASSEMBLY__

struct hvm_start_info {
	uint32_t magic;	  /* XEN_HVM_START_MAGIC_VALUE */
	uint32_t version; /* 1: the memmap fields are present */
	uint32_t flags;	  /* SIF_* */
	uint32_t nr_modules;
	uint64_t modlist_paddr;	 /* array of hvm_modlist_entry */
	uint64_t cmdline_paddr;	 /* NUL-terminated */
	uint64_t rsdp_paddr;	 /* ACPI RSDP */
	uint64_t memmap_paddr;	 /* array of hvm_memmap_table_entry (version >= 1) */
	uint32_t memmap_entries; /* 0: no map given */
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size; /* bytes */
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size; /* bytes */
	uint32_t type; /* XEN_HVM_MEMMAP_TYPE_* */
	uint32_t reserved;
};

#endif /* !__ASSEMBLY__ */

#endif /* TESSERA_PUBLIC_HVM_START_INFO_H */
