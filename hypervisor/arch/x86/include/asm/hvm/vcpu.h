/*
 * The per-vCPU state every hardware-assisted (PVH/HVM) guest has, whatever
 * the vendor: the virtual x2APIC, the MTRR default type, the pvclock
 * bookkeeping, the guest's FPU/XSAVE image, the event upcall vector, and
 * the run loop's handshake with other CPUs. The vendor's own part (SVM:
 * its control block, registers, ASID) is nested as .svm.
 *
 * Locking: touched only by the CPU running the vCPU, or while it is down
 * or paused (builder, domctl), except: vlapic IRR bits (atomic, any CPU),
 * evtchn_upcall_vector (READ_ONCE/WRITE_ONCE), in_guest/nr_exits (read by
 * kickers and NPT flushers on other CPUs).
 */
#ifndef ASM_HVM_VCPU_H
#define ASM_HVM_VCPU_H

#include <asm/hvm/svm/domain.h>
#include <asm/vlapic.h>
#include <tessera/types.h>

/*
 * The guest's general registers that every vendor keeps in memory around its guest entry
 * (the entry code loads and saves them through a pointer); rax, rsp, rip and rflags are
 * where the vendor keeps them (SVM: the VMCB), reached through hvm_get_reg/hvm_set_reg.
 */
struct hvm_gprs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
};

struct hvm_vcpu {
	bool initialised;		 /* the vendor state exists (hvm_vcpu_initialise) */
	bool launched;			 /* hvm_init_ctx consumed / first run done */
	volatile bool in_guest;		 /* between the last generation check and the exit */
	volatile unsigned long nr_exits; /* counts exits to the hypervisor (flush waiters) */
	struct hvm_gprs gprs;		 /* rbx..r15 (the vendor's entry code moves them) */
	struct vlapic vlapic;		 /* the virtual x2APIC (asm/vlapic.h), APIC_BASE included */
	uint64_t mtrr_def_type;		 /* MSR_MTRR_DEF_TYPE (hvm/msr.c) */
	uint64_t debugctl;		 /* MSR_DEBUGCTL as the guest set it (hvm/msr.c) */
	uint32_t tsc_aux;		 /* MSR_TSC_AUX, what RDTSCP gives in ECX (hvm/msr.c) */
	unsigned int time_cpu;		 /* CPU + 1 where the pvclock was last published; 0 never */
	s_time_t time_stamp;		 /* when (update_vcpu_system_time in the run loop) */
	uint8_t *fpu;  /* XSAVE area (or FXSAVE image without XSAVE): one page (xstate.c) */
	uint64_t xcr0; /* the guest's XCR0 (xstate.c) */
	uint8_t evtchn_upcall_vector; /* HVMOP_set_evtchn_upcall_vector: 0 = none (CALLBACK_IRQ) */
	struct svm_vcpu svm;	      /* the vendor part (asm/hvm/svm/domain.h) */
};

#endif
