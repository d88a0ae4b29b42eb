/*
 * AMD SVM: detection and per-CPU enabling, the VMCB of each vCPU, ASIDs,
 * event injection and the VMRUN loop. Exit handling is in exits.c, the
 * nested page table in npt.c, the world switch in entry.S. This file fills
 * the vendor table of asm/hvm.h (svm_function_table), with the accessors
 * through which the vendor-neutral layer (arch/x86/hvm/) reads and writes
 * the guest state kept in the VMCB and hvm_gprs.
 *
 * The run loop (svm_run, called from idle_loop with interrupts off) starts
 * with the vendor-neutral hvm_vcpu_prepare_run (hvm.c), keeps the guest's
 * FPU state loaded while it loops and saves it before
 * returning, and the VMCB and struct hvm_gprs are in memory after every #VMEXIT:
 * so when schedule() switches away, nothing of the guest is left in the
 * CPU and another CPU may pick the vCPU up at once.
 *
 * Interrupts: the loop checks for softirqs and enters the guest with GIF
 * clear and RFLAGS.IF set; VMRUN sets GIF, a host interrupt then causes
 * #VMEXIT(INTR) (V_INTR_MASKING: the host's IF governs physical interrupts,
 * APM vol. 2 15.21.1), and STGI after the exit lets the host take it.
 *
 * Locking: a vCPU's SVM state is touched only by the CPU running it, or
 * while it is paused (builder, domctl). ASIDs are per CPU (svm_cpu), used
 * with interrupts off. in_guest/nr_exits (struct hvm_vcpu) are the
 * handshake with npt_flush and arch_vcpu_kick on other CPUs.
 */
#include <asm/apic.h>
#include <asm/hvm.h>
#include <asm/hvm/intr.h>
#include <asm/irq_vectors.h>
#include <asm/msr-index.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/acpi_build.h>
#include <asm/hvm/svm/svm.h>
#include <asm/system.h>
#include <asm/vlapic.h>
#include <asm/x86-defns.h>
#include <public/hvm/hvm_vcpu.h>
#include <public/hvm/params.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/page_info.h>
#include <tessera/panic.h>
#include <tessera/sched.h>
#include <tessera/softirq.h>
#include <tessera/string.h>
#include <tessera/time.h>

/* entry.S moves struct hvm_gprs by these offsets. */
BUILD_BUG_ON(offsetof(struct hvm_gprs, rbx) != SVM_GPRS_RBX);
BUILD_BUG_ON(offsetof(struct hvm_gprs, rdi) != SVM_GPRS_RDI);
BUILD_BUG_ON(offsetof(struct hvm_gprs, rbp) != SVM_GPRS_RBP);
BUILD_BUG_ON(offsetof(struct hvm_gprs, r8) != SVM_GPRS_R8);
BUILD_BUG_ON(offsetof(struct hvm_gprs, r15) != SVM_GPRS_R15);
BUILD_BUG_ON(sizeof(struct hvm_gprs) != SVM_GPRS_R15 + 8);

/* The PAT a CPU comes out of reset with (AMD APM vol. 2 7.8.2). */
#define PAT_POWER_ON 0x0007040600070406UL

uint32_t svm_feature_edx;
static bool svm_host_rdtscp; /* the CPU has RDTSCP, so a TSC_AUX MSR */
static uint32_t svm_nr_asids;
static void *svm_iopm;	/* 12 KiB, every port intercepted (shared: never changes) */
static void *svm_msrpm; /* 8 KiB, every MSR intercepted but the VMLOAD/VMSAVE ones */

struct svm_cpu {
	uint64_t asid_gen; /* bumped (with a full flush) when ASIDs run out */
	uint32_t next_asid;
	paddr_t hsave_pa;     /* VM_HSAVE_PA: where VMRUN keeps host state */
	paddr_t host_save_pa; /* VMSAVE area for the host's FS/GS/TR/... */
};
static DEFINE_PER_CPU(struct svm_cpu, svm_cpus);

