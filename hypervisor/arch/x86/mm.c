/*
 * x86 memory setup (the arch half of mm_init): from the loader's memory map,
 * find the free RAM, take page-table and frame-table pages from a boot
 * allocator, build the final page tables (direct map, image with per-section
 * permissions, frame table, low identity map for the AP trampoline), switch
 * CR3 to them and hand the remaining RAM to the buddy allocator. Also
 * ioremap() and the direct-map address conversions.
 *
 * Locking: mm_init runs once on the boot CPU before the other CPUs start.
 * ioremap_lock protects the IOREMAP window cursor and its table.
 * Lock order: docs/locking.md (ioremap_lock -> paging_lock -> heap_lock).
 */
#include <asm/page.h>
#include <asm/setup.h>
#include <asm/system.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/page_info.h>
#include <tessera/panic.h>
#include <tessera/selftest.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>

extern char _start[], _etext[], _srodata[], _erodata[], _sdata[], _edata[], _end[];

#define LOW_RESERVED (1UL << 20) /* BIOS data, trampoline, loader structures */
#define IDENTITY_LOW_SIZE (2UL << 20)
#define BOOT_ALLOC_LIMIT (4UL << 30) /* the boot tables identity-map this much */

/* Physical address ranges, as numbers: the range lists are arithmetic on them. */
struct range {
	uint64_t s, e; /* [s, e) */
};

/* RAM minus everything reserved; the boot allocator eats from the fronts. */
#define MAX_RANGES (BOOT_MAX_REGIONS * 2 + BOOT_MAX_MODULES + 8)
static struct range free_ranges[MAX_RANGES];
static unsigned int nr_free_ranges;
static bool boot_alloc_closed;
static unsigned long boot_alloc_pages;

/* RAM and ACPI regions: in the direct map, cacheable; ioremap() reuses it for them. */
static struct range cacheable[MAX_RANGES];
static unsigned int nr_cacheable;

static paddr_t idle_l4;
static uint64_t total_ram;

/* ---- range lists ---- */

/* Insert [s, e) into a sorted list, merging with overlapping or touching ranges. */
static void range_add(struct range *r, unsigned int *n, uint64_t s, uint64_t e)
{
	unsigned int i, j;

	if (s >= e)
		return;
	for (i = 0; i < *n && r[i].e < s; i++)
		;
	/* r[i] is the first range that ends at or after s: merge every one that starts by e. */
	for (j = i; j < *n && r[j].s <= e; j++) {
		s = MIN(s, r[j].s);
		e = MAX(e, r[j].e);
	}
	if (j == i) {
		if (*n == MAX_RANGES)
			panic("mm: memory map has too many ranges");
		memmove(&r[i + 1], &r[i], (*n - i) * sizeof(*r));
		(*n)++;
	} else if (j > i + 1) {
		memmove(&r[i + 1], &r[j], (*n - j) * sizeof(*r));
		*n -= j - i - 1;
	}
	r[i].s = s;
	r[i].e = e;
}

/* Remove [s, e) from a sorted list, splitting a range that contains it. */
static void range_remove(struct range *r, unsigned int *n, uint64_t s, uint64_t e)
{
	if (s >= e)
		return;
	for (unsigned int i = 0; i < *n; i++) {
		if (r[i].e <= s || r[i].s >= e)
			continue;
		if (r[i].s < s && r[i].e > e) {
			if (*n == MAX_RANGES)
				panic("mm: memory map has too many ranges");
			memmove(&r[i + 1], &r[i], (*n - i) * sizeof(*r));
			(*n)++;
			r[i].e = s;
			r[i + 1].s = e;
			return;
		}
		if (r[i].s < s) {
			r[i].e = s;
		} else if (r[i].e > e) {
			r[i].s = e;
		} else {
			memmove(&r[i], &r[i + 1], (*n - i - 1) * sizeof(*r));
			(*n)--;
			i--;
		}
	}
}

/* ---- boot allocator ---- */

