/*
 * Tessera public ABI: the core of the guest interface.
 *
 * Hypercall numbers, domain ids, the PV page-table update records, the
 * shared_info page and per-vCPU vcpu_info, the PV start_info page, and the
 * small enumerations that go with them (VIRQs, console_io, vm_assist).
 *
 * Tessera writes these headers itself; names, values and layouts are those
 * of Xen 4.17 so that guests and tools built for Xen work unchanged.
 * `make test-abi` compiles them next to Xen's headers and compares every
 * size, offset and value (see docs/abi.md).  Every component puts
 * hypervisor/include on its include path and writes <public/xen.h>: putting
 * public/ itself on the path would let features.h shadow the C library's.
 */
#ifndef TESSERA_PUBLIC_XEN_H
#define TESSERA_PUBLIC_XEN_H

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

#include "xen-compat.h"
#include "arch-x86/xen.h"

#ifndef __ASSEMBLY__

/* Guest handles of the basic types. */
DEFINE_XEN_GUEST_HANDLE(char);
__DEFINE_XEN_GUEST_HANDLE(uchar, unsigned char);
DEFINE_XEN_GUEST_HANDLE(int);
__DEFINE_XEN_GUEST_HANDLE(uint, unsigned int);
DEFINE_XEN_GUEST_HANDLE(void);
DEFINE_XEN_GUEST_HANDLE(uint64_t);
DEFINE_XEN_GUEST_HANDLE(xen_pfn_t);
DEFINE_XEN_GUEST_HANDLE(xen_ulong_t);
__DEFINE_XEN_GUEST_HANDLE(uint8, uint8_t);
__DEFINE_XEN_GUEST_HANDLE(uint16, uint16_t);
__DEFINE_XEN_GUEST_HANDLE(uint32, uint32_t);
__DEFINE_XEN_GUEST_HANDLE(uint64, uint64_t);

/*
 * Dimension of a trailing variable-length array.  Such members are always
 * written `__extension__ T name[XEN_FLEX_ARRAY_DIM]` so that strict C99 and
 * C++ compilers accept them (C++ has no flexible array members).
 */
#ifdef __cplusplus
#define XEN_FLEX_ARRAY_DIM 0
#else
#define XEN_FLEX_ARRAY_DIM
#endif

/* Typed integer literals that also work in assembly. */
#define __xen_mk_uint(x) x##U
#define __xen_mk_ulong(x) x##UL
#ifndef __xen_mk_ullong
#define __xen_mk_ullong(x) x##ULL
#endif
#define xen_mk_uint(x) __xen_mk_uint(x)
#define xen_mk_ulong(x) __xen_mk_ulong(x)
#define xen_mk_ullong(x) __xen_mk_ullong(x)

#else /* __ASSEMBLY__ */

#define xen_mk_uint(x) x
#define xen_mk_ulong(x) x
#define xen_mk_ullong(x) x

#endif /* __ASSEMBLY__ */

/*
 * Hypercall numbers (the index into the hypercall page / the value in rax).
 * Number 11 was never assigned; 43-47 are free; 48-55 belong to the arch.
 */
#define __HYPERVISOR_set_trap_table 0
#define __HYPERVISOR_mmu_update 1
#define __HYPERVISOR_set_gdt 2
#define __HYPERVISOR_stack_switch 3
#define __HYPERVISOR_set_callbacks 4
#define __HYPERVISOR_fpu_taskswitch 5
#define __HYPERVISOR_sched_op_compat 6 /* superseded by sched_op */
#define __HYPERVISOR_platform_op 7
#define __HYPERVISOR_set_debugreg 8
#define __HYPERVISOR_get_debugreg 9
#define __HYPERVISOR_update_descriptor 10
#define __HYPERVISOR_memory_op 12
#define __HYPERVISOR_multicall 13
#define __HYPERVISOR_update_va_mapping 14
#define __HYPERVISOR_set_timer_op 15
#define __HYPERVISOR_event_channel_op_compat 16 /* superseded by event_channel_op */
#define __HYPERVISOR_xen_version 17
#define __HYPERVISOR_console_io 18
#define __HYPERVISOR_physdev_op_compat 19 /* superseded by physdev_op */
#define __HYPERVISOR_grant_table_op 20
#define __HYPERVISOR_vm_assist 21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret 23
#define __HYPERVISOR_vcpu_op 24
#define __HYPERVISOR_set_segment_base 25
#define __HYPERVISOR_mmuext_op 26
#define __HYPERVISOR_xsm_op 27
#define __HYPERVISOR_nmi_op 28
#define __HYPERVISOR_sched_op 29
#define __HYPERVISOR_callback_op 30
#define __HYPERVISOR_xenoprof_op 31
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_physdev_op 33
#define __HYPERVISOR_hvm_op 34
#define __HYPERVISOR_sysctl 35
#define __HYPERVISOR_domctl 36
#define __HYPERVISOR_kexec_op 37
#define __HYPERVISOR_tmem_op 38
#define __HYPERVISOR_argo_op 39
#define __HYPERVISOR_xenpmu_op 40
#define __HYPERVISOR_dm_op 41
#define __HYPERVISOR_hypfs_op 42
#define __HYPERVISOR_arch_0 48
#define __HYPERVISOR_arch_1 49
#define __HYPERVISOR_arch_2 50
#define __HYPERVISOR_arch_3 51
#define __HYPERVISOR_arch_4 52
#define __HYPERVISOR_arch_5 53
#define __HYPERVISOR_arch_6 54
#define __HYPERVISOR_arch_7 55

/*
 * Virtual interrupts, bound to event channels with EVTCHNOP_bind_virq.
 * Some are per vCPU (TIMER, DEBUG, XENOPROF, XENPMU), the rest global.
 */
#define VIRQ_TIMER 0	/* per-vCPU timer tick / singleshot expiry */
#define VIRQ_DEBUG 1	/* debug key pressed on the hypervisor console */
#define VIRQ_CONSOLE 2	/* input on the hypervisor console (privileged) */
#define VIRQ_DOM_EXC 3	/* a domain shut down or died (privileged) */
#define VIRQ_TBUF 4	/* trace buffers need draining */
#define VIRQ_DEBUGGER 6 /* a domain hit a debugger trap */
#define VIRQ_XENOPROF 7
#define VIRQ_CON_RING 8	  /* the hypervisor's console ring has new text */
#define VIRQ_PCPU_STATE 9 /* a physical CPU changed state */
#define VIRQ_MEM_EVENT 10
#define VIRQ_ARGO 11
#define VIRQ_ENOMEM 12 /* the hypervisor is low on memory */
#define VIRQ_XENPMU 13
#define VIRQ_ARCH_0 16
#define VIRQ_ARCH_1 17
#define VIRQ_ARCH_2 18
#define VIRQ_ARCH_3 19
#define VIRQ_ARCH_4 20
#define VIRQ_ARCH_5 21
#define VIRQ_ARCH_6 22
#define VIRQ_ARCH_7 23
#define NR_VIRQS 24

/*
 * HYPERVISOR_mmu_update: the low 2 bits of mmu_update.ptr select the
 * command, the rest is the machine address of the PTE (or the frame).
 */
#define MMU_NORMAL_PT_UPDATE 0	    /* *ptr = val, after validation */
#define MMU_MACHPHYS_UPDATE 1	    /* m2p[ptr >> PAGE_SHIFT] = val */
#define MMU_PT_UPDATE_PRESERVE_AD 2 /* like 0, keeping the A/D bits */
#define MMU_PT_UPDATE_NO_TRANSLATE 3