static inline void svm_clgi(void)
{
	__asm__ __volatile__("clgi" ::: "memory");
}
static inline void svm_stgi(void)
{
	__asm__ __volatile__("stgi" ::: "memory");
}

/*
 * Detection (APM vol. 2 15.4): CPUID 0x80000001 ECX.SVM, not disabled by
 * the firmware (VM_CR.SVMDIS), and nested paging (CPUID 0x8000000A EDX.NP),
 * without which PVH is not offered.
 */
static bool svm_detect(void)
{
	uint32_t a, b, c, d;

	cpuid(0x80000000, &a, &b, &c, &d);
	if (a < 0x8000000a)
		return false;
	cpuid(0x80000001, &a, &b, &c, &d);
	if (!(c & (1u << 2))) {
		pr_info("HVM: no SVM (CPUID 0x80000001 ECX.SVM clear): PVH guests unavailable");
		return false;
	}
	if (rdmsr(MSR_K8_VM_CR) & VM_CR_SVMDIS) {
		pr_info("HVM: SVM disabled by firmware (VM_CR.SVMDIS): PVH guests unavailable");
		return false;
	}
	cpuid(0x8000000a, &a, &b, &c, &d);
	if (!(d & SVM_FEAT_NP)) {
		pr_info("HVM: SVM without nested paging: PVH guests unavailable");
		return false;
	}
	svm_feature_edx = d;
	svm_nr_asids = b;
	cpuid(0x80000001, &a, &b, &c, &d);
	svm_host_rdtscp = d & (1u << 27);
	return svm_nr_asids >= 2;
}

/* MSRs whose state VMLOAD/VMSAVE switch: the guest may access them directly (as Xen). */
static const uint32_t svm_passthrough_msrs[] = {
    MSR_FS_BASE, MSR_GS_BASE,	   MSR_SHADOW_GS_BASE, MSR_STAR,	 MSR_LSTAR,
    MSR_CSTAR,	 MSR_SYSCALL_MASK, MSR_SYSENTER_CS,    MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
};

/* Clear msr's read and write intercept bits (APM vol. 2 15.11: two bits per MSR, 3 ranges). */
static void svm_msrpm_allow(uint8_t *pm, uint32_t msr)
{
	unsigned long base;

	if (msr < 0x2000)
		base = 0;
	else if (msr - 0xc0000000u < 0x2000)
		base = 0x800 * 8, msr -= 0xc0000000u;
	else
		base = 0x1000 * 8, msr -= 0xc0010000u;
	base += msr * 2UL;
	pm[base / 8] &= (uint8_t) ~(3u << (base % 8));
}

/* Enable SVM on the calling CPU: EFER.SVME and its host save area. */
static int svm_cpu_up(void)
{
	struct svm_cpu *c = &this_cpu(svm_cpus);
	void *hsave, *hs;

	if (!paddr_x(c->hsave_pa)) {
		hsave = alloc_xenheap_pages(0);
		hs = alloc_xenheap_pages(0);
		if (!hsave || !hs) {
			if (hsave)
				free_xenheap_pages(hsave, 0);
			if (hs)
				free_xenheap_pages(hs, 0);
			return -ENOMEM;
		}
		memset(hsave, 0, PAGE_SIZE);
		memset(hs, 0, PAGE_SIZE);
		c->hsave_pa = virt_to_maddr(hsave);
		c->host_save_pa = virt_to_maddr(hs);
	}
	c->asid_gen = 1;
	c->next_asid = 1;
	/* Guest FPU state moves with FXSAVE/FXRSTOR: they need OSFXSR, and no TS/EM trap. */
	write_cr4(read_cr4() | X86_CR4_OSFXSR);
	write_cr0((read_cr0() & ~(X86_CR0_TS | X86_CR0_EM)) | X86_CR0_MP);
	svm_xstate_cpu_init(false); /* CR4.OSXSAVE and XCR0 when guests get XSAVE (xstate.c) */
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_K8_VM_HSAVE_PA, paddr_x(c->hsave_pa));
	return 0;
}

