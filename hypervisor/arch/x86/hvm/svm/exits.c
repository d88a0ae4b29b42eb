/*
 * #VMEXIT handling for PVH guests (AMD APM vol. 2 15.9-15.13, exit codes
 * in appendix C): decode each exit and hand it to the vendor-neutral layer
 * (asm/hvm.h: CPUID in hvm/cpuid.c, MSRs in hvm/msr.c, port I/O in
 * hvm/io.c, VMMCALL hypercalls in hvm/hypercall.c), writing the result
 * back into the VMCB and the registers; nested page faults, HLT, XSETBV,
 * intercepted exceptions and triple faults are handled here. Whatever the
 * guest does wrong ends in domain_crash of that domain only, with why.
 *
 * Locking: runs on the CPU running v, interrupts on, GIF set; v's VMCB and
 * registers are its own.
 */
#include <asm/hvm.h>
#include <asm/hvm/hypercall.h>
#include <asm/hvm/intr.h>
#include <asm/hvm/svm/svm.h>
#include <asm/page.h>
#include <asm/system.h>
#include <asm/traps.h>
#include <asm/x86-defns.h>
#include <public/hvm/params.h>
#include <tessera/console.h>
#include <tessera/p2m.h>
#include <tessera/sched.h>

/*
 * The guest state a crash or triple fault leaves in the VMCB, for whoever
 * reads the log: where it was, its paging and descriptor tables, and any
 * event in flight (what an exception in the middle of delivery points at).
 */
void svm_dump_state(struct vcpu *v)
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

/* ---- CPUID, MSRs, port I/O: decoded here, answered by the HVM layer ---- */

static void svm_exit_cpuid(struct vcpu *v)
{
	struct svm_vcpu *sv = svm_v(v);
	uint32_t leaf = (uint32_t)sv->vmcb->rax, sub = (uint32_t)svm_gprs(sv)->rcx;
	uint32_t a, b, c, d;

	hvm_cpuid(v, leaf, sub, &a, &b, &c, &d);
	sv->vmcb->rax = a;
	svm_gprs(sv)->rbx = b;
	svm_gprs(sv)->rcx = c;
	svm_gprs(sv)->rdx = d;
	svm_skip(v, 2);
}

static void svm_exit_msr(struct vcpu *v)
{
	struct svm_vcpu *sv = svm_v(v);
	uint32_t msr = (uint32_t)svm_gprs(sv)->rcx;
	uint64_t val;

	if (sv->vmcb->exitinfo1 == 0) {
		if (hvm_msr_read(v, msr, &val))
			goto gp;
		sv->vmcb->rax = (uint32_t)val;
		svm_gprs(sv)->rdx = val >> 32;
	} else {
		val = ((uint64_t)(uint32_t)svm_gprs(sv)->rdx << 32) | (uint32_t)sv->vmcb->rax;
		if (hvm_msr_write(v, msr, val))
			goto gp;
	}
	svm_skip(v, 2);
	return;
gp:
	svm_inject_exception(v, TRAP_gp_fault, true, 0);
}

/* IOIO EXITINFO1 (APM vol. 2 15.10.2): direction, string, REP, sizes, segment, port. */
static void svm_exit_ioio(struct vcpu *v)
{
	struct vmcb *vmcb = svm_v(v)->vmcb;
	uint64_t info = vmcb->exitinfo1;
	uint16_t port = (uint16_t)(info >> 16);
	unsigned int size = (info & (1u << 4)) ? 1 : (info & (1u << 5)) ? 2 : 4;
	uint32_t val;

	if (info & 4) {
		unsigned int asz = (info >> 7) & 7; /* 1: 16-bit, 2: 32-bit, 4: 64-bit addresses */
		struct hvm_string_io io = {
		    .port = port,
		    .size = size,
		    .in = info & 1,
		    .rep = info & 8,
		    .addr_mask = asz == 1   ? 0xffff
				 : asz == 2 ? 0xffffffffUL
					    : ~0UL,
		    .seg =
			(svm_feature_edx & SVM_FEAT_DECODEASSISTS) ? (info >> 10) & 7 : x86_seg_ds,
		    .next_rip = vmcb->exitinfo2, /* next RIP (APM vol. 2 15.10.2) */
		};

		hvm_string_io(v, &io);
		return;
	}
	if (info & 1) {
		val = hvm_portio_read(v, port, size);
		if (size == 4)
			vmcb->rax = val;
		else if (size == 2)
			vmcb->rax = (vmcb->rax & ~0xffffUL) | val;
		else
			vmcb->rax = (vmcb->rax & ~0xffUL) | val;
	} else {
		hvm_portio_write(v, port, size, (uint32_t)vmcb->rax);
	}
	vmcb->rip = vmcb->exitinfo2;
}

