/*
 * Tessera public ABI: initial register state of an HVM/PVH vCPU, the
 * VCPUOP_initialise argument for those guests.  Segments are flat with the
 * given base/limit/attributes.  Follows Xen 4.17 (make test-abi).
 */
#ifndef TESSERA_PUBLIC_HVM_HVM_VCPU_H
#define TESSERA_PUBLIC_HVM_HVM_VCPU_H

#include "../xen.h"

/* Start in 32-bit protected mode (paging per cr0/cr3/cr4). */
struct vcpu_hvm_x86_32 {
	uint32_t eax;
	uint32_t ecx;
	uint32_t edx;
	uint32_t ebx;
	uint32_t esp;
	uint32_t ebp;
	uint32_t esi;
	uint32_t edi;
	uint32_t eip;
	uint32_t eflags;
	uint32_t cr0;
	uint32_t cr3;
	uint32_t cr4;
	uint32_t pad1;
	uint64_t efer;
	uint32_t cs_base;
	uint32_t ds_base;
	uint32_t ss_base;
	uint32_t es_base;
	uint32_t tr_base;
	uint32_t cs_limit;
	uint32_t ds_limit;
	uint32_t ss_limit;
	uint32_t es_limit;
	uint32_t tr_limit;
	uint16_t cs_ar; /* packed attribute bits (descriptor bits 40-47, 52-55) */
	uint16_t ds_ar;
	uint16_t ss_ar;
	uint16_t es_ar;
	uint16_t tr_ar;
	uint16_t pad2[3];
};
typedef struct vcpu_hvm_x86_32 xen_vcpu_hvm_x86_32_t;

/* Start in 64-bit mode with flat segments. */
struct vcpu_hvm_x86_64 {
	uint64_t rax;
	uint64_t rcx;
	uint64_t rdx;
	uint64_t rbx;
	uint64_t rsp;
	uint64_t rbp;
	uint64_t rsi;
	uint64_t rdi;
	uint64_t rip;
	uint64_t rflags;
	uint64_t cr0;
	uint64_t cr3;
	uint64_t cr4;
	uint64_t efer;
};
typedef struct vcpu_hvm_x86_64 xen_vcpu_hvm_x86_64_t;

#define VCPU_HVM_MODE_32B 0
#define VCPU_HVM_MODE_64B 1
struct vcpu_hvm_context {
	uint32_t mode; /* VCPU_HVM_MODE_*: which member of cpu_regs is used */
	uint32_t pad;
	union {
		xen_vcpu_hvm_x86_32_t x86_32;
		xen_vcpu_hvm_x86_64_t x86_64;
	} cpu_regs;
};
typedef struct vcpu_hvm_context vcpu_hvm_context_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_hvm_context_t);

#endif /* TESSERA_PUBLIC_HVM_HVM_VCPU_H */
