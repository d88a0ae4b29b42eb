/*
 * The planning of a PVH domain's guest-physical memory (asm/pvh_plan.h),
 * shared by the hypervisor's boot-domain builder (arch/x86/pvh_layout.c) and
 * the toolstack's (dom0-tools/libs/builder/pvh_build.c compiles this file).
 * Portable: common headers only, no allocation, results into the caller's
 * structures and buffers.
 *
 * The map (docs/architecture.md, "Building boot domains"):
 *   [0, 0xA0000)            RAM
 *   [0xA0000, 1 MiB)        reserved, but backed by zeroed RAM: Linux's
 *                           probe_roms reads 0xC0000-0xFFFFF
 *   [1 MiB, ram_end)        RAM: kernel at its p_paddr, then the boot info
 *                           (start_info, module list, memmap, command
 *                           lines), then the modules (initrd first)
 *   [ram_end, +1 page)      ACPI tables (E820 ACPI)
 *   console, store pages    E820 reserved, the last two pages below low_end
 *   [4 GiB, high_end)       RAM beyond PVH_HOLE_START, if any
 * PVH guests follow hvm_start_info (Xen docs/misc/pvh.pandoc); Linux reads
 * start_info with paging off and the memmap/modlist through its first 1 GiB
 * mapping, hence PVH_INFO_LIMIT.
 *
 * Locking: none; no state.
 */
#include <asm/pvh_plan.h>
#include <public/hvm/start_info.h>
#include <tessera/errno.h>
#include <tessera/format.h>
#include <tessera/p2m_limit.h>
#include <tessera/string.h>

typedef unsigned long long ull;

static uint64_t page_up(uint64_t x)
{
	return (x + PVH_PAGE_SIZE - 1) & ~(PVH_PAGE_SIZE - 1);
}

static uint64_t align8(uint64_t x)
{
	return (x + 7) & ~7ULL;
}

/* Bytes of a string with its NUL; 0 for none. */
static size_t str_bytes(const char *s)
{
	return s && *s ? strlen(s) + 1 : 0;
}

static void map_add(struct pvh_layout *l, uint64_t addr, uint64_t size, uint32_t type)
{
	if (size)
		l->map[l->nr_map++] =
		    (struct pvh_map_entry){.addr = addr, .size = size, .type = type};
}

int pvh_layout_plan(uint64_t mem_bytes, struct pvh_layout *l, char *why, size_t whylen)
{
	uint64_t special;

	memset(l, 0, sizeof(*l));
	if (mem_bytes % PVH_PAGE_SIZE || mem_bytes < PVH_MIN_MEMORY) {
		format_why(why, whylen, "memory %llu KiB: at least %lu KiB in whole pages needed",
			   (ull)(mem_bytes >> 10), PVH_MIN_MEMORY >> 10);
		return -EINVAL;
	}
	/* The p2m holds gfns up to P2M_MAX_GFN: the high part must end below that. */
	if (mem_bytes > ((uint64_t)P2M_MAX_GFN * PVH_PAGE_SIZE) - PVH_HIGH_START) {
		format_why(why, whylen, "memory %llu KiB is more than a guest-physical map holds",
			   (ull)(mem_bytes >> 10));
		return -EINVAL;
	}
	l->mem_bytes = mem_bytes;
	l->low_end = mem_bytes < PVH_HOLE_START ? mem_bytes : PVH_HOLE_START;
	l->high_end =
	    mem_bytes > PVH_HOLE_START ? PVH_HIGH_START + (mem_bytes - PVH_HOLE_START) : 0;
	special = l->low_end - PVH_SPECIAL_PAGES * PVH_PAGE_SIZE;
	l->ram_end = special;
	l->acpi_gpa = special;
	l->console_gpa = l->low_end - 2 * PVH_PAGE_SIZE;
	l->store_gpa = l->low_end - PVH_PAGE_SIZE;

	map_add(l, 0, PVH_LOW_RAM_END, PVH_MAP_RAM);
	map_add(l, PVH_LOW_RAM_END, PVH_LEGACY_END - PVH_LOW_RAM_END, PVH_MAP_RESERVED);
	map_add(l, PVH_LEGACY_END, l->ram_end - PVH_LEGACY_END, PVH_MAP_RAM);
	map_add(l, l->acpi_gpa, PVH_ACPI_PAGES * PVH_PAGE_SIZE, PVH_MAP_ACPI);
	map_add(l, l->console_gpa, l->low_end - l->console_gpa, PVH_MAP_RESERVED);
	if (l->high_end)
		map_add(l, PVH_HIGH_START, l->high_end - PVH_HIGH_START, PVH_MAP_RAM);
	return 0;
}

/* Does [a, a + len) (no wrap: checked by the ELF parser) lie in RAM the kernel may use? */
static bool in_guest_ram(const struct pvh_layout *l, uint64_t a, uint64_t len)
{
	return (a + len <= PVH_LOW_RAM_END) ||
	       (a >= PVH_LEGACY_END && a <= l->ram_end && len <= l->ram_end - a);
}

