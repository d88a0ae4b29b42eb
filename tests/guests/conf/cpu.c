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
