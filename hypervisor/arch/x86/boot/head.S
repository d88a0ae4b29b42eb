/*
 * Boot entry. A Multiboot v1 loader (QEMU -kernel) or a Multiboot2 loader
 * (GRUB) drops us at start32 in 32-bit protected mode with paging off,
 * EAX = loader magic, EBX = physical address of the boot information.
 *
 * We zero .bss, build early page tables (identity map of the first 4 GiB and
 * the image at HV_VIRT_BASE, both with 2 MiB pages), enter long mode, jump to
 * the high mapping and call start_hypervisor(magic, info). C code replaces
 * these tables with the final ones (paging.c).
 */
#include <asm/layout.h>
#include <asm/boot.h>

#define PHYS(sym) ((sym) - HV_VIRT_BASE)

#define MB1_MAGIC 0x1BADB002
#define MB1_FLAGS 0x00010003 /* page-align modules, memory map, address fields */
#define MB2_MAGIC 0xE85250D6

	.section .text.head, "ax"
	.code32

	/* Multiboot v1 header: must be in the first 8 KiB, 4-byte aligned. */
	.balign 4
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)
	.long PHYS(mb1_header)		/* header_addr */
	.long PHYS(_start)		/* load_addr */
	.long PHYS(_edata)		/* load_end_addr */
	.long PHYS(__bss_end)		/* bss_end_addr */
	.long PHYS(start32)		/* entry_addr */

	/* Multiboot2 header: in the first 32 KiB, 8-byte aligned. */
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long 0				/* architecture: i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
	/* address tag */
	.balign 8
	.short 2, 0
	.long 24
	.long PHYS(mb2_header)
	.long PHYS(_start)
	.long PHYS(_edata)
	.long PHYS(__bss_end)
	/* entry address tag */
	.balign 8
	.short 3, 0
	.long 12
	.long PHYS(start32)
	/* end tag */
	.balign 8
	.short 0, 0
	.long 8
mb2_header_end:

	.globl start32
start32:
	cli
	cld
	/* Keep the loader's magic and info pointer in .data: .bss is zeroed next. */
	mov	%eax, PHYS(boot_loader_magic)
	mov	%ebx, PHYS(boot_loader_info)

	mov	$PHYS(__bss_start), %edi
	mov	$PHYS(__bss_end), %ecx
	sub	%edi, %ecx
	shr	$2, %ecx
	xor	%eax, %eax
	rep stosl

	mov	$PHYS(boot_stack_top), %esp

	/* Long mode and NX are required. */
	mov	$0x80000000, %eax
	cpuid
	cmp	$0x80000001, %eax
	jb	no_long_mode
	mov	$0x80000001, %eax
	cpuid
	bt	$29, %edx
	jnc	no_long_mode
	bt	$20, %edx
	jnc	no_long_mode

	/* PD entries: 2048 x 2 MiB covering 0..4 GiB (4 consecutive PD pages). */
	mov	$PHYS(boot_l2), %edi
	mov	$(PTE_P | PTE_W | PTE_PSE), %eax
	xor	%edx, %edx
	mov	$2048, %ecx
1:	mov	%eax, (%edi)
	mov	%edx, 4(%edi)
	add	$0x200000, %eax
	adc	$0, %edx
	add	$8, %edi
	loop	1b

	/* L3 (low): four 1 GiB slots -> the four PD pages. */
	mov	$PHYS(boot_l3_low), %edi
	mov	$(PHYS(boot_l2) + PTE_P + PTE_W), %eax
	mov	$4, %ecx
2:	mov	%eax, (%edi)
	add	$4096, %eax
	add	$8, %edi
	loop	2b

	/* L3 (high): the image's 1 GiB slot -> the first PD page. */
	mov	$(PHYS(boot_l2) + PTE_P + PTE_W), %eax
	mov	%eax, PHYS(boot_l3_high) + L3_INDEX(HV_VIRT_BASE) * 8

	/* L4: slot 0 (identity) and the image's slot. */
	mov	$(PHYS(boot_l3_low) + PTE_P + PTE_W), %eax
	mov	%eax, PHYS(boot_l4)
	mov	$(PHYS(boot_l3_high) + PTE_P + PTE_W), %eax
	mov	%eax, PHYS(boot_l4) + L4_INDEX(HV_VIRT_BASE) * 8

	/* PAE, then EFER.LME|NXE, then paging: long mode (compatibility). */
	mov	%cr4, %eax
	or	$(X86_CR4_PAE | X86_CR4_PGE), %eax
	mov	%eax, %cr4
	mov	$PHYS(boot_l4), %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$(EFER_LME | EFER_NXE), %eax
	wrmsr
	mov	%cr0, %eax
	or	$(X86_CR0_PG | X86_CR0_PE | X86_CR0_WP | X86_CR0_NE), %eax
	mov	%eax, %cr0

	lgdt	PHYS(boot_gdt_desc)
	ljmp	$BOOT_CS64, $PHYS(start64_low)

no_long_mode:
	/* Say why on COM1, then stop: this CPU cannot run Tessera. */
	mov	$PHYS(no_long_mode_msg), %esi
3:	lodsb
	test	%al, %al
	jz	4f
	mov	$0x3f8, %dx
	out	%al, %dx
	jmp	3b
4:	hlt
	jmp	4b

	.code64
start64_low:
	movabs	$start64, %rax
	jmp	*%rax

	.section .text.entry, "ax"
start64:
	mov	$BOOT_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	/* Switch the stack and the GDT to their high addresses. */
	movabs	$boot_stack_top, %rsp
	movabs	$boot_gdt, %rax
	mov	%rax, boot_gdt_desc + 2(%rip)
	lgdt	boot_gdt_desc(%rip)
	xor	%ebp, %ebp		/* end of the frame-pointer chain */
	mov	boot_loader_magic(%rip), %edi
	mov	boot_loader_info(%rip), %esi
	call	start_hypervisor
5:	cli
	hlt
	jmp	5b

	.section .rodata
no_long_mode_msg:
	.asciz "tessera: this CPU has no long mode or no NX; stopping\r\n"

	.data
	.balign 8
	.globl boot_loader_magic, boot_loader_info
boot_loader_magic:
	.long 0
boot_loader_info:
	.long 0
	.balign 16
	.globl boot_gdt
boot_gdt:
	.quad 0				/* null */
	.quad 0x00af9b000000ffff	/* BOOT_CS64: 64-bit code, DPL 0 */
	.quad 0x00cf93000000ffff	/* BOOT_DS: data, DPL 0 */
boot_gdt_end:
boot_gdt_desc:
	.short boot_gdt_end - boot_gdt - 1
	.quad PHYS(boot_gdt)

	.section .bss.page_aligned, "aw", @nobits
	.balign 4096
	.globl boot_l4
boot_l4:	.skip 4096
boot_l3_low:	.skip 4096
boot_l3_high:	.skip 4096
boot_l2:	.skip 4096 * 4
	.globl boot_stack, boot_stack_top
boot_stack:	.skip STACK_SIZE
boot_stack_top:
