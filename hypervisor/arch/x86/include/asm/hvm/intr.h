/*
 * Which interrupt a PVH/HVM vCPU has pending, asked by the vendor's run loop before every
 * guest entry and by its HLT exit: inline, as the hottest path after the hypercall entry.
 *
 * Locking: for the CPU running v (the fields read may change under it: READ_ONCE).
 */
#ifndef ASM_HVM_INTR_H
#define ASM_HVM_INTR_H

#include <asm/vlapic.h>
#include <public/hvm/params.h>
#include <public/xen.h>
#include <tessera/compiler.h>
#include <tessera/domain.h>

/*
 * The domain's callback vector (HVM_PARAM_CALLBACK_IRQ of type 2) if v has
 * an upcall pending for it, or 0. As Xen's hvm_vcpu_has_pending_irq, it
 * stays asserted while evtchn_upcall_pending is set: the guest's handler
 * clears it with interrupts off, and there is no EOI. A vCPU with its own
 * upcall vector (HVMOP_set_evtchn_upcall_vector) gets it through its vLAPIC
 * instead (arch_vcpu_kick sets the IRR bit), and the guest EOIs it.
 */
static inline uint8_t hvm_upcall_vector(struct vcpu *v)
{
	const struct vcpu_info *vi = v->vcpu_info;
	uint64_t cb;

	if (!vi || !READ_ONCE(vi->evtchn_upcall_pending) ||
	    READ_ONCE(v->arch.hvm.evtchn_upcall_vector))
		return 0;
	cb = READ_ONCE(v->domain->hvm_params[HVM_PARAM_CALLBACK_IRQ]);
	if ((cb >> 56) == HVM_PARAM_CALLBACK_TYPE_VECTOR && (cb & 0xff) >= 0x10)
		return (uint8_t)cb;
	return 0;
}

/* Will v take an interrupt (callback-vector upcall, or a vLAPIC request above its PPR)? */
static inline bool hvm_intr_pending(struct vcpu *v)
{
	return hvm_upcall_vector(v) || vlapic_pending(&v->arch.hvm.vlapic) >= 0;
}

#endif
