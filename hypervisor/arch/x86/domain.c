/*
 * x86 state of domains and vCPUs (tessera/arch.h, kept in d->arch and
 * v->arch: asm/domain.h): PVH and HVM domains get theirs from the HVM
 * layer (asm/hvm.h: nested paging, the vendor's per-vCPU control block);
 * PV domains need nothing here yet.
 *
 * Locking: called by common/domain.c on a domain or vCPU nobody else can
 * reach yet (create) or any more (destroy).
 */
#include <asm/hvm.h>
#include <public/hvm/params.h>
#include <public/sched.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/errno.h>

static bool arch_domain_is_hvm(const struct domain *d)
{
	return d->mode == GUEST_MODE_PVH || d->mode == GUEST_MODE_HVM;
}

int arch_domain_create(struct domain *d)
{
	if (!arch_domain_is_hvm(d))
		return 0;
	if (!hvm_enabled()) {
		pr_err("d%u: PVH/HVM domain refused: no SVM with nested paging on this machine",
		       d->domain_id);
		return -EOPNOTSUPP;
	}
	/* Xen's default for HVM/PVH domains: a triple fault reboots (svm/exits.c). */
	d->hvm_params[HVM_PARAM_TRIPLE_FAULT_REASON] = SHUTDOWN_reboot;
	return hvm_domain_initialise(d);
}

void arch_domain_destroy(struct domain *d)
{
	hvm_domain_destroy(d);
}

int arch_vcpu_create(struct vcpu *v)
{
	if (!v->domain->arch.hvm.initialised)
		return 0;
	return hvm_vcpu_initialise(v);
}

void arch_vcpu_destroy(struct vcpu *v)
{
	hvm_vcpu_destroy(v);
}

void arch_vcpu_run(struct vcpu *v)
{
	if (v->arch.hvm.initialised)
		hvm_funcs->run(v);
	else
		domain_crash(v->domain, "no guest mode for this domain type yet (PV comes later)");
}