paddr_t mm_boot_alloc_page(void)
{
	const uint64_t image_end = (uint64_t)(_end - HV_VIRT_BASE);

	if (boot_alloc_closed)
		return _paddr(0);
	/* RAM above the image, below the end of the boot identity map. */
	for (unsigned int i = 0; i < nr_free_ranges; i++) {
		struct range *r = &free_ranges[i];
		uint64_t pa = r->s;

		if (pa < image_end || r->e - pa < PAGE_SIZE || pa + PAGE_SIZE > BOOT_ALLOC_LIMIT)
			continue;
		r->s += PAGE_SIZE;
		boot_alloc_pages++;
		memset(paging_table_va(_paddr(pa)), 0, PAGE_SIZE);
		return _paddr(pa);
	}
	return _paddr(0);
}

/* ---- building the tables ---- */

static void map_or_panic(vaddr_t va, paddr_t pa, unsigned long nr, uint64_t flags, const char *what)
{
	if (paging_map(idle_l4, va, pa, nr, flags))
		panic("mm: out of boot memory mapping %s", what);
}

static void map_image_part(const char *s, const char *e, uint64_t flags, const char *what)
{
	uint64_t va = (uintptr_t)s;

	ASSERT(IS_ALIGNED(va, PAGE_SIZE) && IS_ALIGNED((uintptr_t)e, PAGE_SIZE));
	map_or_panic(_vaddr(va), _paddr(va - HV_VIRT_BASE), ((uintptr_t)e - va) >> PAGE_SHIFT,
		     flags, what);
}

static void build_directmap(const struct boot_info *bi, unsigned long *mapped_kib)
{
	static struct range dm[MAX_RANGES];
	unsigned int n = 0;

	/* RAM, ACPI tables and the BIOS area (for table scans) are memory we may read. */
	range_add(dm, &n, 0, LOW_RESERVED);
	for (unsigned int i = 0; i < bi->nr_regions; i++) {
		const struct boot_mem_region *r = &bi->regions[i];

		if (r->type == BOOT_MEM_RAM || r->type == BOOT_MEM_ACPI ||
		    r->type == BOOT_MEM_NVS) {
			range_add(dm, &n, ROUNDDOWN(r->start, PAGE_SIZE),
				  ROUNDUP(r->start + r->size, PAGE_SIZE));
			range_add(cacheable, &nr_cacheable, ROUNDDOWN(r->start, PAGE_SIZE),
				  ROUNDUP(r->start + r->size, PAGE_SIZE));
		}
	}
	for (unsigned int i = 0; i < bi->nr_modules; i++)
		range_add(dm, &n, ROUNDDOWN(paddr_x(bi->modules[i].start), PAGE_SIZE),
			  ROUNDUP(paddr_x(bi->modules[i].start) + bi->modules[i].size, PAGE_SIZE));
	*mapped_kib = 0;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t e = MIN(dm[i].e, (uint64_t)DIRECTMAP_SIZE);

		if (dm[i].s >= e)
			continue;
		map_or_panic(_vaddr(DIRECTMAP_BASE + dm[i].s), _paddr(dm[i].s),
			     (e - dm[i].s) >> PAGE_SHIFT, PAGE_HV_RW | PAGING_ALLOW_2M,
			     "the direct map");
		*mapped_kib += (e - dm[i].s) >> 10;
	}
}

