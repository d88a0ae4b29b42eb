/*
 * The steps that fill a PVH boot domain (asm/pvh_layout.h): the plan is
 * shared/pvh_plan.c's (shared with the toolstack's builder, which draws
 * the map); here its RAM is populated, the kernel, boot information,
 * modules and ACPI tables are copied in, and the special pages are set up.
 * Portable: common interfaces only (p2m, page allocation, guest_phys
 * copies, event channels), so the host unit tests run it on a fake machine.
 *
 * Locking: none; the domain is new and paused while it is built.
 */
#include <asm/acpi_build.h>
#include <asm/pvh_layout.h>
#include <public/hvm/params.h>
#include <tessera/compiler.h>
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

/* The plan's map types are the E820 numbers the hypervisor stores. */
BUILD_BUG_ON(PVH_MAP_RAM != E820_RAM || PVH_MAP_RESERVED != E820_RESERVED ||
	     PVH_MAP_ACPI != E820_ACPI);

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
				ret = p2m_set_entry(d, _gfn(gfn + i), page_to_mfn(pg + i),
						    p2m_ram_rw);
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

int pvh_load_elf(struct domain *d, const struct pvh_layout *l, const struct elf_image *img,
		 char *why, size_t whylen)
{
	struct elf_segment seg;
	unsigned int cursor = 0;
	int ret;

	ret = pvh_plan_check_kernel(l, img, why, whylen);
	if (ret)
		return ret;
	while (elf_next_load(img, &cursor, &seg)) {
		ret = copy_to_guest_phys(d, _paddr(seg.paddr), seg.data, seg.filesz);
		if (!ret)
			ret = clear_guest_phys(d, _paddr(seg.paddr + seg.filesz),
					       seg.memsz - seg.filesz);
		if (ret) {
			format_why(why, whylen, "kernel segment at %#llx: copy failed (%d)",
				   (ull)seg.paddr, ret);
			return ret;
		}
	}
	return 0;
}

/* Write the info area and the modules where pl and mod_gpa place them. */
static int write_boot_info(struct domain *d, const struct pvh_layout *l,
			   const struct pvh_boot_params *p, const struct pvh_boot_placement *pl,
			   const uint64_t *mod_gpa)
{
	size_t size = pvh_boot_info_size(pl);
	void *info = xmalloc_bytes(size);
	int ret;

	if (!info)
		return -ENOMEM;
	pvh_write_boot_info(l, p, pl, mod_gpa, info);
	ret = copy_to_guest_phys(d, _paddr(pl->start_info_gpa), info, size);
	xfree(info);
	for (unsigned int i = 0; !ret && i < p->nr_modules; i++)
		ret = copy_to_guest_phys(d, _paddr(mod_gpa[i]), p->modules[i].data,
					 p->modules[i].size);
	return ret;
}

/* Store l's map for XENMEM_memory_map (guests that ignore start_info's). */
static int store_memory_map(struct domain *d, const struct pvh_layout *l)
{
	struct e820entry map[PVH_E820_MAX];

	for (unsigned int i = 0; i < l->nr_map; i++)
		map[i] = (struct e820entry){
		    .addr = l->map[i].addr, .size = l->map[i].size, .type = l->map[i].type};
	return domain_set_memory_map(d, map, l->nr_map);
}

int pvh_load_boot_info(struct domain *d, const struct pvh_layout *l,
		       const struct pvh_boot_params *p, struct pvh_boot_placement *out, char *why,
		       size_t whylen)
{
	uint64_t *mod_gpa = NULL;
	int ret;

	if (p->nr_modules) {
		mod_gpa = xzalloc_array(uint64_t, p->nr_modules);
		if (!mod_gpa) {
			memset(out, 0, sizeof(*out));
			return -ENOMEM;
		}
	}
	ret = pvh_plan_boot_info(l, p, mod_gpa, out, why, whylen);
	if (ret)
		goto out;
	ret = write_boot_info(d, l, p, out, mod_gpa);
	if (ret) {
		format_why(why, whylen, "writing the boot information failed (%d)", ret);
		goto out;
	}
	ret = store_memory_map(d, l);
	if (ret)
		format_why(why, whylen, "storing the memory map failed (%d)", ret);
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
	ret = n < 0 ? (int)n : copy_to_guest_phys(d, _paddr(l->acpi_gpa), buf, (size_t)n);
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