bool svm_init(void);
bool svm_init(void)
{
	if (!svm_detect())
		return false;
	svm_iopm = alloc_xenheap_pages(2);
	svm_msrpm = alloc_xenheap_pages(1);
	if (!svm_iopm || !svm_msrpm) {
		pr_err("HVM: no memory for the I/O and MSR permission maps");
		return false;
	}
	memset(svm_iopm, 0xff, 4 * PAGE_SIZE);
	memset(svm_msrpm, 0xff, 2 * PAGE_SIZE);
	for (unsigned int i = 0; i < ARRAY_SIZE(svm_passthrough_msrs); i++)
		svm_msrpm_allow(svm_msrpm, svm_passthrough_msrs[i]);
	svm_xstate_cpu_init(true);
	if (svm_cpu_up())
		return false;
	pr_info("HVM: SVM with NPT, %u ASIDs%s%s", svm_nr_asids,
		(svm_feature_edx & SVM_FEAT_NRIPS) ? ", NRIPS" : "",
		(svm_feature_edx & SVM_FEAT_FLUSHBYASID) ? ", flush-by-ASID" : "");
	return true;
}

static int svm_domain_init(struct domain *d)
{
	return svm_npt_init(d);
}

static void svm_domain_destroy(struct domain *d)
{
	svm_npt_destroy(d);
}

static void svm_set_seg(struct vmcb_seg *s, uint16_t sel, uint16_t attrib, uint32_t limit,
			uint64_t base)
{
	s->sel = sel;
	s->attrib = attrib;
	s->limit = limit;
	s->base = base;
}

/*
 * The PVH entry state (Xen docs/misc/pvh.pandoc; Linux
 * arch/x86/platform/pvh/head.S): 32-bit protected mode, paging off, flat
 * CS/DS/ES/SS, TR a busy 32-bit TSS (base 0, limit 0x67), IF clear, %ebx =
 * start_info. EFER.SVME must stay set in the VMCB (APM vol. 2 15.5.1).
 */
static void svm_set_pvh_start(struct vcpu *v, uint32_t entry, uint32_t ebx)
{
	struct svm_vcpu *sv = svm_v(v);
	struct vmcb *vmcb = sv->vmcb;

	memset(svm_gprs(sv), 0, sizeof(struct hvm_gprs));
	svm_gprs(sv)->rbx = ebx;
	vmcb->rax = 0;
	vmcb->rsp = 0;
	vmcb->rip = entry;
	vmcb->rflags = X86_EFLAGS_MBS;
	vmcb->cr0 = X86_CR0_PE | X86_CR0_ET;
	vmcb->cr2 = 0;
	vmcb->cr3 = 0;
	vmcb->cr4 = 0;
	vmcb->efer = EFER_SVME;
	vmcb->dr6 = 0xffff0ff0;
	vmcb->dr7 = 0x400;
	vmcb->g_pat = PAT_POWER_ON;
	vmcb->cpl = 0;
	svm_set_seg(&vmcb->cs, 0x08, X86_SEG_AR_CODE32, 0xffffffff, 0);
	svm_set_seg(&vmcb->ds, 0x10, X86_SEG_AR_DATA32, 0xffffffff, 0);
	svm_set_seg(&vmcb->es, 0x10, X86_SEG_AR_DATA32, 0xffffffff, 0);
	svm_set_seg(&vmcb->ss, 0x10, X86_SEG_AR_DATA32, 0xffffffff, 0);
	svm_set_seg(&vmcb->fs, 0x10, X86_SEG_AR_DATA32, 0xffffffff, 0);
	svm_set_seg(&vmcb->gs, 0x10, X86_SEG_AR_DATA32, 0xffffffff, 0);
	svm_set_seg(&vmcb->tr, 0x18, X86_SEG_AR_TSS_BUSY, 0x67, 0);
	svm_set_seg(&vmcb->ldtr, 0, X86_SEG_AR_LDT, 0, 0);
	svm_set_seg(&vmcb->gdtr, 0, 0, 0, 0);
	svm_set_seg(&vmcb->idtr, 0, 0, 0, 0);
	vmcb->star = vmcb->lstar = vmcb->cstar = vmcb->sfmask = vmcb->kernel_gs_base = 0;
	vmcb->sysenter_cs = vmcb->sysenter_esp = vmcb->sysenter_eip = 0;
	vmcb->eventinj = 0;
	vmcb->exitintinfo = 0;
	vmcb->int_state = 0;
	vmcb->vintr = SVM_VINTR_MASKING;
	v->arch.hvm.mtrr_def_type = (1UL << 11) | 6; /* enabled, write-back (pvh.pandoc) */
}

/*
 * A VCPUOP_initialise context (public/hvm/hvm_vcpu.h, validated by
 * vcpu_op.c): load it before the vCPU's first run.
 */
static void svm_load_init_ctx(struct vcpu *v, const struct vcpu_hvm_context *ctx)
{
	struct svm_vcpu *sv = svm_v(v);
	struct vmcb *vmcb = sv->vmcb;

	svm_set_pvh_start(v, 0, 0);
	if (ctx->mode == VCPU_HVM_MODE_64B) {
		const struct vcpu_hvm_x86_64 *r = &ctx->cpu_regs.x86_64;

		vmcb->rax = r->rax;
		svm_gprs(sv)->rcx = r->rcx;
		svm_gprs(sv)->rdx = r->rdx;
		svm_gprs(sv)->rbx = r->rbx;
		vmcb->rsp = r->rsp;
		svm_gprs(sv)->rbp = r->rbp;
		svm_gprs(sv)->rsi = r->rsi;
		svm_gprs(sv)->rdi = r->rdi;
		vmcb->rip = r->rip;
		vmcb->rflags = r->rflags | X86_EFLAGS_MBS;
		vmcb->cr0 = r->cr0 | X86_CR0_ET;
		vmcb->cr3 = r->cr3;
		vmcb->cr4 = r->cr4;
		vmcb->efer = r->efer | EFER_SVME;
		svm_set_seg(&vmcb->cs, 0x08, X86_SEG_AR_CODE64, 0xffffffff, 0);
		vmcb->tr.attrib = X86_SEG_AR_TSS_BUSY; /* busy 64-bit TSS has the same type */
	} else {
		const struct vcpu_hvm_x86_32 *r = &ctx->cpu_regs.x86_32;

		vmcb->rax = r->eax;
		svm_gprs(sv)->rcx = r->ecx;
		svm_gprs(sv)->rdx = r->edx;
		svm_gprs(sv)->rbx = r->ebx;
		vmcb->rsp = r->esp;
		svm_gprs(sv)->rbp = r->ebp;
		svm_gprs(sv)->rsi = r->esi;
		svm_gprs(sv)->rdi = r->edi;
		vmcb->rip = r->eip;
		vmcb->rflags = r->eflags | X86_EFLAGS_MBS;
		vmcb->cr0 = r->cr0 | X86_CR0_ET;
		vmcb->cr3 = r->cr3;
		vmcb->cr4 = r->cr4;
		vmcb->efer = r->efer | EFER_SVME;
		svm_set_seg(&vmcb->cs, 0x08, r->cs_ar, r->cs_limit, r->cs_base);
		svm_set_seg(&vmcb->ds, 0x10, r->ds_ar, r->ds_limit, r->ds_base);
		svm_set_seg(&vmcb->ss, 0x10, r->ss_ar, r->ss_limit, r->ss_base);
		svm_set_seg(&vmcb->es, 0x10, r->es_ar, r->es_limit, r->es_base);
		svm_set_seg(&vmcb->tr, 0x18, r->tr_ar, r->tr_limit, r->tr_base);
	}
	vmcb->cpl = 0;
}

/*
 * The state a vCPU starts in after INIT and then a SIPI with this vector
 * (Intel SDM vol. 3A 9.1.1 table 9-1 and 8.4.4; AMD APM vol. 2 14.1.3):
 * real mode, CS selector vector << 8 and base vector << 12, IP 0, other
 * segments at 0 with 64 KiB limits, paging and caching state at reset.
 */
static void svm_set_sipi_start(struct vcpu *v, uint8_t vector)
{
	struct vmcb *vmcb = svm_v(v)->vmcb;

	svm_set_pvh_start(v, 0, 0);
	vmcb->cr0 = X86_CR0_ET;
	vmcb->rip = 0;
	svm_set_seg(&vmcb->cs, (uint16_t)(vector << 8), X86_SEG_AR_CODE16, 0xffff,
		    (uint64_t)vector << 12);
	svm_set_seg(&vmcb->ds, 0, X86_SEG_AR_DATA16, 0xffff, 0);
	svm_set_seg(&vmcb->es, 0, X86_SEG_AR_DATA16, 0xffff, 0);
	svm_set_seg(&vmcb->ss, 0, X86_SEG_AR_DATA16, 0xffff, 0);
	svm_set_seg(&vmcb->fs, 0, X86_SEG_AR_DATA16, 0xffff, 0);
	svm_set_seg(&vmcb->gs, 0, X86_SEG_AR_DATA16, 0xffff, 0);
	svm_set_seg(&vmcb->tr, 0, X86_SEG_AR_TSS_BUSY, 0xffff, 0);
	svm_set_seg(&vmcb->ldtr, 0, X86_SEG_AR_LDT, 0xffff, 0);
	svm_set_seg(&vmcb->gdtr, 0, 0, 0xffff, 0);
	svm_set_seg(&vmcb->idtr, 0, 0, 0xffff, 0);
}

static int svm_vcpu_init(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct svm_vcpu *sv = svm_v(v);
	struct vmcb *vmcb;

	vmcb = alloc_xenheap_pages(0);
	if (!vmcb || svm_xstate_vcpu_init(&v->arch.hvm)) {
		if (vmcb)
			free_xenheap_pages(vmcb, 0);
		return -ENOMEM;
	}
	memset(vmcb, 0, PAGE_SIZE);
	sv->vmcb = vmcb;
	sv->vmcb_pa = virt_to_maddr(vmcb);
	sv->asid_cpu = ~0u;

	/*
	 * Intercepts (APM vol. 2 15.9-15.13): what a PVH guest may not do itself.
	 * INVD would drop dirty cache lines of the host and other domains, WBINVD
	 * would make every CPU's caches write back at the guest's will (as Xen,
	 * both are no-ops for a guest without devices). RDTSCP would give the
	 * host's TSC_AUX, RDPMC the host's performance counters (as Xen without
	 * a vPMU: #GP). #DB and #AC are
	 * intercepted and reflected (exits.c) because a guest can make their
	 * delivery raise them again forever inside the CPU, which then takes no
	 * host interrupt (CVE-2015-8104, CVE-2015-5307; Xen intercepts both).
	 */
	vmcb->intercepts1 = SVM_INTR1_INTR | SVM_INTR1_NMI | SVM_INTR1_CPUID | SVM_INTR1_HLT |
			    SVM_INTR1_INVLPGA | SVM_INTR1_IOIO | SVM_INTR1_MSR |
			    SVM_INTR1_SHUTDOWN | SVM_INTR1_TASKSW | SVM_INTR1_INVD |
			    SVM_INTR1_RDPMC;
	vmcb->exc_intercepts = (1u << SVM_EXC_DB) | (1u << SVM_EXC_AC);
	/*
	 * CR4 writes: a bit the guest's CPUID hides (VMXE, UMIP, ...) would make
	 * the next VMRUN fail or reach features it was not offered; as Xen, they
	 * are #GP (hvm/emulate.c). Reads are not intercepted.
	 */
	vmcb->cr_intercepts = SVM_CR_INTERCEPT_CR4_WRITE;
	/* VMRUN must be intercepted (else VMRUN fails with VMEXIT_INVALID). */
	vmcb->intercepts2 = SVM_INTR2_VMRUN | SVM_INTR2_VMMCALL | SVM_INTR2_VMLOAD |
			    SVM_INTR2_VMSAVE | SVM_INTR2_STGI | SVM_INTR2_CLGI | SVM_INTR2_SKINIT |
			    SVM_INTR2_MONITOR | SVM_INTR2_MWAIT | SVM_INTR2_XSETBV |
			    SVM_INTR2_RDTSCP | SVM_INTR2_WBINVD;
	vmcb->iopm_base_pa = paddr_x(virt_to_maddr(svm_iopm));
	vmcb->msrpm_base_pa = paddr_x(virt_to_maddr(svm_msrpm));
	vmcb->np_enable = 1;
	vmcb->n_cr3 = paddr_x(svm_d(d)->npt_root);
	vmcb->tsc_offset = 0; /* TSC passthrough: the pvclock scales the host TSC */
	svm_set_pvh_start(v, 0, 0);
	return 0;
}

static void svm_vcpu_destroy(struct vcpu *v)
{
	struct svm_vcpu *sv = svm_v(v);

	free_xenheap_pages(sv->vmcb, 0);
	sv->vmcb = NULL;
	svm_xstate_vcpu_destroy(&v->arch.hvm);
}

void svm_inject_exception(struct vcpu *v, uint8_t vec, bool has_err, uint32_t err)
{
	struct vmcb *vmcb = svm_v(v)->vmcb;

	vmcb->eventinj = vec | SVM_EVT_VALID | SVM_EVT_TYPE_EXC |
			 (has_err ? SVM_EVT_ERR_VALID | ((uint64_t)err << 32) : 0);
}

/*
 * Before VMRUN: re-inject an interrupted event, else deliver the callback
 * vector or the vLAPIC's best request, or ask for an interrupt window. The
 * callback vector goes first, as in Xen (it bypasses the APIC); a vLAPIC
 * vector moves from IRR to ISR when it is put in EVENTINJ (an exit that
 * cuts its delivery short brings it back through EXITINTINFO).
 */
static void svm_intr_assist(struct vcpu *v)
{
	struct svm_vcpu *sv = svm_v(v);
	struct vmcb *vmcb = sv->vmcb;
	bool from_lapic = false;
	int lv;
	uint8_t vec;

	/* An event whose delivery the exit cut short is delivered again (APM vol. 2 15.7.2). */
	if (vmcb->exitintinfo & SVM_EVT_VALID) {
		if (!(vmcb->eventinj & SVM_EVT_VALID))
			vmcb->eventinj = vmcb->exitintinfo;
		vmcb->exitintinfo = 0;
	}
	vmcb->intercepts1 &= ~SVM_INTR1_VINTR;
	vmcb->vintr &= ~SVM_VINTR_V_IRQ;
	vec = hvm_upcall_vector(v);
	if (!vec) {
		lv = vlapic_pending(&v->arch.hvm.vlapic);
		if (lv < 0)
			return;
		vec = (uint8_t)lv;
		from_lapic = true;
	}
	if (!(vmcb->eventinj & SVM_EVT_VALID) && (vmcb->rflags & X86_EFLAGS_IF) &&
	    !(vmcb->int_state & 1)) {
		vmcb->eventinj = vec | SVM_EVT_VALID | SVM_EVT_TYPE_INTR;
		if (from_lapic)
			vlapic_ack(&v->arch.hvm.vlapic, vec);
		return;
	}
	/* Not now: a virtual interrupt makes the CPU exit (VINTR) once the guest can take one. */
	vmcb->vintr |= SVM_VINTR_V_IRQ | SVM_VINTR_IGN_TPR | (0xfUL << SVM_VINTR_PRIO_SHIFT);
	vmcb->intercepts1 |= SVM_INTR1_VINTR;
}

/* A fresh ASID when v moved CPU, this CPU's ASIDs were recycled, or d's NPT lost permissions. */
static void svm_asid_check(struct vcpu *v, struct svm_cpu *c, unsigned int cpu)
{
	struct svm_vcpu *sv = svm_v(v);
	uint64_t gen = __atomic_load_n(&svm_d(v->domain)->npt_gen, __ATOMIC_SEQ_CST);

	if (sv->asid_cpu == cpu && sv->asid_gen == c->asid_gen && sv->npt_gen_seen == gen)
		return;
	if (c->next_asid >= svm_nr_asids) {
		c->asid_gen++;
		c->next_asid = 1;
		sv->vmcb->tlb_control = SVM_TLB_FLUSH_ALL;
	}
	sv->asid = c->next_asid++;
	sv->asid_gen = c->asid_gen;
	sv->asid_cpu = cpu;
	sv->npt_gen_seen = gen;
	sv->vmcb->asid = sv->asid;
}

