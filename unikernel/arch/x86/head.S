/*
 * The unikernel's PVH entry: the Xen note that names the 32-bit entry
 * point, and the code that takes the vCPU from the PVH start state to
 * 64-bit C (uk_start in kernel/start.c). A PV (ring 3) entry would be a
 * second head file with its own note, ending in the same uk_start.
 *
 * PVH ABI (Xen docs/misc/pvh.pandoc): entered at the PHYS32_ENTRY address
 * in 32-bit protected mode, paging off, flat 4 GiB CS/DS/ES/SS, %ebx = the
 * physical address of struct hvm_start_info; no stack is given. We zero
 * .bss, identity-map the first 4 GiB with 2 MiB pages, enable PAE and
 * EFER.LME, turn paging on (AMD APM vol. 2 14.6.1: long mode activates
 * when CR0.PG is set with EFER.LME and CR4.PAE), load a GDT with a 64-bit
 * code segment, and call uk_start(start_info) on the boot stack.
 *
 * Locking: none (one vCPU, runs before anything else).
 */
#define XEN_ELFNOTE_PHYS32_ENTRY 18 /* Xen public/elfnote.h */

#define X86_CR0_PE 0x00000001
#define X86_CR0_PG 0x80000000
#define X86_CR4_PAE 0x00000020
#define MSR_EFER 0xc0000080
#define EFER_LME 0x00000100
#define PTE_P_RW 0x003
#define PDE_P_RW_PS 0x083
#define NR_PDS 4 /* 4 x 1 GiB */

	.section .note.Xen, "a", @note
	.p2align 2
	.long 2f - 1f /* namesz */
	.long 4f - 3f /* descsz */
	.long XEN_ELFNOTE_PHYS32_ENTRY
1:	.asciz "Xen"
2:	.p2align 2
3:	.long pvh_entry /* 32-bit physical entry point */
4:	.p2align 2

	.section .text.head, "ax", @progbits
	.code32
	.globl pvh_entry
pvh_entry:
	/* The TSC at the first instruction, for benchmarks (boot to first guest instruction). */
	rdtsc
	mov	%eax, uk_entry_tsc
	mov	%edx, uk_entry_tsc + 4
	cli
	cld
	mov	%ebx, %esi /* start_info, kept in esi until C */

	/* .bss: the page tables below rely on the zero entries. */
	mov	$__bss_start, %edi
	mov	$__bss_end, %ecx
	sub	%edi, %ecx
	shr	$2, %ecx
	xor	%eax, %eax
	rep stosl

	/* PML4[0] -> PDPT; PDPT[0..3] -> the four PDs. */
	movl	$(pvh_pdpt + PTE_P_RW), pvh_pml4
	mov	$pvh_pdpt, %edi
	mov	$(pvh_pd + PTE_P_RW), %eax
	mov	$NR_PDS, %ecx
1:	mov	%eax, (%edi)
	add	$8, %edi
	add	$4096, %eax
	loop	1b

	/* 2048 PDEs of 2 MiB: identity for 0 .. 4 GiB (edx holds bit 32 and up). */
	mov	$pvh_pd, %edi
	mov	$PDE_P_RW_PS, %eax
	xor	%edx, %edx
	mov	$(NR_PDS * 512), %ecx
2:	mov	%eax, (%edi)
	mov	%edx, 4(%edi)
	add	$8, %edi
	add	$0x200000, %eax
	adc	$0, %edx
	loop	2b

	mov	%cr4, %eax
	or	$X86_CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$pvh_pml4, %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	mov	%cr0, %eax
	or	$(X86_CR0_PG | X86_CR0_PE), %eax
	mov	%eax, %cr0

	lgdt	pvh_gdt_desc
	ljmp	$0x08, $pvh_entry64

	.code64
pvh_entry64:
	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs
	mov	$pvh_stack_top, %rsp
	xor	%ebp, %ebp
	mov	%esi, %edi /* zero-extended: hvm_start_info's physical address */
	call	uk_start
3:	cli
	hlt
	jmp	3b

	.section .rodata
	.p2align 3
pvh_gdt:
	.quad 0
	.quad 0x00af9b000000ffff /* 0x08: 64-bit code, DPL 0 (L=1, D=0) */
	.quad 0x00cf93000000ffff /* 0x10: flat data */
pvh_gdt_end:
pvh_gdt_desc:
	.word pvh_gdt_end - pvh_gdt - 1
	.quad pvh_gdt

	.section .data
	.p2align 3
	.globl uk_entry_tsc
uk_entry_tsc: /* in .data: the .bss clear below the read would erase it */
	.quad 0

	.section .bss
	.p2align 12
	.globl pvh_hypercall_page
	.globl pvh_stack_top
pvh_pml4:
	.skip 4096
pvh_pdpt:
	.skip 4096
pvh_pd:
	.skip 4096 * NR_PDS
pvh_hypercall_page: /* written by the hypervisor through the hypercall-page MSR */
	.skip 4096
pvh_stack:
	.skip 16384
pvh_stack_top: /* the boot stack; threads get their own (kernel/sched.c) */

	.section .note.GNU-stack, "", @progbits
