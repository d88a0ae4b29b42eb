/*
 * Register state of PVH/HVM vCPUs as the toolstack sees it (domctl
 * set/getvcpucontext).
 *
 * setvcpucontext gives a vCPU that never ran its start state, as a domain
 * builder needs (dom0-tools/libs/builder): the vCPU starts in the PVH entry
 * state of Xen's docs/misc/pvh.pandoc (32-bit flat protected mode, paging
 * off, CS/DS/ES/SS flat 4 GiB, TR a 32-bit busy TSS) with the general
 * registers, rip and rflags of user_regs, as Xen's arch_set_info_guest takes
 * user_regs for an HVM vCPU and leaves the segment state to the arch. The
 * state is kept as a VCPUOP_initialise context (v->hvm_init_ctx) that the
 * HVM layer loads before the vCPU's first run (hvm_vcpu_prepare_run). Tessera's deliberate limits
 * (docs/abi.md 4.1): a vCPU that already has a context gets -EBUSY, a null
 * context (reset) -ENOSYS, a 64-bit start (ctrlreg[0] with PG) -EINVAL.
 * getvcpucontext needs the live register state and stays -ENOSYS.
 *
 * Locking: the caller has paused the domain; hvm_init_ctx is swapped under
 * the domain lock, as vcpu_op.c and hvm.c do.
 */
#include <asm/x86-defns.h>
#include <public/hvm/hvm_vcpu.h>
#include <tessera/arch.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>

/* The PVH entry's TSS limit (pvh.pandoc); its segment attributes are asm/x86-defns.h's. */
#define PVH_TSS_LIMIT 0x67

int arch_vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
	const struct cpu_user_regs *r;
	struct vcpu_hvm_context *ctx;
	struct vcpu_hvm_x86_32 *x;
	int ret = 0;

	if (!c)
		return -ENOSYS; /* reset to the power-on state: not yet */
	r = &c->user_regs;
	if (c->ctrlreg[0] & X86_CR0_PG)
		return -EINVAL; /* the PVH entry runs with paging off */
	if (r->rip > 0xffffffffUL || r->rsp > 0xffffffffUL)
		return -EINVAL;
	ctx = xzalloc(struct vcpu_hvm_context);
	if (!ctx)
		return -ENOMEM;
	ctx->mode = VCPU_HVM_MODE_32B;
	x = &ctx->cpu_regs.x86_32;
	x->eax = (uint32_t)r->rax;
	x->ecx = (uint32_t)r->rcx;
	x->edx = (uint32_t)r->rdx;
	x->ebx = (uint32_t)r->rbx;
	x->esp = (uint32_t)r->rsp;
	x->ebp = (uint32_t)r->rbp;
	x->esi = (uint32_t)r->rsi;
	x->edi = (uint32_t)r->rdi;
	x->eip = (uint32_t)r->rip;
	/* Reserved bit 1 set; IF, TF, IOPL and VM stay clear at the PVH entry. */
	x->eflags = ((uint32_t)r->rflags &
		     ~(uint32_t)(X86_EFLAGS_TF | X86_EFLAGS_IF | X86_EFLAGS_IOPL | X86_EFLAGS_VM)) |
		    (uint32_t)X86_EFLAGS_MBS;
	x->cr0 = (uint32_t)(c->ctrlreg[0] | X86_CR0_PE);
	x->cs_limit = x->ds_limit = x->ss_limit = x->es_limit = ~0u;
	x->cs_ar = X86_SEG_AR_CODE32;
	x->ds_ar = x->ss_ar = x->es_ar = X86_SEG_AR_DATA32;
	x->tr_limit = PVH_TSS_LIMIT;
	x->tr_ar = X86_SEG_AR_TSS_BUSY;

	spin_lock(&v->domain->domain_lock);
	if (v->is_initialised || v->hvm_init_ctx)
		ret = -EBUSY;
	else
		v->hvm_init_ctx = ctx;
	spin_unlock(&v->domain->domain_lock);
	if (ret)
		xfree(ctx);
	return ret;
}

int arch_vcpu_get_context(struct vcpu *v, struct vcpu_guest_context *c)
{
	(void)v;
	(void)c;
	return -ENOSYS;
}
