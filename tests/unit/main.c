/*
 * Unit test runner: runs every registered suite (or those named on the
 * command line) and ends with "unit: N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <CUnit/Basic.h>
#include "unit.h"

#define MAX_SUITES 128
#define MAX_TESTS 2048

static struct {
	const char *name;
	CU_InitializeFunc init;
	CU_CleanupFunc cleanup;
} suites[MAX_SUITES];
static unsigned int nr_suites;

static struct {
	const char *suite, *name;
	CU_TestFunc fn;
} tests[MAX_TESTS];
static unsigned int nr_tests;

void unit_register_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc cleanup)
{
	if (nr_suites == MAX_SUITES)
		abort();
	suites[nr_suites].name = name;
	suites[nr_suites].init = init;
	suites[nr_suites].cleanup = cleanup;
	nr_suites++;
}

void unit_register_test(const char *suite, const char *name, CU_TestFunc fn)
{
	if (nr_tests == MAX_TESTS)
		abort();
	tests[nr_tests].suite = suite;
	tests[nr_tests].name = name;
	tests[nr_tests].fn = fn;
	nr_tests++;
}

static int wanted(const char *suite, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], suite))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int run, failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (unsigned int s = 0; s < nr_suites; s++) {
		CU_pSuite suite;

		if (!wanted(suites[s].name, argc, argv))
			continue;
		suite = CU_add_suite(suites[s].name, suites[s].init, suites[s].cleanup);
		for (unsigned int t = 0; t < nr_tests; t++)
			if (!strcmp(tests[t].suite, suites[s].name))
				CU_add_test(suite, tests[t].name, tests[t].fn);
	}
	/* A test whose suite was never declared would silently not run: count it as failed. */
	unsigned int orphans = 0;

	for (unsigned int t = 0; t < nr_tests; t++) {
		unsigned int s;

		for (s = 0; s < nr_suites && strcmp(tests[t].suite, suites[s].name); s++)
			;
		if (s == nr_suites) {
			fprintf(stderr, "unit: test %s.%s has no UNIT_SUITE(%s)\n", tests[t].suite,
				tests[t].name, tests[t].suite);
			orphans++;
		}
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	run = CU_get_number_of_tests_run();
	failed = CU_get_number_of_tests_failed() + CU_get_number_of_suites_failed() + orphans;
	printf("unit: %u passed, %u failed\n", run - failed, failed);
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
