/*
 * The guest-physical layout of a PVH boot domain and the steps that fill it
 * (asm/pvh_layout.h). Portable: common interfaces only (p2m, page
 * allocation, guest_phys copies, event channels), so the host unit tests
 * run it on a fake machine.
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
 * Locking: none; the domain is new and paused while it is built.
 */
#include <asm/acpi_build.h>
#include <asm/pvh_layout.h>
#include <public/hvm/params.h>
#include <public/hvm/start_info.h>
#include <stdarg.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/format.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include <tessera/page_info.h>
#include <tessera/string.h>

typedef unsigned long long ull;

#define PVH_PAGE_SHIFT 12
/* Populate in 2 MiB blocks where alignment allows (fewer allocator calls, contiguous NPT). */
#define PVH_POPULATE_ORDER 9

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
	return (x + PVH_PAGE_SIZE - 1) & ~(PVH_PAGE_SIZE - 1);
}

static void map_add(struct pvh_layout *l, uint64_t addr, uint64_t size, uint32_t type)
{
	if (size)
		l->map[l->nr_map++] = (struct e820entry){.addr = addr, .size = size, .type = type};
}

int pvh_layout_plan(uint64_t mem_bytes, struct pvh_layout *l, char *why, size_t whylen)
{
	uint64_t special;

	memset(l, 0, sizeof(*l));
	if (mem_bytes % PVH_PAGE_SIZE || mem_bytes < PVH_MIN_MEMORY) {
		say(why, whylen, "memory %llu KiB: at least %lu KiB in whole pages needed",
		    (ull)(mem_bytes >> 10), PVH_MIN_MEMORY >> 10);
		return -EINVAL;
	}
	/* The p2m holds gfns up to P2M_MAX_GFN: the high part must end below that. */
	if (mem_bytes > ((uint64_t)P2M_MAX_GFN << PVH_PAGE_SHIFT) - PVH_HIGH_START) {
		say(why, whylen, "memory %llu KiB is more than a guest-physical map holds",
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

	map_add(l, 0, PVH_LOW_RAM_END, E820_RAM);
	map_add(l, PVH_LOW_RAM_END, PVH_LEGACY_END - PVH_LOW_RAM_END, E820_RESERVED);
	map_add(l, PVH_LEGACY_END, l->ram_end - PVH_LEGACY_END, E820_RAM);
	map_add(l, l->acpi_gpa, PVH_ACPI_PAGES * PVH_PAGE_SIZE, E820_ACPI);
	map_add(l, l->console_gpa, l->low_end - l->console_gpa, E820_RESERVED);
	if (l->high_end)
		map_add(l, PVH_HIGH_START, l->high_end - PVH_HIGH_START, E820_RAM);
	return 0;
}

/* Allocate, zero and map [start, end) (page aligned) as d's RAM. */
static int populate_range(struct domain *d, uint64_t start, uint64_t end)
{
	uint64_t gfn = start >> PVH_PAGE_SHIFT, last = end >> PVH_PAGE_SHIFT;

	while (gfn < last) {
		unsigned int order = 0;
		struct page_info *pg = NULL;
		int ret;

		if (!(gfn & ((1UL << PVH_POPULATE_ORDER) - 1)) &&
		    last - gfn >= (1UL << PVH_POPULATE_ORDER)) {
			order = PVH_POPULATE_ORDER;
			pg = alloc_domain_pages(d, order);
		}
		if (!pg) {
			order = 0;
			pg = alloc_domain_pages(d, 0);
		}
		if (!pg)
			return -ENOMEM;
		/* Never hand a guest another's old data (domain heap frames come unzeroed). */
		memset(page_to_virt(pg), 0, PVH_PAGE_SIZE << order);
		/* An aligned 2 MiB block goes in at once: one 2 MiB nested-page leaf. */
		if (order && !(mfn_x(page_to_mfn(pg)) & ((1UL << order) - 1))) {
			ret = p2m_set_entry_order(d, _gfn(gfn), page_to_mfn(pg), order, p2m_ram_rw);
			if (ret)
				return ret;
		} else {
			for (unsigned long i = 0; i < (1UL << order); i++) {
				ret = p2m_set_entry(d, _gfn(gfn + i), page_to_mfn(pg + i), p2m_ram_rw);
				if (ret)
					return ret;
			}
		}
		gfn += 1UL << order;
	}
	return 0;
}

int pvh_populate(struct domain *d, const struct pvh_layout *l)
{
	int ret = populate_range(d, 0, l->low_end);

	if (!ret && l->high_end)
		ret = populate_range(d, PVH_HIGH_START, l->high_end);
	return ret;
}

/* Does [a, a + len) (no wrap: checked by the ELF parser) lie in RAM the kernel may use? */
static bool in_guest_ram(const struct pvh_layout *l, uint64_t a, uint64_t len)
{
	return (a + len <= PVH_LOW_RAM_END) ||
	       (a >= PVH_LEGACY_END && a <= l->ram_end && len <= l->ram_end - a);
}

int pvh_load_elf(struct domain *d, const struct pvh_layout *l, const struct elf_image *img,
		 char *why, size_t whylen)
{
	struct elf_segment seg;
	unsigned int cursor = 0;
	int ret;

	while (elf_next_load(img, &cursor, &seg)) {
		if (!in_guest_ram(l, seg.paddr, seg.memsz)) {
			say(why, whylen,
			    "kernel segment [%#llx, %#llx) is outside guest RAM "
			    "([0, %#lx) and [%#lx, %#llx))",
			    (ull)seg.paddr, (ull)(seg.paddr + seg.memsz), PVH_LOW_RAM_END,
			    PVH_LEGACY_END, (ull)l->ram_end);
			return -EINVAL;
		}
		ret = copy_to_guest_phys(d, seg.paddr, seg.data, seg.filesz);
		if (!ret)
			ret = clear_guest_phys(d, seg.paddr + seg.filesz, seg.memsz - seg.filesz);
		if (ret) {
			say(why, whylen, "kernel segment at %#llx: copy failed (%d)",
			    (ull)seg.paddr, ret);
			return ret;
		}
	}
	return 0;
}

/* Bytes of a string with its NUL; 0 for none. */
static size_t str_bytes(const char *s)
{
	return s && *s ? strlen(s) + 1 : 0;
}

static uint64_t align8(uint64_t x)
{
	return (x + 7) & ~7ULL;
}

/* Write the strings and tables of the info area; out's addresses are already set. */
static int write_boot_info(struct domain *d, const struct pvh_layout *l,
			   const struct pvh_boot_params *p, const struct pvh_boot_placement *out,
			   const uint64_t *mod_gpa, uint64_t mod_cmdline_gpa)
{
	struct hvm_start_info si = {
	    .magic = XEN_HVM_START_MAGIC_VALUE,
	    .version = 1,
	    .flags = p->flags,
	    .nr_modules = p->nr_modules,
	    .modlist_paddr = p->nr_modules ? out->modlist_gpa : 0,
	    .cmdline_paddr = out->cmdline_gpa,
	    .rsdp_paddr = p->rsdp_gpa,
	    .memmap_paddr = out->memmap_gpa,
	    .memmap_entries = l->nr_map,
	};
	uint64_t cmd = mod_cmdline_gpa;
	int ret;

	ret = copy_to_guest_phys(d, out->start_info_gpa, &si, sizeof(si));
	for (unsigned int i = 0; !ret && i < l->nr_map; i++) {
		struct hvm_memmap_table_entry e = {
		    .addr = l->map[i].addr, .size = l->map[i].size, .type = l->map[i].type};

		ret = copy_to_guest_phys(d, out->memmap_gpa + i * sizeof(e), &e, sizeof(e));
	}
	if (!ret && out->cmdline_gpa)
		ret = copy_to_guest_phys(d, out->cmdline_gpa, p->cmdline, str_bytes(p->cmdline));
	for (unsigned int i = 0; !ret && i < p->nr_modules; i++) {
		const struct pvh_module *m = &p->modules[i];
		size_t n = str_bytes(m->cmdline);
		struct hvm_modlist_entry e = {
		    .paddr = mod_gpa[i], .size = m->size, .cmdline_paddr = n ? cmd : 0};

		ret = copy_to_guest_phys(d, out->modlist_gpa + i * sizeof(e), &e, sizeof(e));
		if (!ret && n)
			ret = copy_to_guest_phys(d, cmd, m->cmdline, n);
		cmd += n;
		if (!ret)
			ret = copy_to_guest_phys(d, mod_gpa[i], m->data, m->size);
	}
	return ret;
}

int pvh_load_boot_info(struct domain *d, const struct pvh_layout *l,
		       const struct pvh_boot_params *p, struct pvh_boot_placement *out, char *why,
		       size_t whylen)
{
	uint64_t at, mod_cmdline_gpa, mods_size = 0;
	uint64_t *mod_gpa = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	if (p->kernel_end > l->ram_end) {
		say(why, whylen, "kernel ends at %#llx, above guest RAM (%#llx)",
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
	mod_cmdline_gpa = at;
	for (unsigned int i = 0; i < p->nr_modules; i++)
		at += str_bytes(p->modules[i].cmdline);
	if (at > PVH_INFO_LIMIT || at > l->ram_end) {
		say(why, whylen,
		    "no room for the boot information below %#llx (kernel ends at "
		    "%#llx)",
		    (ull)(l->ram_end < PVH_INFO_LIMIT ? l->ram_end : PVH_INFO_LIMIT),
		    (ull)p->kernel_end);
		return -ENOSPC;
	}
	/* The modules, each page aligned (Linux frees the initrd by pages). */
	if (p->nr_modules) {
		mod_gpa = xzalloc_array(uint64_t, p->nr_modules);
		if (!mod_gpa)
			return -ENOMEM;
	}
	at = page_up(at);
	out->modules_gpa = p->nr_modules ? at : 0;
	for (unsigned int i = 0; i < p->nr_modules; i++) {
		uint64_t size = p->modules[i].size;

		mods_size += size;
		if (at > l->ram_end || size > l->ram_end - at) {
			say(why, whylen,
			    "module %u (%llu bytes) does not fit in guest RAM (%llu KiB "
			    "of modules, RAM ends at %#llx)",
			    i, (ull)size, (ull)(mods_size >> 10), (ull)l->ram_end);
			ret = -ENOSPC;
			goto out;
		}
		mod_gpa[i] = at;
		at = page_up(at + size);
	}
	out->end = at;
	ret = write_boot_info(d, l, p, out, mod_gpa, mod_cmdline_gpa);
	if (ret) {
		say(why, whylen, "writing the boot information failed (%d)", ret);
		goto out;
	}
	/* The same map for XENMEM_memory_map (guests that ignore start_info's). */
	ret = domain_set_memory_map(d, l->map, l->nr_map);
	if (ret)
		say(why, whylen, "storing the memory map failed (%d)", ret);
out:
	xfree(mod_gpa);
	return ret;
}

int pvh_load_acpi(struct domain *d, const struct pvh_layout *l)
{
	size_t size = PVH_ACPI_PAGES * PVH_PAGE_SIZE;
	void *buf = xmalloc_bytes(size);
	long n;
	int ret;

	if (!buf)
		return -ENOMEM;
	n = acpi_build_tables(buf, size, l->acpi_gpa, d->max_vcpus);
	ret = n < 0 ? (int)n : copy_to_guest_phys(d, l->acpi_gpa, buf, (size_t)n);
	xfree(buf);
	return ret;
}

int pvh_setup_special_pages(struct domain *d, const struct pvh_layout *l, uint32_t console_port,
			    domid_t store_remote, uint32_t *store_port)
{
	int ret;

	*store_port = 0;
	d->hvm_params[HVM_PARAM_CONSOLE_PFN] = l->console_gpa >> PVH_PAGE_SHIFT;
	d->hvm_params[HVM_PARAM_CONSOLE_EVTCHN] = console_port;
	if (store_remote == DOMID_INVALID)
		return 0;
	ret = evtchn_alloc_unbound_port(d, store_remote, store_port);
	if (ret)
		return ret;
	d->hvm_params[HVM_PARAM_STORE_PFN] = l->store_gpa >> PVH_PAGE_SHIFT;
	d->hvm_params[HVM_PARAM_STORE_EVTCHN] = *store_port;
	return 0;
}