static void collect_free_ram(const struct boot_info *bi)
{
	uint64_t ram_end = 0;

	nr_free_ranges = 0;
	total_ram = 0;
	for (unsigned int i = 0; i < bi->nr_regions; i++) {
		const struct boot_mem_region *r = &bi->regions[i];

		if (r->type != BOOT_MEM_RAM)
			continue;
		total_ram += r->size;
		range_add(free_ranges, &nr_free_ranges, ROUNDUP(r->start, PAGE_SIZE),
			  ROUNDDOWN(r->start + r->size, PAGE_SIZE));
		ram_end = MAX(ram_end, ROUNDUP(r->start + r->size, PAGE_SIZE));
	}
	/* A frame the map also calls something else is not ours to hand out. */
	for (unsigned int i = 0; i < bi->nr_regions; i++) {
		const struct boot_mem_region *r = &bi->regions[i];

		if (r->type != BOOT_MEM_RAM)
			range_remove(free_ranges, &nr_free_ranges, ROUNDDOWN(r->start, PAGE_SIZE),
				     ROUNDUP(r->start + r->size, PAGE_SIZE));
	}
	range_remove(free_ranges, &nr_free_ranges, 0, LOW_RESERVED);
	range_remove(free_ranges, &nr_free_ranges, HV_PHYS_LOAD,
		     ROUNDUP((uint64_t)(_end - HV_VIRT_BASE), PAGE_SIZE));
	range_remove(free_ranges, &nr_free_ranges, ROUNDDOWN(paddr_x(bi->info_start), PAGE_SIZE),
		     ROUNDUP(paddr_x(bi->info_end), PAGE_SIZE));
	/* Modules hold the boot bundle, read after mm_init through the direct map. */
	for (unsigned int i = 0; i < bi->nr_modules; i++)
		range_remove(
		    free_ranges, &nr_free_ranges,
		    ROUNDDOWN(paddr_x(bi->modules[i].start), PAGE_SIZE),
		    ROUNDUP(paddr_x(bi->modules[i].start) + bi->modules[i].size, PAGE_SIZE));
	if (ram_end > DIRECTMAP_SIZE) {
		pr_warn("mm: RAM above %lu GiB ignored", DIRECTMAP_SIZE >> 30);
		ram_end = DIRECTMAP_SIZE;
		range_remove(free_ranges, &nr_free_ranges, DIRECTMAP_SIZE, ~0UL);
	}
	max_page = ram_end >> PAGE_SHIFT;
}

/* Map frame-table pages (zeroed, from the boot allocator) for frames [0, max_page). */
static unsigned long build_frametable(void)
{
	unsigned long bytes = ROUNDUP(max_page * sizeof(struct page_info), PAGE_SIZE);

	if (bytes > FRAMETABLE_SIZE)
		panic("mm: frame table of %lu MiB does not fit its window", bytes >> 20);
	for (unsigned long off = 0; off < bytes; off += PAGE_SIZE) {
		paddr_t pa = mm_boot_alloc_page();

		if (!paddr_x(pa))
			panic("mm: out of boot memory for the frame table");
		map_or_panic(_vaddr(FRAMETABLE_BASE + off), pa, 1, PAGE_HV_RW, "the frame table");
	}
	return bytes;
}

static uint64_t saved_identity_l4e;

void paging_map_identity_low(bool on)
{
	pte_t *l4e = (pte_t *)paging_table_va(idle_l4) + pt_index(_vaddr(0), 4);

	if (on) {
		if (pte_present(*l4e))
			return;
		if (saved_identity_l4e) {
			*l4e = saved_identity_l4e;
			return;
		}
		/* Not global: it must vanish from the TLB when a guest's CR3 is loaded. */
		if (paging_map(idle_l4, _vaddr(0), _paddr(0), IDENTITY_LOW_SIZE >> PAGE_SHIFT,
			       PTE_P | PTE_W | PAGING_ALLOW_2M))
			panic("mm: no memory for the low identity map");
		return;
	}
	if (!pte_present(*l4e))
		return;
	saved_identity_l4e = *l4e;
	*l4e = 0;
	flush_tlb_all_local();
}

paddr_t mm_idle_cr3(void)
{
	return idle_l4;
}

