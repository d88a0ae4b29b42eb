/*
 * Static layout checks that do not depend on a reference copy of Xen's
 * headers: the offsets Xen documents for the PVH start info (version 1),
 * written out as numbers.
 */
#include <stddef.h>
#include <public/hvm/start_info.h>
#include <public/arch-x86/hvm/start_info.h>

#define AT(type, field, off)                                                                       \
	_Static_assert(offsetof(struct type, field) == (off), #type "." #field " at " #off)
#define SIZE(type, sz) _Static_assert(sizeof(struct type) == (sz), "sizeof " #type)

AT(hvm_start_info, magic, 0);
AT(hvm_start_info, version, 4);
AT(hvm_start_info, flags, 8);
AT(hvm_start_info, nr_modules, 12);
AT(hvm_start_info, modlist_paddr, 16);
AT(hvm_start_info, cmdline_paddr, 24);
AT(hvm_start_info, rsdp_paddr, 32);
AT(hvm_start_info, memmap_paddr, 40);
AT(hvm_start_info, memmap_entries, 48);
AT(hvm_start_info, reserved, 52);
SIZE(hvm_start_info, 56);

AT(hvm_modlist_entry, paddr, 0);
AT(hvm_modlist_entry, size, 8);
AT(hvm_modlist_entry, cmdline_paddr, 16);
AT(hvm_modlist_entry, reserved, 24);
SIZE(hvm_modlist_entry, 32);

AT(hvm_memmap_table_entry, addr, 0);
AT(hvm_memmap_table_entry, size, 8);
AT(hvm_memmap_table_entry, type, 16);
AT(hvm_memmap_table_entry, reserved, 20);
SIZE(hvm_memmap_table_entry, 24);

_Static_assert(XEN_HVM_START_MAGIC_VALUE == 0x336ec578, "PVH magic");
_Static_assert(XEN_HVM_MEMMAP_TYPE_RAM == 1 && XEN_HVM_MEMMAP_TYPE_PMEM == 7, "memmap types");
