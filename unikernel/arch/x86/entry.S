/*
 * Interrupt and exception entry of the unikernel, and the thread switch.
 *
 * Every stub pushes an error code (0 when the CPU gives none, AMD APM
 * vol. 2 8.2) and its vector, then the general registers, so C sees one
 * struct uk_regs (kernel/traps.c); the CPU aligned the stack to 16 before
 * its 40-byte frame (APM vol. 2 8.9.3), which makes the C call aligned.
 *
 * uk_switch(&prev_sp, next_sp): saves the callee-saved registers of the
 * SysV ABI on the current stack, stores rsp, loads the next one and
 * returns into it. A new thread's stack is laid out (kernel/sched.c) so
 * that the first switch "returns" into uk_thread_start with its function
 * in r12 and argument in r13.
 *
 * Locking: called with interrupts off (traps: by the CPU for interrupt
 * gates; switch: by the scheduler).
 */
	.text
	.code64

.macro STUB_NOERR vec
	.p2align 4
uk_exc_\vec:
	pushq	$0
	pushq	$\vec
	jmp	uk_trap_common
.endm
.macro STUB_ERR vec
	.p2align 4
uk_exc_\vec:
	pushq	$\vec
	jmp	uk_trap_common
.endm

STUB_NOERR 0
STUB_NOERR 1
STUB_NOERR 2
STUB_NOERR 3
STUB_NOERR 4
STUB_NOERR 5
STUB_NOERR 6
STUB_NOERR 7
STUB_ERR 8
STUB_NOERR 9
STUB_ERR 10
STUB_ERR 11
STUB_ERR 12
STUB_ERR 13
STUB_ERR 14
STUB_NOERR 15
STUB_NOERR 16
STUB_ERR 17
STUB_NOERR 18
STUB_NOERR 19
STUB_NOERR 20
STUB_ERR 21
STUB_NOERR 22
STUB_NOERR 23
STUB_NOERR 24
STUB_NOERR 25
STUB_NOERR 26
STUB_NOERR 27
STUB_NOERR 28
STUB_ERR 29
STUB_ERR 30
STUB_NOERR 31
STUB_NOERR 0xf3 /* UK_EVTCHN_VECTOR, uk/events.h */

uk_trap_common:
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%rbp
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	cld
	mov	%rsp, %rdi
	call	uk_trap
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rbp
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	add	$16, %rsp /* vector, error code */
	iretq

	.section .rodata
	.p2align 3
	.globl uk_exc_stubs
uk_exc_stubs: /* 0..31, then the event channel vector */
	.quad uk_exc_0, uk_exc_1, uk_exc_2, uk_exc_3, uk_exc_4, uk_exc_5, uk_exc_6, uk_exc_7
	.quad uk_exc_8, uk_exc_9, uk_exc_10, uk_exc_11, uk_exc_12, uk_exc_13, uk_exc_14, uk_exc_15
	.quad uk_exc_16, uk_exc_17, uk_exc_18, uk_exc_19, uk_exc_20, uk_exc_21, uk_exc_22, uk_exc_23
	.quad uk_exc_24, uk_exc_25, uk_exc_26, uk_exc_27, uk_exc_28, uk_exc_29, uk_exc_30, uk_exc_31
	.quad uk_exc_0xf3

	.text
	.globl uk_switch
uk_switch:
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, (%rdi)
	mov	%rsi, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret

	.globl uk_thread_start
uk_thread_start:
	mov	%r12, %rdi
	mov	%r13, %rsi
	call	uk_thread_entry /* never returns */
	ud2

	.section .note.GNU-stack, "", @progbits