void mm_init(const struct boot_info *bi)
{
	unsigned long dm_kib, ft_bytes, free_before;
	unsigned long dm_4k, dm_2m;

	if (!(rdmsr(MSR_EFER) & EFER_NXE))
		panic("mm: EFER.NXE is off");
	collect_free_ram(bi);
	if (!max_page)
		panic("mm: the memory map lists no RAM");

	idle_l4 = mm_boot_alloc_page();
	if (!paddr_x(idle_l4))
		panic("mm: no RAM above the image for page tables");

	dm_4k = paging_nr_leaves_4k;
	dm_2m = paging_nr_leaves_2m;
	build_directmap(bi, &dm_kib);
	dm_4k = paging_nr_leaves_4k - dm_4k;
	dm_2m = paging_nr_leaves_2m - dm_2m;

	map_image_part(_start, _etext, PAGE_HV_RX, "the image text");
	map_image_part(_srodata, _erodata, PAGE_HV_RO, "the image rodata");
	map_image_part(_sdata, _end, PAGE_HV_RW, "the image data");

	ft_bytes = build_frametable();
	/* The slot holding image, frame table and ioremap window exists now; be explicit. */
	if (paging_prealloc_l3(idle_l4, _vaddr(IOREMAP_BASE)))
		panic("mm: no memory for the IOREMAP window");
	paging_map_identity_low(true);

	paging_switch(idle_l4);

	frame_table = (struct page_info *)FRAMETABLE_BASE;
	heap_init();
	xmalloc_init();
	boot_alloc_closed = true;
	for (unsigned int i = 0; i < nr_free_ranges; i++)
		if (free_ranges[i].e > free_ranges[i].s)
			heap_add_range(_mfn(free_ranges[i].s >> PAGE_SHIFT),
				       (free_ranges[i].e - free_ranges[i].s) >> PAGE_SHIFT);
	free_before = total_free_pages();

	pr_info("Page tables: L4 at %#lx; direct map %lu MiB (%lu x 2M, %lu x 4K pages, NX)",
		(unsigned long)paddr_x(idle_l4), dm_kib >> 10, dm_2m, dm_4k);
	pr_info("Page tables: image %lu KiB RX, %lu KiB RO, %lu KiB RW+NX; low 2 MiB identity",
		(unsigned long)(_etext - _start) >> 10, (unsigned long)(_erodata - _srodata) >> 10,
		(unsigned long)(_end - _sdata) >> 10);
	pr_info(
	    "Frame table: %lu frames, %lu KiB; boot allocator used %lu pages (%lu for page tables)",
	    max_page, ft_bytes >> 10, boot_alloc_pages, paging_nr_table_pages);
	pr_info("Memory: %lu MiB RAM, %lu MiB free in the heap", (unsigned long)(total_ram >> 20),
		free_before >> (20 - PAGE_SHIFT));
}

/* ---- conversions and ioremap ---- */

void *maddr_to_virt(paddr_t pa)
{
	ASSERT(paddr_x(pa) < DIRECTMAP_SIZE);
	return (void *)(uintptr_t)(DIRECTMAP_BASE + paddr_x(pa));
}

paddr_t virt_to_maddr(const void *p)
{
	uint64_t va = (uintptr_t)p;

	if (va >= DIRECTMAP_BASE && va - DIRECTMAP_BASE < DIRECTMAP_SIZE)
		return _paddr(va - DIRECTMAP_BASE);
	if (va >= (uintptr_t)_start && va < (uintptr_t)_end)
		return _paddr(va - HV_VIRT_BASE);
	panic("virt_to_maddr(%p): not a direct-map or image address", p);
}

#define IOREMAP_SLOTS 32
static DEFINE_SPINLOCK(ioremap_lock, LOCK_LEVEL_IOREMAP);
/* Addresses as numbers here: the window is managed by arithmetic on them. */
static struct {
	uint64_t pa;
	size_t len;
	uint64_t va;
} io_maps[IOREMAP_SLOTS];
static unsigned int nr_io_maps;
static uint64_t io_next = IOREMAP_BASE;

void *ioremap(paddr_t addr, size_t size)
{
	uint64_t pa = paddr_x(addr), base = ROUNDDOWN(pa, PAGE_SIZE), end;
	unsigned long nr, flags;
	uint64_t va = 0;

	ASSERT(paddr_x(idle_l4));
	if (!size || pa + size < pa)
		return NULL;
	end = ROUNDUP(pa + size, PAGE_SIZE);
	nr = (end - base) >> PAGE_SHIFT;

	/* No uncached alias of cacheable memory (e.g. ACPI tables in RAM): use the direct map. */
	for (unsigned int i = 0; i < nr_cacheable; i++)
		if (base >= cacheable[i].s && end <= cacheable[i].e && end <= DIRECTMAP_SIZE)
			return maddr_to_virt(addr);

	flags = spin_lock_irqsave(&ioremap_lock);
	for (unsigned int i = 0; i < nr_io_maps; i++)
		if (base >= io_maps[i].pa && end <= io_maps[i].pa + io_maps[i].len) {
			va = io_maps[i].va + (base - io_maps[i].pa);
			goto out;
		}
	/* One unmapped guard page after each mapping catches overruns. */
	if (nr + 1 > (IOREMAP_BASE + IOREMAP_SIZE - io_next) >> PAGE_SHIFT)
		goto out;
	if (paging_map(idle_l4, _vaddr(io_next), _paddr(base), nr, PAGE_HV_UC))
		goto out;
	va = io_next;
	io_next += (nr + 1) << PAGE_SHIFT;
	if (nr_io_maps < IOREMAP_SLOTS) {
		io_maps[nr_io_maps].pa = base;
		io_maps[nr_io_maps].len = end - base;
		io_maps[nr_io_maps].va = va;
		nr_io_maps++;
	}
out:
	spin_unlock_irqrestore(&ioremap_lock, flags);
	return va ? (void *)(uintptr_t)(va + (pa - base)) : NULL;
}

