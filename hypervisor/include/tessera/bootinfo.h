/*
 * What the boot loader told us, in one loader-neutral form: the command
 * line, the physical memory map and the boot modules. Filled by
 * multiboot_parse() from Multiboot v1 (QEMU -kernel) or Multiboot2 (GRUB).
 */
#ifndef TESSERA_BOOTINFO_H
#define TESSERA_BOOTINFO_H

#include <tessera/types.h>

#define BOOT_MAX_REGIONS 128
#define BOOT_MAX_MODULES 16
#define BOOT_CMDLINE_MAX 512
#define BOOT_MODULE_CMDLINE_MAX 128

/* E820 memory types, as loaders report them. */
enum boot_mem_type {
	BOOT_MEM_RAM = 1,
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI = 3,
	BOOT_MEM_NVS = 4,
	BOOT_MEM_BAD = 5,
};

struct boot_mem_region {
	uint64_t start;
	uint64_t size;
	uint32_t type;
};

struct boot_module {
	paddr_t start;
	uint64_t size;
	char cmdline[BOOT_MODULE_CMDLINE_MAX];
};

struct boot_info {
	char loader[64];
	char cmdline[BOOT_CMDLINE_MAX];
	unsigned int nr_regions;
	struct boot_mem_region regions[BOOT_MAX_REGIONS];
	unsigned int nr_modules;
	struct boot_module modules[BOOT_MAX_MODULES];
	/* Physical range of the loader's info structure, to keep until parsed. */
	paddr_t info_start, info_end;
};

#define MULTIBOOT1_LOADER_MAGIC 0x2BADB002u
#define MULTIBOOT2_LOADER_MAGIC 0x36d76289u

/*
 * Parses the loader's information at physical address info_pa. map(pa, len)
 * returns a pointer through which len bytes at pa can be read, or NULL.
 * Returns 0, or a negative errno naming what was wrong (-EINVAL bad magic or
 * layout, -E2BIG more regions/modules than we keep: the excess is dropped and
 * a warning is the caller's to print).
 */
int multiboot_parse(uint32_t magic, paddr_t info_pa, const void *(*map)(paddr_t pa, size_t len),
		    struct boot_info *out);

/* Value of "key=value" on a command line into buf; returns true if the key is present. */
bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t size);

#endif
