/*
 * Conformance: what a PVH guest's privileged instructions do where a
 * kernel probes the edges (issue 14): MSRs the policy refuses or keeps
 * (Xen 4.17 arch/x86/msr.c guest_rdmsr/guest_wrmsr, hvm/svm/svm.c
 * svm_msr_*_intercept), CR4 bits the CPUID hides (hvm.c hvm_set_cr4),
 * WBINVD, RDTSCP and RDPMC (svm.c's intercepts), accesses to guest-physical
 * addresses with nothing behind them (hvm/emulate.c: reads all ones,
 * writes dropped).
 *
 * Faults are caught with uk_fault_catch (conf_rdmsr & co.) and compared
 * by vector.
 *
 * Locking: none (tests run one at a time).
 */
#include "conf.h"

#define MSR_DEBUGCTL 0x1d9u
#define MSR_TSC_AUX 0xc0000103u
/* No x86 CPU has an MSR here. */
#define CONF_NO_MSR 0x1234u

TEST(debugctl)
{
	uint64_t v = 0x5a5a;

	/* Read as 0 (no debug features enabled), and 0 is taken back. */
	EXPECT_EQ(conf_rdmsr(MSR_DEBUGCTL, &v), CONF_NO_FAULT);
	EXPECT_EQ(v, 0);
	EXPECT_EQ(conf_wrmsr(MSR_DEBUGCTL, 0), CONF_NO_FAULT);
	v = 0x5a5a;
	EXPECT_EQ(conf_rdmsr(MSR_DEBUGCTL, &v), CONF_NO_FAULT);
	EXPECT_EQ(v, 0);
}

TEST(unknown_msrs_fault)
{
	uint64_t v;

	/* Not an MSR of any x86 CPU: #GP both ways, twice (logged once). */
	EXPECT_EQ(conf_rdmsr(CONF_NO_MSR, &v), 13);
	EXPECT_EQ(conf_rdmsr(CONF_NO_MSR, &v), 13);
	EXPECT_EQ(conf_wrmsr(CONF_NO_MSR, 0), 13);
}

/* CPUID 0x80000001 EDX bit 27: RDTSCP and TSC_AUX. */
static int has_rdtscp(void)
{
	uint32_t a, b, c, d;

	cpuid(0x80000000, &a, &b, &c, &d);
	if (a < 0x80000001)
		return 0;
	cpuid(0x80000001, &a, &b, &c, &d);
	return !!(d & (1u << 27));
}

TEST(wbinvd_completes)
{
	EXPECT_EQ(conf_wbinvd(), CONF_NO_FAULT);
	EXPECT_EQ(conf_wbinvd(), CONF_NO_FAULT);
}

TEST(rdtscp_and_tsc_aux)
{
	uint64_t tsc = 0, before, v = 0;
	uint32_t aux = 0;

	if (!has_rdtscp()) {
		/* Not offered: the instruction is #UD, its MSR #GP. */
		EXPECT_EQ(conf_rdtscp(&tsc, &aux), 6);
		EXPECT_EQ(conf_rdmsr(MSR_TSC_AUX, &v), 13);
		EXPECT_EQ(conf_wrmsr(MSR_TSC_AUX, 1), 13);
		return;
	}
	/* Offered: our own TSC_AUX (not the host's), and the TSC moves on. */
	EXPECT_EQ(conf_wrmsr(MSR_TSC_AUX, 0x1234), CONF_NO_FAULT);
	EXPECT_EQ(conf_rdmsr(MSR_TSC_AUX, &v), CONF_NO_FAULT);
	EXPECT_EQ(v, 0x1234);
	before = rdtsc();
	EXPECT_EQ(conf_rdtscp(&tsc, &aux), CONF_NO_FAULT);
	EXPECT_EQ(aux, 0x1234);
	EXPECT_TRUE(tsc >= before);
}

TEST(rdpmc_faults)
{
	uint64_t v;

	/*
	 * No vPMU: a fault, never the host's counters. Tessera intercepts RDPMC
	 * and gives #GP; Xen 4.17 does not intercept it without a vPMU, and
	 * QEMU's TCG (no counters) raises #UD then. Either is accepted.
	 */
	for (uint32_t ctr = 0; ctr < 2; ctr++) {
		int vec = conf_rdpmc(ctr, &v);

		printf("rdpmc(%u): vector %d\n", ctr, vec);
		EXPECT_TRUE(vec == 13 || vec == 6);
	}
}

#define CR4_PCE (1UL << 8)
#define CR4_UMIP (1UL << 11)
#define CR4_VMXE (1UL << 13)

