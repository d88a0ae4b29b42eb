/*
 * Architectural x86 bit definitions, spelled once for C and assembly:
 * control registers, EFER, RFLAGS, and the packed segment attribute word
 * that VCPUOP_initialise contexts (public/hvm/hvm_vcpu.h) and the hardware
 * virtualization state use. MSR numbers are in asm/msr-index.h.
 *
 * Facts: Intel SDM vol. 3A 2.5 (control registers), 2.3 (EFLAGS), 3.4.5
 * (segment descriptors); AMD APM vol. 2 3.1 (CR0/CR4/EFER), 4.7-4.8.
 */
#ifndef ASM_X86_DEFNS_H
#define ASM_X86_DEFNS_H

/* Bit n as an unsigned long in C, a plain shift in assembly. */
#ifdef __ASSEMBLY__
#define X86_BIT(n) (1 << (n))
#else
#define X86_BIT(n) (1UL << (n))
#endif

/* CR0 */
#define X86_CR0_PE X86_BIT(0)  /* protection enable */
#define X86_CR0_MP X86_BIT(1)  /* monitor coprocessor */
#define X86_CR0_EM X86_BIT(2)  /* x87 emulation */
#define X86_CR0_TS X86_BIT(3)  /* task switched */
#define X86_CR0_ET X86_BIT(4)  /* extension type (always 1) */
#define X86_CR0_NE X86_BIT(5)  /* native x87 errors */
#define X86_CR0_WP X86_BIT(16) /* supervisor write protect */
#define X86_CR0_PG X86_BIT(31) /* paging */

/* CR4 */
#define X86_CR4_VME X86_BIT(0)
#define X86_CR4_PVI X86_BIT(1)
#define X86_CR4_TSD X86_BIT(2)
#define X86_CR4_DE X86_BIT(3)
#define X86_CR4_PSE X86_BIT(4)
#define X86_CR4_PAE X86_BIT(5) /* physical address extension */
#define X86_CR4_MCE X86_BIT(6)
#define X86_CR4_PGE X86_BIT(7) /* global pages */
#define X86_CR4_PCE X86_BIT(8)
#define X86_CR4_OSFXSR X86_BIT(9) /* FXSAVE/FXRSTOR and SSE */
#define X86_CR4_OSXMMEXCPT X86_BIT(10)
#define X86_CR4_UMIP X86_BIT(11)
#define X86_CR4_VMXE X86_BIT(13)
#define X86_CR4_FSGSBASE X86_BIT(16)
#define X86_CR4_PCIDE X86_BIT(17)
#define X86_CR4_OSXSAVE X86_BIT(18) /* XSAVE and XCR0 */
#define X86_CR4_SMEP X86_BIT(20)
#define X86_CR4_SMAP X86_BIT(21)
#define X86_CR4_PKE X86_BIT(22)

/* EFER (MSR_EFER) */
#define EFER_SCE X86_BIT(0)    /* SYSCALL/SYSRET */
#define EFER_LME X86_BIT(8)    /* long mode enable */
#define EFER_LMA X86_BIT(10)   /* long mode active (follows CR0.PG with LME) */
#define EFER_NXE X86_BIT(11)   /* no-execute pages */
#define EFER_SVME X86_BIT(12)  /* AMD SVM enable */
#define EFER_FFXSR X86_BIT(14) /* AMD fast FXSAVE/FXRSTOR */

/* RFLAGS */
#define X86_EFLAGS_MBS X86_BIT(1) /* reserved, always 1 */
#define X86_EFLAGS_TF X86_BIT(8)
#define X86_EFLAGS_IF X86_BIT(9)
#define X86_EFLAGS_DF X86_BIT(10)
#define X86_EFLAGS_IOPL (X86_BIT(12) | X86_BIT(13))
#define X86_EFLAGS_VM X86_BIT(17)

/*
 * The packed segment attribute word: descriptor bits 40-47 in bits 0-7 and
 * bits 52-55 in bits 8-11 (the layout of public/hvm/hvm_vcpu.h's *_ar).
 */
#define X86_SEG_AR_TYPE_MASK 0xf /* type; bit 0 accessed (busy for a TSS) */
#define X86_SEG_AR_S X86_BIT(4)	 /* code/data, not system */
#define X86_SEG_AR_DPL_SHIFT 5	 /* 2 bits */
#define X86_SEG_AR_P X86_BIT(7)	 /* present */
#define X86_SEG_AR_AVL X86_BIT(8)
#define X86_SEG_AR_L X86_BIT(9)	   /* 64-bit code */
#define X86_SEG_AR_DB X86_BIT(10)  /* default operand size 32 */
#define X86_SEG_AR_G X86_BIT(11)   /* 4 KiB granularity */
#define X86_SEG_AR_RESERVED 0xf000 /* bits 12-15: always zero */
/* The type field (X86_SEG_AR_TYPE_MASK). */
#define X86_SEG_TYPE_A 0x1	    /* code/data: accessed */
#define X86_SEG_TYPE_WR 0x2	    /* data: writable; code: readable */
#define X86_SEG_TYPE_CODE 0x8	    /* code, else data */
#define X86_SEG_TYPE_TSS_BUSY 0x2   /* system: the busy bit of a TSS */
#define X86_SEG_TYPE_TSS32_BUSY 0xb /* system: a busy 32-bit (or 64-bit) TSS */
/* Common encodings. */
#define X86_SEG_AR_CODE32 0xc9b	  /* G, D, P, S, type 11 (code, read, accessed) */
#define X86_SEG_AR_CODE64 0xa9b	  /* G, L, P, S, type 11 */
#define X86_SEG_AR_DATA32 0xc93	  /* G, D/B, P, S, type 3 (data, write, accessed) */
#define X86_SEG_AR_CODE16 0x9b	  /* P, S, type 11: real mode code */
#define X86_SEG_AR_DATA16 0x93	  /* P, S, type 3: real mode data */
#define X86_SEG_AR_TSS_BUSY 0x08b /* P, type 11 (busy 32-bit or 64-bit TSS) */
#define X86_SEG_AR_LDT 0x082	  /* P, type 2 */

#endif
