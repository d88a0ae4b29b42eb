/*
 * AMD SVM internals (arch/x86/hvm/svm/): the VMCB layout, intercept and
 * exit codes, and the functions the SVM files share. Only the SVM files
 * include this; the rest of the hypervisor sees asm/hvm.h. The per-vCPU
 * and per-domain SVM state is in asm/hvm/svm/domain.h.
 *
 * Facts from AMD APM vol. 2, chapter 15 (Secure Virtual Machine) and
 * appendix B (VMCB layout), appendix C (exit codes).
 */
#ifndef ASM_HVM_SVM_SVM_H
#define ASM_HVM_SVM_SVM_H

/* Offsets in struct hvm_gprs (asm/hvm/vcpu.h; entry.S). */
#define SVM_GPRS_RBX 0
#define SVM_GPRS_RCX 8
#define SVM_GPRS_RDX 16
#define SVM_GPRS_RSI 24
#define SVM_GPRS_RDI 32
#define SVM_GPRS_RBP 40
#define SVM_GPRS_R8 48
#define SVM_GPRS_R9 56
#define SVM_GPRS_R10 64
#define SVM_GPRS_R11 72
#define SVM_GPRS_R12 80
#define SVM_GPRS_R13 88
#define SVM_GPRS_R14 96
#define SVM_GPRS_R15 104

#ifndef __ASSEMBLY__

#include <tessera/compiler.h>
#include <tessera/domain.h>
#include <tessera/types.h>
#include <asm/hvm/svm/domain.h>
#include <asm/vlapic.h>

/* MSRs and bits (APM vol. 2 15.4, 15.30): VM_CR, VM_HSAVE_PA, EFER.SVME. */
#include <asm/msr-index.h>
#include <asm/traps.h> /* exception vectors (SVM_EXC_*) */
#include <asm/x86-defns.h>

/* CPUID 0x8000000A EDX (APM vol. 3, CPUID Fn8000_000A). */
#define SVM_FEAT_NP (1u << 0)
#define SVM_FEAT_NRIPS (1u << 3)
#define SVM_FEAT_DECODEASSISTS (1u << 7)
#define SVM_FEAT_FLUSHBYASID (1u << 6)

/* A VMCB segment register (APM vol. 2 B.2): attrib packs descriptor bits 40-47 and 52-55. */
struct vmcb_seg {
	uint16_t sel;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
};

/* The VMCB: control area at 0, state save area at 0x400 (APM vol. 2 tables B-1, B-2). */
struct vmcb {
	/* control area */
	uint32_t cr_intercepts;	 /* 0x000 */
	uint32_t dr_intercepts;	 /* 0x004 */
	uint32_t exc_intercepts; /* 0x008 */
	uint32_t intercepts1;	 /* 0x00c: INTR ... shutdown */
	uint32_t intercepts2;	 /* 0x010: VMRUN ... XSETBV */
	uint32_t intercepts3;	 /* 0x014 */
	uint8_t res_018[0x03c - 0x018];
	uint16_t pause_filter_thresh; /* 0x03c */
	uint16_t pause_filter_count;  /* 0x03e */
	uint64_t iopm_base_pa;	      /* 0x040 */
	uint64_t msrpm_base_pa;	      /* 0x048 */
	uint64_t tsc_offset;	      /* 0x050 */
	uint32_t asid;		      /* 0x058 */
	uint8_t tlb_control;	      /* 0x05c */
	uint8_t res_05d[3];
	uint64_t vintr; /* 0x060: V_TPR, V_IRQ, V_INTR_PRIO, V_IGN_TPR, V_INTR_MASKING, vector */
	uint64_t int_state;	/* 0x068: bit 0 interrupt shadow */
	uint64_t exitcode;	/* 0x070 */
	uint64_t exitinfo1;	/* 0x078 */
	uint64_t exitinfo2;	/* 0x080 */
	uint64_t exitintinfo;	/* 0x088 */
	uint64_t np_enable;	/* 0x090 */
	uint64_t avic_apic_bar; /* 0x098 */
	uint64_t ghcb_pa;	/* 0x0a0 */
	uint64_t eventinj;	/* 0x0a8 */
	uint64_t n_cr3;		/* 0x0b0 */
	uint64_t virt_ext;	/* 0x0b8 */
	uint32_t clean;		/* 0x0c0 */
	uint32_t res_0c4;
	uint64_t nrip;	  /* 0x0c8 */
	uint8_t insn_len; /* 0x0d0 */
	uint8_t insn_bytes[15];
	uint8_t res_0e0[0x400 - 0x0e0];
	/* state save area */
	struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr; /* 0x400..0x49f */
	uint8_t res_4a0[0x4ca - 0x4a0];
	uint8_t vmpl; /* 0x4ca */
	uint8_t cpl;  /* 0x4cb */
	uint32_t res_4cc;
	uint64_t efer; /* 0x4d0 */
	uint8_t res_4d8[0x548 - 0x4d8];
	uint64_t cr4;	 /* 0x548 */
	uint64_t cr3;	 /* 0x550 */
	uint64_t cr0;	 /* 0x558 */
	uint64_t dr7;	 /* 0x560 */
	uint64_t dr6;	 /* 0x568 */
	uint64_t rflags; /* 0x570 */
	uint64_t rip;	 /* 0x578 */
	uint8_t res_580[0x5d8 - 0x580];
	uint64_t rsp;			/* 0x5d8 */
	uint64_t s_cet, ssp, isst_addr; /* 0x5e0 */
	uint64_t rax;			/* 0x5f8 */
	uint64_t star;			/* 0x600 */
	uint64_t lstar;			/* 0x608 */
	uint64_t cstar;			/* 0x610 */
	uint64_t sfmask;		/* 0x618 */
	uint64_t kernel_gs_base;	/* 0x620 */
	uint64_t sysenter_cs;		/* 0x628 */
	uint64_t sysenter_esp;		/* 0x630 */
	uint64_t sysenter_eip;		/* 0x638 */
	uint64_t cr2;			/* 0x640 */
	uint8_t res_648[0x668 - 0x648];
	uint64_t g_pat;	 /* 0x668 */
	uint64_t dbgctl; /* 0x670 */
	uint8_t res_678[0x1000 - 0x678];
};
_Static_assert(__builtin_offsetof(struct vmcb, eventinj) == 0x0a8, "VMCB control layout");
_Static_assert(__builtin_offsetof(struct vmcb, es) == 0x400, "VMCB state save offset");
_Static_assert(__builtin_offsetof(struct vmcb, efer) == 0x4d0, "VMCB efer");
_Static_assert(__builtin_offsetof(struct vmcb, rip) == 0x578, "VMCB rip");
_Static_assert(__builtin_offsetof(struct vmcb, rax) == 0x5f8, "VMCB rax");
_Static_assert(__builtin_offsetof(struct vmcb, g_pat) == 0x668, "VMCB g_pat");
_Static_assert(sizeof(struct vmcb) == 0x1000, "VMCB size");