/* HYPERVISOR_mmuext_op commands. */
#define MMUEXT_PIN_L1_TABLE 0
#define MMUEXT_PIN_L2_TABLE 1
#define MMUEXT_PIN_L3_TABLE 2
#define MMUEXT_PIN_L4_TABLE 3
#define MMUEXT_UNPIN_TABLE 4
#define MMUEXT_NEW_BASEPTR 5
#define MMUEXT_TLB_FLUSH_LOCAL 6
#define MMUEXT_INVLPG_LOCAL 7
#define MMUEXT_TLB_FLUSH_MULTI 8
#define MMUEXT_INVLPG_MULTI 9
#define MMUEXT_TLB_FLUSH_ALL 10
#define MMUEXT_INVLPG_ALL 11
#define MMUEXT_FLUSH_CACHE 12
#define MMUEXT_SET_LDT 13
#define MMUEXT_NEW_USER_BASEPTR 15
#define MMUEXT_CLEAR_PAGE 16
#define MMUEXT_COPY_PAGE 17
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER 19
#define MMUEXT_UNMARK_SUPER 20

#ifndef __ASSEMBLY__
struct mmuext_op {
	unsigned int cmd; /* MMUEXT_* */
	union {
		xen_pfn_t mfn;		   /* pin/unpin, new baseptr, clear/copy page */
		unsigned long linear_addr; /* invlpg, set_ldt */
	} arg1;
	union {
		unsigned int nr_ents;		       /* set_ldt */
		XEN_GUEST_HANDLE(const_void) vcpumask; /* *_MULTI */
		xen_pfn_t src_mfn;		       /* copy_page */
	} arg2;
};
typedef struct mmuext_op mmuext_op_t;
DEFINE_XEN_GUEST_HANDLE(mmuext_op_t);
#endif

/* HYPERVISOR_update_va_mapping flags: flush type in bits 0-1, scope in bit 2. */
#define UVMF_NONE (xen_mk_ulong(0) << 0)
#define UVMF_TLB_FLUSH (xen_mk_ulong(1) << 0)
#define UVMF_INVLPG (xen_mk_ulong(2) << 0)
#define UVMF_FLUSHTYPE_MASK (xen_mk_ulong(3) << 0)
#define UVMF_MULTI (xen_mk_ulong(0) << 2) /* with a vCPU mask pointer */
#define UVMF_LOCAL (xen_mk_ulong(0) << 2)
#define UVMF_ALL (xen_mk_ulong(1) << 2)

/* HYPERVISOR_console_io commands. */
#define CONSOLEIO_write 0
#define CONSOLEIO_read 1

/* HYPERVISOR_vm_assist: commands and the assists a PV guest can switch on. */
#define VMASST_CMD_enable 0
#define VMASST_CMD_disable 1
#define VMASST_TYPE_4gb_segments 0
#define VMASST_TYPE_4gb_segments_notify 1
#define VMASST_TYPE_writable_pagetables 2
#define VMASST_TYPE_pae_extended_cr3 3
#define VMASST_TYPE_architectural_iopl 4
#define VMASST_TYPE_runstate_update_flag 5
#define VMASST_TYPE_m2p_strict 32

/*
 * Domain ids from DOMID_FIRST_RESERVED up never name a real domain; they
 * are pseudo-domains understood by particular hypercalls.
 */
#define DOMID_FIRST_RESERVED xen_mk_uint(0x7FF0)
#define DOMID_SELF xen_mk_uint(0x7FF0) /* the caller */
#define DOMID_IO xen_mk_uint(0x7FF1)   /* owner of I/O memory */
#define DOMID_XEN xen_mk_uint(0x7FF2)  /* owner of hypervisor pages */
#define DOMID_COW xen_mk_uint(0x7FF3)  /* owner of shared copy-on-write pages */
#define DOMID_INVALID xen_mk_uint(0x7FF4)
#define DOMID_IDLE xen_mk_uint(0x7FFF)
#define DOMID_MASK xen_mk_uint(0x7FFF)

#ifndef __ASSEMBLY__

typedef uint16_t domid_t;

