/*
 * The unikernel's test API: a test kernel is one C file of TEST()s; the
 * unikernel boots, runs every test in definition order (files in link
 * order), prints one line per test and a summary, then the verdict as its
 * last line, in the words of Xen's XTF:
 *
 *   Test result: SUCCESS | SKIP | ERROR | FAILURE
 *
 * and shuts down with SHUTDOWN_poweroff (as XTF: the verdict line, not the
 * shutdown reason, carries the result).
 *
 *   #include <uk/test.h>
 *
 *   TEST(version_is_4_x)
 *   {
 *       long v = HYPERVISOR_xen_version(XENVER_version, NULL);
 *       EXPECT_TRUE(v >= 0);
 *       EXPECT_EQ(v >> 16, 4);
 *       EXPECT_ERRNO(HYPERVISOR_xen_version(999, NULL), -ENOSYS);
 *   }
 *
 * Per test: FAILURE if any check failed or test_fail() was called; ERROR
 * after test_error() (the test could not run: a setup step the test does
 * not check failed); SKIP after test_skip() with no failure (not
 * applicable here, e.g. needs privileges that dom0 on Xen has). A failing
 * EXPECT_* continues the test; ASSERT_* returns from it.
 *
 * Kernel verdict: FAILURE if any test failed, else ERROR if any erred,
 * else SKIP if every test skipped, else SUCCESS. (XTF has one test per
 * kernel, where "any skip" and "all skip" agree; with many tests, a skipped
 * one must not hide the others' success.)
 *
 * Command line (start_info cmdline, see uk/kernel.h uk_cmdline_*):
 * "test=NAME" runs only the named test; any other word is left to the
 * tests (e.g. "peer=2" for two-domain tests).
 *
 * A test kernel that defines no app_main() gets the default one, which
 * calls test_main(). Tests run in a cooperative thread (uk/sched.h) with
 * events and timers working; a test may create threads and block.
 *
 * Locking: none; tests run one at a time on one vCPU.
 */
#ifndef UK_TEST_H
#define UK_TEST_H

#include <uk/errno.h>
#include <uk/kernel.h>

struct uk_test {
	const char *name;
	void (*fn)(void);
	const char *file;
	int line;
};

/* Registers a test: the linker script gathers the descriptors in section .uk_tests. */
#define TEST(tname)                                                                                \
	static void uk_test_fn_##tname(void);                                                      \
	static const struct uk_test uk_test_desc_##tname                                           \
	    __attribute__((used, section(".uk_tests"), aligned(8))) = {#tname, uk_test_fn_##tname, \
								       __FILE__, __LINE__};        \
	static void uk_test_fn_##tname(void)

/* Runs every (selected) test, prints the verdict line, shuts down (poweroff). */
void __attribute__((noreturn)) test_main(void);

/* Check recording (the macros call these); return 1 when the check passed. */
int test_check_eq(int eq_wanted, long a, long b, const char *as, const char *bs, const char *file,
		  int line);
int test_check_true(long v, const char *expr, const char *file, int line);
int test_check_errno(long rc, long want, const char *expr, const char *file, int line);

/* Values are compared as long (pointers and unsigned values convert). */
#define EXPECT_EQ(a, b) test_check_eq(1, (long)(a), (long)(b), #a, #b, __FILE__, __LINE__)
#define EXPECT_NE(a, b) test_check_eq(0, (long)(a), (long)(b), #a, #b, __FILE__, __LINE__)
#define EXPECT_TRUE(x) test_check_true((long)!!(x), #x, __FILE__, __LINE__)
#define EXPECT_FALSE(x) test_check_true((long)!(x), "!(" #x ")", __FILE__, __LINE__)
/* expr must equal want, a -Exxx value or 0; failures print both with their errno names. */
#define EXPECT_ERRNO(expr, want)                                                                   \
	test_check_errno((long)(expr), (long)(want), #expr, __FILE__, __LINE__)
#define EXPECT_OK(expr) EXPECT_ERRNO(expr, 0)

/* As EXPECT_*, but a failure ends the test (returns from the TEST function). */
#define ASSERT_EQ(a, b)                                                                            \
	do {                                                                                       \
		if (!EXPECT_EQ(a, b))                                                              \
			return;                                                                    \
	} while (0)
#define ASSERT_NE(a, b)                                                                            \
	do {                                                                                       \
		if (!EXPECT_NE(a, b))                                                              \
			return;                                                                    \
	} while (0)
#define ASSERT_TRUE(x)                                                                             \
	do {                                                                                       \
		if (!EXPECT_TRUE(x))                                                               \
			return;                                                                    \
	} while (0)
#define ASSERT_ERRNO(expr, want)                                                                   \
	do {                                                                                       \
		if (!EXPECT_ERRNO(expr, want))                                                     \
			return;                                                                    \
	} while (0)
#define ASSERT_OK(expr) ASSERT_ERRNO(expr, 0)

/* Outcome of the current test beyond the checks (the reason is printed). */
void test_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void test_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An informational line prefixed with the current test's name. */
void test_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Whether this kernel runs on the real Xen (CPUID extraversion/version says not Tessera). */
int test_on_xen(void);

#endif /* UK_TEST_H */
