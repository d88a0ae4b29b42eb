/*
 * The smallest PVH guest: an ELF64 image whose only Xen note is
 * XEN_ELFNOTE_PHYS32_ENTRY, entered in 32-bit protected mode with paging
 * off (ebx = hvm_start_info, unused here); it disables interrupts and
 * halts forever. The default boot bundle uses it until real guest kernels
 * exist.
 */
#define XEN_ELFNOTE_PHYS32_ENTRY 18 /* Xen public/elfnote.h */

	.section .note.Xen, "a", @note
	.p2align 2
	.long 2f - 1f /* namesz */
	.long 4f - 3f /* descsz */
	.long XEN_ELFNOTE_PHYS32_ENTRY
1:	.asciz "Xen"
2:	.p2align 2
3:	.long hlt_entry /* 32-bit physical entry point */
4:	.p2align 2

	.text
	.code32
	.globl hlt_entry
hlt_entry:
	cli
1:	hlt
	jmp 1b

	.section .note.GNU-stack, "", @progbits
