/*
 * Host unit tests: each tests/unit/test_*.c file declares its suite and
 * tests with these macros; they register themselves with CUnit before main().
 *
 *   UNIT_SUITE(buddy);
 *   UNIT_TEST(buddy, split_and_merge_restore_one_block) { CU_ASSERT_EQUAL(...); }
 */
#ifndef UNIT_H
#define UNIT_H

#include <CUnit/CUnit.h>

void unit_register_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc cleanup);
void unit_register_test(const char *suite, const char *name, CU_TestFunc fn);

#define UNIT_SUITE_WITH(name, init, cleanup)                                                       \
	__attribute__((constructor(101))) static void unit_suite_##name(void)                      \
	{                                                                                          \
		unit_register_suite(#name, init, cleanup);                                         \
	}
#define UNIT_SUITE(name) UNIT_SUITE_WITH(name, NULL, NULL)

#define UNIT_TEST(suite, name)                                                                     \
	static void test_##suite##_##name(void);                                                   \
	__attribute__((constructor(102))) static void unit_reg_##suite##_##name(void)              \
	{                                                                                          \
		unit_register_test(#suite, #name, test_##suite##_##name);                          \
	}                                                                                          \
	static void test_##suite##_##name(void)

#endif