/* One HYPERVISOR_mmu_update request: command in ptr's low bits. */
struct mmu_update {
	uint64_t ptr;
	uint64_t val;
};
typedef struct mmu_update mmu_update_t;
DEFINE_XEN_GUEST_HANDLE(mmu_update_t);

/* One element of a HYPERVISOR_multicall batch; result is written back. */
struct multicall_entry {
	xen_ulong_t op;
	xen_ulong_t result;
	xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;
DEFINE_XEN_GUEST_HANDLE(multicall_entry_t);

/*
 * Per-vCPU time base.  The guest computes
 *   system_time + ((tsc - tsc_timestamp) scaled by tsc_shift, then
 *   multiplied by tsc_to_system_mul / 2^32)
 * and retries while version is odd or changed during the read.
 */
struct vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp; /* TSC when system_time was sampled */
	uint64_t system_time;	/* ns since the domain's time origin */
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags; /* XEN_PVCLOCK_* */
	uint8_t pad1[2];
};
typedef struct vcpu_time_info vcpu_time_info_t;

#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED (1 << 1)

/* Per-vCPU event and time state; the first 32 live in shared_info. */
struct vcpu_info {
	uint8_t evtchn_upcall_pending;	/* set by the hypervisor, cleared by the guest */
	uint8_t evtchn_upcall_mask;	/* PV: nonzero blocks upcalls */
	xen_ulong_t evtchn_pending_sel; /* 2-level: which evtchn_pending words to scan */
	struct arch_vcpu_info arch;
	vcpu_time_info_t time;
};
typedef struct vcpu_info vcpu_info_t;

