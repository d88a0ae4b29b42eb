/*
 * In-hypervisor self-tests for integration runs. A subsystem defines one with
 *   SELFTEST(timer_fires) { ...; return 0 or a negative errno; }
 * and the command line picks them: "selftest=timer_fires,smp_ipi" or
 * "selftest=all". Each prints "selftest NAME: PASS" or "... FAIL (reason)";
 * "test-exit" then ends the run through isa-debug-exit.
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

#define SELFTEST_DEFINE(tname, explicit)                                                           \
	static int selftest_fn_##tname(void);                                                      \
	static const struct selftest selftest_##tname __used __section(".selftests")               \
	    __aligned(8) = {#tname, selftest_fn_##tname, explicit};                                \
	static int selftest_fn_##tname(void)

#define SELFTEST(tname) SELFTEST_DEFINE(tname, false)
#define SELFTEST_EXPLICIT(tname) SELFTEST_DEFINE(tname, true)

void selftests_run(const char *cmdline);
/* End the run: HV_EXIT_SUCCESS if every self-test passed, HV_EXIT_FAILURE otherwise. */
void selftests_finish(void) __noreturn;

#endif
