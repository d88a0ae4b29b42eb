/*
 * The vendor-neutral HVM layer (asm/hvm.h): picks the vendor implementation
 * at boot (SVM now; VMX can join as a second function table), and routes
 * the arch hooks of the ABI core that depend on it: the NPT mirror of the
 * p2m (arch_p2m_update) and event kicks (arch_vcpu_kick).
 *
 * Locking: hvm_funcs is written once on the boot CPU before the APs start.
 */
#include <asm/apic.h>
#include <asm/hvm.h>
#include <asm/irq_vectors.h>
#include <asm/percpu.h>
#include <asm/svm.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/p2m.h>
#include <tessera/panic.h>
#include <tessera/sched.h>

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

int hvm_vcpu_set_pvh_start(struct vcpu *v, uint32_t entry, uint32_t start_info_gpa)
{
	if (!hvm_funcs || !v->arch)
		return -EINVAL;
	hvm_funcs->set_pvh_start(v, entry, start_info_gpa);
	return 0;
}

/* The ABI core's p2m changed: mirror it into the nested page table (PVH/HVM domains only). */
int arch_p2m_update(struct domain *d, gfn_t gfn, mfn_t mfn, enum p2m_type t)
{
	if (!hvm_funcs || !d->arch)
		return 0;
	return hvm_funcs->p2m_update(d, gfn, mfn, t);
}

/*
 * v has an upcall pending (vcpu_info->evtchn_upcall_pending was just set):
 * wake it if it blocked (HLT, SCHEDOP_block), and if it is on another CPU,
 * IPI that CPU so it leaves guest mode and injects the vector on re-entry
 * (as Xen's vcpu_kick). The run loop marks itself in_guest before reading
 * upcall_pending, so either it sees the new value or we see it and IPI.
 */
void arch_vcpu_kick(struct vcpu *v)
{
	struct svm_vcpu *sv = svm_v(v);
	unsigned int cpu;

	vcpu_unblock(v);
	if (!sv)
		return;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	cpu = READ_ONCE(v->processor);
	if ((READ_ONCE(v->is_running) || sv->in_guest) && cpu != smp_processor_id())
		send_IPI(cpu, EVENT_CHECK_VECTOR);
}
