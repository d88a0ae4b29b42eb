/* Constants shared by the boot assembly and C: control bits and the boot GDT. */
#ifndef ASM_BOOT_H
#define ASM_BOOT_H

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

#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_TS (1 << 3)
#define CR0_NE (1 << 5)
#define CR0_WP (1 << 16)
#define CR0_PG 0x80000000

#define CR4_PAE (1 << 5)
#define CR4_PGE (1 << 7)
#define CR4_OSFXSR (1 << 9)

#define MSR_EFER 0xc0000080
#define EFER_SCE (1 << 0)
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define EFER_SVME (1 << 12)

#define BOOT_CS64 0x08
#define BOOT_DS 0x10

#endif
