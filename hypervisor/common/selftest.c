/*
 * Runs the self-tests named on the command line ("selftest=a,b" or "all")
 * and ends integration runs ("test-exit") with a status QEMU reports.
 */
#include <tessera/arch.h>
#include <tessera/bootinfo.h>
#include <tessera/console.h>
#include <tessera/selftest.h>
#include <tessera/string.h>

extern const struct selftest __selftests_start[], __selftests_end[];

static unsigned int nr_failed;

/* Is name an element of the comma-separated list? */
static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len == n && !strncmp(p, name, n))
			return true;
		p += len + (comma ? 1 : 0);
	}
	return false;
}

void selftests_run(const char *cmdline)
{
	char list[256];
	unsigned int run = 0;
	bool all;

	if (!cmdline_get(cmdline, "selftest", list, sizeof(list)))
		return;
	all = listed(list, "all");
	for (const struct selftest *t = __selftests_start; t < __selftests_end; t++) {
		int ret;

		if (!(listed(list, t->name) || (all && !t->explicit_only)))
			continue;
		pr_info("selftest %s: running", t->name);
		ret = t->fn();
		run++;
		if (ret) {
			nr_failed++;
			pr_err("selftest %s: FAIL (%d)", t->name, ret);
		} else {
			pr_info("selftest %s: PASS", t->name);
		}
	}
	pr_info("selftests: %u run, %u failed", run, nr_failed);
	if (run == 0) {
		pr_err("selftest=%s matched no self-test", list);
		nr_failed++;
	}
}

void selftests_finish(void)
{
	arch_shutdown(nr_failed ? HV_EXIT_FAILURE : HV_EXIT_SUCCESS);
}
