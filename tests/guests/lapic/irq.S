/*
 * Interrupt entry stubs of the vLAPIC test guest: one per vector it uses, each saving the
 * caller-saved registers and calling lapic_irq(vector) (main.c), then iretq.
 */
	.text
	.code64
.macro STUB vec
	.globl lapic_irq_\vec
lapic_irq_\vec:
	push %rax
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %r11
	mov $\vec, %edi
	call lapic_irq
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rax
	iretq
.endm
	STUB 0xe0
	STUB 0xf0
	STUB 0xf1
	STUB 0xf3