TEST(cr4_bits)
{
	uint64_t cr4 = conf_read_cr4();
	uint32_t a, b, c, d, max;

	/* PCE is always ours to set and clear. */
	EXPECT_EQ(conf_write_cr4(cr4 ^ CR4_PCE), CONF_NO_FAULT);
	EXPECT_EQ(conf_read_cr4(), cr4 ^ CR4_PCE);
	EXPECT_EQ(conf_write_cr4(cr4), CONF_NO_FAULT);
	EXPECT_EQ(conf_read_cr4(), cr4);
	/* VMXE: CPUID hides VMX (leaf 1 ECX bit 5), so #GP and CR4 unchanged. */
	cpuid(1, &a, &b, &c, &d);
	if (!(c & (1u << 5))) {
		EXPECT_EQ(conf_write_cr4(cr4 | CR4_VMXE), 13);
		EXPECT_EQ(conf_read_cr4(), cr4);
	}
	/* UMIP likewise when leaf 7 does not offer it (ECX bit 2). */
	cpuid(0, &max, &b, &c, &d);
	c = 0;
	if (max >= 7)
		cpuid_count(7, 0, &a, &b, &c, &d);
	if (!(c & (1u << 2))) {
		EXPECT_EQ(conf_write_cr4(cr4 | CR4_UMIP), 13);
		EXPECT_EQ(conf_read_cr4(), cr4);
	}
	/* Reserved bits (15, 31, 63) and PAE off in long mode. */
	EXPECT_EQ(conf_write_cr4(cr4 | (1UL << 15)), 13);
	EXPECT_EQ(conf_write_cr4(cr4 | (1UL << 31)), 13);
	EXPECT_EQ(conf_write_cr4(cr4 | (1UL << 63)), 13);
	EXPECT_EQ(conf_write_cr4(cr4 & ~(1UL << 5)), 13);
	EXPECT_EQ(conf_read_cr4(), cr4);
}

#define ONES8 0xffffffffffffffffUL

/* Loads of every emulated form from a gfn with nothing behind it: all ones. */
TEST(unbacked_reads_give_all_ones)
{
	uint8_t *p = conf_hole();
	uint64_t q = 0, x;
	uint32_t l = 0;
	uint16_t w = 0;
	uint8_t b = 0;

	ASSERT_TRUE(p != NULL);
	asm volatile("movb %1, %0" : "=q"(b) : "m"(*(volatile uint8_t *)p));
	EXPECT_EQ(b, 0xff);
	asm volatile("movw %1, %0" : "=r"(w) : "m"(*(volatile uint16_t *)(p + 2)));
	EXPECT_EQ(w, 0xffff);
	asm volatile("movl %1, %0" : "=r"(l) : "m"(*(volatile uint32_t *)(p + 4)));
	EXPECT_EQ(l, 0xffffffffu);
	asm volatile("movq %1, %0" : "=r"(q) : "m"(*(volatile uint64_t *)(p + 8)));
	EXPECT_EQ(q, ONES8);
	/* A byte load keeps the rest of the register; a 32-bit load clears the upper half. */
	asm volatile("movabsq $0x1122334455667788, %0\n\tmovb %1, %b0"
		     : "=&q"(x)
		     : "m"(*(volatile uint8_t *)(p + 16)));
	EXPECT_EQ(x, 0x11223344556677ffUL);
	asm volatile("movabsq $0x1122334455667788, %0\n\tmovl %1, %k0"
		     : "=&r"(x)
		     : "m"(*(volatile uint32_t *)(p + 16)));
	EXPECT_EQ(x, 0xffffffffUL);
	/* MOVZX and MOVSX of bytes and words. */
	asm volatile("movzbl %1, %k0" : "=r"(x) : "m"(*(volatile uint8_t *)(p + 24)));
	EXPECT_EQ(x, 0xff);
	asm volatile("movzwq %1, %0" : "=r"(x) : "m"(*(volatile uint16_t *)(p + 24)));
	EXPECT_EQ(x, 0xffff);
	asm volatile("movsbq %1, %0" : "=r"(x) : "m"(*(volatile uint8_t *)(p + 24)));
	EXPECT_EQ(x, ONES8);
	asm volatile("movswl %1, %k0" : "=r"(x) : "m"(*(volatile uint16_t *)(p + 24)));
	EXPECT_EQ(x, 0xffffffffUL);
	/* A high-numbered register and a SIB address. */
	{
		register uint64_t r13 asm("r13");
		uint64_t idx = 5;

		asm volatile("movq (%1,%2,8), %0" : "=r"(r13) : "r"(p), "r"(idx) : "memory");
		EXPECT_EQ(r13, ONES8);
	}
	EXPECT_OK(conf_hole_fill(p));
}

/* Stores are dropped (reads still give all ones), and the guest carries on; once repopulated the
 * page is RAM again. */
