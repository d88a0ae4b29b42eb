/*
 * #VMEXIT handling for PVH guests (AMD APM vol. 2 15.9-15.13, exit codes
 * in appendix C): CPUID (Xen's leaves 0x40000000-0x40000005), MSRs, port
 * I/O (no devices: reads all ones, writes dropped, port 0xE9 to the log),
 * nested page faults, HLT, VMMCALL hypercalls, triple fault. Whatever the
 * guest does wrong ends in domain_crash of that domain only, with why.
 *
 * Locking: runs on the CPU running v, interrupts on, GIF set; v's VMCB and
 * registers are its own. The 0xE9 line buffer is per domain (e9_lock).
 */
#include <asm/acpi_build.h>
#include <asm/hvm.h>
#include <asm/page.h>
#include <asm/hvm/svm/svm.h>
#include <asm/msr-index.h>
#include <asm/system.h>
#include <asm/vlapic.h>
#include <asm/x86-defns.h>
#include <public/xen.h>
#include <public/hvm/params.h>
#include <public/sched.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/format.h>
#include <tessera/guest_access.h>
#include <tessera/hypercall.h>
#include <tessera/p2m.h>
#include <tessera/page_info.h>
#include <tessera/mm.h>
#include <tessera/privilege.h>
#include <tessera/sched.h>
#include <tessera/string.h>

#define TRAP_DB 1
#define TRAP_UD 6
#define TRAP_GP 13
#define TRAP_AC 17
#define SVM_FEAT_DECODEASSISTS (1u << 7)

/* Xen's hypervisor CPUID leaves (public/arch-x86/cpuid.h, Xen 4.17 traps.c
 * cpuid_hypervisor_leaves). */
#define XEN_CPUID_BASE 0x40000000u
#define XEN_CPUID_MAX_LEAF 5u
#define XEN_HVM_CPUID_VCPU_ID_PRESENT (1u << 3)
#define XEN_HVM_CPUID_DOMID_PRESENT (1u << 4)
#define XEN_HVM_CPUID_UPCALL_VECTOR (1u << 6)
#define XEN_HYPERCALL_MSR 0x40000000u

/*
 * The guest state a crash or triple fault leaves in the VMCB, for whoever
 * reads the log: where it was, its paging and descriptor tables, and any
 * event in flight (what an exception in the middle of delivery points at).
 */
static void svm_dump_state(struct vcpu *v)
{
	const struct svm_vcpu *sv = svm_v(v);
	const struct vmcb *vmcb = sv->vmcb;

	pr_warn("d%uv%u on CPU%u (ASID %u, %lu exits): rip %#lx rsp %#lx rflags %#lx cs %#x/%#x",
		v->domain->domain_id, v->vcpu_id, smp_processor_id(), (unsigned int)vmcb->asid,
		(unsigned long)v->arch.hvm.nr_exits, (unsigned long)vmcb->rip,
		(unsigned long)vmcb->rsp, (unsigned long)vmcb->rflags, vmcb->cs.sel,
		vmcb->cs.attrib);
	pr_warn("  cr0 %#lx cr2 %#lx cr3 %#lx cr4 %#lx efer %#lx idt %#lx/%#x gdt %#lx/%#x",
		(unsigned long)vmcb->cr0, (unsigned long)vmcb->cr2, (unsigned long)vmcb->cr3,
		(unsigned long)vmcb->cr4, (unsigned long)vmcb->efer, (unsigned long)vmcb->idtr.base,
		vmcb->idtr.limit, (unsigned long)vmcb->gdtr.base, vmcb->gdtr.limit);
	pr_warn("  exitintinfo %#lx eventinj %#lx vintr %#lx int_state %#lx exitinfo %#lx/%#lx",
		(unsigned long)vmcb->exitintinfo, (unsigned long)vmcb->eventinj,
		(unsigned long)vmcb->vintr, (unsigned long)vmcb->int_state,
		(unsigned long)vmcb->exitinfo1, (unsigned long)vmcb->exitinfo2);
	pr_warn("  previous exit %#lx (exitinfo1 %#lx, rip after %#lx); last VMRUN injected %#lx",
		(unsigned long)sv->prev_exitcode, (unsigned long)sv->prev_exitinfo1,
		(unsigned long)sv->prev_rip, (unsigned long)sv->last_eventinj);
	/* A fault in the middle of delivering an event: how its address translates now. */
	if (vmcb->exitintinfo & SVM_EVT_VALID)
		arch_dump_guest_walk(v, vmcb->cr2);
}

static void svm_crash(struct vcpu *v, const char *fmt, ...) __printf(2, 3);
static void svm_crash(struct vcpu *v, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	svm_dump_state(v);
	domain_crash(v->domain, why);
}

/* Step over the intercepted instruction: NRIP when the CPU saves it, else its known length. */
static void svm_skip(struct vcpu *v, unsigned int len)
{
	struct vmcb *vmcb = svm_v(v)->vmcb;

	if ((svm_feature_edx & SVM_FEAT_NRIPS) && vmcb->nrip)
		vmcb->rip = vmcb->nrip;
	else
		vmcb->rip += len;
	vmcb->int_state &= ~1UL; /* as hardware: an instruction ends the STI/MOV SS shadow */
}

static bool svm_long_mode(const struct vmcb *vmcb)
{
	return (vmcb->efer & EFER_LMA) && (vmcb->cs.attrib & X86_SEG_AR_L);
}

/* ---- CPUID ---- */

static void svm_cpuid_xen(struct vcpu *v, uint32_t idx, uint32_t sub, uint32_t *a, uint32_t *b,
			  uint32_t *c, uint32_t *d)
{
	*a = *b = *c = *d = 0;
	switch (idx) {
	case 0:
		*a = XEN_CPUID_BASE + XEN_CPUID_MAX_LEAF;
		*b = 0x566e6558; /* "XenV" */
		*c = 0x65584d4d; /* "MMXe" */
		*d = 0x4d4d566e; /* "nVMM" */
		break;
	case 1:
		*a = (XEN_VERSION_MAJOR << 16) | XEN_VERSION_MINOR;
		break;
	case 2:
		*a = 1; /* one hypercall page */
		*b = XEN_HYPERCALL_MSR;
		break;
	case 3:
		/* TSC: native, never emulated (tsc_mode 0); subleaf 2 is the TSC rate in kHz. */
		if (sub == 0)
			*c = arch_cpu_khz();
		else if (sub == 2)
			*a = arch_cpu_khz();
		break;
	case 4:
		/*
		 * HVM features: vCPU and domain ids, and per-vCPU upcall vectors
		 * (delivered through the vLAPIC, arch_vcpu_kick). No hardware
		 * APIC-access or x2APIC virtualisation bits: ours is emulated.
		 */
		*a = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT |
		     XEN_HVM_CPUID_UPCALL_VECTOR;
		*b = v->vcpu_id;
		*c = v->domain->domain_id;
		break;
	default: /* 5: PV-only parameters, zero for HVM as in Xen */
		break;
	}
}

static void svm_exit_cpuid(struct vcpu *v)
{
	struct svm_vcpu *sv = svm_v(v);
	uint32_t leaf = (uint32_t)sv->vmcb->rax, sub = (uint32_t)sv->gprs.rcx;
	uint32_t a, b, c, d;

	if (leaf >= XEN_CPUID_BASE && leaf < XEN_CPUID_BASE + 0x10000) {
		if (leaf <= XEN_CPUID_BASE + XEN_CPUID_MAX_LEAF)
			svm_cpuid_xen(v, leaf - XEN_CPUID_BASE, sub, &a, &b, &c, &d);
		else
			a = b = c = d = 0;
	} else {
		cpuid_count(leaf, sub, &a, &b, &c, &d);
		switch (leaf) {
		case 1:
			/* Hide MONITOR(3), VMX(5), TSC-deadline(24); set x2APIC(21, vlapic.c)
			 * and the hypervisor bit (31). XSAVE/OSXSAVE/AVX: xstate.c. */
			c &= ~((1u << 3) | (1u << 5) | (1u << 24));
			c |= (1u << 21) | (1u << 31);
			svm_cpuid_xstate(v, leaf, sub, &a, &b, &c, &d);
			d |= 1u << 9; /* APIC */
			/* Initial APIC ID (bits 31:24): the MADT's and the x2APIC ID register's. */
			b = (b & 0x00ffffffu) | ((PVH_LAPIC_ID(v->vcpu_id) & 0xff) << 24);
			break;
		case 0xb: /* x2APIC topology: EDX is this logical CPU's x2APIC ID */
		case 0x1f:
			d = PVH_LAPIC_ID(v->vcpu_id);
			break;
		case 5: /* MONITOR/MWAIT */
			a = b = c = d = 0;
			break;
		case 0xd: /* XSAVE: what xstate.c offers */
			svm_cpuid_xstate(v, leaf, sub, &a, &b, &c, &d);
			break;
		case 7:
			if (sub == 0)
				c &= ~(1u << 16); /* LA57 */
			b &= ~((1u << 5) | (1u << 16) | (1u << 17) | (1u << 30) |
			       (1u << 31)); /* AVX2/512 */
			break;
		case 0x80000001:
			c &= ~((1u << 2) | (1u << 12) | (1u << 29)); /* SVM, SKINIT, MONITORX */
			break;
		case 0x8000000a: /* SVM features */
			a = b = c = d = 0;
			break;
		default:
			break;
		}
	}
	sv->vmcb->rax = a;
	sv->gprs.rbx = b;
	sv->gprs.rcx = c;
	sv->gprs.rdx = d;
	svm_skip(v, 2);
}

