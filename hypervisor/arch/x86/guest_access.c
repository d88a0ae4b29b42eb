/*
 * x86 hooks of the ABI core: guest copies, the hardware p2m, vCPU kicks.
 * No guest mode exists yet (SVM/PVH is the next issue), so these are the
 * honest minimum: nothing can be copied, there is no NPT to mirror into,
 * and a vCPU is never in guest mode when it is kicked.
 *
 * Locking: none.
 */
#include <tessera/event.h>
#include <tessera/guest_access.h>
#include <tessera/p2m.h>
#include <tessera/sched.h>

/*
 * No vCPU has guest page tables or a p2m walk yet: every copy fails whole
 * (callers return -EFAULT). The PVH issue implements the guest page walk
 * (guest page tables, then the p2m) here.
 */
unsigned long arch_copy_from_guest(struct vcpu *v, void *to, uint64_t gva, unsigned long len)
{
	return len;
}

unsigned long arch_copy_to_guest(struct vcpu *v, uint64_t gva, const void *from, unsigned long len)
{
	return len;
}

/* Nothing to mirror: NPT comes with SVM, which will reflect each entry here. */
int arch_p2m_update(struct domain *d, gfn_t gfn, mfn_t mfn, enum p2m_type t)
{
	return 0;
}

/*
 * A vCPU cannot be running guest code yet, so there is nobody to interrupt:
 * waking it if it blocked is all a kick means (as Xen's vcpu_kick, minus the
 * IPI to a CPU in guest mode, which comes with SVM).
 */
void arch_vcpu_kick(struct vcpu *v)
{
	vcpu_unblock(v);
}
