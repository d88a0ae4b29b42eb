/*
 * Hypercalls of the PVH test guest, both ways an HVM guest can make them:
 *  - a bare vmmcall, as Linux 6.1.123+ does on AMD (no hypercall page);
 *  - a call into the hypercall page, whose guest-physical address the guest
 *    writes to the MSR named by CPUID leaf base+2 (Xen: each hypercall has
 *    a 32-byte stub at page + nr * 32).
 * 64-bit convention (Xen public/arch-x86/xen-x86_64.h): rax = number,
 * arguments in rdi, rsi, rdx, r10, r8; the result in rax. The hypervisor
 * may clobber the argument registers, so they are all outputs here.
 *
 * Locking: none (one vCPU).
 */
#include "pvh.h"

int hypercalls_ready;
int hypercall_use_page;
extern uint8_t pvh_hypercall_page[4096];

long hypercall(unsigned long nr, unsigned long a1, unsigned long a2, unsigned long a3,
	       unsigned long a4, unsigned long a5)
{
	register unsigned long r10 asm("r10") = a4;
	register unsigned long r8 asm("r8") = a5;
	long ret;

	if (hypercall_use_page) {
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

/*
 * Xen's leaves sit at 0x40000000 or, with Viridian, 0x40000100 (Linux
 * xen_cpuid_base scans every 0x100 up to 0x40010000): "XenVMMXenVMM" in
 * ebx, ecx, edx, and eax the highest leaf (at least base + 2).
 */
int xen_cpuid_probe(uint32_t *base, uint32_t *version)
{
	uint32_t leaf, a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	if (!(c & (1u << 31)))
		return -1; /* CPUID.1:ECX.hypervisor clear */
	for (leaf = 0x40000000; leaf < 0x40010000; leaf += 0x100) {
		cpuid(leaf, &a, &b, &c, &d);
		if (b == 0x566e6558 && c == 0x65584d4d && d == 0x4d4d566e && a >= leaf + 2) {
			*base = leaf;
			cpuid(leaf + 1, &a, &b, &c, &d);
			*version = a;
			return 0;
		}
	}
	return -2;
}

int hypercall_page_enable(uint32_t base, uint32_t *msr)
{
	uint32_t a, b, c, d;
	uint64_t gpa = (uint64_t)(unsigned long)pvh_hypercall_page;

	cpuid(base + 2, &a, &b, &c, &d);
	if (a < 1 || !b)
		return -1;
	*msr = b;
	/* Bits 11:0 select which page of a multi-page area; we use page 0. */
	asm volatile("wrmsr" : : "c"(b), "a"((uint32_t)gpa), "d"((uint32_t)(gpa >> 32)) : "memory");
	/* The stub for xen_version must now be there: "mov $17, %eax" is b8 11 00 00 00. */
	if (pvh_hypercall_page[__HYPERVISOR_xen_version * 32] == 0)
		return -1;
	hypercall_use_page = 1;
	return 0;
}
