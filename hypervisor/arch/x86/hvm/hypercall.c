/*
 * Hypercalls from PVH/HVM guests (DESIGN.md section 3): the hypercall page a
 * guest asks for through Xen's hypercall MSR. The calling convention itself
 * (registers to arguments, the result to rax) is hvm_hypercall, inline in
 * asm/hvm/hypercall.h for the vendor's exit handler (SVM: VMMCALL).
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
