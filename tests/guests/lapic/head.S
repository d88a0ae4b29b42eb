/*
 * Entry paths of the vLAPIC test guest (tests/guests/lapic):
 *  - lapic_entry32: the PVH entry (XEN_ELFNOTE_PHYS32_ENTRY): 32-bit protected mode, paging
 *    off, %ebx = hvm_start_info. Builds an identity map of the first GiB (2 MiB pages),
 *    enables long mode and calls lapic_main(start_info) on the boot stack.
 *  - lapic_ap64: a secondary vCPU started by VCPUOP_initialise in 64-bit mode (CR3 is ours,
 *    %rsp its stack): loads our GDT and calls lapic_ap_main().
 *  - lapic_tramp16..lapic_tramp_end: the real-mode code a SIPI starts; the guest copies it to
 *    0x8000 (vector 0x08). It enters protected mode and jumps to lapic_ap32, which turns on
 *    paging and long mode with the boot CPU's tables and calls lapic_ap_main().
 */
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define TRAMP_BASE 0x8000

	.section .note.xen, "a"
	.p2align 2
	.long 4, 4, XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long lapic_entry32

	.section .text.entry, "ax"
	.code32
	.globl lapic_entry32
lapic_entry32:
	cli
	cld
	mov %ebx, %esi
	/* Zero .bss (it holds the page tables and stacks). */
	mov $__bss_start, %edi
	mov $__bss_end, %ecx
	sub %edi, %ecx
	xor %eax, %eax
	rep stosb
	mov %esi, start_info_pa
	/* PML4[0] -> PDPT, PDPT[0] -> PD, PD[i] = i * 2 MiB (present, writable, large). */
	mov $pdpt, %eax
	or $3, %eax
	mov %eax, pml4
	mov $pd, %eax
	or $3, %eax
	mov %eax, pdpt
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax
	mov %eax, pd(,%ecx,8)
	inc %ecx
	cmp $512, %ecx
	jne 1b
	mov $boot_stack_top, %esp
	push $lapic_bsp64
	jmp lapic_long_mode

/* Paging on with our tables, long mode, our GDT; then "return" to the 64-bit address on the stack. */
lapic_long_mode:
	mov %cr4, %eax
	or $0x20, %eax /* PAE */
	mov %eax, %cr4
	mov $pml4, %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx /* EFER */
	rdmsr
	or $0x100, %eax /* LME */
	wrmsr
	mov %cr0, %eax
	or $0x80000001, %eax /* PG | PE */
	mov %eax, %cr0
	lgdt gdt_desc
	ljmp $0x08, $1f
	.code64
1:	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %ax, %fs
	mov %ax, %gs
	mov (%rsp), %eax /* the 32-bit push left a 4-byte address */
	jmp *%rax

lapic_bsp64:
	mov $boot_stack_top, %rsp
	mov start_info_pa(%rip), %edi
	call lapic_main
2:	hlt
	jmp 2b

	.globl lapic_ap64
lapic_ap64:
	lgdt gdt_desc(%rip)
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	pushq $0x08
	lea 1f(%rip), %rax
	pushq %rax
	lretq
1:	call lapic_ap_main
2:	hlt
	jmp 2b

	/* Reached from the trampoline in 32-bit protected mode, flat segments, paging off. */
	.code32
	.globl lapic_ap32
lapic_ap32:
	mov ap_stack_top, %esp
	push $lapic_ap64_sipi
	jmp lapic_long_mode
	.code64
lapic_ap64_sipi:
	mov ap_stack_top(%rip), %rsp
	call lapic_ap_main
2:	hlt
	jmp 2b

	/* Real mode at CS = TRAMP_BASE >> 4, IP 0 (a SIPI with vector TRAMP_BASE >> 12). */
	.code16
	.globl lapic_tramp16, lapic_tramp_end
lapic_tramp16:
	cli
	mov %cs, %ax
	mov %ax, %ds
	lgdtl tramp_gdt_desc - lapic_tramp16
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $0x08, $(TRAMP_BASE + tramp32 - lapic_tramp16)
	.code32
tramp32:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $lapic_ap32, %eax
	jmp *%eax
	.p2align 3
tramp_gdt:
	.quad 0
	.quad 0x00cf9b000000ffff /* flat 32-bit code */
	.quad 0x00cf93000000ffff /* flat data */
tramp_gdt_desc:
	.word 3 * 8 - 1
	.long TRAMP_BASE + tramp_gdt - lapic_tramp16
lapic_tramp_end:

	.section .data
	.p2align 3
gdt:
	.quad 0
	.quad 0x00af9b000000ffff /* 64-bit code */
	.quad 0x00cf93000000ffff /* data */
gdt_desc:
	.word 3 * 8 - 1
	.quad gdt
	.globl start_info_pa, ap_stack_top
start_info_pa:
	.long 0
ap_stack_top:
	.quad 0

	.section .bss
	.p2align 12
	.globl pml4
pml4:	.skip 4096
pdpt:	.skip 4096
pd:	.skip 4096
	.p2align 4
	.skip 16384
boot_stack_top:
