/*
 * The MSR policy of PVH/HVM guests: what RDMSR and WRMSR of an
 * intercepted MSR do. EFER (guest-settable bits only, LME fixed while
 * paging is on), PAT (valid memory types), the virtual x2APIC (vlapic*.c),
 * no MTRR ranges but a default type, machine check with no banks, the TSC
 * as the host's, and Xen's hypercall page MSR. Anything else is #GP. The
 * MSRs whose state the vendor switches itself (FS/GS bases, SYSCALL and
 * SYSENTER) are not intercepted. The vendor decodes the exit and injects
 * #GP on -1.
 *
 * Numbers in asm/msr-index.h. Machine check: CPUID offers MCE/MCA (Linux
 * reads MCG_CAP unguarded), with no banks. MSR_K8_INT_PENDING_MSG (C1E):
 * Linux reads it on family 0xf CPUs (qemu64) for E400.
 *
 * Locking: none; runs on the CPU running v.
 */
#include <asm/hvm.h>
#include <asm/msr-index.h>
#include <asm/system.h>
#include <asm/vlapic.h>
#include <asm/x86-defns.h>

static bool pat_valid(uint64_t pat)
{
	for (unsigned int i = 0; i < 8; i++) {
		uint8_t t = (uint8_t)(pat >> (i * 8));

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

int hvm_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	switch (msr) {
	case MSR_EFER:
		*val = hvm_get_efer(v);
		return 0;
	case MSR_PAT:
		*val = hvm_get_pat(v);
		return 0;
	case MSR_APIC_BASE:
		*val = v->arch.hvm.vlapic.apic_base;
		return 0;
	case MSR_X2APIC_FIRST ... MSR_X2APIC_LAST:
		return vlapic_guest_msr_read(v, msr, val);
	case MSR_MTRR_CAP:
		*val = 0; /* no variable or fixed ranges, no WC: the default type rules */
		return 0;
	case MSR_MTRR_DEF_TYPE:
		*val = v->arch.hvm.mtrr_def_type;
		return 0;
	case MSR_MCG_CAP:
	case MSR_MCG_STATUS:
		*val = 0; /* no banks, no MCG_CTL; nothing in progress */
		return 0;
	case MSR_K8_INT_PENDING_MSG:
		*val = 0; /* no C1E: the vCPU idles with HLT exits */
		return 0;
	case MSR_TSC:
		*val = rdtsc();
		return 0;
	default:
		return -1;
	}
}

int hvm_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	uint64_t allowed, efer;

	switch (msr) {
	case MSR_EFER:
		/* SCE, LME, NXE, FFXSR; LMA is the CPU's (it follows CR0.PG). */
		allowed = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_FFXSR;
		if (val & ~allowed)
			return -1;
		efer = hvm_get_efer(v);
		if ((hvm_get_cr(v, 0) & X86_CR0_PG) && ((val ^ efer) & EFER_LME))
			return -1; /* LME may not change while paging is on */
		hvm_set_efer(v, (val & ~EFER_LMA) | (efer & EFER_LMA));
		return 0;
	case MSR_PAT:
		if (!pat_valid(val))
			return -1;
		hvm_set_pat(v, val);
		return 0;
	case MSR_APIC_BASE:
		/* x2APIC mode at 0xfee00000 is all there is (vlapic.c): only that value is taken.
		 */
		return vlapic_base_write(&v->arch.hvm.vlapic, val) ? -1 : 0;
	case MSR_X2APIC_FIRST ... MSR_X2APIC_LAST:
		return vlapic_guest_msr_write(v, msr, val);
	case MSR_MTRR_DEF_TYPE:
		if ((val & ~0xcffUL) ||
		    ((val & 0xff) != 0 && (val & 0xff) != 1 && (val & 0xff) != 4 &&
		     (val & 0xff) != 5 && (val & 0xff) != 6))
			return -1;
		v->arch.hvm.mtrr_def_type = val;
		return 0;
	case MSR_MCG_STATUS:
		return val ? -1 : 0; /* as Xen's vMCE: only clearing it */
	case MSR_TSC:
		return 0; /* the TSC is the host's (pvclock uses it unscaled): writes are ignored */
	case MSR_XEN_HYPERCALL:
		return hvm_write_hypercall_page(v, val) ? -1 : 0;
	default:
		return -1;
	}
}
