/*
 * Guest extended state (x87, SSE, AVX) per vCPU with XSAVE/XRSTOR, and the
 * guest's XCR0. When the CPU has XSAVE (CPUID 1 ECX.XSAVE), every CPU runs
 * with CR4.OSXSAVE and, while in the hypervisor, XCR0 = svm_xcr0_max: the
 * components the guest may use (x87|SSE|AVX as the CPU offers them). The
 * run loop (svm.c) restores a vCPU's whole area with that mask and then
 * loads the guest's XCR0; on the way out it puts XCR0 back to the maximum
 * and saves the whole area. The hypervisor itself uses no FPU/SSE, so the
 * guest's registers stay live between the two. Without XSAVE the 512-byte
 * FXSAVE image is used as before (and the guest sees no XSAVE).
 *
 * XSETBV is intercepted and checked as the SDM/APM specify (Intel SDM vol. 2
 * XSETBV; AMD APM vol. 3 XSETBV, vol. 2 11.5.2): #UD without CR4.OSXSAVE,
 * #GP at CPL > 0, for ECX != 0, for bit 0 (x87) clear, for AVX without SSE,
 * or for a component outside what CPUID leaf 0xD reports.
 *
 * The area and XCR0 are vendor-neutral state (struct hvm_vcpu); only the
 * XSETBV decoding and the self-test's VMCB set-up are SVM's. The CPUID part
 * (hvm_cpuid_xstate) reads the guest's CR4 through the HVM accessors.
 *
 * Locking: none; a vCPU's area and XCR0 are touched only by the CPU running it.
 */
#include <asm/hvm.h>
#include <asm/page.h>
#include <asm/hvm/svm/svm.h>
#include <asm/system.h>
#include <asm/traps.h>
#include <asm/x86-defns.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/hypercall.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/panic.h>
#include <tessera/selftest.h>
#include <tessera/string.h>

#define XS_TRAP_UD TRAP_invalid_op
#define XS_TRAP_GP TRAP_gp_fault
#define XSTATE_X87 (1UL << 0)
#define XSTATE_SSE (1UL << 1)
#define XSTATE_AVX (1UL << 2)
#define XSTATE_OFFERED (XSTATE_X87 | XSTATE_SSE | XSTATE_AVX)
#define CPUID1_ECX_XSAVE (1u << 26)
#define CPUID1_ECX_OSXSAVE (1u << 27)
#define CPUID1_ECX_FMA (1u << 12)
#define CPUID1_ECX_AVX (1u << 28)
#define CPUID1_ECX_F16C (1u << 29)
#define XSAVE_LEGACY_SIZE 576 /* legacy region 512 + header 64 */

/* Components guests may enable (0: no XSAVE, FXSAVE is used) and the area size for them. */
uint64_t svm_xcr0_max;
static unsigned int svm_xsave_size;

