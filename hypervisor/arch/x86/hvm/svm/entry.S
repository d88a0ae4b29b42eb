/*
 * svm_vmrun(): enter the guest once and come back after #VMEXIT.
 *
 * VMRUN itself saves and restores only part of the host state (RSP, RIP,
 * RFLAGS, RAX, CR0/3/4, EFER, GDTR/IDTR, segment selectors: APM vol. 2
 * 15.5.1); the rest is ours: the callee-saved registers (on the stack), the
 * guest's general registers (struct hvm_gprs), and the state VMLOAD/VMSAVE
 * move (FS/GS/TR/LDTR with hidden parts, KernelGSBase, STAR/LSTAR/CSTAR/
 * SFMASK, SYSENTER_*: APM vol. 2 15.5.2). The host's copy of the latter is
 * VMSAVEd to a per-CPU page before the guest's is VMLOADed and loaded back
 * right after #VMEXIT, before %gs (per-CPU data) or TR (IST stacks) is used.
 *
 * The caller runs with GIF clear (CLGI), so no interrupt or NMI can observe
 * the guest's FS/GS/TR while they are loaded.
 */
#include <asm/hvm/svm/svm.h>

	.text
	.globl svm_vmrun
	.type svm_vmrun, @function
/* void svm_vmrun(struct hvm_gprs *gprs %rdi, paddr_t vmcb_pa %rsi, paddr_t host_save_pa %rdx) */
svm_vmrun:
	push	%rbp
	mov	%rsp, %rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rdx			/* host save area */
	push	%rdi			/* guest registers */

	mov	%rdx, %rax
	vmsave	%rax
	mov	%rsi, %rax
	vmload	%rax

	mov	SVM_GPRS_RBX(%rdi), %rbx
	mov	SVM_GPRS_RCX(%rdi), %rcx
	mov	SVM_GPRS_RDX(%rdi), %rdx
	mov	SVM_GPRS_RSI(%rdi), %rsi
	mov	SVM_GPRS_RBP(%rdi), %rbp
	mov	SVM_GPRS_R8(%rdi), %r8
	mov	SVM_GPRS_R9(%rdi), %r9
	mov	SVM_GPRS_R10(%rdi), %r10
	mov	SVM_GPRS_R11(%rdi), %r11
	mov	SVM_GPRS_R12(%rdi), %r12
	mov	SVM_GPRS_R13(%rdi), %r13
	mov	SVM_GPRS_R14(%rdi), %r14
	mov	SVM_GPRS_R15(%rdi), %r15
	mov	SVM_GPRS_RDI(%rdi), %rdi

	vmrun	%rax			/* %rax = VMCB; back here with the host's %rax/%rsp */

	vmsave	%rax			/* the guest's FS/GS/TR/... into its VMCB */
	push	%rdi
	mov	8(%rsp), %rdi
	mov	%rbx, SVM_GPRS_RBX(%rdi)
	mov	%rcx, SVM_GPRS_RCX(%rdi)
	mov	%rdx, SVM_GPRS_RDX(%rdi)
	mov	%rsi, SVM_GPRS_RSI(%rdi)
	mov	%rbp, SVM_GPRS_RBP(%rdi)
	mov	%r8, SVM_GPRS_R8(%rdi)
	mov	%r9, SVM_GPRS_R9(%rdi)
	mov	%r10, SVM_GPRS_R10(%rdi)
	mov	%r11, SVM_GPRS_R11(%rdi)
	mov	%r12, SVM_GPRS_R12(%rdi)
	mov	%r13, SVM_GPRS_R13(%rdi)
	mov	%r14, SVM_GPRS_R14(%rdi)
	mov	%r15, SVM_GPRS_R15(%rdi)
	pop	%rax
	mov	%rax, SVM_GPRS_RDI(%rdi)
	pop	%rdi
	pop	%rax			/* host save area */
	vmload	%rax

	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret
	.size svm_vmrun, . - svm_vmrun
