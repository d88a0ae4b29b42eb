/*
 * In-hypervisor self-tests for integration runs. A subsystem defines one with
 *   SELFTEST(timer_fires) { ...; return 0 or a negative errno; }
 * and the command line picks them: "selftest=timer_fires,smp_ipi" or
 * "selftest=all". Each prints "selftest NAME: PASS" or "... FAIL (reason)";
 * "test-exit" then ends the run through isa-debug-exit.
 *
 * Only the test build has them (make SELFTESTS=y, or make hypervisor-test:
 * build/tessera-test.bin, compiled with CONFIG_SELFTESTS; docs/testing.md).
 * In the default build a SELFTEST() body is still compiled, so it keeps
 * building, but as an unused static function that the compiler drops, with
 * no table entry; the files named *selftest* are left out and the runner
 * below does not exist (setup.c says that selftest= finds no self-tests).
 */
#ifndef TESSERA_SELFTEST_H
#define TESSERA_SELFTEST_H

#include <tessera/compiler.h>

struct selftest {
	const char *name;
	int (*fn)(void);
	/* Run only when named, never by "all" (e.g. tests that deliberately crash). */
	bool explicit_only;
};

#ifdef CONFIG_SELFTESTS
#define SELFTEST_DEFINE(tname, explicit)                                                           \
	static int selftest_fn_##tname(void);                                                      \
	static const struct selftest selftest_##tname __used __section(".selftests")               \
	    __aligned(8) = {#tname, selftest_fn_##tname, explicit};                                \
	static int selftest_fn_##tname(void)
#else
#define SELFTEST_DEFINE(tname, explicit)                                                           \
	static int __attribute__((unused)) selftest_fn_##tname(void)
#endif

#define SELFTEST(tname) SELFTEST_DEFINE(tname, false)
#define SELFTEST_EXPLICIT(tname) SELFTEST_DEFINE(tname, true)

#ifdef CONFIG_SELFTESTS
void selftests_run(const char *cmdline);
/* End the run: HV_EXIT_SUCCESS if every self-test passed, HV_EXIT_FAILURE otherwise. */
void selftests_finish(void) __noreturn;
#endif

#endif
