/*
 * x86-64 4-level page-table entries and the hypervisor's page-table
 * helpers (paging.c). The PTE_P..PTE_G bits come from asm/boot.h, shared
 * with the boot assembly.
 */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <asm/boot.h>
#include <asm/layout.h>
#include <tessera/types.h>

typedef uint64_t pte_t;

#define PTE_NX (1UL << 63)
#define PTE_PAT_4K (1UL << 7)
#define PTE_ADDR_MASK 0x000ffffffffff000UL
#define PTE_FLAGS_MASK (~PTE_ADDR_MASK)

#define PT_ENTRIES 512
#define L1_SHIFT 12
#define L2_SHIFT 21
#define L3_SHIFT 30
#define L4_SHIFT 39
#define SUPERPAGE_SIZE (1UL << L2_SHIFT)

static inline unsigned int pt_index(vaddr_t va, unsigned int level)
{
	return (unsigned int)(vaddr_x(va) >> (L1_SHIFT + 9 * (level - 1))) & (PT_ENTRIES - 1);
}
static inline paddr_t pte_addr(pte_t e)
{
	return _paddr(e & PTE_ADDR_MASK);
}
/* An entry pointing at pa (a table or a frame) with flags. */
static inline pte_t pte_make(paddr_t pa, uint64_t flags)
{
	return paddr_x(pa) | flags;
}
static inline bool pte_present(pte_t e)
{
	return e & PTE_P;
}
/* A leaf: level 1, or a PSE entry at level 2 or 3. */
static inline bool pte_is_leaf(pte_t e, unsigned int level)
{
	return level == 1 || (e & PTE_PSE);
}

/* Mapping attributes for the hypervisor's own mappings. */
#define PAGE_HV_RX (PTE_P | PTE_G)
#define PAGE_HV_RO (PTE_P | PTE_G | PTE_NX)
#define PAGE_HV_RW (PTE_P | PTE_W | PTE_G | PTE_NX)
#define PAGE_HV_UC (PTE_P | PTE_W | PTE_G | PTE_NX | PTE_PCD | PTE_PWT)
/* Flag for paging_map() only (never stored): use 2 MiB leaves where aligned. */
#define PAGING_ALLOW_2M PTE_PSE

/*
 * Map nr 4 KiB pages va -> pa in the table rooted at l4 (physical), creating
 * intermediate tables (present, writable, executable, supervisor) as needed.
 * Returns 0 or -ENOMEM. Existing leaves are overwritten; the caller flushes
 * the TLB when it replaces a live mapping.
 */
int paging_map(paddr_t l4, vaddr_t va, paddr_t pa, unsigned long nr, uint64_t flags);
/* The leaf entry mapping va, with its level (1..3), or NULL if unmapped. */
pte_t *paging_lookup(paddr_t l4, vaddr_t va, unsigned int *level);
/* Make sure the L3 table under L4 slot of va exists (so later mappings there
 * need not touch the L4, which guests' tables copy). Returns 0 or -ENOMEM. */
int paging_prealloc_l3(paddr_t l4, vaddr_t va);
/* A page-table page's contents: identity before the switch, direct map after. */
void *paging_table_va(paddr_t pa);
/* Load CR3 with the table at l4 and from then on reach tables through the
 * direct map and take new table pages from the xenheap. */
void paging_switch(paddr_t l4);
/* Reload CR4.PGE: flushes every TLB entry on this CPU, global ones too. */
void flush_tlb_all_local(void);
static inline void flush_tlb_one_local(vaddr_t va)
{
	__asm__ __volatile__("invlpg (%0)" ::"r"(va) : "memory");
}
/* Number of page-table pages paging_map() has allocated (for the boot summary). */
extern unsigned long paging_nr_table_pages;
/* Leaves paging_map() has written, by size (for the boot summary). */
extern unsigned long paging_nr_leaves_4k, paging_nr_leaves_2m;

/* The boot allocator (mm.c): one zeroed page below 4 GiB, or 0 when exhausted. */
paddr_t mm_boot_alloc_page(void);

#endif