/* ---- self-test ---- */

/* The leaf flags for va must include every bit of want and none of deny. */
static int check_leaf(const void *p, uint64_t want, uint64_t deny, const char *what)
{
	unsigned int level;
	pte_t *e = paging_lookup(idle_l4, _vaddr((uintptr_t)p), &level);

	if (!e) {
		pr_err("selftest mm: %s (%p) not mapped", what, p);
		return -EFAULT;
	}
	if ((*e & want) != want || (*e & deny)) {
		pr_err("selftest mm: %s (%p) has PTE %#lx at level %u", what, p, (unsigned long)*e,
		       level);
		return -EINVAL;
	}
	return 0;
}

static int selftest_heap(void)
{
	unsigned long start = total_free_pages();
	struct domain *fake_owner = (struct domain *)(uintptr_t)0xd0d0d0d0d000UL;
	void *va[11];

	for (unsigned int o = 0; o <= 10; o++) {
		uint64_t *w;

		va[o] = alloc_xenheap_pages(o);
		if (!va[o])
			return -ENOMEM;
		if (!IS_ALIGNED(paddr_x(virt_to_maddr(va[o])), PAGE_SIZE << o))
			return -EINVAL;
		w = va[o];
		for (unsigned long i = 0; i < (PAGE_SIZE << o) / 8; i += 509)
			if (w[i] != 0)
				return -EINVAL; /* xenheap pages come zeroed */
		for (unsigned long i = 0; i < (PAGE_SIZE << o) / 8; i++)
			w[i] = (uint64_t)o << 56 | i;
	}
	for (unsigned int o = 0; o <= 10; o++) {
		uint64_t *w = va[o];

		for (unsigned long i = 0; i < (PAGE_SIZE << o) / 8; i++)
			if (w[i] != ((uint64_t)o << 56 | i))
				return -EIO; /* an overlap or a bad mapping */
	}
	for (unsigned int o = 0; o <= 10; o++)
		free_xenheap_pages(va[o], o);

	for (unsigned int o = 0; o <= MAX_ORDER; o += 3) {
		struct page_info *pg = alloc_domheap_pages(fake_owner, o);
		volatile uint64_t *w;

		if (!pg && o > 9)
			continue; /* no block that large in a small machine */
		if (!pg)
			return -ENOMEM;
		if (page_get_owner(pg) != fake_owner ||
		    page_get_owner(pg + (1UL << o) - 1) != fake_owner)
			return -EINVAL;
		w = page_to_virt(pg + (1UL << o) - 1);
		w[0] = 0x5a5a5a5a;
		if (w[0] != 0x5a5a5a5a || virt_to_page((void *)w) != pg + (1UL << o) - 1)
			return -EIO;
		free_domheap_pages(pg, o);
	}
	for (unsigned int i = 0; i < 200; i++) {
		void *p = xmalloc_bytes(1 + (i * 37) % 5000);

		if (!p || !IS_ALIGNED((uintptr_t)p, 16))
			return -ENOMEM;
		xfree(p);
	}
	if (total_free_pages() != start) {
		pr_err("selftest mm: free pages %lu, expected %lu", total_free_pages(), start);
		return -EINVAL;
	}
	return 0;
}

