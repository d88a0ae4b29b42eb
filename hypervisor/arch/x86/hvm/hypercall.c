/*
 * Hypercalls from PVH/HVM guests (DESIGN.md section 3): the calling
 * convention, registers to arguments and the result to rax, around the
 * common dispatcher (common/hypercall.c); and the hypercall page a guest
 * asks for through Xen's hypercall MSR. The vendor decodes the exit
 * (SVM: VMMCALL) and steps over the instruction when told to.
 *
 * Locking: runs on the CPU running v; v's registers are its own.
 */
#include <asm/hvm.h>
#include <asm/page.h>
#include <public/xen.h>
#include <tessera/errno.h>
#include <tessera/hypercall.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include <tessera/page_info.h>
#include <tessera/string.h>

/* Argument registers: rdi, rsi, rdx, r10, r8 (64-bit); ebx, ecx, edx, esi, edi (32-bit). */
static const enum hvm_reg hcall_args64[5] = {HVM_REG_RDI, HVM_REG_RSI, HVM_REG_RDX, HVM_REG_R10,
					     HVM_REG_R8};
static const enum hvm_reg hcall_args32[5] = {HVM_REG_RBX, HVM_REG_RCX, HVM_REG_RDX, HVM_REG_RSI,
					     HVM_REG_RDI};

enum hvm_hcall_result hvm_hypercall(struct vcpu *v)
{
	bool lm = hvm_64bit_mode(v);
	const enum hvm_reg *regs = lm ? hcall_args64 : hcall_args32;
	struct hypercall_args args;
	unsigned long nr;
	long ret;

	if (hvm_get_cpl(v) != 0) {
		/* As Xen: hypercalls from guest user mode fail. */
		hvm_set_reg(v, HVM_REG_RAX, lm ? (uint64_t)-EPERM : (uint32_t)-EPERM);
		return HVM_HCALL_completed;
	}
	nr = hvm_get_reg(v, HVM_REG_RAX);
	if (!lm)
		nr = (uint32_t)nr;
	for (unsigned int i = 0; i < 5; i++) {
		args.a[i] = hvm_get_reg(v, regs[i]);
		if (!lm)
			args.a[i] = (uint32_t)args.a[i];
	}
	ret = hypercall_dispatch(nr, &args);
	if (ret == -ERESTART) {
		/* Continuation: re-execute the instruction with the updated arguments. */
		for (unsigned int i = 0; i < 5; i++)
			hvm_set_reg(v, regs[i], lm ? args.a[i] : (uint32_t)args.a[i]);
		return HVM_HCALL_preempted;
	}
	hvm_set_reg(v, HVM_REG_RAX, lm ? (uint64_t)ret : (uint32_t)ret);
	return HVM_HCALL_completed;
}

/* Fill the hypercall page at gpa: slot i is "mov $i,%eax; <hypercall insn>; ret" (Xen's layout).
 */
int hvm_write_hypercall_page(struct vcpu *v, uint64_t val)
{
	struct domain *d = v->domain;
	struct page_info *pg;
	enum p2m_type t;
	mfn_t mfn;
	uint8_t *p;

	if (val & 0xfff)
		return -EINVAL; /* page index 0 only: one page */
	mfn = p2m_lookup(d, _gfn(val >> PAGE_SHIFT), &t);
	if (mfn_x(mfn) == INVALID_MFN_RAW || t != p2m_ram_rw || !mfn_valid(mfn))
		return -EINVAL;
	/*
	 * Held while we write: another vCPU may give the frame back at any time,
	 * and the heap may hand it to another domain (get_page checks d owns it).
	 */
	pg = mfn_to_page(mfn);
	if (!get_page(pg, d))
		return -EINVAL;
	p = page_to_virt(pg);
	memset(p, 0xcc, PAGE_SIZE); /* int3 outside the stubs */
	for (unsigned int i = 0; i < PAGE_SIZE / 32; i++) {
		uint8_t *s = p + i * 32;

		if (i == __HYPERVISOR_iret)
			continue; /* as Xen: no iret stub for HVM */
		s[0] = 0xb8;	  /* mov $i, %eax */
		s[1] = (uint8_t)i;
		s[2] = s[3] = s[4] = 0;
		memcpy(&s[5], hvm_funcs->hypercall_insn, 3);
		s[8] = 0xc3; /* ret */
	}
	put_page(pg);
	return 0;
}
