/*
 * The page allocator (uk/mm.h): one bit per guest frame below 4 GiB (1 =
 * in use), built from start_info's memmap: RAM entries (type 1) become
 * free, minus the first MiB (BIOS areas, the PVH builder's low data), the
 * image (text to bss, which holds the boot page tables and stack), the
 * start_info page, the memmap, the command line and the modules with
 * their strings. Allocation is first fit over 2^order aligned runs,
 * starting at a rolling hint.
 *
 * Locking: interrupts off around the bitmap.
 */
#include <uk/hypercall.h>
#include <uk/kernel.h>
#include <public/memory.h>

#define MAX_PFNS (1UL << 20) /* 4 GiB: what head.S maps */
#define LOW_PFNS 256	     /* the first MiB */

static unsigned long bitmap[MAX_PFNS / 64];
static unsigned long max_pfn, nr_free, nr_total, hint;

extern char __image_start[], __image_end[]; /* uk.lds */

void page_alloc_init(const struct hvm_start_info *si); /* kernel/start.c */

static int pfn_used(unsigned long pfn)
{
	return (bitmap[pfn / 64] >> (pfn % 64)) & 1;
}

static void mark(unsigned long pfn, int used)
{
	if (used)
		bitmap[pfn / 64] |= 1UL << (pfn % 64);
	else
		bitmap[pfn / 64] &= ~(1UL << (pfn % 64));
}

/* Marks [start, end) bytes as in use (rounded out to whole frames). */
static void reserve(uint64_t start, uint64_t end)
{
	unsigned long pfn;

	for (pfn = start >> PAGE_SHIFT;
	     pfn < max_pfn && pfn < ((end + PAGE_SIZE - 1) >> PAGE_SHIFT); pfn++) {
		if (!pfn_used(pfn)) {
			mark(pfn, 1);
			nr_free--;
			nr_total--;
		}
	}
}

/* Frees the whole pages of one RAM range (below LOW_PFNS stays reserved). */
static void add_ram(uint64_t addr, uint64_t size)
{
	uint64_t s = (addr + PAGE_SIZE - 1) >> PAGE_SHIFT;
	uint64_t e = (addr + size) >> PAGE_SHIFT;
	unsigned long pfn;

	if (s < LOW_PFNS)
		s = LOW_PFNS;
	if (e > MAX_PFNS)
		e = MAX_PFNS;
	for (pfn = s; pfn < e; pfn++) {
		if (pfn_used(pfn)) {
			mark(pfn, 0);
			nr_free++;
			nr_total++;
		}
	}
	if (e > max_pfn)
		max_pfn = e;
}

/* An E820 entry as XENMEM_memory_map returns it (packed, 20 bytes). */
struct uk_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

/*
 * Without a memmap in start_info (version 0, as Xen 4.17 gives a PVH dom0),
 * ask the hypervisor: XENMEM_memory_map returns the domain's E820.
 */
static void add_ram_from_hypervisor(void)
{
	static struct uk_e820_entry map[128];
	struct xen_memory_map arg = {.nr_entries = 128};

	set_xen_guest_handle(arg.buffer, map);
	if (HYPERVISOR_memory_op(XENMEM_memory_map, &arg) < 0)
		return;
	for (uint32_t i = 0; i < arg.nr_entries && i < 128; i++)
		if (map[i].type == XEN_HVM_MEMMAP_TYPE_RAM)
			add_ram(map[i].addr, map[i].size);
}

void page_alloc_init(const struct hvm_start_info *si)
{
	const struct hvm_memmap_table_entry *mm;
	const struct hvm_modlist_entry *mods;
	uint32_t i;

	memset(bitmap, 0xff, sizeof(bitmap));
	if (si->version >= 1 && si->memmap_paddr && si->memmap_paddr < (1ULL << 32) &&
	    si->memmap_entries) {
		mm = (const void *)(unsigned long)si->memmap_paddr;
		for (i = 0; i < si->memmap_entries; i++)
			if (mm[i].type == XEN_HVM_MEMMAP_TYPE_RAM)
				add_ram(mm[i].addr, mm[i].size);
		reserve(si->memmap_paddr, si->memmap_paddr + si->memmap_entries * sizeof(*mm));
	} else {
		add_ram_from_hypervisor();
	}
	reserve((unsigned long)__image_start, (unsigned long)__image_end);
	reserve((unsigned long)si, (unsigned long)si + sizeof(*si));
	if (si->cmdline_paddr)
		reserve(si->cmdline_paddr, si->cmdline_paddr + 4096);
	if (si->nr_modules && si->modlist_paddr && si->modlist_paddr < (1ULL << 32)) {
		mods = (const void *)(unsigned long)si->modlist_paddr;
		reserve(si->modlist_paddr, si->modlist_paddr + si->nr_modules * sizeof(*mods));
		for (i = 0; i < si->nr_modules; i++) {
			reserve(mods[i].paddr, mods[i].paddr + mods[i].size);
			if (mods[i].cmdline_paddr)
				reserve(mods[i].cmdline_paddr, mods[i].cmdline_paddr + 4096);
		}
	}
	hint = LOW_PFNS;
}

static int run_free(unsigned long pfn, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		if (pfn_used(pfn + i))
			return 0;
	return 1;
}

void *page_alloc(unsigned int order)
{
	unsigned long n = 1UL << order, pfn, tries, flags, i;
	void *p = NULL;

	if (order > 10)
		return NULL;
	flags = irq_save();
	pfn = (hint + n - 1) & ~(n - 1);
	for (tries = 0; tries < max_pfn / n + 1; tries++, pfn += n) {
		if (pfn + n > max_pfn)
			pfn = 0;
		if (run_free(pfn, n)) {
			for (i = 0; i < n; i++)
				mark(pfn + i, 1);
			nr_free -= n;
			hint = pfn + n;
			p = gfn_to_virt(pfn);
			break;
		}
	}
	irq_restore(flags);
	if (p)
		memset(p, 0, n * PAGE_SIZE);
	return p;
}

void page_free(void *p, unsigned int order)
{
	unsigned long pfn = virt_to_gfn(p), n = 1UL << order, i, flags;

	if (!p)
		return;
	if (((unsigned long)p & (PAGE_SIZE - 1)) || pfn + n > max_pfn)
		uk_panic("page_free(%p, %u): not an allocated page", p, order);
	flags = irq_save();
	for (i = 0; i < n; i++) {
		if (!pfn_used(pfn + i))
			uk_panic("page_free(%p, %u): frame 0x%lx already free", p, order, pfn + i);
		mark(pfn + i, 0);
	}
	nr_free += n;
	irq_restore(flags);
}

unsigned long page_free_count(void)
{
	return nr_free;
}

unsigned long page_total_count(void)
{
	return nr_total;
}
