/*
 * The MSR policy of PVH/HVM guests: what RDMSR and WRMSR of an
 * intercepted MSR do. EFER (guest-settable bits only, LME fixed while
 * paging is on), PAT (valid memory types), the virtual x2APIC (vlapic*.c),
 * no MTRR ranges but a default type, machine check with no banks, the TSC
 * as the host's, DEBUGCTL (LBR and BTF kept, without effect: no LBR
 * virtualization, as Xen on a CPU without it), TSC_AUX per vCPU when
 * CPUID offers RDTSCP, and Xen's hypercall page MSR. Anything else is #GP,
 * logged at loglvl=debug once per MSR and domain. The
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
#include <tessera/console.h>

static bool pat_valid(uint64_t pat)
{
	for (unsigned int i = 0; i < 8; i++) {
		uint8_t t = (uint8_t)(pat >> (i * 8));

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

/* Does v's CPUID offer RDTSCP (and so TSC_AUX)? Leaf 0x80000001 EDX bit 27. */
bool hvm_has_rdtscp(struct vcpu *v)
{
	uint32_t a, b, c, d;

	hvm_cpuid(v, 0x80000000, 0, &a, &b, &c, &d);
	if (a < 0x80000001)
		return false;
	hvm_cpuid(v, 0x80000001, 0, &a, &b, &c, &d);
	return d & (1u << 27);
}

/*
 * A refused MSR, logged at debug level the first time each domain touches
 * it (a guest probing MSRs must not flood the log). Two vCPUs racing on
 * the same new MSR may both log it.
 */
static void msr_refused(struct vcpu *v, uint32_t msr, bool write)
{
	struct hvm_domain *hd = &v->domain->arch.hvm;
	unsigned int n = __atomic_load_n(&hd->nr_refused_msrs, __ATOMIC_ACQUIRE), i;

	for (i = 0; i < n && i < ARRAY_SIZE(hd->refused_msrs); i++)
		if (__atomic_load_n(&hd->refused_msrs[i], __ATOMIC_RELAXED) == msr)
			return;
	if (n > ARRAY_SIZE(hd->refused_msrs))
		return;
	i = __atomic_fetch_add(&hd->nr_refused_msrs, 1, __ATOMIC_ACQ_REL);
	if (i < ARRAY_SIZE(hd->refused_msrs)) {
		__atomic_store_n(&hd->refused_msrs[i], msr, __ATOMIC_RELEASE);
		pr_debug("d%uv%u: %s of MSR %#x refused (#GP)", v->domain->domain_id, v->vcpu_id,
			 write ? "WRMSR" : "RDMSR", msr);
	} else if (i == ARRAY_SIZE(hd->refused_msrs)) {
		pr_debug("d%u: more MSRs refused; no more are logged", v->domain->domain_id);
	}
}

static int msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
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
	case MSR_DEBUGCTL:
		*val = v->arch.hvm.debugctl;
		return 0;
	case MSR_TSC_AUX:
		if (!hvm_has_rdtscp(v))
			return -1;
		*val = v->arch.hvm.tsc_aux;
		return 0;
	default:
		return -1;
	}
}

static int msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
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
		/* x2APIC, xAPIC or disabled, at 0xfee00000 (vlapic.c). */
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
	case MSR_DEBUGCTL:
		/* LBR and BTF are kept (read back) but do nothing: no LBR virtualization. */
		if (val & ~(DEBUGCTL_LBR | DEBUGCTL_BTF))
			return -1;
		v->arch.hvm.debugctl = val;
		return 0;
	case MSR_TSC_AUX:
		if (!hvm_has_rdtscp(v) || (val >> 32))
			return -1;
		v->arch.hvm.tsc_aux = (uint32_t)val;
		wrmsr(MSR_TSC_AUX, val); /* v runs here: the vendor loads it at each run (svm.c) */
		return 0;
	default:
		return -1;
	}
}

int hvm_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	if (!msr_read(v, msr, val))
		return 0;
	msr_refused(v, msr, false);
	return -1;
}

int hvm_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	if (!msr_write(v, msr, val))
		return 0;
	msr_refused(v, msr, true);
	return -1;
}
