/*
 * The PVH/HVM hypercall calling convention (DESIGN.md section 3) around the common
 * dispatcher (common/hypercall.c): registers to arguments, the result to rax. Inline in the
 * vendor's exit handler, because it is the hottest path a guest has (make bench's null
 * hypercall: a call through the HVM layer here cost 5 % of it); nothing here goes through
 * the function table.
 *
 * Locking: runs on the CPU running v; v's registers are its own.
 */
#ifndef ASM_HVM_HYPERCALL_H
#define ASM_HVM_HYPERCALL_H

#include <asm/hvm.h>
#include <tessera/errno.h>
#include <tessera/hypercall.h>

enum hvm_hcall_result {
	HVM_HCALL_completed, /* result in rax: step over the instruction */
	HVM_HCALL_preempted, /* continuation: arguments updated, re-execute it */
};

/*
 * Argument registers: rdi, rsi, rdx, r10, r8 (64-bit); ebx, ecx, edx, esi, edi (32-bit, each
 * truncated to 32 bits).
 */
static inline void hvm_hcall_args_get(const struct hvm_gprs *g, bool lm,
				      struct hypercall_args *args)
{
	if (lm) {
		args->a[0] = g->rdi;
		args->a[1] = g->rsi;
		args->a[2] = g->rdx;
		args->a[3] = g->r10;
		args->a[4] = g->r8;
	} else {
		args->a[0] = (uint32_t)g->rbx;
		args->a[1] = (uint32_t)g->rcx;
		args->a[2] = (uint32_t)g->rdx;
		args->a[3] = (uint32_t)g->rsi;
		args->a[4] = (uint32_t)g->rdi;
	}
}

/* A continuation's updated arguments back into the same registers. */
static inline void hvm_hcall_args_put(struct hvm_gprs *g, bool lm,
				      const struct hypercall_args *args)
{
	if (lm) {
		g->rdi = args->a[0];
		g->rsi = args->a[1];
		g->rdx = args->a[2];
		g->r10 = args->a[3];
		g->r8 = args->a[4];
	} else {
		g->rbx = (uint32_t)args->a[0];
		g->rcx = (uint32_t)args->a[1];
		g->rdx = (uint32_t)args->a[2];
		g->rsi = (uint32_t)args->a[3];
		g->rdi = (uint32_t)args->a[4];
	}
}

/*
 * The hypercall v just made (its instruction not yet stepped over). The vendor says what its
 * exit state holds: whether v is in 64-bit mode, its CPL, and where its rax is (the number in,
 * the result out); the arguments are in v's struct hvm_gprs.
 */
static inline enum hvm_hcall_result hvm_hypercall(struct vcpu *v, bool lm, unsigned int cpl,
						  uint64_t *rax)
{
	struct hvm_gprs *g = &v->arch.hvm.gprs;
	struct hypercall_args args;
	unsigned long nr;
	long ret;

	if (cpl != 0) {
		/* As Xen: hypercalls from guest user mode fail. */
		*rax = lm ? (uint64_t)-EPERM : (uint32_t)-EPERM;
		return HVM_HCALL_completed;
	}
	nr = lm ? *rax : (uint32_t)*rax;
	hvm_hcall_args_get(g, lm, &args);
	ret = hypercall_dispatch(nr, &args);
	if (ret == -ERESTART) {
		/* Continuation: re-execute the instruction with the updated arguments. */
		hvm_hcall_args_put(g, lm, &args);
		return HVM_HCALL_preempted;
	}
	*rax = lm ? (uint64_t)ret : (uint32_t)ret;
	return HVM_HCALL_completed;
}

#endif