/* The page every domain can map: event bitmaps, wallclock, legacy vcpu_infos. */
struct shared_info {
	struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
	/* 2-level event channels: one bit per port. */
	xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
	xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
	/* Wallclock at system time 0; version odd while being updated. */
	uint32_t wc_version;
	uint32_t wc_sec;
	uint32_t wc_nsec;
	uint32_t wc_sec_hi;
	struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;
#define xen_wc_sec_hi wc_sec_hi

/*
 * PV start of day: the page whose address a PV kernel finds in rsi.
 * Frame numbers are machine frames (PV guests see them directly).
 */
#define MAX_GUEST_CMDLINE 1024
struct start_info {
	char magic[32]; /* "xen-<version>-<platform>" */
	unsigned long nr_pages;
	unsigned long shared_info; /* machine address of shared_info */
	uint32_t flags;		   /* SIF_* */
	xen_pfn_t store_mfn;
	uint32_t store_evtchn;
	union {
		struct {
			xen_pfn_t mfn; /* console ring page */
			uint32_t evtchn;
		} domU;
		struct {
			uint32_t info_off; /* offset of a dom0_vga_console_info */
			uint32_t info_size;
		} dom0;
	} console;
	unsigned long pt_base; /* virtual address of the boot page tables */
	unsigned long nr_pt_frames;
	unsigned long mfn_list;	 /* virtual address of the p2m array */
	unsigned long mod_start; /* initial ramdisk (or module list), virtual */
	unsigned long mod_len;
	int8_t cmd_line[MAX_GUEST_CMDLINE];
	unsigned long first_p2m_pfn; /* p2m placed outside the initial mapping */
	unsigned long nr_p2m_frames;
};
typedef struct start_info start_info_t;

#endif /* !__ASSEMBLY__ */

/* start_info.flags (also hvm_start_info.flags) */
#define SIF_PRIVILEGED (1 << 0)	   /* may use privileged operations */
#define SIF_INITDOMAIN (1 << 1)	   /* is the initial control domain */
#define SIF_MULTIBOOT_MOD (1 << 2) /* mod_start is a xen_multiboot_mod_list */
#define SIF_MOD_START_PFN (1 << 3) /* mod_start is a pfn, not a vaddr */
#define SIF_VIRT_P2M_4TOOLS (1 << 4)
#define SIF_PM_MASK (0xFF << 8)

#ifndef __ASSEMBLY__

/* Module list entry when SIF_MULTIBOOT_MOD is set (addresses are pfn-relative bytes). */
struct xen_multiboot_mod_list {
	uint32_t mod_start;
	uint32_t mod_end;
	uint32_t cmdline;
	uint32_t pad;
};

/* The boot console the control domain inherits. */
#define XEN_VGATYPE_TEXT_MODE_3 0x03
#define XEN_VGATYPE_VESA_LFB 0x23
#define XEN_VGATYPE_EFI_LFB 0x70
typedef struct dom0_vga_console_info {
	uint8_t video_type; /* XEN_VGATYPE_* */
	union {
		struct {
			uint16_t font_height;
			uint16_t cursor_x;
			uint16_t cursor_y;
			uint16_t rows;
			uint16_t columns;
		} text_mode_3;
		struct {
			uint16_t width;
			uint16_t height;
			uint16_t bytes_per_line;
			uint16_t bits_per_pixel;
			uint32_t lfb_base;
			uint32_t lfb_size;
			uint8_t red_pos;
			uint8_t red_size;
			uint8_t green_pos;
			uint8_t green_size;
			uint8_t blue_pos;
			uint8_t blue_size;
			uint8_t rsvd_pos;
			uint8_t rsvd_size;
			uint32_t gbl_caps;
			uint16_t mode_attrs;
			uint16_t pad;
			uint32_t ext_lfb_base; /* bits 32-63 of the framebuffer address */
		} vesa_lfb;
	} u;
} dom0_vga_console_info_t;
#define xen_vga_console_info dom0_vga_console_info
#define xen_vga_console_info_t dom0_vga_console_info_t

typedef uint8_t xen_domain_handle_t[16];

typedef struct {
	uint8_t a[16];
} xen_uuid_t;

/*
 * Builds a xen_uuid_t from the usual textual groups
 * aaaaaaaa-bbbb-cccc-dddd-e1e2e3e4e5e6, most significant byte first.
 */
#define XEN_DEFINE_UUID_(a, b, c, d, e1, e2, e3, e4, e5, e6)                                       \
	{                                                                                          \
		{                                                                                  \
			((a) >> 24) & 0xFF, ((a) >> 16) & 0xFF, ((a) >> 8) & 0xFF, (a)&0xFF,       \
			    ((b) >> 8) & 0xFF, (b)&0xFF, ((c) >> 8) & 0xFF, (c)&0xFF,              \
			    ((d) >> 8) & 0xFF, (d)&0xFF, e1, e2, e3, e4, e5, e6                    \
		}                                                                                  \
	}
#ifdef __cplusplus
#define XEN_DEFINE_UUID(a, b, c, d, e1, e2, e3, e4, e5, e6)                                        \
	XEN_DEFINE_UUID_(a, b, c, d, e1, e2, e3, e4, e5, e6)
#else
#define XEN_DEFINE_UUID(a, b, c, d, e1, e2, e3, e4, e5, e6)                                        \
	((xen_uuid_t)XEN_DEFINE_UUID_(a, b, c, d, e1, e2, e3, e4, e5, e6))
#endif

/* Toolstack-side spellings: on x86-64 these are the plain types. */
#ifndef int64_aligned_t
#define int64_aligned_t int64_t
#endif
#ifndef uint64_aligned_t
#define uint64_aligned_t uint64_t
#endif
#ifndef XEN_GUEST_HANDLE_64
#define XEN_GUEST_HANDLE_64(name) XEN_GUEST_HANDLE(name)
#endif

/* A bitmap passed to the toolstack interface (CPU and node masks). */
struct xenctl_bitmap {
	XEN_GUEST_HANDLE_64(uint8) bitmap;
	uint32_t nr_bits;
};
typedef struct xenctl_bitmap xenctl_bitmap_t;

#endif /* !__ASSEMBLY__ */

#endif /* TESSERA_PUBLIC_XEN_H */
