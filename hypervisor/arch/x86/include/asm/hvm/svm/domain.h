/*
 * The AMD SVM part of a vCPU's and a domain's state, nested in struct
 * hvm_vcpu / hvm_domain (asm/hvm/vcpu.h, asm/hvm/domain.h) as their .svm.
 * Only arch/x86/hvm/svm/ touches it; the layout of the VMCB and the SVM
 * internals are in asm/hvm/svm/svm.h.
 *
 * Locking: as struct hvm_vcpu (the CPU running the vCPU, or while it is
 * paused); npt_gen is read and bumped atomically (npt.c).
 */
#ifndef ASM_HVM_SVM_DOMAIN_H
#define ASM_HVM_SVM_DOMAIN_H

#include <tessera/types.h>

struct vmcb;

/* Per-vCPU SVM state (v->arch.hvm.svm). */
struct svm_vcpu {
	struct vmcb *vmcb; /* one page */
	paddr_t vmcb_pa;
	uint32_t asid; /* ASID on asid_cpu, valid while asid_gen matches */
	unsigned int asid_cpu;
	uint64_t asid_gen;
	uint64_t npt_gen_seen; /* domain's npt_gen at the last entry */
	/* Exit counts: IOIO, VMMCALL, HLT, CPUID, MSR, NPF, SHUTDOWN, other, INVD/WBINVD, #DB/#AC
	 * (exits.c svm_count). */
	unsigned long exits_by_reason[10];
	/* For crash reports: the exit before the current one, and what the last VMRUN injected. */
	uint64_t prev_exitcode, prev_exitinfo1, prev_rip, last_eventinj;
};

/* Per-domain SVM state (d->arch.hvm.svm). */
struct svm_domain {
	paddr_t npt_root;	   /* L4 of the nested page table */
	unsigned long npt_pages;   /* table pages allocated */
	unsigned long npt_splits;  /* 2 MiB leaves split into L1 tables (npt.c) */
	volatile uint64_t npt_gen; /* bumped on each reduction of permissions */
};

#endif
