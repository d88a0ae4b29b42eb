/*
 * Hypercalls of the unikernel, both ways an HVM guest can make them
 * (uk/hypercall.h):
 *  - a bare vmmcall, as Linux 6.1.123+ does on AMD (no hypercall page);
 *  - a call into the hypercall page, whose guest-physical address the guest
 *    writes to the MSR named by CPUID leaf base+2 (Xen: each hypercall has
 *    a 32-byte stub at page + nr * 32).
 * 64-bit convention (Xen public/arch-x86/xen-x86_64.h): rax = number,
 * arguments in rdi, rsi, rdx, r10, r8; the result in rax. The hypervisor
 * may clobber the argument registers, so they are all outputs here.
 *
 * Locking: none (one vCPU; the page is switched on once at boot).
 */
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <uk/kernel.h>

extern uint8_t pvh_hypercall_page[4096]; /* head.S */
static int use_page;
static uint32_t page_msr;

long uk_hypercall(unsigned long nr, unsigned long a1, unsigned long a2, unsigned long a3,
		  unsigned long a4, unsigned long a5)
{
	register unsigned long r10 asm("r10") = a4;
	register unsigned long r8 asm("r8") = a5;
	long ret;

	if (use_page) {
		unsigned long stub = (unsigned long)pvh_hypercall_page + nr * 32;

		/* -mno-red-zone: the call's push does not hit live data. */
		asm volatile("call *%%rcx"
			     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8),
			       "+c"(stub)
			     :
			     : "r9", "r11", "memory");
	} else {
		asm volatile("vmmcall"
			     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
			     : "0"(nr)
			     : "rcx", "r9", "r11", "memory");
	}
	return ret;
}

int uk_hypercall_use_page(void)
{
	uint32_t a, b, c, d;
	uint64_t gpa = (uint64_t)(unsigned long)pvh_hypercall_page;

	if (!uk_xen.base)
		return -ENODEV;
	cpuid(uk_xen.base + 2, &a, &b, &c, &d);
	if (a < 1 || !b)
		return -ENODEV;
	page_msr = b;
	/* Bits 11:0 select which page of a multi-page area; we use page 0. */
	wrmsr(b, gpa);
	/* The stub for xen_version must now be there: "mov $17, %eax" is b8 11 00 00 00. */
	if (pvh_hypercall_page[__HYPERVISOR_xen_version * 32] == 0)
		return -EIO;
	use_page = 1;
	return 0;
}

int uk_hypercall_via_page(void)
{
	return use_page;
}

uint32_t uk_hypercall_page_msr(void)
{
	return page_msr;
}

long hvm_get_param(unsigned int idx, uint64_t *value)
{
	struct xen_hvm_param p = {.domid = DOMID_SELF, .index = idx};
	long rc = HYPERVISOR_hvm_op(HVMOP_get_param, &p);

	if (!rc)
		*value = p.value;
	return rc;
}

long hvm_set_param(unsigned int idx, uint64_t value)
{
	struct xen_hvm_param p = {.domid = DOMID_SELF, .index = idx, .value = value};

	return HYPERVISOR_hvm_op(HVMOP_set_param, &p);
}