/*
 * RDTSCP (as Xen): #UD unless v's CPUID offers it; else the TSC as the
 * guest sees it (the host's plus the VMCB offset) and v's own TSC_AUX.
 */
static void svm_exit_rdtscp(struct vcpu *v)
{
	struct svm_vcpu *sv = svm_v(v);
	uint64_t tsc;

	if (!hvm_has_rdtscp(v)) {
		svm_inject_exception(v, TRAP_invalid_op, false, 0);
		return;
	}
	tsc = rdtsc() + sv->vmcb->tsc_offset;
	sv->vmcb->rax = (uint32_t)tsc;
	svm_gprs(sv)->rdx = tsc >> 32;
	svm_gprs(sv)->rcx = v->arch.hvm.tsc_aux;
	svm_skip(v, 3);
}

/*
 * MOV to CR4 (the only instruction that writes it here): the register from
 * the instruction's bytes (QEMU's SVM has no decode assists), the value
 * checked by hvm_set_cr4, #GP if refused.
 */
static void svm_exit_cr4_write(struct vcpu *v)
{
	uint8_t insn[HVM_INSN_MAX];
	unsigned int len, i, rex = 0, modrm;
	bool lm = hvm_64bit_mode(v);
	uint64_t val;

	if (hvm_fetch_insn(v, insn, &len)) {
		hvm_crash(v, "CR4 write at an unreadable rip %#lx",
			  (unsigned long)svm_v(v)->vmcb->rip);
		return;
	}
	for (i = 0; i < len; i++) {
		uint8_t b = insn[i];

		if (b == 0x66 || b == 0x67 || b == 0xf2 || b == 0xf3 || b == 0x26 || b == 0x2e ||
		    b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65) {
			rex = 0;
			continue;
		}
		if (lm && (b & 0xf0) == 0x40) {
			rex = b;
			continue;
		}
		break;
	}
	if (i + 3 > len || insn[i] != 0x0f || insn[i + 1] != 0x22 ||
	    ((((unsigned int)insn[i + 2] >> 3) & 7) | ((rex & 4) << 1)) != 4) {
		hvm_crash(v, "CR4 write by an instruction not decoded (%02x %02x %02x at rip %#lx)",
			  insn[0], len > 1 ? insn[1] : 0, len > 2 ? insn[2] : 0,
			  (unsigned long)svm_v(v)->vmcb->rip);
		return;
	}
	modrm = insn[i + 2];
	val = hvm_get_reg(v, hvm_gpr((modrm & 7) | ((rex & 1) << 3)));
	if (!lm)
		val = (uint32_t)val;
	if (hvm_set_cr4(v, val))
		svm_inject_exception(v, TRAP_gp_fault, true, 0);
	else
		svm_skip(v, i + 3);
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
		char why[128] = "an instruction fetch or a page table walk";

		/*
		 * A data access (not a fetch, EXITINFO1 bit 4; not the guest's own
		 * page walk, bit 33) completes as Xen's unclaimed MMIO (hvm/mmio.c).
		 */
		if (!(err & (1UL << 4)) && !(err & (1UL << 33)) &&
		    !hvm_emulate_mmio(v, gpa, err & 2, why, sizeof(why)))
			return;
		hvm_crash(v, "access to gpa %#lx with no memory behind it (rip %#lx, %s): %s",
			  (unsigned long)gpa, (unsigned long)vmcb->rip,
			  (err & 2) ? "write" : "read", why);
		return;
	}
	if ((err & 2) && !(npte & 2) && (t == p2m_ram_ro || t == p2m_grant_map_ro)) {
		hvm_crash(v, "write to read-only gpa %#lx (rip %#lx)", (unsigned long)gpa,
			  (unsigned long)vmcb->rip);
		return;
	}
	if (!(npte & 1) || ((err & 2) && !(npte & 2))) {
		/* The p2m has it but the NPT does not: a failed mirror (out of memory). */
		hvm_crash(v, "gpa %#lx mapped in the p2m but not in the NPT (rip %#lx)",
			  (unsigned long)gpa, (unsigned long)vmcb->rip);
		return;
	}
	/* Already fixed (a racing p2m update): retry the access. */
}

