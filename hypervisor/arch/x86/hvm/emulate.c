/*
 * The little instruction work the HVM layer does itself: fetching the
 * bytes of the instruction at the guest's CS:RIP (for a vendor without
 * decode assists, e.g. QEMU's SVM), naming a general register by its
 * encoding number, and the CR4 write policy (as Xen 4.17 hvm.c
 * hvm_cr4_guest_valid_bits and hvm_set_cr4: no bit the guest's CPUID does
 * not offer, PAE kept in long mode, PCIDE only in long mode with CR3's PCID
 * 0).
 *
 * Locking: none; runs on the CPU running v.
 */
#include <asm/hvm.h>
#include <asm/page.h>
#include <asm/x86-defns.h>
#include <tessera/arch.h>

int hvm_fetch_insn(struct vcpu *v, uint8_t *buf, unsigned int *len)
{
	struct segment_register cs;
	uint64_t rip = hvm_get_reg(v, HVM_REG_RIP), gva;
	unsigned int first;

	hvm_get_segment(v, x86_seg_cs, &cs);
	if (!hvm_64bit_mode(v))
		rip &= 0xffffffffUL;
	gva = (hvm_64bit_mode(v) ? 0 : cs.base) + rip;
	/* Up to 15 bytes, without reading a page the instruction may not reach. */
	first = PAGE_SIZE - (gva & (PAGE_SIZE - 1));
	if (first > HVM_INSN_MAX)
		first = HVM_INSN_MAX;
	if (arch_copy_from_guest(v, buf, gva, first))
		return -1;
	*len = first;
	if (first < HVM_INSN_MAX &&
	    !arch_copy_from_guest(v, buf + first, gva + first, HVM_INSN_MAX - first))
		*len = HVM_INSN_MAX;
	return 0;
}

enum hvm_reg hvm_gpr(unsigned int n)
{
	static const enum hvm_reg regs[16] = {
	    HVM_REG_RAX, HVM_REG_RCX, HVM_REG_RDX, HVM_REG_RBX, HVM_REG_RSP, HVM_REG_RBP,
	    HVM_REG_RSI, HVM_REG_RDI, HVM_REG_R8,  HVM_REG_R9,	HVM_REG_R10, HVM_REG_R11,
	    HVM_REG_R12, HVM_REG_R13, HVM_REG_R14, HVM_REG_R15,
	};

	return regs[n & 15];
}

/* The CR4 bits v's CPUID lets it set (Xen's hvm_cr4_guest_valid_bits). */
static uint64_t hvm_cr4_valid(struct vcpu *v)
{
	uint32_t a, b, c1, d1, c7 = 0, b7 = 0, max;
	uint64_t ok = X86_CR4_PCE;

	hvm_cpuid(v, 0, 0, &max, &b, &c1, &d1);
	hvm_cpuid(v, 1, 0, &a, &b, &c1, &d1);
	if (max >= 7)
		hvm_cpuid(v, 7, 0, &a, &b7, &c7, &b);
	ok |= (d1 & X86_BIT(1)) ? X86_CR4_VME | X86_CR4_PVI : 0;
	ok |= (d1 & X86_BIT(2)) ? X86_CR4_DE : 0;
	ok |= (d1 & X86_BIT(3)) ? X86_CR4_PSE : 0;
	ok |= (d1 & X86_BIT(4)) ? X86_CR4_TSD : 0;
	ok |= (d1 & X86_BIT(6)) ? X86_CR4_PAE : 0;
	ok |= (d1 & X86_BIT(7)) ? X86_CR4_MCE : 0;
	ok |= (d1 & X86_BIT(13)) ? X86_CR4_PGE : 0;
	ok |= (d1 & X86_BIT(24)) ? X86_CR4_OSFXSR : 0;
	ok |= (d1 & X86_BIT(25)) ? X86_CR4_OSXMMEXCPT : 0;
	ok |= (c1 & X86_BIT(5)) ? X86_CR4_VMXE : 0;
	ok |= (c1 & X86_BIT(17)) ? X86_CR4_PCIDE : 0;
	ok |= (c1 & X86_BIT(26)) ? X86_CR4_OSXSAVE : 0;
	ok |= (b7 & X86_BIT(0)) ? X86_CR4_FSGSBASE : 0;
	ok |= (b7 & X86_BIT(7)) ? X86_CR4_SMEP : 0;
	ok |= (b7 & X86_BIT(20)) ? X86_CR4_SMAP : 0;
	ok |= (c7 & X86_BIT(2)) ? X86_CR4_UMIP : 0;
	ok |= (c7 & X86_BIT(3)) ? X86_CR4_PKE : 0;
	return ok;
}

int hvm_set_cr4(struct vcpu *v, uint64_t val)
{
	uint64_t old = hvm_get_cr(v, 4);
	bool lma = hvm_get_efer(v) & EFER_LMA;

	if (val & ~hvm_cr4_valid(v))
		return -1;
	if (lma && !(val & X86_CR4_PAE))
		return -1; /* long mode needs PAE paging */
	if ((val & X86_CR4_PCIDE) && !(old & X86_CR4_PCIDE) && (!lma || (hvm_get_cr(v, 3) & 0xfff)))
		return -1;
	hvm_funcs->set_cr4(v, val,
			   (val ^ old) & (X86_CR4_PGE | X86_CR4_PAE | X86_CR4_PSE | X86_CR4_PCIDE |
					  X86_CR4_SMEP | X86_CR4_SMAP | X86_CR4_PKE));
	return 0;
}