/* ---- MSRs ---- */

/*
 * Numbers in asm/msr-index.h. Machine check: CPUID offers MCE/MCA (Linux
 * reads MCG_CAP unguarded), with no banks. MSR_K8_INT_PENDING_MSG (C1E):
 * Linux reads it on family 0xf CPUs (qemu64) for E400.
 */

/* Fill the hypercall page at gpa: slot i is "mov $i,%eax; vmmcall; ret" (Xen's layout). */
static int svm_write_hypercall_page(struct vcpu *v, uint64_t val)
{
	struct domain *d = v->domain;
	struct page_info *pg;
	enum p2m_type t;
	mfn_t mfn;
	uint8_t *p;

	if (val & 0xfff)
		return -EINVAL; /* page index 0 only: one page */
	mfn = p2m_lookup(d, _gfn(val >> PAGE_SHIFT), &t);
	if (mfn_x(mfn) == INVALID_MFN_RAW || t != p2m_ram_rw || !mfn_valid(mfn))
		return -EINVAL;
	/*
	 * Held while we write: another vCPU may give the frame back at any time,
	 * and the heap may hand it to another domain (get_page checks d owns it).
	 */
	pg = mfn_to_page(mfn);
	if (!get_page(pg, d))
		return -EINVAL;
	p = page_to_virt(pg);
	memset(p, 0xcc, PAGE_SIZE); /* int3 outside the stubs */
	for (unsigned int i = 0; i < PAGE_SIZE / 32; i++) {
		uint8_t *s = p + i * 32;

		if (i == __HYPERVISOR_iret)
			continue; /* as Xen: no iret stub for HVM */
		s[0] = 0xb8;	  /* mov $i, %eax */
		s[1] = (uint8_t)i;
		s[2] = s[3] = s[4] = 0;
		s[5] = 0x0f; /* vmmcall */
		s[6] = 0x01;
		s[7] = 0xd9;
		s[8] = 0xc3; /* ret */
	}
	put_page(pg);
	return 0;
}

