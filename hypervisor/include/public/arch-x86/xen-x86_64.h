/*
 * Tessera public ABI: x86-64 specific part (included by arch-x86/xen.h).
 *
 * Flat segment selectors a 64-bit PV guest uses, the fixed hypervisor hole in
 * a PV guest's address space, the saved register frame and the per-vCPU arch
 * words in vcpu_info.  Values and layouts follow Xen 4.17 (make test-abi).
 */
#include "xen.h" /* the arch header; it pulls in ../xen.h and then this file */

#ifndef TESSERA_PUBLIC_ARCH_X86_XEN_X86_64_H
#define TESSERA_PUBLIC_ARCH_X86_XEN_X86_64_H

/*
 * A 64-bit PV kernel runs in ring 3 next to its user space, so kernel and
 * user share the ring-3 flat selectors from the reserved GDT area.
 */
#define FLAT_RING3_CS64 0xe033
#define FLAT_RING3_CS32 0xe023
#define FLAT_RING3_DS64 0x0000
#define FLAT_RING3_DS32 0xe02b
#define FLAT_RING3_SS64 0xe02b
#define FLAT_RING3_SS32 0xe02b

#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_CS FLAT_KERNEL_CS64
#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_DS FLAT_KERNEL_DS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_SS FLAT_KERNEL_SS64
#define FLAT_USER_CS64 FLAT_RING3_CS64
#define FLAT_USER_CS32 FLAT_RING3_CS32
#define FLAT_USER_CS FLAT_USER_CS64
#define FLAT_USER_DS64 FLAT_RING3_DS64
#define FLAT_USER_DS32 FLAT_RING3_DS32
#define FLAT_USER_DS FLAT_USER_DS64
#define FLAT_USER_SS64 FLAT_RING3_SS64
#define FLAT_USER_SS32 FLAT_RING3_SS32
#define FLAT_USER_SS FLAT_USER_SS64

/* The range of every PV guest's address space that belongs to the hypervisor. */
#define __HYPERVISOR_VIRT_START 0xFFFF800000000000
#define __HYPERVISOR_VIRT_END 0xFFFF880000000000
/* Read-only machine-to-physical table mapped at the start of that hole. */
#define __MACH2PHYS_VIRT_START 0xFFFF800000000000
#define __MACH2PHYS_VIRT_END 0xFFFF804000000000

#ifndef HYPERVISOR_VIRT_START
#define HYPERVISOR_VIRT_START xen_mk_ulong(__HYPERVISOR_VIRT_START)
#define HYPERVISOR_VIRT_END xen_mk_ulong(__HYPERVISOR_VIRT_END)
#endif
#define MACH2PHYS_VIRT_START xen_mk_ulong(__MACH2PHYS_VIRT_START)
#define MACH2PHYS_VIRT_END xen_mk_ulong(__MACH2PHYS_VIRT_END)
/* One 8-byte entry per machine frame. */
#define MACH2PHYS_NR_ENTRIES ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)
#ifndef machine_to_phys_mapping
#define machine_to_phys_mapping ((unsigned long *)HYPERVISOR_VIRT_START)
#endif

/* Which base HYPERVISOR_set_segment_base changes. */
#define SEGBASE_FS 0
#define SEGBASE_GS_USER 1
#define SEGBASE_GS_KERNEL 2
#define SEGBASE_GS_USER_SEL 3

/* vcpu_guest_context.flags bit: the vCPU was inside a syscall entry. */
#define _VGCF_in_syscall 8
#define VGCF_in_syscall (1 << _VGCF_in_syscall)
#define VGCF_IN_SYSCALL VGCF_in_syscall

#ifndef __ASSEMBLY__

/* What HYPERVISOR_iret pops from the guest kernel stack (lowest address first). */
struct iret_context {
	uint64_t rax;
	uint64_t r11;
	uint64_t rcx;
	uint64_t flags;
	uint64_t rip;
	uint64_t cs;
	uint64_t rflags;
	uint64_t rsp;
	uint64_t ss;
};

/*
 * The guest-visible register frame.  Only the full-width names are given:
 * they need no anonymous unions, so the header stays valid ISO C99.
 */
struct cpu_user_regs {
	uint64_t r15;
	uint64_t r14;
	uint64_t r13;
	uint64_t r12;
	uint64_t rbp;
	uint64_t rbx;
	uint64_t r11;
	uint64_t r10;
	uint64_t r9;
	uint64_t r8;
	uint64_t rax;
	uint64_t rcx;
	uint64_t rdx;
	uint64_t rsi;
	uint64_t rdi;
	uint32_t error_code;
	uint32_t entry_vector; /* written by the hypervisor, ignored on input */
	uint64_t rip;
	uint16_t cs;
	uint16_t _pad0[1];
	uint8_t saved_upcall_mask;
	uint8_t _pad1[3];
	uint64_t rflags;
	uint64_t rsp;
	uint16_t ss;
	uint16_t _pad2[3];
	uint16_t es;
	uint16_t _pad3[3];
	uint16_t ds;
	uint16_t _pad4[3];
	uint16_t fs;
	uint16_t _pad5[3];
	uint16_t gs;
	uint16_t _pad6[3];
};
typedef struct cpu_user_regs cpu_user_regs_t;
DEFINE_XEN_GUEST_HANDLE(cpu_user_regs_t);

#define xen_pfn_to_cr3(pfn) ((unsigned long)(pfn) << 12)
#define xen_cr3_to_pfn(cr3) ((unsigned long)(cr3) >> 12)

/* Arch words inside every vcpu_info. */
struct arch_vcpu_info {
	unsigned long cr2; /* faulting address of the last #PF bounced to the guest */
	unsigned long pad;
};
typedef struct arch_vcpu_info arch_vcpu_info_t;

/* A PV callback is just the entry address on x86-64. */
typedef unsigned long xen_callback_t;

#endif /* !__ASSEMBLY__ */

#endif /* TESSERA_PUBLIC_ARCH_X86_XEN_X86_64_H */
