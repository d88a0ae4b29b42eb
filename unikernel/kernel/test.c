/*
 * The test runner (uk/test.h): runs the TEST()s the linker gathered in
 * .uk_tests (uk.lds), counts checks, prints one line per test, a summary
 * and the verdict line of Xen's XTF ("Test result: SUCCESS|SKIP|ERROR|
 * FAILURE"), then shuts down with SHUTDOWN_poweroff as XTF does: the line,
 * not the shutdown reason, carries the verdict.
 *
 * Locking: none; one test at a time in one thread.
 */
#include <public/sched.h>
#include <public/version.h>
#include <uk/test.h>

enum outcome { O_PASS, O_SKIP, O_ERROR, O_FAIL };

extern const struct uk_test __uk_tests_start[], __uk_tests_end[]; /* uk.lds */

static const struct uk_test *cur;
static enum outcome cur_outcome;
static unsigned long cur_checks, cur_failed;
static unsigned long total_checks, total_failed;
static char cur_reason[160];

static void raise_outcome(enum outcome o)
{
	if (o > cur_outcome)
		cur_outcome = o;
}

static const char *test_name(void)
{
	return cur ? cur->name : "(no test)";
}

static int record(int ok)
{
	cur_checks++;
	total_checks++;
	if (!ok) {
		cur_failed++;
		total_failed++;
		raise_outcome(O_FAIL);
	}
	return ok;
}

int test_check_eq(int eq_wanted, long a, long b, const char *as, const char *bs, const char *file,
		  int line)
{
	if (record((a == b) == !!eq_wanted))
		return 1;
	printf("test %s: FAIL %s:%d: EXPECT_%s(%s, %s): %ld (0x%lx) %s %ld (0x%lx)\n", test_name(),
	       file, line, eq_wanted ? "EQ" : "NE", as, bs, a, (unsigned long)a,
	       eq_wanted ? "!=" : "==", b, (unsigned long)b);
	return 0;
}

int test_check_true(long v, const char *expr, const char *file, int line)
{
	if (record(v != 0))
		return 1;
	printf("test %s: FAIL %s:%d: %s is false\n", test_name(), file, line, expr);
	return 0;
}

static const char *ename(long v)
{
	const char *n;

	if (v == 0)
		return "ok";
	n = v < 0 ? uk_errno_name(v) : NULL;
	return n ? n : "?";
}

int test_check_errno(long rc, long want, const char *expr, const char *file, int line)
{
	if (record(rc == want))
		return 1;
	printf("test %s: FAIL %s:%d: %s = %ld (%s), expected %ld (%s)\n", test_name(), file, line,
	       expr, rc, ename(rc), want, ename(want));
	return 0;
}

static void set_reason(enum outcome o, const char *what, const char *fmt, va_list ap)
{
	char buf[sizeof(cur_reason)];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (o >= cur_outcome || !cur_reason[0])
		strlcpy(cur_reason, buf, sizeof(cur_reason));
	raise_outcome(o);
	printf("test %s: %s: %s\n", test_name(), what, buf);
}

void test_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_reason(O_FAIL, "failure", fmt, ap);
	va_end(ap);
}

void test_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_reason(O_ERROR, "error", fmt, ap);
	va_end(ap);
}

void test_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_reason(O_SKIP, "skipped", fmt, ap);
	va_end(ap);
}

void test_note(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("test %s: %s\n", test_name(), buf);
}

int test_on_xen(void)
{
	static int known, on_xen;
	xen_compile_info_t ci;

	if (!known) {
		memset(&ci, 0, sizeof(ci));
		if (HYPERVISOR_xen_version(XENVER_compile_info, &ci) >= 0) {
			ci.compile_by[sizeof(ci.compile_by) - 1] = '\0';
			on_xen = strcmp(ci.compile_by, "tessera") != 0;
		}
		known = 1;
	}
	return on_xen;
}

static void __attribute__((noreturn)) verdict(const char *v)
{
	printf("Test result: %s\n", v);
	uk_shutdown(SHUTDOWN_poweroff);
}

/*
 * The tests in file, then line order: GCC may emit a file's static
 * descriptors in reverse, so the section order is not the source order.
 */
static const struct uk_test **sorted_tests(size_t *count)
{
	size_t n = (size_t)(__uk_tests_end - __uk_tests_start), i, j;
	const struct uk_test **v = malloc((n ? n : 1) * sizeof(*v));

	if (!v)
		uk_panic("no memory for the test list");
	for (i = 0; i < n; i++) {
		const struct uk_test *t = &__uk_tests_start[i];
		int c;

		for (j = i; j > 0; j--) {
			c = strcmp(v[j - 1]->file, t->file);
			if (c < 0 || (c == 0 && v[j - 1]->line < t->line))
				break;
			v[j] = v[j - 1];
		}
		v[j] = t;
	}
	*count = n;
	return v;
}

void test_main(void)
{
	static const char *const words[] = {"PASS", "SKIP", "ERROR", "FAIL"};
	unsigned long n[4] = {0, 0, 0, 0}, run = 0;
	const struct uk_test *t, **tests;
	size_t count, k;
	char only[48];
	int filter = !uk_cmdline_str("test", only, sizeof(only));

	if (!uk_xen.base) {
		printf("tests: no hypervisor (no XenVMMXenVMM CPUID leaves)\n");
		verdict("ERROR");
	}
	printf("tests: %s on %s, %ld test(s)\n", uk_name, test_on_xen() ? "Xen" : "Tessera",
	       (long)(__uk_tests_end - __uk_tests_start));
	tests = sorted_tests(&count);
	for (k = 0; k < count; k++) {
		t = tests[k];
		if (filter && strcmp(t->name, only))
			continue;
		cur = t;
		cur_outcome = O_PASS;
		cur_checks = cur_failed = 0;
		cur_reason[0] = '\0';
		t->fn();
		run++;
		n[cur_outcome]++;
		if (cur_outcome == O_FAIL && cur_failed)
			printf("test %s: FAIL (%lu of %lu checks failed)\n", t->name, cur_failed,
			       cur_checks);
		else if (cur_outcome == O_PASS)
			printf("test %s: PASS (%lu checks)\n", t->name, cur_checks);
		else
			printf("test %s: %s (%s)\n", t->name, words[cur_outcome], cur_reason);
		cur = NULL;
	}
	printf("tests: %lu run: %lu passed, %lu failed, %lu errors, %lu skipped; %lu checks, %lu "
	       "failed\n",
	       run, n[O_PASS], n[O_FAIL], n[O_ERROR], n[O_SKIP], total_checks, total_failed);
	if (!run) {
		printf("tests: no test to run%s%s\n", filter ? " named " : "", filter ? only : "");
		verdict("ERROR");
	}
	if (n[O_FAIL])
		verdict("FAILURE");
	if (n[O_ERROR])
		verdict("ERROR");
	if (n[O_SKIP] == run)
		verdict("SKIP");
	verdict("SUCCESS");
}