static bool pat_valid(uint64_t pat)
{
	for (unsigned int i = 0; i < 8; i++) {
		uint8_t t = (uint8_t)(pat >> (i * 8));

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

/* 0 and *val, or -1 for #GP. */
static int svm_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	struct svm_vcpu *sv = svm_v(v);

	switch (msr) {
	case MSR_EFER:
		*val = sv->vmcb->efer & ~EFER_SVME;
		return 0;
	case MSR_PAT:
		*val = sv->vmcb->g_pat;
		return 0;
	case MSR_APIC_BASE:
		*val = v->arch.hvm.vlapic.apic_base;
		return 0;
	case VLAPIC_MSR_FIRST ... VLAPIC_MSR_LAST:
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

static int svm_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	struct svm_vcpu *sv = svm_v(v);
	uint64_t allowed;

	switch (msr) {
	case MSR_EFER:
		/* SCE, LME, NXE, FFXSR; LMA is the CPU's (it follows CR0.PG); SVME stays ours. */
		allowed = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_FFXSR;
		if (val & ~allowed)
			return -1;
		if ((sv->vmcb->cr0 & X86_CR0_PG) && ((val ^ sv->vmcb->efer) & EFER_LME))
			return -1; /* LME may not change while paging is on */
		sv->vmcb->efer = (val & ~EFER_LMA) | (sv->vmcb->efer & EFER_LMA) | EFER_SVME;
		return 0;
	case MSR_PAT:
		if (!pat_valid(val))
			return -1;
		sv->vmcb->g_pat = val;
		return 0;
	case MSR_APIC_BASE:
		/* x2APIC mode at 0xfee00000 is all there is (vlapic.c): only that value is taken.
		 */
		return vlapic_base_write(&v->arch.hvm.vlapic, val) ? -1 : 0;
	case VLAPIC_MSR_FIRST ... VLAPIC_MSR_LAST:
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
	case XEN_HYPERCALL_MSR:
		return svm_write_hypercall_page(v, val) ? -1 : 0;
	default:
		return -1;
	}
}

static void svm_exit_msr(struct vcpu *v)
{
	struct svm_vcpu *sv = svm_v(v);
	uint32_t msr = (uint32_t)sv->gprs.rcx;
	uint64_t val;

	if (sv->vmcb->exitinfo1 == 0) {
		if (svm_msr_read(v, msr, &val))
			goto gp;
		sv->vmcb->rax = (uint32_t)val;
		sv->gprs.rdx = val >> 32;
	} else {
		val = ((uint64_t)(uint32_t)sv->gprs.rdx << 32) | (uint32_t)sv->vmcb->rax;
		if (svm_msr_write(v, msr, val))
			goto gp;
	}
	svm_skip(v, 2);
	return;
gp:
	svm_inject_exception(v, TRAP_GP, true, 0);
}

/* ---- Port I/O ---- */

#define E9_PORT 0xe9
/*
 * PIT channel 2 reads as 0, not 0xff: Linux's quick_pit_calibrate
 * (arch/x86/kernel/tsc.c) polls it for a counting-down MSB and, when every
 * read matches 0xff, spins ~50,000 port reads (each a #VMEXIT) before giving
 * up; a value that never matches ends it at the first read.
 */
#define PIT_CH2_PORT 0x42

/*
 * One byte of the guest's port 0xE9 debug output: lines go to the log with
 * the domain's name. Each line (with its newline) is paid for from the
 * domain's CONSOLEIO_write token bucket (console_guest_allow), as Xen
 * rate-limits guest log lines: else a guest could keep the serial line, and
 * every CPU printing to it, busy. Charged per line, not per byte, so the
 * limiter's own "dropping" notes come at most once a line.
 */
static void svm_e9_putc(struct domain *d, char ch)
{
	struct hvm_domain *sd = &d->arch.hvm;
	unsigned long flags = spin_lock_irqsave(&sd->e9_lock);
	uint32_t n;

	if (ch != '\n' && ch != '\r')
		sd->e9_line[sd->e9_len++] = (ch >= 0x20 && ch < 0x7f) || ch == '\t' ? ch : '?';
	if ((ch == '\n' || sd->e9_len == sizeof(sd->e9_line) - 1) && sd->e9_len) {
		n = sd->e9_len;
		if (!is_control_domain(d))
			n = console_guest_allow(d, n + 1, n + 1) > n ? n : 0;
		if (n)
			log_printf(LOG_INFO, "(%s) %.*s", d->name[0] ? d->name : "guest", (int)n,
				   sd->e9_line);
		sd->e9_len = 0;
	}
	spin_unlock_irqrestore(&sd->e9_lock, flags);
}

/*
 * The FADT's two platform controls (arch/x86/acpi_build.c): the sleep control register
 * entering S5 powers the domain off, the reset register reboots it. Other sleep states and
 * values are ignored, as writes to any port without a device are.
 */
static void svm_acpi_control_write(struct vcpu *v, uint16_t port, uint8_t val)
{
	uint8_t s5 = PVH_ACPI_SLP_EN | (PVH_ACPI_S5_SLP_TYP << 2);

	if (port == PVH_ACPI_SLEEP_CONTROL_PORT && (val & 0x3c) == s5)
		domain_shutdown(v->domain, SHUTDOWN_poweroff);
	else if (port == PVH_ACPI_RESET_PORT && val == PVH_ACPI_RESET_VALUE)
		domain_shutdown(v->domain, SHUTDOWN_reboot);
}

static uint64_t svm_seg_base(const struct vmcb *vmcb, unsigned int seg)
{
	const struct vmcb_seg *segs[] = {&vmcb->es, &vmcb->cs, &vmcb->ss,
					 &vmcb->ds, &vmcb->fs, &vmcb->gs};

	if (seg > 5)
		seg = 3;
	/* In 64-bit mode only FS and GS have bases (APM vol. 2 4.5.3). */
	if (svm_long_mode(vmcb) && seg < 4)
		return 0;
	return segs[seg]->base;
}

/* Add delta to the part of reg the address size uses, as the CPU does. */
static uint64_t svm_addr_add(uint64_t reg, int64_t delta, uint64_t mask)
{
	return (reg & ~mask) | ((reg + (uint64_t)delta) & mask);
}

/* INS/OUTS: at most a batch of elements per exit; the rest re-executes (RCX not yet 0). */
#define STRIO_BATCH 256

static void svm_exit_ioio_string(struct vcpu *v, uint64_t info, unsigned int size, uint16_t port)
{
	struct svm_vcpu *sv = svm_v(v);
	struct vmcb *vmcb = sv->vmcb;
	unsigned int asz = (info >> 7) & 7; /* 1: 16-bit, 2: 32-bit, 4: 64-bit addresses */
	uint64_t mask = asz == 1 ? 0xffff : asz == 2 ? 0xffffffffUL : ~0UL;
	bool in = info & 1, rep = info & 8;
	int64_t step = (vmcb->rflags & X86_EFLAGS_DF) ? -(int64_t)size : (int64_t)size;
	unsigned int seg = (svm_feature_edx & SVM_FEAT_DECODEASSISTS) ? (info >> 10) & 7 : 3;
	uint64_t count = rep ? (sv->gprs.rcx & mask) : 1, n;
	uint32_t ones = 0xffffffff;

	n = count < STRIO_BATCH ? count : STRIO_BATCH;
	for (uint64_t i = 0; i < n; i++) {
		if (in) {
			uint64_t gva = svm_seg_base(vmcb, 0) + (sv->gprs.rdi & mask); /* ES */

			if (arch_copy_to_guest(v, gva, &ones, size))
				goto fault;
			sv->gprs.rdi = svm_addr_add(sv->gprs.rdi, step, mask);
		} else {
			uint64_t gva = svm_seg_base(vmcb, seg) + (sv->gprs.rsi & mask);
			uint32_t val = 0;

			if (arch_copy_from_guest(v, &val, gva, size))
				goto fault;
			if (port == E9_PORT)
				svm_e9_putc(v->domain, (char)val);
			sv->gprs.rsi = svm_addr_add(sv->gprs.rsi, step, mask);
		}
	}
	if (rep)
		sv->gprs.rcx = svm_addr_add(sv->gprs.rcx, -(int64_t)n, mask);
	if (count == n)
		vmcb->rip = vmcb->exitinfo2; /* next RIP (APM vol. 2 15.10.2) */
	return;
fault:
	svm_crash(v, "string I/O on port %#x through an unmapped address (rip %#lx)", port,
		  (unsigned long)vmcb->rip);
}

static void svm_exit_ioio(struct vcpu *v)
{
	struct svm_vcpu *sv = svm_v(v);
	struct vmcb *vmcb = sv->vmcb;
	uint64_t info = vmcb->exitinfo1;
	uint16_t port = (uint16_t)(info >> 16);
	unsigned int size = (info & (1u << 4)) ? 1 : (info & (1u << 5)) ? 2 : 4;

	if (info & 4) {
		svm_exit_ioio_string(v, info, size, port);
		return;
	}
	if (info & 1) {
		/* No device behind any port (PVH): reads float high, as Xen's null handler. */
		if (port == PIT_CH2_PORT && size == 1)
			vmcb->rax &= ~0xffUL; /* see PIT_CH2_PORT */
		else if (size == 4)
			vmcb->rax = 0xffffffffUL;
		else if (size == 2)
			vmcb->rax |= 0xffff;
		else
			vmcb->rax |= 0xff;
	} else if (port == E9_PORT) {
		svm_e9_putc(v->domain, (char)vmcb->rax);
	} else if (size == 1) {
		svm_acpi_control_write(v, port, (uint8_t)vmcb->rax);
	}
	vmcb->rip = vmcb->exitinfo2;
}

/* ---- Nested page faults ---- */

static void svm_exit_npf(struct vcpu *v)
{
	struct vmcb *vmcb = svm_v(v)->vmcb;
	uint64_t gpa = vmcb->exitinfo2, err = vmcb->exitinfo1;
	gfn_t gfn = _gfn(gpa >> PAGE_SHIFT);
	uint64_t npte = svm_npt_lookup(v->domain, gfn);
	enum p2m_type t;
	mfn_t mfn = p2m_lookup(v->domain, gfn, &t);

	if (mfn_x(mfn) == INVALID_MFN_RAW) {
		svm_crash(v, "access to gpa %#lx with no memory behind it (rip %#lx, %s)",
			  (unsigned long)gpa, (unsigned long)vmcb->rip,
			  (err & 2) ? "write" : "read");
		return;
	}
	if ((err & 2) && !(npte & 2) && (t == p2m_ram_ro || t == p2m_grant_map_ro)) {
		svm_crash(v, "write to read-only gpa %#lx (rip %#lx)", (unsigned long)gpa,
			  (unsigned long)vmcb->rip);
		return;
	}
	if (!(npte & 1) || ((err & 2) && !(npte & 2))) {
		/* The p2m has it but the NPT does not: a failed mirror (out of memory). */
		svm_crash(v, "gpa %#lx mapped in the p2m but not in the NPT (rip %#lx)",
			  (unsigned long)gpa, (unsigned long)vmcb->rip);
		return;
	}
	/* Already fixed (a racing p2m update): retry the access. */
}

/* ---- HLT, VMMCALL ---- */

static void svm_exit_hlt(struct vcpu *v)
{
	svm_skip(v, 1);
	if (svm_intr_pending(v))
		return;
	vcpu_block(v);
	/* An event that arrived between the check and the block must not be slept through. */
	if (svm_intr_pending(v))
		vcpu_unblock(v);
}

static void svm_exit_vmmcall(struct vcpu *v)
{
	struct svm_vcpu *sv = svm_v(v);
	struct vmcb *vmcb = sv->vmcb;
	struct hypercall_args args;
	bool lm = svm_long_mode(vmcb);
	unsigned long nr;
	long ret;

	if (vmcb->cpl != 0) {
		/* As Xen: hypercalls from guest user mode fail. */
		vmcb->rax = lm ? (uint64_t)-EPERM : (uint32_t)-EPERM;
		svm_skip(v, 3);
		return;
	}
	if (lm) {
		nr = vmcb->rax;
		args.a[0] = sv->gprs.rdi;
		args.a[1] = sv->gprs.rsi;
		args.a[2] = sv->gprs.rdx;
		args.a[3] = sv->gprs.r10;
		args.a[4] = sv->gprs.r8;
	} else {
		nr = (uint32_t)vmcb->rax;
		args.a[0] = (uint32_t)sv->gprs.rbx;
		args.a[1] = (uint32_t)sv->gprs.rcx;
		args.a[2] = (uint32_t)sv->gprs.rdx;
		args.a[3] = (uint32_t)sv->gprs.rsi;
		args.a[4] = (uint32_t)sv->gprs.rdi;
	}
	ret = hypercall_dispatch(nr, &args);
	if (ret == -ERESTART) {
		/* Continuation: re-execute VMMCALL with the updated arguments. */
		if (lm) {
			sv->gprs.rdi = args.a[0];
			sv->gprs.rsi = args.a[1];
			sv->gprs.rdx = args.a[2];
			sv->gprs.r10 = args.a[3];
			sv->gprs.r8 = args.a[4];
		} else {
			sv->gprs.rbx = (uint32_t)args.a[0];
			sv->gprs.rcx = (uint32_t)args.a[1];
			sv->gprs.rdx = (uint32_t)args.a[2];
			sv->gprs.rsi = (uint32_t)args.a[3];
			sv->gprs.rdi = (uint32_t)args.a[4];
		}
		return;
	}
	vmcb->rax = lm ? (uint64_t)ret : (uint32_t)ret;
	svm_skip(v, 3);
}

/* Exit statistics for the self-test (svm_selftest.c). */
static void svm_count(struct svm_vcpu *sv, uint64_t code)
{
	unsigned int i;

	switch (code) {
	case SVM_EXIT_IOIO:
		i = 0;
		break;
	case SVM_EXIT_VMMCALL:
		i = 1;
		break;
	case SVM_EXIT_HLT:
		i = 2;
		break;
	case SVM_EXIT_CPUID:
		i = 3;
		break;
	case SVM_EXIT_MSR:
		i = 4;
		break;
	case SVM_EXIT_NPF:
		i = 5;
		break;
	case SVM_EXIT_SHUTDOWN:
		i = 6;
		break;
	case SVM_EXIT_INVD:
		i = 8;
		break;
	case SVM_EXIT_EXCP_BASE + SVM_EXC_DB:
	case SVM_EXIT_EXCP_BASE + SVM_EXC_AC:
		i = 9;
		break;
	default:
		i = 7;
		break;
	}
	sv->exits_by_reason[i]++;
}

static void svm_handle_exit(struct vcpu *v, uint64_t code);

void svm_vmexit_handler(struct vcpu *v)
{
	struct svm_vcpu *sv = svm_v(v);
	struct vmcb *vmcb = sv->vmcb;
	uint64_t code = vmcb->exitcode;

	svm_count(sv, code);
	svm_handle_exit(v, code);
	/* Kept for a later crash report: what this exit was. */
	sv->prev_exitcode = code;
	sv->prev_exitinfo1 = vmcb->exitinfo1;
	sv->prev_rip = vmcb->rip;
}

static void svm_handle_exit(struct vcpu *v, uint64_t code)
{
	struct svm_vcpu *sv = svm_v(v);
	struct vmcb *vmcb = sv->vmcb;

	switch (code) {
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
	case SVM_EXIT_VINTR:
		/* The host took the interrupt after STGI; VINTR: the window is open, inject next.
		 */
		break;
	case SVM_EXIT_CPUID:
		svm_exit_cpuid(v);
		break;
	case SVM_EXIT_MSR:
		svm_exit_msr(v);
		break;
	case SVM_EXIT_IOIO:
		svm_exit_ioio(v);
		break;
	case SVM_EXIT_NPF:
		svm_exit_npf(v);
		break;
	case SVM_EXIT_HLT:
		svm_exit_hlt(v);
		break;
	case SVM_EXIT_VMMCALL:
		svm_exit_vmmcall(v);
		break;
	case SVM_EXIT_INVD:
		/* As Xen without passthrough devices: nothing to write back or drop (svm.c). */
		svm_skip(v, 2);
		break;
	case SVM_EXIT_EXCP_BASE + SVM_EXC_DB:
		/*
		 * Intercepted only so that a #DB raised by its own delivery loops
		 * through #VMEXITs, where host interrupts get in (svm.c): give it
		 * back. RIP and DR6 are already as the trap left them (APM vol. 2
		 * 15.12); an event whose delivery it interrupted is dropped, as the
		 * guest's handler could not have run anyway.
		 */
		svm_inject_exception(v, TRAP_DB, false, 0);
		break;
	case SVM_EXIT_EXCP_BASE + SVM_EXC_AC:
		/* Likewise for #AC (error code 0, in EXITINFO1). */
		svm_inject_exception(v, TRAP_AC, true, (uint32_t)vmcb->exitinfo1);
		break;
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
		/* SVM and MONITOR are hidden from the guest: these do not exist for it. */
		svm_inject_exception(v, TRAP_UD, false, 0);
		break;
	case SVM_EXIT_XSETBV:
		svm_exit_xsetbv(v); /* xstate.c: #UD without XSAVE, else checked as the SDM/APM */
		break;
	case SVM_EXIT_SHUTDOWN: {
		/*
		 * As Xen's hvm_triple_fault: shut the domain down with the reason in
		 * HVM_PARAM_TRIPLE_FAULT_REASON (SHUTDOWN_reboot unless the toolstack
		 * set another). Only this domain is affected.
		 */
		uint8_t reason = (uint8_t)v->domain->hvm_params[HVM_PARAM_TRIPLE_FAULT_REASON];

		pr_warn("d%u: triple fault (rip %#lx): HVM shutdown action %u",
			v->domain->domain_id, (unsigned long)vmcb->rip, reason);
		svm_dump_state(v);
		domain_shutdown(v->domain, reason);
		break;
	}
	case SVM_EXIT_TASKSW:
		svm_crash(v, "hardware task switch is not supported (rip %#lx)",
			  (unsigned long)vmcb->rip);
		break;
	case SVM_EXIT_INVALID:
		svm_crash(v, "VMRUN refused the guest state (cr0 %#lx cr4 %#lx efer %#lx)",
			  (unsigned long)vmcb->cr0, (unsigned long)vmcb->cr4,
			  (unsigned long)vmcb->efer);
		break;
	default:
		svm_crash(v, "unexpected #VMEXIT %#lx (info1 %#lx info2 %#lx rip %#lx)",
			  (unsigned long)code, (unsigned long)vmcb->exitinfo1,
			  (unsigned long)vmcb->exitinfo2, (unsigned long)vmcb->rip);
		break;
	}
}
