/*
 * Start-up code for the secondary CPUs (APs).
 *
 * trampoline_start..trampoline_end is a position-dependent blob: smpboot.c
 * copies it to TRAMPOLINE_PA (below 1 MiB) and points the STARTUP IPI at it.
 * The AP arrives in real mode at CS:IP = (TRAMPOLINE_PA >> 4):0, loads a
 * small GDT, enters protected mode, turns on PAE paging with temporary
 * tables (smpboot.c builds them: the first GiB identity-mapped and at
 * HV_VIRT_BASE, so the jump to the image works whatever the hypervisor's own
 * tables look like), enters long mode and jumps to ap_start64 in the image.
 *
 * ap_start64 then loads the hypervisor's CR3 (the boot CPU's, any address),
 * a 64-bit GDT, the stack smpboot.c allocated, and calls ap_start_c().
 */
#include <asm/boot.h>
#include <asm/smp.h>

/* Where a trampoline symbol lands once copied. */
#define TPA(sym) (TRAMPOLINE_PA + ((sym) - trampoline_start))

	.section .rodata.trampoline, "a"
	.balign 16
	.globl trampoline_start, trampoline_end, trampoline_cr3

	.code16
trampoline_start:
	cli
	cld
	mov	%cs, %ax
	mov	%ax, %ds
	lgdtl	tramp_gdt_desc - trampoline_start
	mov	%cr0, %eax
	and	$0x9fffffff, %eax	/* INIT leaves caching off (CD, NW): turn it on */
	or	$X86_CR0_PE, %eax
	mov	%eax, %cr0
	ljmpl	$0x08, $TPA(tramp_pm)

	.code32
tramp_pm:
	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs
	mov	%cr4, %eax
	or	$X86_CR4_PAE, %eax
	mov	%eax, %cr4
	mov	TPA(trampoline_cr3), %eax
	mov	%eax, %cr3
	/* NXE before any table with NX bits is live; LME for long mode. */
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$(EFER_LME | EFER_NXE | EFER_SCE), %eax
	wrmsr
	mov	%cr0, %eax
	or	$(X86_CR0_PG | X86_CR0_WP | X86_CR0_NE | X86_CR0_MP), %eax
	mov	%eax, %cr0
	ljmp	$0x18, $TPA(tramp_lm)

	.code64
tramp_lm:
	movabs	$ap_start64, %rax
	jmp	*%rax

	.balign 8
tramp_gdt:
	.quad 0				/* null */
	.quad 0x00cf9b000000ffff	/* 0x08: 32-bit code (accessed bit preset) */
	.quad 0x00cf93000000ffff	/* 0x10: data */
	.quad 0x00af9b000000ffff	/* 0x18: 64-bit code */
tramp_gdt_end:
tramp_gdt_desc:
	.short tramp_gdt_end - tramp_gdt - 1
	.long TPA(tramp_gdt)
	.balign 4
trampoline_cr3:				/* the temporary tables: written by smpboot.c */
	.long 0
trampoline_end:

	.text
	.code64
	.globl ap_start64
ap_start64:
	/* Still on the temporary tables, which map the image: switch to ours. */
	mov	ap_boot_cr3(%rip), %rax
	mov	%rax, %cr3
	lgdt	ap_gdt_desc(%rip)
	mov	ap_boot_stack(%rip), %rsp
	mov	$BOOT_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	/* Reload CS from our GDT: the trampoline's lives in low memory. */
	pushq	$BOOT_CS64
	leaq	1f(%rip), %rax
	pushq	%rax
	lretq
1:	xor	%ebp, %ebp		/* end of the frame-pointer chain */
	call	ap_start_c
2:	cli
	hlt
	jmp	2b

	.data
	.balign 16
ap_gdt:
	.quad 0				/* null */
	.quad 0x00af9b000000ffff	/* BOOT_CS64 */
	.quad 0x00cf93000000ffff	/* BOOT_DS */
ap_gdt_end:
ap_gdt_desc:
	.short ap_gdt_end - ap_gdt - 1
	.quad ap_gdt
