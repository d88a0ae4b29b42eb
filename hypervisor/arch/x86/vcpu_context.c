/*
 * Register state of PVH/HVM vCPUs as the toolstack sees it (domctl
 * set/getvcpucontext). No vCPU has hardware register state yet: the SVM
 * work (the PVH issue) keeps it in the VMCB and fills these in. Until then
 * both say -ENOSYS rather than pretend (DESIGN.md section 8).
 * Locking: the caller has paused the vCPU.
 */
#include <tessera/arch.h>
#include <tessera/errno.h>

int arch_vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
	(void)v;
	(void)c;
	return -ENOSYS;
}

int arch_vcpu_get_context(struct vcpu *v, struct vcpu_guest_context *c)
{
	(void)v;
	(void)c;
	return -ENOSYS;
}
