/*
 * Model-specific register numbers (and the bits of IA32_APIC_BASE), spelled
 * once for C and assembly. EFER's bits are in asm/x86-defns.h.
 *
 * Facts: Intel SDM vol. 4 (MSRs); AMD APM vol. 2 appendix A.
 */
#ifndef ASM_MSR_INDEX_H
#define ASM_MSR_INDEX_H

#include <asm/x86-defns.h>

#define MSR_TSC 0x00000010
#define MSR_APIC_BASE 0x0000001b
#define APIC_BASE_BSP X86_BIT(8)
#define APIC_BASE_EXTD X86_BIT(10) /* x2APIC mode */
#define APIC_BASE_ENABLE X86_BIT(11)
#define MSR_MTRR_CAP 0x000000fe
#define MSR_SYSENTER_CS 0x00000174
#define MSR_SYSENTER_ESP 0x00000175
#define MSR_SYSENTER_EIP 0x00000176
#define MSR_MCG_CAP 0x00000179
#define MSR_MCG_STATUS 0x0000017a
#define MSR_DEBUGCTL 0x000001d9
#define DEBUGCTL_LBR X86_BIT(0) /* last branch recording */
#define DEBUGCTL_BTF X86_BIT(1) /* single-step on branches */
#define MSR_PAT 0x00000277
#define MSR_MTRR_DEF_TYPE 0x000002ff
#define MSR_X2APIC_FIRST 0x00000800
#define MSR_X2APIC_LAST 0x000008ff
/* Xen's: the guest writes its hypercall page's address here (CPUID 0x40000002 EBX). */
#define MSR_XEN_HYPERCALL 0x40000000

#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SYSCALL_MASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_SHADOW_GS_BASE 0xc0000102 /* KERNEL_GS_BASE, swapped by SWAPGS */
#define MSR_TSC_AUX 0xc0000103	      /* what RDTSCP returns in ECX */

/* AMD */
#define MSR_K8_INT_PENDING_MSG 0xc0010055 /* interrupt-pending message (C1E) */
#define MSR_K8_VM_CR 0xc0010114
#define VM_CR_SVMDIS X86_BIT(4) /* SVM disabled by firmware */
#define MSR_K8_VM_HSAVE_PA 0xc0010117

#endif
