/*
 * The vendor-neutral HVM layer (asm/hvm.h): picks the vendor implementation
 * at boot (SVM now; VMX can join as a second function table), creates and
 * destroys the vendor-neutral state of domains and vCPUs (asm/hvm/vcpu.h,
 * asm/hvm/domain.h) around the vendor's, does what every vendor's run
 * loop needs before entering the guest (hvm_vcpu_prepare_run) and decides
 * which interrupt is pending (hvm_upcall_vector, hvm_intr_pending), and
 * routes the arch hooks of the ABI core that depend on it: the nested page
 * table mirror of the p2m (arch_p2m_update) and event kicks
 * (arch_vcpu_kick: the per-vCPU upcall vector through the virtual x2APIC,
 * asm/vlapic.h).
 *
 * Locking: hvm_funcs is written once on the boot CPU before the APs start.
 */
#include <asm/apic.h>
#include <asm/hvm.h>
#include <asm/irq_vectors.h>
#include <asm/percpu.h>
#include <asm/acpi_build.h>
#include <asm/vlapic.h>
#include <asm/x86-defns.h>
#include <public/hvm/hvm_vcpu.h>
#include <public/hvm/params.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/format.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include <tessera/panic.h>
#include <tessera/sched.h>
#include <tessera/spinlock.h>
#include <tessera/time.h>

extern const struct hvm_function_table svm_function_table;
bool svm_init(void);

const struct hvm_function_table *hvm_funcs;

bool hvm_init(void)
{
	if (svm_init())
		hvm_funcs = &svm_function_table;
	return hvm_funcs != NULL;
}

void hvm_cpu_up(void)
{
	int ret;

	if (!hvm_funcs)
		return;
	ret = hvm_funcs->cpu_up();
	if (ret)
		panic("CPU%u: cannot enable %s (%d)", smp_processor_id(), hvm_funcs->name, ret);
}

bool hvm_enabled(void)
{
	return hvm_funcs != NULL;
}

int hvm_domain_initialise(struct domain *d)
{
	struct hvm_domain *hd = &d->arch.hvm;
	int ret;

	spin_lock_init(&hd->e9_lock, LOCK_LEVEL_HVM_E9);
	ret = hvm_funcs->domain_init(d);
	if (!ret)
		hd->initialised = true;
	return ret;
}

void hvm_domain_destroy(struct domain *d)
{
	if (!d->arch.hvm.initialised)
		return;
	hvm_funcs->domain_destroy(d);
	d->arch.hvm.initialised = false;
}

int hvm_vcpu_initialise(struct vcpu *v)
{
	int ret;

	if (!v->domain->arch.hvm.initialised)
		return -EINVAL;
	ret = hvm_funcs->vcpu_init(v);
	if (ret)
		return ret;
	vlapic_reset(&v->arch.hvm.vlapic, PVH_LAPIC_ID(v->vcpu_id), v->vcpu_id == 0);
	v->arch.hvm.initialised = true;
	return 0;
}

void hvm_vcpu_destroy(struct vcpu *v)
{
	if (!v->arch.hvm.initialised)
		return;
	hvm_funcs->vcpu_destroy(v);
	v->arch.hvm.initialised = false;
}

struct vlapic *vcpu_vlapic(struct vcpu *v)
{
	return v->arch.hvm.initialised ? &v->arch.hvm.vlapic : NULL;
}

int hvm_vcpu_set_pvh_start(struct vcpu *v, uint32_t entry, uint32_t start_info_gpa)
{
	if (!hvm_funcs || !v->arch.hvm.initialised)
		return -EINVAL;
	hvm_funcs->set_pvh_start(v, entry, start_info_gpa);
	return 0;
}

bool hvm_64bit_mode(struct vcpu *v)
{
	struct segment_register cs;

	if (!(hvm_get_efer(v) & EFER_LMA))
		return false;
	hvm_get_segment(v, x86_seg_cs, &cs);
	return cs.attr & X86_SEG_AR_L;
}

