/*
 * Interrupt and exception entry: one 16-byte stub per IDT vector and the
 * common path that saves a struct cpu_user_regs (asm/regs.h), calls
 * traps_dispatch(regs) and returns with iretq.
 *
 * Stack on entry to the common path (the CPU aligned rsp to 16 before it
 * pushed ss..rip): the error code slot, whose upper half holds the vector.
 * Saving 15 registers makes the frame 168 bytes, i.e. rsp is 8 mod 16, so
 * the call is made on an explicitly aligned stack. A fake frame {rbp, rip of
 * the interrupted code} goes below the registers so that a frame-pointer
 * walk from inside a handler passes through the interrupted function.
 *
 * Only ring-0 contexts enter here for now: PV guests (ring 3) will need
 * swapgs and a guest-frame path added on the way in and out.
 */
#include <asm/regs.h>

/* Vectors for which the CPU pushes an error code: 8, 10-14, 17, 21, 29, 30. */
#define ERRCODE_MASK 0x60227d00

	.altmacro
	.macro intr_stub vec
	.balign 16
intr_stub_\vec:
	.if \vec < 32
	.if (ERRCODE_MASK >> \vec) & 1
	.else
	pushq	$0
	.endif
	.else
	pushq	$0
	.endif
	movl	$\vec, 4(%rsp)
	jmp	intr_common
	.pushsection .rodata.intr_stubs, "a"
	.quad	intr_stub_\vec
	.popsection
	.endm

	.pushsection .rodata.intr_stubs, "a"
	.balign 8
	.globl intr_stub_table
intr_stub_table:
	.popsection

	.text
	.balign 16
	.globl intr_stubs_start
intr_stubs_start:
	vec = 0
	.rept 256
	intr_stub %vec
	vec = vec + 1
	.endr
	.noaltmacro

	.balign 16
intr_common:
	cld
	push	%rdi
	push	%rsi
	push	%rdx
	push	%rcx
	push	%rax
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, %rbx		/* regs; rbx is preserved by C */
	pushq	UREGS_rip(%rbx)
	push	%rbp
	mov	%rsp, %rbp
	and	$-16, %rsp
	mov	%rbx, %rdi
	call	traps_dispatch
	mov	%rbx, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rax
	pop	%rcx
	pop	%rdx
	pop	%rsi
	pop	%rdi
	add	$8, %rsp		/* error code and vector */
	iretq
	.size intr_common, . - intr_common
	.type intr_common, @function