/* cr_intercepts bits (offset 0x00): reads of CRn at bit n, writes at 16 + n. */
#define SVM_CR_INTERCEPT_CR4_WRITE (1u << (16 + 4))

/* intercepts1 bits (APM vol. 2 B-1, offset 0x0c). */
#define SVM_INTR1_INTR (1u << 0)
#define SVM_INTR1_NMI (1u << 1)
#define SVM_INTR1_SMI (1u << 2)
#define SVM_INTR1_INIT (1u << 3)
#define SVM_INTR1_VINTR (1u << 4)
#define SVM_INTR1_RDPMC (1u << 15)
#define SVM_INTR1_CPUID (1u << 18)
#define SVM_INTR1_INVD (1u << 22)
#define SVM_INTR1_HLT (1u << 24)
#define SVM_INTR1_INVLPGA (1u << 26)
#define SVM_INTR1_IOIO (1u << 27)
#define SVM_INTR1_MSR (1u << 28)
#define SVM_INTR1_TASKSW (1u << 29)
#define SVM_INTR1_SHUTDOWN (1u << 31)
/* intercepts2 bits (offset 0x10). */
#define SVM_INTR2_VMRUN (1u << 0)
#define SVM_INTR2_VMMCALL (1u << 1)
#define SVM_INTR2_VMLOAD (1u << 2)
#define SVM_INTR2_VMSAVE (1u << 3)
#define SVM_INTR2_STGI (1u << 4)
#define SVM_INTR2_CLGI (1u << 5)
#define SVM_INTR2_SKINIT (1u << 6)
#define SVM_INTR2_RDTSCP (1u << 7)
#define SVM_INTR2_WBINVD (1u << 9)
#define SVM_INTR2_MONITOR (1u << 10)
#define SVM_INTR2_MWAIT (1u << 11)
#define SVM_INTR2_XSETBV (1u << 13)

/* vintr fields (offset 0x60). */
#define SVM_VINTR_V_IRQ (1UL << 8)
#define SVM_VINTR_PRIO_SHIFT 16
#define SVM_VINTR_IGN_TPR (1UL << 20)
#define SVM_VINTR_MASKING (1UL << 24)
#define SVM_VINTR_VECTOR_SHIFT 32

/* EVENTINJ / EXITINTINFO (APM vol. 2 15.20). */
#define SVM_EVT_VALID (1UL << 31)
#define SVM_EVT_ERR_VALID (1UL << 11)
#define SVM_EVT_TYPE_INTR (0UL << 8)
#define SVM_EVT_TYPE_NMI (2UL << 8)
#define SVM_EVT_TYPE_EXC (3UL << 8)

/* TLB_CONTROL (APM vol. 2 15.16.1). */
#define SVM_TLB_FLUSH_NONE 0
#define SVM_TLB_FLUSH_ALL 1
#define SVM_TLB_FLUSH_ASID 3

