/*
 * The hypervisor's own 4-level page tables: walking, creating mappings
 * (4 KiB, or 2 MiB leaves where the caller allows and alignment permits),
 * and the switch from the boot tables to the final ones.
 *
 * Table pages are reached through the boot identity map before the switch
 * (they come from the boot allocator, below 4 GiB) and through the direct
 * map after it; new table pages then come from the xenheap.
 *
 * Locking: paging_lock (irqsave) serialises changes to the live tables
 * (ioremap, the low identity map). Lock order: docs/locking.md.
 */
#include <asm/page.h>
#include <asm/system.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/panic.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>

static DEFINE_SPINLOCK(paging_lock, LOCK_LEVEL_PAGING);
static bool tables_in_directmap;
unsigned long paging_nr_table_pages;
unsigned long paging_nr_leaves_4k, paging_nr_leaves_2m;

void *paging_table_va(paddr_t pa)
{
	if (tables_in_directmap)
		return maddr_to_virt(pa);
	ASSERT(paddr_x(pa) < (4UL << 30)); /* the boot tables identity-map the first 4 GiB */
	return (void *)(uintptr_t)paddr_x(pa);
}

/* A zeroed page for a table, or 0. */
static paddr_t table_alloc(void)
{
	paddr_t pa = _paddr(0);

	if (tables_in_directmap) {
		void *va = alloc_xenheap_pages(0);

		if (va)
			pa = virt_to_maddr(va);
	}
	if (!paddr_x(pa))
		pa = mm_boot_alloc_page();
	if (paddr_x(pa))
		paging_nr_table_pages++;
	return pa;
}

/* Split the 2 MiB leaf *e into a table of 512 4 KiB leaves with its attributes. */
static int split_superpage(pte_t *e)
{
	paddr_t l1 = table_alloc();
	pte_t *t;
	uint64_t flags = (*e & PTE_FLAGS_MASK) & ~PTE_PSE;
	uint64_t base = paddr_x(pte_addr(*e)) & ~(SUPERPAGE_SIZE - 1);

	if (!paddr_x(l1))
		return -ENOMEM;
	/* Bit 12 of a 2 MiB leaf is its PAT bit; it moves to bit 7 in 4 KiB leaves. */
	if (*e & (1UL << 12))
		flags |= PTE_PAT_4K;
	t = paging_table_va(l1);
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		t[i] = (base + ((uint64_t)i << L1_SHIFT)) | flags;
	*e = pte_make(l1, PTE_P | PTE_W | (flags & PTE_U));
	return 0;
}

/* The entry at level for va, creating tables above it; NULL on -ENOMEM. */
static pte_t *walk_create(paddr_t l4, vaddr_t va, unsigned int level)
{
	paddr_t table = l4;

	for (unsigned int l = 4; l > level; l--) {
		pte_t *e = (pte_t *)paging_table_va(table) + pt_index(va, l);

		if (!pte_present(*e)) {
			paddr_t n = table_alloc();

			if (!paddr_x(n))
				return NULL;
			*e = pte_make(n, PTE_P | PTE_W);
		} else if (pte_is_leaf(*e, l)) {
			/* Mapping 4 KiB inside a 2 MiB leaf: split it (1 GiB leaves are never
			 * made). */
			ASSERT(l == 2);
			if (split_superpage(e))
				return NULL;
		}
		table = pte_addr(*e);
	}
	return (pte_t *)paging_table_va(table) + pt_index(va, level);
}

int paging_map(paddr_t l4, vaddr_t va, paddr_t pa, unsigned long nr, uint64_t flags)
{
	bool allow_2m = flags & PAGING_ALLOW_2M;
	unsigned long irq;
	int ret = 0;

	flags &= ~PAGING_ALLOW_2M;
	ASSERT(IS_ALIGNED(vaddr_x(va), PAGE_SIZE) && IS_ALIGNED(paddr_x(pa), PAGE_SIZE));
	irq = spin_lock_irqsave(&paging_lock);
	while (nr) {
		pte_t *e;

		if (allow_2m && IS_ALIGNED(vaddr_x(va), SUPERPAGE_SIZE) &&
		    IS_ALIGNED(paddr_x(pa), SUPERPAGE_SIZE) && nr >= PT_ENTRIES) {
			e = walk_create(l4, va, 2);
			if (!e)
				goto nomem;
			/* A table replaced by a superpage is leaked: only boot-time maps do this.
			 */
			*e = pte_make(pa, flags | PTE_PSE);
			paging_nr_leaves_2m++;
			va = vaddr_add(va, SUPERPAGE_SIZE);
			pa = paddr_add(pa, SUPERPAGE_SIZE);
			nr -= PT_ENTRIES;
			continue;
		}
		e = walk_create(l4, va, 1);
		if (!e)
			goto nomem;
		*e = pte_make(pa, flags);
		paging_nr_leaves_4k++;
		va = vaddr_add(va, PAGE_SIZE);
		pa = paddr_add(pa, PAGE_SIZE);
		nr--;
	}
	goto out;
nomem:
	ret = -ENOMEM;
out:
	spin_unlock_irqrestore(&paging_lock, irq);
	return ret;
}

pte_t *paging_lookup(paddr_t l4, vaddr_t va, unsigned int *level)
{
	paddr_t table = l4;

	for (unsigned int l = 4; l >= 1; l--) {
		pte_t *e = (pte_t *)paging_table_va(table) + pt_index(va, l);

		if (!pte_present(*e))
			return NULL;
		if (l < 4 && pte_is_leaf(*e, l)) {
			if (level)
				*level = l;
			return e;
		}
		table = pte_addr(*e);
	}
	return NULL; /* not reached: level 1 entries are leaves */
}

int paging_prealloc_l3(paddr_t l4, vaddr_t va)
{
	pte_t *e = (pte_t *)paging_table_va(l4) + pt_index(va, 4);
	paddr_t n;

	if (pte_present(*e))
		return 0;
	n = table_alloc();
	if (!paddr_x(n))
		return -ENOMEM;
	*e = pte_make(n, PTE_P | PTE_W);
	return 0;
}

void paging_switch(paddr_t l4)
{
	write_cr4(read_cr4() | X86_CR4_PGE);
	write_cr3(paddr_x(l4));
	tables_in_directmap = true;
}

void flush_tlb_all_local(void)
{
	unsigned long flags = local_irq_save();
	uint64_t cr4 = read_cr4();

	write_cr4(cr4 & ~(uint64_t)X86_CR4_PGE);
	write_cr4(cr4 | X86_CR4_PGE);
	local_irq_restore(flags);
}