void hvm_crash(struct vcpu *v, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	hvm_funcs->dump_state(v);
	domain_crash(v->domain, why);
}

/* The ABI core's p2m changed: mirror it into the nested page table (PVH/HVM domains only). */
int arch_p2m_update(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned int order, enum p2m_type t)
{
	if (!hvm_funcs || !d->arch.hvm.initialised)
		return 0;
	return hvm_funcs->p2m_update(d, gfn, mfn, order, t);
}

/*
 * Before v's run loop on this CPU: load a VCPUOP_initialise/setvcpucontext
 * context on its first run, apply an INIT-SIPI start (vlapic_ipi.c), and
 * keep the pvclock current (common/time.c): on the first entry, when v
 * moved to another CPU (whose TSC may differ), and after a long absence so
 * the guest's extrapolation from an old sample stays short.
 */
void hvm_vcpu_prepare_run(struct vcpu *v, unsigned int cpu)
{
	struct hvm_vcpu *hv = &v->arch.hvm;

	if (!hv->launched) {
		struct vcpu_hvm_context *ctx;

		spin_lock(&v->domain->domain_lock);
		ctx = v->hvm_init_ctx;
		v->hvm_init_ctx = NULL;
		spin_unlock(&v->domain->domain_lock);
		if (ctx) {
			hvm_funcs->load_init_ctx(v, ctx);
			xfree(ctx);
		}
		hv->launched = true;
	}
	/* INIT then SIPI from another vCPU: start in real mode at vector << 12. */
	if (READ_ONCE(hv->vlapic.sipi_vector) >= 0) {
		hvm_funcs->set_sipi_start(v, (uint8_t)hv->vlapic.sipi_vector);
		WRITE_ONCE(hv->vlapic.sipi_vector, -1);
	}
	if (hv->time_cpu != cpu + 1 || NOW() - hv->time_stamp > SECONDS(1)) {
		update_vcpu_system_time(v);
		hv->time_cpu = cpu + 1;
		hv->time_stamp = NOW();
	}
}

/*
 * Make v look at its pending interrupts again: wake it if it blocked (HLT,
 * SCHEDOP_block), and if it is on another CPU, IPI that CPU so it leaves
 * guest mode and injects on re-entry (as Xen's vcpu_kick). The run loop
 * marks itself in_guest before it evaluates what to inject, so either it
 * sees the new request or we see in_guest and IPI.
 */
void hvm_vcpu_kick(struct vcpu *v)
{
	struct hvm_vcpu *hv = &v->arch.hvm;
	unsigned int cpu;

	vcpu_unblock(v);
	if (!hv->initialised)
		return;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	cpu = READ_ONCE(v->processor);
	if ((READ_ONCE(v->is_running) || hv->in_guest) && cpu != smp_processor_id())
		send_IPI(cpu, EVENT_CHECK_VECTOR);
}

/*
 * v has an upcall pending (vcpu_info->evtchn_upcall_pending was just set).
 * With a per-vCPU upcall vector (HVMOP_set_evtchn_upcall_vector) it is an
 * interrupt request to v's local APIC, which the guest EOIs (Linux
 * sysvec_xen_hvm_callback); the domain-wide callback vector
 * (HVM_PARAM_CALLBACK_IRQ type 2) bypasses the APIC and needs no EOI: the
 * run loop injects it while upcall_pending stays set (as Xen's
 * hvm_assert_evtchn_irq / hvm_vcpu_has_pending_irq).
 */
void arch_vcpu_kick(struct vcpu *v)
{
	uint8_t vec = READ_ONCE(v->arch.hvm.evtchn_upcall_vector);
	struct vlapic *l = vcpu_vlapic(v);

	if (vec && l && v->vcpu_info && READ_ONCE(v->vcpu_info->evtchn_upcall_pending))
		vlapic_set_irr(l, vec);
	hvm_vcpu_kick(v);
}