static inline void xsetbv(uint32_t idx, uint64_t v)
{
	__asm__ __volatile__("xsetbv" ::"c"(idx), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void xsave(void *p, uint64_t mask)
{
	__asm__ __volatile__("xsave64 (%0)" ::"r"(p), "a"((uint32_t)mask),
			     "d"((uint32_t)(mask >> 32))
			     : "memory");
}

static inline void xrstor(const void *p, uint64_t mask)
{
	__asm__ __volatile__("xrstor64 (%0)" ::"r"(p), "a"((uint32_t)mask),
			     "d"((uint32_t)(mask >> 32))
			     : "memory");
}

static inline void fxsave(void *p)
{
	__asm__ __volatile__("fxsave64 (%0)" ::"r"(p) : "memory");
}
static inline void fxrstor(const void *p)
{
	__asm__ __volatile__("fxrstor64 (%0)" ::"r"(p) : "memory");
}

void svm_xstate_cpu_init(bool bsp)
{
	uint32_t a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	if (bsp) {
		svm_xcr0_max = 0;
		if (c & CPUID1_ECX_XSAVE) {
			cpuid_count(0xd, 0, &a, &b, &c, &d);
			svm_xcr0_max = a & XSTATE_OFFERED;
			/* x87 and SSE are architectural with XSAVE; without both, stay with FXSAVE.
			 */
			if ((svm_xcr0_max & (XSTATE_X87 | XSTATE_SSE)) != (XSTATE_X87 | XSTATE_SSE))
				svm_xcr0_max = 0;
		}
	} else if (svm_xcr0_max && !(c & CPUID1_ECX_XSAVE)) {
		panic("CPU%u has no XSAVE but the boot CPU had", smp_processor_id());
	}
	if (!svm_xcr0_max)
		return;
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXSAVE);
	xsetbv(0, svm_xcr0_max);
	if (bsp) {
		/* EBX: the standard-format size for the components XCR0 now enables. */
		cpuid_count(0xd, 0, &a, &b, &c, &d);
		svm_xsave_size = b;
		if (svm_xsave_size < XSAVE_LEGACY_SIZE || svm_xsave_size > PAGE_SIZE)
			panic("XSAVE area of %u bytes for XCR0 %#lx", svm_xsave_size,
			      (unsigned long)svm_xcr0_max);
		pr_info("HVM: guest XSAVE state %#lx (%u bytes)", (unsigned long)svm_xcr0_max,
			svm_xsave_size);
	}
}

int svm_xstate_vcpu_init(struct hvm_vcpu *hv)
{
	/* One page: 64-byte aligned as XSAVE needs, and room for either format. */
	uint8_t *p = alloc_xenheap_pages(0);

	if (!p)
		return -ENOMEM;
	memset(p, 0, PAGE_SIZE);
	/*
	 * FNINIT state: FCW 0x37f, MXCSR 0x1f80 (legacy image, SDM vol. 1
	 * 13.4.1). With XSAVE, XSTATE_BV = 0 makes XRSTOR load every component's
	 * initial state, MXCSR still coming from the image.
	 */
	p[0] = 0x7f;
	p[1] = 0x03;
	p[24] = 0x80;
	p[25] = 0x1f;
	hv->fpu = p;
	hv->xcr0 = XSTATE_X87; /* the reset value (SDM vol. 1 13.3) */
	return 0;
}

void svm_xstate_vcpu_destroy(struct hvm_vcpu *hv)
{
	if (hv->fpu)
		free_xenheap_pages(hv->fpu, 0);
	hv->fpu = NULL;
}

void svm_xstate_load(struct hvm_vcpu *hv)
{
	if (!svm_xcr0_max) {
		fxrstor(hv->fpu);
		return;
	}
	xrstor(hv->fpu, svm_xcr0_max);
	if (hv->xcr0 != svm_xcr0_max)
		xsetbv(0, hv->xcr0);
}

void svm_xstate_save(struct hvm_vcpu *hv)
{
	if (!svm_xcr0_max) {
		fxsave(hv->fpu);
		return;
	}
	if (hv->xcr0 != svm_xcr0_max)
		xsetbv(0, svm_xcr0_max);
	xsave(hv->fpu, svm_xcr0_max);
}

/* Step over XSETBV (0f 01 d1): NRIP when the CPU saves it. */
static void xstate_skip(struct vmcb *vmcb)
{
	if ((svm_feature_edx & SVM_FEAT_NRIPS) && vmcb->nrip)
		vmcb->rip = vmcb->nrip;
	else
		vmcb->rip += 3;
	vmcb->int_state &= ~1UL;
}

void svm_exit_xsetbv(struct vcpu *v)
{
	struct svm_vcpu *sv = svm_v(v);
	struct vmcb *vmcb = sv->vmcb;
	uint64_t val = ((svm_gprs(sv)->rdx & 0xffffffffUL) << 32) | (vmcb->rax & 0xffffffffUL);

	if (!svm_xcr0_max || !(vmcb->cr4 & X86_CR4_OSXSAVE)) {
		svm_inject_exception(v, XS_TRAP_UD, false, 0);
		return;
	}
	if (vmcb->cpl != 0 || (uint32_t)svm_gprs(sv)->rcx != 0 || !(val & XSTATE_X87) ||
	    (val & ~svm_xcr0_max) || ((val & XSTATE_AVX) && !(val & XSTATE_SSE))) {
		svm_inject_exception(v, XS_TRAP_GP, true, 0);
		return;
	}
	v->arch.hvm.xcr0 = val;
	xsetbv(0, val); /* the guest's XCR0 is live for the rest of this run loop */
	xstate_skip(vmcb);
}

/* Size of the standard-format area for the components in xcr0 (CPUID 0xD sub-leaf offsets). */
static uint32_t xstate_size(uint64_t xcr0)
{
	uint32_t size = XSAVE_LEGACY_SIZE, a, b, c, d;

	for (unsigned int i = 2; i < 63; i++) {
		if (!(xcr0 & (1UL << i)))
			continue;
		cpuid_count(0xd, i, &a, &b, &c, &d);
		if (a + b > size)
			size = a + b; /* EAX: size, EBX: offset */
	}
	return size;
}

void hvm_cpuid_xstate(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
		      uint32_t *c, uint32_t *d)
{
	if (leaf == 1) {
		*c &= ~(CPUID1_ECX_XSAVE | CPUID1_ECX_OSXSAVE);
		if (svm_xcr0_max) {
			*c |= CPUID1_ECX_XSAVE;
			/* OSXSAVE mirrors the guest's own CR4.OSXSAVE. */
			if (hvm_get_cr(v, 4) & X86_CR4_OSXSAVE)
				*c |= CPUID1_ECX_OSXSAVE;
		}
		/* AVX and the instructions using its registers only with AVX state offered. */
		if (!(svm_xcr0_max & XSTATE_AVX))
			*c &= ~(CPUID1_ECX_AVX | CPUID1_ECX_FMA | CPUID1_ECX_F16C);
		return;
	}
	if (leaf != 0xd)
		return;
	if (!svm_xcr0_max) {
		*a = *b = *c = *d = 0;
		return;
	}
	switch (sub) {
	case 0:
		/* EAX/EDX: components XCR0 may hold; EBX: size for the current XCR0; ECX: for all.
		 */
		*a = (uint32_t)svm_xcr0_max;
		*d = (uint32_t)(svm_xcr0_max >> 32);
		*b = xstate_size(v->arch.hvm.xcr0);
		*c = svm_xsave_size;
		break;
	case 1:
		/*
		 * None of XSAVEOPT/XSAVEC/XGETBV1/XSAVES: XSAVEOPT's modified-state
		 * tracking keys on the linear address of the last XRSTOR, and ours
		 * (svm.c's run loop) may share one with the guest's; XSAVES needs
		 * IA32_XSS, not offered.
		 */
		*a = 0;
		*b = *c = *d = 0;
		break;
	default:
		if (sub >= 63 || !(svm_xcr0_max & (1UL << sub)))
			*a = *b = *c = *d = 0;
		break;
	}
}

/*
 * SELFTEST(svm_xsetbv): the XSETBV checks on a vCPU that does not run (its
 * VMCB filled by hand), the CPUID leaves a guest sees, and an XSAVE/XRSTOR
 * round trip of a vCPU's area. Needs a CPU with XSAVE (QEMU: -cpu max);
 * without it, XSETBV must give #UD and the test checks only that.
 */
#define XS_ST_DOMID 0x7f02

static uint64_t xs_st_try(struct vcpu *v, uint64_t cr4, uint8_t cpl, uint32_t ecx, uint64_t val)
{
	struct svm_vcpu *sv = svm_v(v);

	sv->vmcb->cr4 = cr4;
	sv->vmcb->cpl = cpl;
	sv->vmcb->eventinj = 0;
	sv->vmcb->rip = 0x1000;
	sv->vmcb->nrip = 0x1003;
	svm_gprs(sv)->rcx = ecx;
	sv->vmcb->rax = (uint32_t)val;
	svm_gprs(sv)->rdx = val >> 32;
	svm_exit_xsetbv(v);
	if (svm_xcr0_max)
		xsetbv(0, svm_xcr0_max); /* the host's value back (the test is not in a run loop) */
	/* The injected vector, or 0x100 if the write was taken (and RIP moved past it). */
	if (sv->vmcb->eventinj)
		return sv->vmcb->eventinj & 0xff;
	return sv->vmcb->rip == 0x1003 ? 0x100 : 0x200;
}

SELFTEST(svm_xsetbv)
{
	struct domain_create_args args = {
	    .name = "xstest",
	    .mode = GUEST_MODE_PVH,
	    .max_vcpus = 1,
	    .max_pages = 8,
	};
	struct svm_vcpu *sv;
	struct domain *d;
	struct vcpu *v;
	uint32_t a, b, c, dx;
	int ret;

	if (!hvm_enabled())
		return -ENODEV;
	ret = domain_create(XS_ST_DOMID, &args, &d);
	if (ret)
		return ret;
	get_domain(d);
	v = d->vcpu[0];
	sv = svm_v(v);
	ret = -EIO;
	if (!svm_xcr0_max) {
		pr_info("svm_xsetbv: no XSAVE on this CPU: XSETBV must be #UD");
		if (xs_st_try(v, X86_CR4_OSXSAVE, 0, 0, 3) != XS_TRAP_UD)
			goto out;
		ret = 0;
		goto out;
	}
	/* #UD without CR4.OSXSAVE; #GP at CPL 3, ECX != 0, x87 clear, AVX without SSE, unknown
	 * bits. */
	if (xs_st_try(v, 0, 0, 0, 3) != XS_TRAP_UD ||
	    xs_st_try(v, X86_CR4_OSXSAVE, 3, 0, 3) != XS_TRAP_GP ||
	    xs_st_try(v, X86_CR4_OSXSAVE, 0, 1, 3) != XS_TRAP_GP ||
	    xs_st_try(v, X86_CR4_OSXSAVE, 0, 0, 2) != XS_TRAP_GP ||
	    xs_st_try(v, X86_CR4_OSXSAVE, 0, 0, XSTATE_X87 | XSTATE_AVX) != XS_TRAP_GP ||
	    xs_st_try(v, X86_CR4_OSXSAVE, 0, 0, 1UL << 9) != XS_TRAP_GP ||
	    xs_st_try(v, X86_CR4_OSXSAVE, 0, 0, 1UL << 40 | 3) != XS_TRAP_GP ||
	    v->arch.hvm.xcr0 != XSTATE_X87) {
		pr_info("svm_xsetbv: an invalid XSETBV was not refused");
		goto out;
	}
	if (xs_st_try(v, X86_CR4_OSXSAVE, 0, 0, XSTATE_X87 | XSTATE_SSE) != 0x100 ||
	    v->arch.hvm.xcr0 != (XSTATE_X87 | XSTATE_SSE) ||
	    xs_st_try(v, X86_CR4_OSXSAVE, 0, 0, svm_xcr0_max) != 0x100 ||
	    v->arch.hvm.xcr0 != svm_xcr0_max) {
		pr_info("svm_xsetbv: a valid XSETBV was refused");
		goto out;
	}
	/* CPUID: XSAVE offered, OSXSAVE follows the guest's CR4, leaf 0xD matches. */
	a = b = dx = 0;
	c = CPUID1_ECX_OSXSAVE;
	sv->vmcb->cr4 = 0;
	hvm_cpuid_xstate(v, 1, 0, &a, &b, &c, &dx);
	if (!(c & CPUID1_ECX_XSAVE) || (c & CPUID1_ECX_OSXSAVE))
		goto out;
	cpuid_count(0xd, 0, &a, &b, &c, &dx);
	hvm_cpuid_xstate(v, 0xd, 0, &a, &b, &c, &dx);
	if (a != (uint32_t)svm_xcr0_max || c != svm_xsave_size || b != xstate_size(svm_xcr0_max))
		goto out;
	cpuid_count(0xd, 1, &a, &b, &c, &dx);
	hvm_cpuid_xstate(v, 0xd, 1, &a, &b, &c, &dx);
	if (a)
		goto out;
	/* The area: load (initial state) and save again; MXCSR and FCW stay the reset values. */
	v->arch.hvm.xcr0 = XSTATE_X87;
	svm_xstate_load(&v->arch.hvm);
	svm_xstate_save(&v->arch.hvm);
	if (v->arch.hvm.fpu[0] != 0x7f || v->arch.hvm.fpu[1] != 0x03 ||
	    v->arch.hvm.fpu[24] != 0x80 || v->arch.hvm.fpu[25] != 0x1f)
		goto out;
	pr_info("svm_xsetbv: XCR0 max %#lx, area %u bytes: checks passed",
		(unsigned long)svm_xcr0_max, svm_xsave_size);
	ret = 0;
out:
	while (domain_kill(d) == -ERESTART)
		;
	put_domain(d);
	return ret;
}