SELFTEST(mm)
{
	uint32_t *lapic;
	int ret;

	ret = selftest_heap();
	if (ret)
		return ret;
	if ((ret = check_leaf(_start, PTE_P | PTE_G, PTE_W | PTE_NX, "text")) ||
	    (ret = check_leaf(_srodata, PTE_P | PTE_NX, PTE_W, "rodata")) ||
	    (ret = check_leaf(_sdata, PTE_P | PTE_W | PTE_NX, 0, "data")) ||
	    (ret = check_leaf((void *)((uintptr_t)_end - 1), PTE_P | PTE_W | PTE_NX, 0, "bss")) ||
	    (ret = check_leaf(maddr_to_virt(_paddr(LOW_RESERVED)), PTE_P | PTE_W | PTE_NX | PTE_G,
			      0, "direct map")) ||
	    (ret =
		 check_leaf(&frame_table[max_page - 1], PTE_P | PTE_W | PTE_NX, 0, "frame table")))
		return ret;
	/* The first 2 MiB-aligned RAM above the image should be one 2 MiB leaf. */
	for (unsigned int i = 0; i < nr_free_ranges; i++) {
		uint64_t s = ROUNDUP(free_ranges[i].s, SUPERPAGE_SIZE);
		unsigned int level;

		if (s + SUPERPAGE_SIZE > free_ranges[i].e)
			continue;
		if (!paging_lookup(idle_l4, _vaddr((uintptr_t)maddr_to_virt(_paddr(s))), &level) ||
		    level != 2) {
			pr_err("selftest mm: direct map of %#lx is not a 2 MiB page",
			       (unsigned long)s);
			return -EINVAL;
		}
		break;
	}
	/* The low identity map goes and comes back as asked, leaving it as it was. */
	{
		bool was_on = paging_lookup(idle_l4, _vaddr(0x1000), NULL) != NULL;

		paging_map_identity_low(false);
		if (paging_lookup(idle_l4, _vaddr(0x1000), NULL))
			return -EINVAL;
		paging_map_identity_low(true);
		if ((ret =
			 check_leaf((void *)0x1000, PTE_P | PTE_W, PTE_NX | PTE_G, "identity map")))
			return ret;
		paging_map_identity_low(was_on);
	}
	/* Boot modules: never heap frames, and intact: the byte sum lets the
	 * integration test compare with the file it passed. */
	for (unsigned int i = 0; i < boot_info.nr_modules; i++) {
		const struct boot_module *m = &boot_info.modules[i];
		const uint8_t *bytes = maddr_to_virt(m->start);
		uint64_t sum = 0;

		for (uint64_t pa = ROUNDDOWN(paddr_x(m->start), PAGE_SIZE);
		     pa < paddr_x(m->start) + m->size; pa += PAGE_SIZE)
			if (mfn_valid(_mfn(pa >> PAGE_SHIFT)) &&
			    (mfn_to_page(_mfn(pa >> PAGE_SHIFT))->count_info & PGC_heap)) {
				pr_err("selftest mm: module %u frame %#lx is in the heap", i,
				       (unsigned long)pa);
				return -EINVAL;
			}
		for (uint64_t b = 0; b < m->size; b++)
			sum += bytes[b];
		pr_info("selftest mm: module %u: %lu bytes, byte sum %lu", i,
			(unsigned long)m->size, (unsigned long)sum);
	}
	lapic = ioremap(_paddr(0xfee00000), PAGE_SIZE);
	if (!lapic || ioremap(_paddr(0xfee00000 + 0x30), 4) != (void *)((char *)lapic + 0x30))
		return -ENOMEM;
	if ((ret = check_leaf(lapic, PTE_P | PTE_W | PTE_PCD | PTE_PWT | PTE_NX, 0, "ioremap")))
		return ret;
	if (ioremap(_paddr(HV_PHYS_LOAD + 8), 16) != maddr_to_virt(_paddr(HV_PHYS_LOAD + 8))) {
		pr_err("selftest mm: ioremap of RAM is not its direct-map address");
		return -EINVAL;
	}
	/* The local APIC version register: a version of 0x10..0x15 for an integrated APIC. */
	if ((READ_ONCE(lapic[0x30 / 4]) & 0xf0) != 0x10) {
		pr_err("selftest mm: LAPIC version read %#x through ioremap", lapic[0x30 / 4]);
		return -EIO;
	}
	return 0;
}
