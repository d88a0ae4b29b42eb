/*
 * Tessera public ABI: x86 part of xen.h.
 *
 * Guest handles, frame and word types, the PV trap table entry and the PV
 * vCPU context that VCPUOP_initialise takes.  Only x86-64 guests are
 * described.  Layouts follow Xen 4.17 (checked by make test-abi).
 */
#include "../xen.h" /* either header may be included first */

#ifndef TESSERA_PUBLIC_ARCH_X86_XEN_H
#define TESSERA_PUBLIC_ARCH_X86_XEN_H

#if !defined(__x86_64__)
#error "Tessera's public headers describe the x86-64 ABI only"
#endif

/*
 * A guest handle wraps a guest-virtual pointer in a one-member struct so that
 * hypervisor code cannot dereference it by accident; it has the size and
 * alignment of a pointer.  Each handle type comes with a const twin.
 */
#define ___DEFINE_XEN_GUEST_HANDLE(name, type)                                                     \
	typedef struct {                                                                           \
		type *p;                                                                           \
	} __guest_handle_##name
#define __DEFINE_XEN_GUEST_HANDLE(name, type)                                                      \
	___DEFINE_XEN_GUEST_HANDLE(name, type);                                                    \
	___DEFINE_XEN_GUEST_HANDLE(const_##name, const type)
#define DEFINE_XEN_GUEST_HANDLE(name) __DEFINE_XEN_GUEST_HANDLE(name, name)
#define __XEN_GUEST_HANDLE(name) __guest_handle_##name
#define XEN_GUEST_HANDLE(name) __XEN_GUEST_HANDLE(name)
#define XEN_GUEST_HANDLE_PARAM(name) XEN_GUEST_HANDLE(name)
#define set_xen_guest_handle_raw(hnd, val)                                                         \
	do {                                                                                       \
		(hnd).p = (val);                                                                   \
	} while (0)
#define set_xen_guest_handle(hnd, val) set_xen_guest_handle_raw(hnd, val)

#include "xen-x86_64.h"

#ifndef __ASSEMBLY__
typedef unsigned long xen_pfn_t; /* a frame number: machine (PV) or guest (PVH/HVM) */
#define PRI_xen_pfn "lx"
#define PRIu_xen_pfn "lu"
#endif

/* PV guests exist on x86; their upcalls can be masked in vcpu_info. */
#define XEN_HAVE_PV_GUEST_ENTRY 1
#define XEN_HAVE_PV_UPCALL_MASK 1

/* GDT pages from this index on hold the hypervisor's own descriptors. */
#define FIRST_RESERVED_GDT_PAGE 14
#define FIRST_RESERVED_GDT_BYTE (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_BYTE / 8)

/* vCPUs whose vcpu_info lives inside shared_info (more need VCPUOP_register_vcpu_info). */
#define XEN_LEGACY_MAX_VCPUS 32

#ifndef __ASSEMBLY__

typedef unsigned long xen_ulong_t; /* a native word as seen by the guest */
#define PRI_xen_ulong "lx"

/*
 * One entry of the table passed to HYPERVISOR_set_trap_table; the list ends
 * with an entry whose address is 0.  flags: bits 0-1 = DPL allowed to raise
 * the vector with int $n, bit 2 = clear the event mask on entry.
 */
struct trap_info {
	uint8_t vector;
	uint8_t flags;
	uint16_t cs;
	unsigned long address;
};
typedef struct trap_info trap_info_t;
DEFINE_XEN_GUEST_HANDLE(trap_info_t);

#define TI_GET_DPL(_ti) ((_ti)->flags & 3)
#define TI_GET_IF(_ti) ((_ti)->flags & 4)
#define TI_SET_DPL(_ti, _dpl) ((_ti)->flags |= (_dpl))
#define TI_SET_IF(_ti, _if) ((_ti)->flags |= ((!!(_if)) << 2))

typedef uint64_t tsc_timestamp_t;

/* vcpu_guest_context.flags */
#define _VGCF_i387_valid 0
#define VGCF_i387_valid (1 << _VGCF_i387_valid)
#define VGCF_I387_VALID VGCF_i387_valid
#define _VGCF_in_kernel 2
#define VGCF_in_kernel (1 << _VGCF_in_kernel)
#define VGCF_IN_KERNEL VGCF_in_kernel
#define _VGCF_failsafe_disables_events 3
#define VGCF_failsafe_disables_events (1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events 4
#define VGCF_syscall_disables_events (1 << _VGCF_syscall_disables_events)
#define _VGCF_online 5
#define VGCF_online (1 << _VGCF_online)

/*
 * Full state of a PV vCPU: VCPUOP_initialise input and the domctl
 * get/set-context payload.
 */
struct vcpu_guest_context {
	struct {
		char x[512];
	} fpu_ctxt;	     /* FXSAVE image */
	unsigned long flags; /* VGCF_* */
	struct cpu_user_regs user_regs;
	struct trap_info trap_ctxt[256]; /* indexed by vector */
	unsigned long ldt_base;
	unsigned long ldt_ents;
	unsigned long gdt_frames[16];
	unsigned long gdt_ents;
	unsigned long kernel_ss; /* stack used on a ring-3 -> kernel switch */
	unsigned long kernel_sp;
	unsigned long ctrlreg[8]; /* cr3 holds a frame number, see xen_pfn_to_cr3 */
	unsigned long debugreg[8];
	unsigned long event_callback_eip;
	unsigned long failsafe_callback_eip;
	unsigned long syscall_callback_eip;
	unsigned long vm_assist; /* VMASST_TYPE_* bits */
	uint64_t fs_base;
	uint64_t gs_base_kernel;
	uint64_t gs_base_user;
};
typedef struct vcpu_guest_context vcpu_guest_context_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_guest_context_t);

