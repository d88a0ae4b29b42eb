/*
 * The builder's pure planning (pvh_plan.h): the PVH guest-physical map of
 * the hypervisor's arch/x86/pvh_layout.c, restated for a toolstack that
 * cannot link hypervisor internals (tests/unit/test_tools_builder.c checks
 * that both plan the same map), and the boot information's placement and
 * bytes. The map:
 *   [0, 0xA0000) RAM; [0xA0000, 1 MiB) reserved (backed by RAM);
 *   [1 MiB, ram_end) RAM: kernel, boot info, modules;
 *   [ram_end, +1 page) ACPI; console and store pages (reserved), the last
 *   two pages below low_end; [4 GiB, high_end) RAM beyond the hole.
 * No state, no locking.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <public/hvm/start_info.h>
#include "pvh_plan.h"

typedef unsigned long long ull;

static void __attribute__((format(printf, 3, 4)))
say(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (!why || !whylen)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

static uint64_t page_up(uint64_t x)
{
	return (x + PVH_PLAN_PAGE - 1) & ~(PVH_PLAN_PAGE - 1);
}

static uint64_t align8(uint64_t x)
{
	return (x + 7) & ~7ULL;
}

static size_t str_bytes(const char *s)
{
	return s && *s ? strlen(s) + 1 : 0;
}

static void map_add(struct pvh_plan_layout *l, uint64_t addr, uint64_t size, uint32_t type)
{
	if (size)
		l->map[l->nr_map++] = (struct pvh_plan_e820){.addr = addr, .size = size, .type = type};
}

int pvh_plan_layout(uint64_t mem_bytes, struct pvh_plan_layout *l, char *why, size_t whylen)
{
	uint64_t special;

	memset(l, 0, sizeof(*l));
	if (mem_bytes % PVH_PLAN_PAGE || mem_bytes < PVH_PLAN_MIN_MEMORY) {
		say(why, whylen, "memory %llu KiB: at least %lu KiB in whole pages needed",
		    (ull)(mem_bytes >> 10), PVH_PLAN_MIN_MEMORY >> 10);
		return -EINVAL;
	}
	if (mem_bytes > ((uint64_t)PVH_PLAN_MAX_GFN << 12) - PVH_PLAN_HIGH_START) {
		say(why, whylen, "memory %llu KiB is more than a guest-physical map holds",
		    (ull)(mem_bytes >> 10));
		return -EINVAL;
	}
	l->mem_bytes = mem_bytes;
	l->low_end = mem_bytes < PVH_PLAN_HOLE_START ? mem_bytes : PVH_PLAN_HOLE_START;
	l->high_end = mem_bytes > PVH_PLAN_HOLE_START
			  ? PVH_PLAN_HIGH_START + (mem_bytes - PVH_PLAN_HOLE_START)
			  : 0;
	special = l->low_end - PVH_PLAN_SPECIAL_PAGES * PVH_PLAN_PAGE;
	l->ram_end = special;
	l->acpi_gpa = special;
	l->console_gpa = l->low_end - 2 * PVH_PLAN_PAGE;
	l->store_gpa = l->low_end - PVH_PLAN_PAGE;

	map_add(l, 0, PVH_PLAN_LOW_RAM_END, PVH_PLAN_E820_RAM);
	map_add(l, PVH_PLAN_LOW_RAM_END, PVH_PLAN_LEGACY_END - PVH_PLAN_LOW_RAM_END,
		PVH_PLAN_E820_RESERVED);
	map_add(l, PVH_PLAN_LEGACY_END, l->ram_end - PVH_PLAN_LEGACY_END, PVH_PLAN_E820_RAM);
	map_add(l, l->acpi_gpa, PVH_PLAN_ACPI_PAGES * PVH_PLAN_PAGE, PVH_PLAN_E820_ACPI);
	map_add(l, l->console_gpa, l->low_end - l->console_gpa, PVH_PLAN_E820_RESERVED);
	if (l->high_end)
		map_add(l, PVH_PLAN_HIGH_START, l->high_end - PVH_PLAN_HIGH_START,
			PVH_PLAN_E820_RAM);
	return 0;
}

int pvh_plan_boot_info(const struct pvh_plan_layout *l, uint64_t kernel_end, const char *cmdline,
		       const struct pvh_plan_module *mods, unsigned int nr_mods,
		       struct pvh_plan_boot *b, char *why, size_t whylen)
{
	uint64_t at, total = 0;

	memset(b, 0, sizeof(*b));
	if (nr_mods > PVH_PLAN_MAX_MODULES) {
		say(why, whylen, "%u modules: at most %u", nr_mods, PVH_PLAN_MAX_MODULES);
		return -EINVAL;
	}
	if (kernel_end > l->ram_end) {
		say(why, whylen, "kernel ends at %#llx, above guest RAM (%#llx)", (ull)kernel_end,
		    (ull)l->ram_end);
		return -EINVAL;
	}
	at = page_up(kernel_end > PVH_PLAN_LEGACY_END ? kernel_end : PVH_PLAN_LEGACY_END);
	b->start_info_gpa = at;
	at = align8(at + sizeof(struct hvm_start_info));
	b->modlist_gpa = at;
	at = align8(at + (uint64_t)nr_mods * sizeof(struct hvm_modlist_entry));
	b->memmap_gpa = at;
	at = align8(at + (uint64_t)l->nr_map * sizeof(struct hvm_memmap_table_entry));
	b->cmdline_gpa = str_bytes(cmdline) ? at : 0;
	at += str_bytes(cmdline);
	b->mod_cmdline_gpa = at;
	for (unsigned int i = 0; i < nr_mods; i++)
		at += str_bytes(mods[i].cmdline);
	b->info_end = at;
	if (at > PVH_PLAN_INFO_LIMIT || at > l->ram_end) {
		say(why, whylen, "no room for the boot information below %#llx (kernel ends at %#llx)",
		    (ull)(l->ram_end < PVH_PLAN_INFO_LIMIT ? l->ram_end : PVH_PLAN_INFO_LIMIT),
		    (ull)kernel_end);
		return -ENOSPC;
	}
	at = page_up(at);
	for (unsigned int i = 0; i < nr_mods; i++) {
		total += mods[i].size;
		if (at > l->ram_end || mods[i].size > l->ram_end - at) {
			say(why, whylen,
			    "module %u (%llu bytes) does not fit in guest RAM (%llu KiB of modules, "
			    "RAM ends at %#llx)",
			    i, (ull)mods[i].size, (ull)(total >> 10), (ull)l->ram_end);
			return -ENOSPC;
		}
		b->module_gpa[i] = at;
		at = page_up(at + mods[i].size);
	}
	b->end = at;
	return 0;
}

void pvh_plan_write_info(const struct pvh_plan_layout *l, const struct pvh_plan_boot *b,
			 const char *cmdline, const struct pvh_plan_module *mods,
			 unsigned int nr_mods, uint32_t flags, uint64_t rsdp_gpa, void *buf)
{
	uint8_t *base = buf;
	uint64_t cmd = b->mod_cmdline_gpa;
	struct hvm_start_info si = {
	    .magic = XEN_HVM_START_MAGIC_VALUE,
	    .version = 1,
	    .flags = flags,
	    .nr_modules = nr_mods,
	    .modlist_paddr = nr_mods ? b->modlist_gpa : 0,
	    .cmdline_paddr = b->cmdline_gpa,
	    .rsdp_paddr = rsdp_gpa,
	    .memmap_paddr = b->memmap_gpa,
	    .memmap_entries = l->nr_map,
	};

#define AT(gpa) (base + ((gpa)-b->start_info_gpa))
	memset(buf, 0, b->info_end - b->start_info_gpa);
	memcpy(AT(b->start_info_gpa), &si, sizeof(si));
	for (unsigned int i = 0; i < l->nr_map; i++) {
		struct hvm_memmap_table_entry e = {
		    .addr = l->map[i].addr, .size = l->map[i].size, .type = l->map[i].type};

		memcpy(AT(b->memmap_gpa + i * sizeof(e)), &e, sizeof(e));
	}
	if (b->cmdline_gpa)
		memcpy(AT(b->cmdline_gpa), cmdline, str_bytes(cmdline));
	for (unsigned int i = 0; i < nr_mods; i++) {
		size_t n = str_bytes(mods[i].cmdline);
		struct hvm_modlist_entry e = {
		    .paddr = b->module_gpa[i], .size = mods[i].size, .cmdline_paddr = n ? cmd : 0};

		memcpy(AT(b->modlist_gpa + i * sizeof(e)), &e, sizeof(e));
		if (n)
			memcpy(AT(cmd), mods[i].cmdline, n);
		cmd += n;
	}
#undef AT
}