/* ---- HLT, VMMCALL ---- */

static void svm_exit_hlt(struct vcpu *v)
{
	svm_skip(v, 1);
	if (hvm_intr_pending(v))
		return;
	vcpu_block(v);
	/* An event that arrived between the check and the block must not be slept through. */
	if (hvm_intr_pending(v))
		vcpu_unblock(v);
}

static void svm_exit_vmmcall(struct vcpu *v)
{
	struct vmcb *vmcb = svm_v(v)->vmcb;
	bool long_mode = (vmcb->efer & EFER_LMA) && (vmcb->cs.attrib & X86_SEG_AR_L);

	if (hvm_hypercall(v, long_mode, vmcb->cpl, &vmcb->rax) == HVM_HCALL_completed)
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
	case SVM_EXIT_WBINVD:
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
	case SVM_EXIT_WBINVD:
		/* As INVD: a no-op for a guest without devices (svm.c). */
		svm_skip(v, 2);
		break;
	case SVM_EXIT_RDTSCP:
		svm_exit_rdtscp(v);
		break;
	case SVM_EXIT_RDPMC:
		/* No vPMU: #GP, as Xen without one. */
		svm_inject_exception(v, TRAP_gp_fault, true, 0);
		break;
	case SVM_EXIT_EXCP_BASE + SVM_EXC_DB:
		/*
		 * Intercepted only so that a #DB raised by its own delivery loops
		 * through #VMEXITs, where host interrupts get in (svm.c): give it
		 * back. RIP and DR6 are already as the trap left them (APM vol. 2
		 * 15.12); an event whose delivery it interrupted is dropped, as the
		 * guest's handler could not have run anyway.
		 */
		svm_inject_exception(v, TRAP_debug, false, 0);
		break;
	case SVM_EXIT_EXCP_BASE + SVM_EXC_AC:
		/* Likewise for #AC (error code 0, in EXITINFO1). */
		svm_inject_exception(v, TRAP_alignment_check, true, (uint32_t)vmcb->exitinfo1);
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
		svm_inject_exception(v, TRAP_invalid_op, false, 0);
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
		hvm_crash(v, "hardware task switch is not supported (rip %#lx)",
			  (unsigned long)vmcb->rip);
		break;
	case SVM_EXIT_CR4_WRITE:
		svm_exit_cr4_write(v);
		break;
	case SVM_EXIT_INVALID:
	case SVM_EXIT_INVALID_32:
		/* Only this guest: hvm_crash dumps its VMCB state. */
		hvm_crash(v, "VMRUN refused the guest state (cr0 %#lx cr4 %#lx efer %#lx)",
			  (unsigned long)vmcb->cr0, (unsigned long)vmcb->cr4,
			  (unsigned long)vmcb->efer);
		break;
	default:
		hvm_crash(v, "unexpected #VMEXIT %#lx (info1 %#lx info2 %#lx rip %#lx)",
			  (unsigned long)code, (unsigned long)vmcb->exitinfo1,
			  (unsigned long)vmcb->exitinfo2, (unsigned long)vmcb->rip);
		break;
	}
}