static void svm_run(struct vcpu *v)
{
	struct svm_vcpu *sv = svm_v(v);
	struct hvm_vcpu *hv = &v->arch.hvm;
	unsigned int cpu = smp_processor_id();
	struct svm_cpu *c = &per_cpu(svm_cpus, cpu);

	hvm_vcpu_prepare_run(v, cpu);
	svm_xstate_load(hv);
	/*
	 * The guest's TSC_AUX in the CPU too (the host does not use it): RDTSCP
	 * is intercepted (exits.c), but QEMU's TCG checks only the RDTSC
	 * intercept for it and reads the MSR. msr.c writes it while v runs.
	 */
	if (svm_host_rdtscp)
		wrmsr(MSR_TSC_AUX, hv->tsc_aux);
	for (;;) {
		local_irq_disable();
		svm_clgi();
		/* Visible before we read upcall_pending/npt_gen: kickers and flushers then IPI us.
		 */
		hv->in_guest = true;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (softirq_pending(cpu) || !vcpu_runnable(v)) {
			hv->in_guest = false;
			svm_stgi();
			break;
		}
		svm_intr_assist(v);
		svm_asid_check(v, c, cpu);
		sv->last_eventinj = sv->vmcb->eventinj;
		local_irq_enable(); /* GIF is clear: nothing is taken before VMRUN */
		svm_vmrun(svm_gprs(sv), sv->vmcb_pa, c->host_save_pa);
		hv->in_guest = false;
		hv->nr_exits++;
		sv->vmcb->tlb_control = SVM_TLB_FLUSH_NONE;
		svm_stgi(); /* a pending host interrupt (the INTR exit's cause) is taken here */
		svm_vmexit_handler(v);
	}
	svm_xstate_save(hv);
}

/* ---- Guest state accessors (asm/hvm.h) ---- */

static uint64_t svm_get_cr(struct vcpu *v, unsigned int cr)
{
	const struct vmcb *vmcb = svm_v(v)->vmcb;

	switch (cr) {
	case 0:
		return vmcb->cr0;
	case 2:
		return vmcb->cr2;
	case 3:
		return vmcb->cr3;
	case 4:
		return vmcb->cr4;
	default:
		BUG();
	}
}

/* The guest's EFER without SVME, which must stay set in the VMCB (APM vol. 2 15.5.1). */
static uint64_t svm_get_efer(struct vcpu *v)
{
	return svm_v(v)->vmcb->efer & ~EFER_SVME;
}

static void svm_set_efer(struct vcpu *v, uint64_t efer)
{
	svm_v(v)->vmcb->efer = efer | EFER_SVME;
}

/* CR4 as hvm_set_cr4 validated it; a paging-related change flushes this vCPU's TLB. */
static void svm_set_cr4(struct vcpu *v, uint64_t cr4, bool flush)
{
	struct vmcb *vmcb = svm_v(v)->vmcb;

	vmcb->cr4 = cr4;
	if (flush)
		vmcb->tlb_control = (svm_feature_edx & SVM_FEAT_FLUSHBYASID) ? SVM_TLB_FLUSH_ASID
									     : SVM_TLB_FLUSH_ALL;
}

static uint64_t svm_get_pat(struct vcpu *v)
{
	return svm_v(v)->vmcb->g_pat;
}

static void svm_set_pat(struct vcpu *v, uint64_t pat)
{
	svm_v(v)->vmcb->g_pat = pat;
}

static unsigned int svm_get_cpl(struct vcpu *v)
{
	return svm_v(v)->vmcb->cpl;
}