TEST(unbacked_writes_are_dropped)
{
	uint8_t *p = conf_hole();
	uint64_t q = 0, rdi, rcx;

	ASSERT_TRUE(p != NULL);
	asm volatile("movb $0x5a, %0" : "=m"(*(volatile uint8_t *)p));
	asm volatile("movw $0x1234, %0" : "=m"(*(volatile uint16_t *)(p + 2)));
	asm volatile("movl %1, %0" : "=m"(*(volatile uint32_t *)(p + 4)) : "r"(0x12345678u));
	asm volatile("movq %1, %0"
		     : "=m"(*(volatile uint64_t *)(p + 8))
		     : "r"(0x1122334455667788UL));
	asm volatile("movq $-2, %0" : "=m"(*(volatile uint64_t *)(p + 16)));
	asm volatile("movq %1, %0" : "=r"(q) : "m"(*(volatile uint64_t *)(p + 8)));
	EXPECT_EQ(q, ONES8);
	asm volatile("movq %1, %0" : "=r"(q) : "m"(*(volatile uint64_t *)p));
	EXPECT_EQ(q, ONES8);
	/* REP STOS over the hole: every element, RDI and RCX as the CPU leaves them. */
	rdi = (uint64_t)(p + 64);
	rcx = 4;
	asm volatile("cld\n\trep stosl" : "+D"(rdi), "+c"(rcx) : "a"(0u) : "memory");
	EXPECT_EQ(rcx, 0);
	EXPECT_EQ(rdi, (uint64_t)(p + 80));
	asm volatile("movq %1, %0" : "=r"(q) : "m"(*(volatile uint64_t *)(p + 64)));
	EXPECT_EQ(q, ONES8);
	EXPECT_OK(conf_hole_fill(p));
	EXPECT_EQ(*(volatile uint64_t *)(p + 8), 0);
}

/* A device the guest was not given (the HPET's address): all ones. */
TEST(hpet_probe)
{
	uint32_t id;

	CONF_NEED_GUEST(); /* dom0 may be given the host's devices */
	id = *(volatile uint32_t *)0xfed00000UL;
	EXPECT_EQ(id, 0xffffffffu);
	*(volatile uint32_t *)0xfed00010UL = 1;
	EXPECT_EQ(*(volatile uint32_t *)0xfed00010UL, 0xffffffffu);
}

#define MSR_APIC_BASE 0x1bu
#define APIC_BASE_EXTD (1UL << 10)
#define APIC_BASE_EN (1UL << 11)
#define X2APIC_ID_MSR 0x802u

/*
 * The local APIC in both modes (Xen's vLAPIC has xAPIC and x2APIC): Tessera
 * starts a vCPU in x2APIC mode, Xen in xAPIC mode. From x2APIC the way to
 * xAPIC is through the disabled state (directly: #GP); in xAPIC mode the
 * registers are at 0xfee00000 and the x2APIC MSRs #GP; back to x2APIC the
 * IDs agree. The mode we found is restored.
 */
TEST(xapic_and_x2apic_modes)
{
	volatile uint32_t *apic = (volatile uint32_t *)0xfee00000UL;
	uint64_t base = 0, v = 0, xbase;
	uint32_t a, b, c, d, id;
	int was_x2;

	ASSERT_EQ(conf_rdmsr(MSR_APIC_BASE, &base), CONF_NO_FAULT);
	EXPECT_EQ(base & 0xfffff000UL, 0xfee00000UL);
	ASSERT_TRUE(base & APIC_BASE_EN);
	cpuid(1, &a, &b, &c, &d);
	id = b >> 24;
	was_x2 = !!(base & APIC_BASE_EXTD);
	xbase = base & ~APIC_BASE_EXTD;
	if (was_x2) {
		EXPECT_EQ(conf_wrmsr(MSR_APIC_BASE, xbase), 13);
		EXPECT_EQ(conf_wrmsr(MSR_APIC_BASE, base & ~(APIC_BASE_EN | APIC_BASE_EXTD)),
			  CONF_NO_FAULT);
		/* Disabled: straight to x2APIC is not a step either. */
		EXPECT_EQ(conf_wrmsr(MSR_APIC_BASE, base), 13);
		EXPECT_EQ(conf_wrmsr(MSR_APIC_BASE, xbase), CONF_NO_FAULT);
	}
	/* xAPIC mode: MMIO registers, no x2APIC MSRs. */
	EXPECT_EQ(conf_rdmsr(MSR_APIC_BASE, &v), CONF_NO_FAULT);
	EXPECT_EQ(v, xbase);
	EXPECT_EQ(conf_rdmsr(X2APIC_ID_MSR, &v), 13);
	EXPECT_EQ(apic[0x20 / 4] >> 24, id);
	EXPECT_EQ(apic[0x30 / 4] & 0xff, 0x14);
	apic[0x80 / 4] = 0x20;
	EXPECT_EQ(apic[0x80 / 4], 0x20);
	apic[0x80 / 4] = 0;
	EXPECT_EQ(apic[0x80 / 4], 0);
	/* On to x2APIC: the same ID through the MSR. */
	EXPECT_EQ(conf_wrmsr(MSR_APIC_BASE, xbase | APIC_BASE_EXTD), CONF_NO_FAULT);
	EXPECT_EQ(conf_rdmsr(X2APIC_ID_MSR, &v), CONF_NO_FAULT);
	EXPECT_EQ(v, id);
	if (!was_x2) {
		EXPECT_EQ(conf_wrmsr(MSR_APIC_BASE, xbase & ~APIC_BASE_EN), CONF_NO_FAULT);
		EXPECT_EQ(conf_wrmsr(MSR_APIC_BASE, xbase), CONF_NO_FAULT);
	}
	EXPECT_EQ(conf_rdmsr(MSR_APIC_BASE, &v), CONF_NO_FAULT);
	EXPECT_EQ(v, base);
}
