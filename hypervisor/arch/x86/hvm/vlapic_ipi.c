/*
 * The virtual x2APIC's plumbing (asm/vlapic.h): a vCPU's x2APIC MSR
 * accesses reach the register model (vlapic.c) from here, and what the
 * model asks for beyond its own registers happens here: ICR writes become
 * fixed IPIs to the domain's other vCPUs (their IRR, then a kick) or
 * INIT/SIPI that start a secondary vCPU, and kicks make a vCPU notice a
 * new request.
 *
 * Starting secondary vCPUs: Linux PVH brings its APs up with the native
 * INIT-SIPI-SIPI sequence through the APIC (arch/x86/kernel/smpboot.c
 * wakeup_secondary_cpu_via_init; arch/x86/xen/smp_hvm.c keeps native
 * cpu_up), into its real-mode trampoline at vector << 12; other guests use
 * VCPUOP_initialise + VCPUOP_up (common/vcpu_op.c). Both work. INIT is
 * honoured for a vCPU that is down (waiting for SIPI); an INIT to a running
 * vCPU would need a full vCPU reset and is ignored with a log line.
 *
 * Locking: the target vCPU's IRR is set atomically; INIT/SIPI touch a
 * target that is down, and its VPF_down/is_initialised under
 * d->domain_lock as VCPUOP_up does; the SIPI start state is loaded by the
 * target's own CPU (hvm_vcpu_prepare_run) from vlapic->sipi_vector.
 */
#include <asm/hvm.h>
#include <asm/vlapic.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/sched.h>

/* Fixed/lowest-priority vector, or INIT/SIPI, to vCPU t (SDM vol. 3A 11.6.1). */
static void vlapic_accept(struct vcpu *src, struct vcpu *t, unsigned int mode, uint8_t vec,
			  uint64_t icr)
{
	struct vlapic *tl = vcpu_vlapic(t);
	struct domain *d = t->domain;
	bool wake = false;

	if (!tl)
		return;
	switch (mode) {
	case VLAPIC_DM_FIXED:
	case VLAPIC_DM_LOWEST:
		/* Held in the IRR while the target's APIC is software-disabled (as vlapic_pending).
		 */
		vlapic_deliver(t, vec);
		break;
	case VLAPIC_DM_INIT:
		if (!(icr & VLAPIC_ICR_ASSERT))
			break; /* INIT level de-assert: no effect on modern APICs */
		if (!test_bit(VPF_down, &t->pause_flags)) {
			if (tl->init_warned)
				break; /* once per target: a guest must not flood the log */
			tl->init_warned = true;
			pr_warn("d%u v%u: INIT IPI to running vCPU %u ignored (no vCPU reset)",
				d->domain_id, src->vcpu_id, t->vcpu_id);
			break;
		}
		tl->wait_sipi = true;
		break;
	case VLAPIC_DM_STARTUP:
		spin_lock(&d->domain_lock);
		/* Only the first SIPI after INIT counts (SDM 8.4.4.1: the second one is for old
		 * CPUs). */
		if (tl->wait_sipi && test_bit(VPF_down, &t->pause_flags)) {
			tl->wait_sipi = false;
			WRITE_ONCE(tl->sipi_vector, vec);
			t->is_initialised = true;
			wake = test_and_clear_bit(VPF_down, &t->pause_flags);
		}
		spin_unlock(&d->domain_lock);
		if (wake)
			vcpu_wake(t);
		break;
	default:
		/* NMI, SMI, ExtINT: not offered (no guest NMI path yet); dropped. */
		break;
	}
}

/* Deliver the IPI an ICR (or SELF_IPI) write describes, within src's domain. */
static void vlapic_send_ipi(struct vcpu *src, uint64_t icr)
{
	struct domain *d = src->domain;
	unsigned int mode = VLAPIC_ICR_MODE(icr), sh = VLAPIC_ICR_SHORTHAND(icr);
	uint32_t dest = VLAPIC_ICR_DEST(icr);
	bool logical = icr & VLAPIC_ICR_LOGICAL;
	uint8_t vec = VLAPIC_ICR_VECTOR(icr);

	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *t = READ_ONCE(d->vcpu[i]);
		struct vlapic *tl;
		bool match;

		if (!t || !(tl = vcpu_vlapic(t)))
			continue;
		switch (sh) {
		case VLAPIC_SH_SELF:
			match = t == src;
			break;
		case VLAPIC_SH_ALL:
			match = true;
			break;
		case VLAPIC_SH_OTHERS:
			match = t != src;
			break;
		default:
			match = vlapic_match_dest(tl, dest, logical);
			break;
		}
		if (!match)
			continue;
		vlapic_accept(src, t, mode, vec, icr);
		/* Lowest priority: one target is enough (all vCPUs have the same priority here). */
		if (mode == VLAPIC_DM_LOWEST)
			break;
	}
}

int vlapic_guest_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	struct vlapic *l = vcpu_vlapic(v);

	if (!l || vlapic_msr_read(l, msr, val))
		return -1;
	return 0;
}

int vlapic_guest_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	struct vlapic *l = vcpu_vlapic(v);
	uint64_t ipi = 0;
	int ret;

	if (!l)
		return -1;
	ret = vlapic_msr_write(l, msr, val, &ipi);
	if (ret < 0)
		return -1;
	if (ret == VLAPIC_SEND_IPI)
		vlapic_send_ipi(v, ipi);
	/* VLAPIC_EOI_DONE: nothing to do, the next entry re-evaluates IRR against the PPR. */
	return 0;
}

bool vlapic_guest_mmio(struct vcpu *v, uint64_t gpa, unsigned int size, bool write, uint64_t *val)
{
	struct vlapic *l = vcpu_vlapic(v);
	unsigned int off = gpa & 0xfff;
	uint64_t ipi = 0;

	if (!l || !vlapic_xapic_mode(l) || (gpa & ~0xfffUL) != VLAPIC_BASE_ADDR)
		return false;
	/* Registers are 32 bits at 16-byte offsets; anything else reads 0, writes nothing. */
	if (size != 4 || (off & 0xf)) {
		if (!write)
			*val = 0;
		return true;
	}
	if (!write) {
		*val = vlapic_mmio_read(l, off);
		return true;
	}
	if (vlapic_mmio_write(l, off, (uint32_t)*val, &ipi) == VLAPIC_SEND_IPI)
		vlapic_send_ipi(v, ipi);
	return true;
}

void vlapic_deliver(struct vcpu *v, uint8_t vec)
{
	struct vlapic *l = vcpu_vlapic(v);

	if (!l)
		return;
	vlapic_set_irr(l, vec);
	hvm_vcpu_kick(v);
}
