/*
 * In-hypervisor self-tests for integration runs, chosen on the command line
 * ("selftest=NAME,..."); "test-exit" ends the run through isa-debug-exit.
 */
#ifndef TESSERA_SELFTEST_H
#define TESSERA_SELFTEST_H

#include <tessera/compiler.h>

void selftests_run(const char *cmdline);
/* End the run: HV_EXIT_SUCCESS if every self-test passed, HV_EXIT_FAILURE otherwise. */
void selftests_finish(void) __noreturn;

#endif
