/* Constants shared by the boot assembly and C: page-table bits and the boot GDT
 * (control register, EFER and MSR bits: asm/x86-defns.h, asm/msr-index.h). */
#ifndef ASM_BOOT_H
#define ASM_BOOT_H

#include <asm/msr-index.h>
#include <asm/x86-defns.h>

#define PTE_P (1 << 0)
#define PTE_W (1 << 1)
#define PTE_U (1 << 2)
#define PTE_PWT (1 << 3)
#define PTE_PCD (1 << 4)
#define PTE_A (1 << 5)
#define PTE_D (1 << 6)
#define PTE_PSE (1 << 7)
#define PTE_G (1 << 8)

#define L4_INDEX(va) ((((va) >> 39) & 511))
#define L3_INDEX(va) ((((va) >> 30) & 511))

#define BOOT_CS64 0x08
#define BOOT_DS 0x10

#endif
