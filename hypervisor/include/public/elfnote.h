/*
 * Tessera public ABI: ELF note types in the "Xen" note namespace that a
 * guest kernel image uses to tell the domain builder how to load and start
 * it (PV entry point, PVH 32-bit entry, hypercall page, features...).
 * Values follow Xen 4.17 (make test-abi).  Descriptor formats: docs/abi.md.
 */
#ifndef TESSERA_PUBLIC_ELFNOTE_H
#define TESSERA_PUBLIC_ELFNOTE_H

#define XEN_ELFNOTE_INFO 0		  /* unused */
#define XEN_ELFNOTE_ENTRY 1		  /* PV entry virtual address (word) */
#define XEN_ELFNOTE_HYPERCALL_PAGE 2	  /* where to build the hypercall page (word) */
#define XEN_ELFNOTE_VIRT_BASE 3		  /* virtual address the image is linked for (word) */
#define XEN_ELFNOTE_PADDR_OFFSET 4	  /* (word) */
#define XEN_ELFNOTE_XEN_VERSION 5	  /* string, e.g. "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS 6		  /* string, e.g. "linux" */
#define XEN_ELFNOTE_GUEST_VERSION 7	  /* string */
#define XEN_ELFNOTE_LOADER 8		  /* string, "generic" */
#define XEN_ELFNOTE_PAE_MODE 9		  /* string */
#define XEN_ELFNOTE_FEATURES 10		  /* string: '|'-separated feature names */
#define XEN_ELFNOTE_BSD_SYMTAB 11	  /* string "yes": load the symbol table */
#define XEN_ELFNOTE_HV_START_LOW 12	  /* (word) */
#define XEN_ELFNOTE_L1_MFN_VALID 13	  /* mask and value (words) */
#define XEN_ELFNOTE_SUSPEND_CANCEL 14	  /* (word) */
#define XEN_ELFNOTE_INIT_P2M 15		  /* virtual address of the p2m (word) */
#define XEN_ELFNOTE_MOD_START_PFN 16	  /* (word) */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17 /* XENFEAT_* bitmap (32-bit words) */
#define XEN_ELFNOTE_PHYS32_ENTRY 18	  /* PVH entry physical address (32-bit) */

#define XEN_ELFNOTE_MAX XEN_ELFNOTE_PHYS32_ENTRY

/* Notes the hypervisor itself writes into crash dumps and core files. */
#define XEN_ELFNOTE_CRASH_INFO 0x1000001
#define XEN_ELFNOTE_CRASH_REGS 0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE 0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER 0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION 0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003

#endif /* TESSERA_PUBLIC_ELFNOTE_H */