/* Arch part of shared_info: where a PV guest publishes its physical-to-machine map. */
struct arch_shared_info {
	unsigned long max_pfn;		      /* highest pfn + 1 of the p2m */
	xen_pfn_t pfn_to_mfn_frame_list_list; /* root of the 3-level frame list */
	unsigned long nmi_reason;
	unsigned long p2m_cr3; /* virtually mapped p2m, if used */
	unsigned long p2m_vaddr;
	unsigned long p2m_generation; /* bumped around every p2m change */
};
typedef struct arch_shared_info arch_shared_info_t;

/* One CPUID leaf of a domain policy. */
typedef struct xen_cpuid_leaf {
#define XEN_CPUID_NO_SUBLEAF 0xffffffffu
	uint32_t leaf;
	uint32_t subleaf;
	uint32_t a;
	uint32_t b;
	uint32_t c;
	uint32_t d;
} xen_cpuid_leaf_t;
DEFINE_XEN_GUEST_HANDLE(xen_cpuid_leaf_t);

/* One MSR of a domain policy. */
typedef struct xen_msr_entry {
	uint32_t idx;
	uint32_t flags; /* reserved, zero */
	uint64_t val;
} xen_msr_entry_t;
DEFINE_XEN_GUEST_HANDLE(xen_msr_entry_t);

#endif /* !__ASSEMBLY__ */

/*
 * A PV guest prefixes an instruction with these bytes (ud2; .ascii "xen") to
 * have the hypervisor emulate it, e.g. to see the filtered CPUID.
 */
#ifdef __ASSEMBLY__
#define XEN_EMULATE_PREFIX .byte 0x0f, 0x0b, 0x78, 0x65, 0x6e;
#define XEN_CPUID XEN_EMULATE_PREFIX cpuid
#else
#define XEN_EMULATE_PREFIX ".byte 0x0f,0x0b,0x78,0x65,0x6e ; "
#define XEN_CPUID XEN_EMULATE_PREFIX "cpuid"
#endif

/* Byte-wide debug console port offered to HVM/PVH guests. */
#define XEN_HVM_DEBUGCONS_IOPORT 0xe9

#endif /* TESSERA_PUBLIC_ARCH_X86_XEN_H */
