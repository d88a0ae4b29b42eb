/*
 * The x86 rules for the register context a guest gives a PVH/HVM vCPU with
 * VCPUOP_initialise (public/hvm/hvm_vcpu.h): segment attributes, control
 * registers and EFER, checked before common/vcpu_op.c keeps the context
 * (arch_vcpu_check_context, tessera/arch.h). Portable: the host unit tests
 * compile it as it is (tests/unit/misc.mk).
 *
 * Locking: none; c is the caller's private copy.
 */
#include <asm/x86-defns.h>
#include <public/hvm/hvm_vcpu.h>
#include <tessera/arch.h>
#include <tessera/errno.h>

/* Fields of a packed segment attribute word (asm/x86-defns.h). */
#define AR_TYPE(ar) ((ar)&X86_SEG_AR_TYPE_MASK)
#define AR_S(ar) (((ar)&X86_SEG_AR_S) != 0)
#define AR_DPL(ar) (((ar) >> X86_SEG_AR_DPL_SHIFT) & 3)
#define AR_P(ar) (((ar)&X86_SEG_AR_P) != 0)
#define AR_G(ar) (((ar)&X86_SEG_AR_G) != 0)

enum hvm_seg { HVM_SEG_CS, HVM_SEG_DS, HVM_SEG_SS, HVM_SEG_ES, HVM_SEG_TR };

/* As Xen's check_segment (hvm/domain.c), on the attributes with the accessed/busy bit added. */
static int hvm_ctx_check_segment(uint16_t ar, enum hvm_seg seg)
{
	unsigned int type;

	if (ar & X86_SEG_AR_RESERVED)
		return -EINVAL; /* bits 12-15 must be zero */
	if (ar == 0)
		return seg == HVM_SEG_DS || seg == HVM_SEG_ES
			   ? 0
			   : -EINVAL; /* only DS/ES may be null */
	type = AR_TYPE(ar) |
	       (AR_P(ar) ? (seg == HVM_SEG_TR ? X86_SEG_TYPE_TSS_BUSY : X86_SEG_TYPE_A) : 0);
	if (seg == HVM_SEG_TR) {
		if (AR_S(ar) || type != X86_SEG_TYPE_TSS32_BUSY)
			return -EINVAL;
	} else if (!AR_S(ar)) {
		return -EINVAL; /* a system segment for code/data */
	}
	if (!AR_P(ar))
		return -EINVAL;
	switch (seg) {
	case HVM_SEG_CS:
		return type & X86_SEG_TYPE_CODE ? 0 : -EINVAL;
	case HVM_SEG_SS:
		return !(type & X86_SEG_TYPE_CODE) && (type & X86_SEG_TYPE_WR) ? 0 : -EINVAL;
	case HVM_SEG_DS:
	case HVM_SEG_ES:
		/* readable: data, or code with the read bit */
		return (type & X86_SEG_TYPE_CODE) && !(type & X86_SEG_TYPE_WR) ? -EINVAL : 0;
	default:
		return 0;
	}
}

/*
 * The structural checks of Xen's arch_set_info_hvm_guest, portable ones
 * only: what CR4/EFER bits the CPU supports is for the vendor to check when
 * it loads the context, which may still refuse it.
 */
int arch_vcpu_check_context(const struct vcpu_hvm_context *c)
{
	if (c->pad)
		return -EINVAL;
	if (c->mode == VCPU_HVM_MODE_32B) {
		const struct vcpu_hvm_x86_32 *r = &c->cpu_regs.x86_32;
		uint64_t limit = r->cs_limit;

		if (r->pad1 || r->pad2[0] || r->pad2[1] || r->pad2[2])
			return -EINVAL;
		if (hvm_ctx_check_segment(r->cs_ar, HVM_SEG_CS) ||
		    hvm_ctx_check_segment(r->ds_ar, HVM_SEG_DS) ||
		    hvm_ctx_check_segment(r->ss_ar, HVM_SEG_SS) ||
		    hvm_ctx_check_segment(r->es_ar, HVM_SEG_ES) ||
		    hvm_ctx_check_segment(r->tr_ar, HVM_SEG_TR))
			return -EINVAL;
		if (AR_G(r->cs_ar))
			limit = (limit << 12) | 0xfff;
		if (r->eip > limit || AR_DPL(r->ss_ar) != AR_DPL(r->cs_ar) ||
		    (AR_P(r->ds_ar) && AR_DPL(r->ds_ar) > AR_DPL(r->cs_ar)) ||
		    (AR_P(r->es_ar) && AR_DPL(r->es_ar) > AR_DPL(r->cs_ar)))
			return -EINVAL;
		if ((r->efer & EFER_LMA) && !(r->efer & EFER_LME))
			return -EINVAL;
		return 0;
	}
	if (c->mode == VCPU_HVM_MODE_64B) {
		const struct vcpu_hvm_x86_64 *r = &c->cpu_regs.x86_64;

		if ((uint64_t)((int64_t)(r->rip << 16) >> 16) != r->rip)
			return -EINVAL; /* non-canonical */
		if (!(r->cr0 & X86_CR0_PG) || !(r->cr4 & X86_CR4_PAE) || !(r->efer & EFER_LME))
			return -EINVAL; /* 64-bit mode needs paging, PAE and long mode */
		return 0;
	}
	return -EINVAL;
}
