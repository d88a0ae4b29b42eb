/*
 * The hypervisor's virtual address space. The image and the direct map sit
 * in the upper half at Xen's addresses, leaving the lower half, and the top
 * 2 GiB where Linux PV kernels link, to guests.
 */
#ifndef ASM_LAYOUT_H
#define ASM_LAYOUT_H

#ifdef __ASSEMBLY__
#define _AC(x, suffix) x
#else
#define _AC(x, suffix) x##suffix
#endif

#define PAGE_SHIFT 12
#define PAGE_SIZE (_AC(1, UL) << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

/* The image: virtual = HV_VIRT_BASE + physical, for the first GiB. */
#define HV_VIRT_BASE _AC(0xffff82d040000000, UL)
#define HV_PHYS_LOAD _AC(0x200000, UL)

/* Every RAM frame: virtual = DIRECTMAP_BASE + physical (up to 4 TiB). */
#define DIRECTMAP_BASE _AC(0xffff830000000000, UL)
#define DIRECTMAP_SIZE (_AC(1, UL) << 42)

/* Frame table: one struct page_info per machine frame. */
#define FRAMETABLE_BASE _AC(0xffff82e000000000, UL)
#define FRAMETABLE_SIZE (_AC(1, UL) << 35)

/* Device MMIO (LAPIC, IOAPIC, HPET) mapped uncached on demand. */
#define IOREMAP_BASE _AC(0xffff82c000000000, UL)
#define IOREMAP_SIZE (_AC(1, UL) << 30)

#define STACK_ORDER 2
#define STACK_SIZE (PAGE_SIZE << STACK_ORDER)

#endif