int pvh_plan_check_kernel(const struct pvh_layout *l, const struct elf_image *img, char *why,
			  size_t whylen)
{
	struct elf_segment seg;
	unsigned int cursor = 0;

	while (elf_next_load(img, &cursor, &seg)) {
		if (!in_guest_ram(l, seg.paddr, seg.memsz)) {
			format_why(why, whylen,
				   "kernel segment [%#llx, %#llx) is outside guest RAM "
				   "([0, %#lx) and [%#lx, %#llx))",
				   (ull)seg.paddr, (ull)(seg.paddr + seg.memsz), PVH_LOW_RAM_END,
				   PVH_LEGACY_END, (ull)l->ram_end);
			return -EINVAL;
		}
	}
	return 0;
}

int pvh_plan_boot_info(const struct pvh_layout *l, const struct pvh_boot_params *p,
		       uint64_t *module_gpa, struct pvh_boot_placement *out, char *why,
		       size_t whylen)
{
	uint64_t at, mods_size = 0;

	memset(out, 0, sizeof(*out));
	if (p->kernel_end > l->ram_end) {
		format_why(why, whylen, "kernel ends at %#llx, above guest RAM (%#llx)",
			   (ull)p->kernel_end, (ull)l->ram_end);
		return -EINVAL;
	}
	/* The info area: start_info, module list, memmap, command lines, each 8-aligned. */
	at = page_up(p->kernel_end > PVH_LEGACY_END ? p->kernel_end : PVH_LEGACY_END);
	out->start_info_gpa = at;
	at = align8(at + sizeof(struct hvm_start_info));
	out->modlist_gpa = at;
	at = align8(at + (uint64_t)p->nr_modules * sizeof(struct hvm_modlist_entry));
	out->memmap_gpa = at;
	at = align8(at + (uint64_t)l->nr_map * sizeof(struct hvm_memmap_table_entry));
	out->cmdline_gpa = str_bytes(p->cmdline) ? at : 0;
	at += str_bytes(p->cmdline);
	out->mod_cmdline_gpa = at;
	for (unsigned int i = 0; i < p->nr_modules; i++)
		at += str_bytes(p->modules[i].cmdline);
	out->info_end = at;
	if (at > PVH_INFO_LIMIT || at > l->ram_end) {
		format_why(why, whylen,
			   "no room for the boot information below %#llx (kernel ends at "
			   "%#llx)",
			   (ull)(l->ram_end < PVH_INFO_LIMIT ? l->ram_end : PVH_INFO_LIMIT),
			   (ull)p->kernel_end);
		return -ENOSPC;
	}
	/* The modules, each page aligned (Linux frees the initrd by pages). */
	at = page_up(at);
	out->modules_gpa = p->nr_modules ? at : 0;
	for (unsigned int i = 0; i < p->nr_modules; i++) {
		uint64_t size = p->modules[i].size;

		mods_size += size;
		if (at > l->ram_end || size > l->ram_end - at) {
			format_why(why, whylen,
				   "module %u (%llu bytes) does not fit in guest RAM (%llu KiB "
				   "of modules, RAM ends at %#llx)",
				   i, (ull)size, (ull)(mods_size >> 10), (ull)l->ram_end);
			return -ENOSPC;
		}
		module_gpa[i] = at;
		at = page_up(at + size);
	}
	out->end = at;
	return 0;
}

void pvh_write_boot_info(const struct pvh_layout *l, const struct pvh_boot_params *p,
			 const struct pvh_boot_placement *pl, const uint64_t *module_gpa, void *buf)
{
	uint8_t *base = buf;
	uint64_t cmd = pl->mod_cmdline_gpa;
	struct hvm_start_info si = {
	    .magic = XEN_HVM_START_MAGIC_VALUE,
	    .version = 1,
	    .flags = p->flags,
	    .nr_modules = p->nr_modules,
	    .modlist_paddr = p->nr_modules ? pl->modlist_gpa : 0,
	    .cmdline_paddr = pl->cmdline_gpa,
	    .rsdp_paddr = p->rsdp_gpa,
	    .memmap_paddr = pl->memmap_gpa,
	    .memmap_entries = l->nr_map,
	};

#define AT(gpa) (base + ((gpa)-pl->start_info_gpa))
	memset(buf, 0, pvh_boot_info_size(pl));
	memcpy(AT(pl->start_info_gpa), &si, sizeof(si));
	for (unsigned int i = 0; i < l->nr_map; i++) {
		struct hvm_memmap_table_entry e = {
		    .addr = l->map[i].addr, .size = l->map[i].size, .type = l->map[i].type};

		memcpy(AT(pl->memmap_gpa + i * sizeof(e)), &e, sizeof(e));
	}
	if (pl->cmdline_gpa)
		memcpy(AT(pl->cmdline_gpa), p->cmdline, str_bytes(p->cmdline));
	for (unsigned int i = 0; i < p->nr_modules; i++) {
		const struct pvh_module *m = &p->modules[i];
		size_t n = str_bytes(m->cmdline);
		struct hvm_modlist_entry e = {
		    .paddr = module_gpa[i], .size = m->size, .cmdline_paddr = n ? cmd : 0};

		memcpy(AT(pl->modlist_gpa + i * sizeof(e)), &e, sizeof(e));
		if (n)
			memcpy(AT(cmd), m->cmdline, n);
		cmd += n;
	}
#undef AT
}