static void svm_get_segment(struct vcpu *v, enum x86_segment seg, struct segment_register *reg)
{
	const struct vmcb *vmcb = svm_v(v)->vmcb;
	const struct vmcb_seg *segs[] = {
	    [x86_seg_es] = &vmcb->es,	  [x86_seg_cs] = &vmcb->cs,
	    [x86_seg_ss] = &vmcb->ss,	  [x86_seg_ds] = &vmcb->ds,
	    [x86_seg_fs] = &vmcb->fs,	  [x86_seg_gs] = &vmcb->gs,
	    [x86_seg_tr] = &vmcb->tr,	  [x86_seg_ldtr] = &vmcb->ldtr,
	    [x86_seg_gdtr] = &vmcb->gdtr, [x86_seg_idtr] = &vmcb->idtr,
	};
	const struct vmcb_seg *s;

	BUG_ON((unsigned int)seg >= ARRAY_SIZE(segs));
	s = segs[seg];
	reg->sel = s->sel;
	reg->attr = s->attrib;
	reg->limit = s->limit;
	reg->base = s->base;
}

/* Where register r lives: rax, rsp, rip and rflags in the VMCB, the rest in hvm_gprs. */
static uint64_t *svm_reg(struct vcpu *v, enum hvm_reg r)
{
	struct svm_vcpu *sv = svm_v(v);

	switch (r) {
	case HVM_REG_RAX:
		return &sv->vmcb->rax;
	case HVM_REG_RBX:
		return &svm_gprs(sv)->rbx;
	case HVM_REG_RCX:
		return &svm_gprs(sv)->rcx;
	case HVM_REG_RDX:
		return &svm_gprs(sv)->rdx;
	case HVM_REG_RSI:
		return &svm_gprs(sv)->rsi;
	case HVM_REG_RDI:
		return &svm_gprs(sv)->rdi;
	case HVM_REG_RBP:
		return &svm_gprs(sv)->rbp;
	case HVM_REG_RSP:
		return &sv->vmcb->rsp;
	case HVM_REG_R8:
		return &svm_gprs(sv)->r8;
	case HVM_REG_R9:
		return &svm_gprs(sv)->r9;
	case HVM_REG_R10:
		return &svm_gprs(sv)->r10;
	case HVM_REG_R11:
		return &svm_gprs(sv)->r11;
	case HVM_REG_R12:
		return &svm_gprs(sv)->r12;
	case HVM_REG_R13:
		return &svm_gprs(sv)->r13;
	case HVM_REG_R14:
		return &svm_gprs(sv)->r14;
	case HVM_REG_R15:
		return &svm_gprs(sv)->r15;
	case HVM_REG_RIP:
		return &sv->vmcb->rip;
	case HVM_REG_RFLAGS:
		return &sv->vmcb->rflags;
	}
	BUG();
}

static uint64_t svm_get_reg(struct vcpu *v, enum hvm_reg r)
{
	return *svm_reg(v, r);
}

static void svm_set_reg(struct vcpu *v, enum hvm_reg r, uint64_t val)
{
	*svm_reg(v, r) = val;
}

const struct hvm_function_table svm_function_table = {
    .name = "SVM",
    .cpu_up = svm_cpu_up,
    .domain_init = svm_domain_init,
    .domain_destroy = svm_domain_destroy,
    .vcpu_init = svm_vcpu_init,
    .vcpu_destroy = svm_vcpu_destroy,
    .set_pvh_start = svm_set_pvh_start,
    .load_init_ctx = svm_load_init_ctx,
    .set_sipi_start = svm_set_sipi_start,
    .run = svm_run,
    .p2m_update = svm_npt_update,
    .nested_pt_entry = svm_npt_lookup,
    .get_cr = svm_get_cr,
    .get_efer = svm_get_efer,
    .set_efer = svm_set_efer,
    .get_pat = svm_get_pat,
    .set_pat = svm_set_pat,
    .get_cpl = svm_get_cpl,
    .get_segment = svm_get_segment,
    .get_reg = svm_get_reg,
    .set_reg = svm_set_reg,
    .set_cr4 = svm_set_cr4,
    .dump_state = svm_dump_state,
    .hypercall_insn = {0x0f, 0x01, 0xd9}, /* vmmcall */
};