/* Exit codes (APM vol. 2 appendix C). */
#define SVM_EXIT_CR4_WRITE 0x14
#define SVM_EXIT_EXCP_BASE 0x40
/* Exceptions intercepted through exc_intercepts (one bit per vector). */
#define SVM_EXC_DB TRAP_debug
#define SVM_EXC_AC TRAP_alignment_check
#define SVM_EXIT_INTR 0x60
#define SVM_EXIT_NMI 0x61
#define SVM_EXIT_SMI 0x62
#define SVM_EXIT_INIT 0x63
#define SVM_EXIT_VINTR 0x64
#define SVM_EXIT_RDPMC 0x6f
#define SVM_EXIT_CPUID 0x72
#define SVM_EXIT_INVD 0x76
#define SVM_EXIT_HLT 0x78
#define SVM_EXIT_INVLPGA 0x7a
#define SVM_EXIT_IOIO 0x7b
#define SVM_EXIT_MSR 0x7c
#define SVM_EXIT_TASKSW 0x7d
#define SVM_EXIT_SHUTDOWN 0x7f
#define SVM_EXIT_VMRUN 0x80
#define SVM_EXIT_VMMCALL 0x81
#define SVM_EXIT_VMLOAD 0x82
#define SVM_EXIT_VMSAVE 0x83
#define SVM_EXIT_STGI 0x84
#define SVM_EXIT_CLGI 0x85
#define SVM_EXIT_SKINIT 0x86
#define SVM_EXIT_RDTSCP 0x87
#define SVM_EXIT_WBINVD 0x89
#define SVM_EXIT_MONITOR 0x8a
#define SVM_EXIT_MWAIT 0x8b
#define SVM_EXIT_XSETBV 0x8d
#define SVM_EXIT_NPF 0x400
#define SVM_EXIT_INVALID (~0UL)
/* The same as QEMU's TCG stores it: -1 in the low 32 bits only. */
#define SVM_EXIT_INVALID_32 0xffffffffUL

/* v's and d's SVM state (embedded: always there; meaningful once hvm.initialised). */
static inline struct svm_vcpu *svm_v(const struct vcpu *v)
{
	return (struct svm_vcpu *)&v->arch.hvm.svm;
}
static inline struct svm_domain *svm_d(const struct domain *d)
{
	return (struct svm_domain *)&d->arch.hvm.svm;
}
/* The general registers entry.S moves (the vendor-neutral block beside sv in struct hvm_vcpu). */
static inline struct hvm_gprs *svm_gprs(struct svm_vcpu *sv)
{
	return (struct hvm_gprs *)((char *)sv - offsetof(struct hvm_vcpu, svm) +
				   offsetof(struct hvm_vcpu, gprs));
}

/* svm.c */
extern uint32_t svm_feature_edx;
/* Inject exception vec (with error code if has_err) on the next entry. */
void svm_inject_exception(struct vcpu *v, uint8_t vec, bool has_err, uint32_t err);

/* exits.c */
/* Log the guest state a crash leaves in v's VMCB (hvm_funcs->dump_state). */
void svm_dump_state(struct vcpu *v);
/* Handle the exit recorded in v's VMCB (a crash or a block shows up as a pending softirq). */
void svm_vmexit_handler(struct vcpu *v);

/* npt.c */
int svm_npt_init(struct domain *d);
void svm_npt_destroy(struct domain *d);
int svm_npt_update(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned int order, int p2m_type);
/* The leaf entry for gfn (0 if none; a 2 MiB leaf has PS set): present/rw bits for NPF diagnosis.
 */
uint64_t svm_npt_lookup(struct domain *d, gfn_t gfn);

/* xstate.c: guest x87/SSE/AVX state and XCR0 (XSAVE when the CPU has it, else FXSAVE). */
extern uint64_t svm_xcr0_max; /* components a guest may enable; 0 without XSAVE */
/* Set CR4.OSXSAVE and XCR0 on this CPU (the BSP first decides what guests get). */
void svm_xstate_cpu_init(bool bsp);
int svm_xstate_vcpu_init(struct hvm_vcpu *hv);
void svm_xstate_vcpu_destroy(struct hvm_vcpu *hv);
/* Load v's state and XCR0 before the run loop; save them after it. */
void svm_xstate_load(struct hvm_vcpu *hv);
void svm_xstate_save(struct hvm_vcpu *hv);
/* The XSETBV intercept: validate and load the guest's XCR0, or #UD/#GP. */
void svm_exit_xsetbv(struct vcpu *v);
/* hvm_cpuid_xstate (asm/hvm.h) is here too. */

/* entry.S: run the guest once; returns after #VMEXIT with host state back. */
void svm_vmrun(struct hvm_gprs *gprs, paddr_t vmcb_pa, paddr_t host_save_pa);

#endif /* __ASSEMBLY__ */
#endif
