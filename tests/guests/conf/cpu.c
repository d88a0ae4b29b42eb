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
