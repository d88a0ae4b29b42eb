/*
 * Checks the Linux xenstored build with Xen's own client library
 * (libxenstore from Debian's libxen-dev), connecting through XENSTORED_PATH:
 * write/read/directory/mkdir/rm, permissions, a watch with its initial
 * event and a child event, a committed transaction and a conflicting one
 * (EAGAIN), domain requests.  Prints one "PASS: ..." or "FAIL: ..." line per
 * check (tests/integration/xenstored.sh counts them).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

static int failures;

static void check(bool ok, const char *what)
{
	printf("%s: xenstored socket: %s\n", ok ? "PASS" : "FAIL", what);
	failures += !ok;
}

int main(void)
{
	struct xs_handle *h = xs_open(XS_OPEN_SOCKETONLY), *h2 = xs_open(XS_OPEN_SOCKETONLY);
	unsigned int len, n;
	char *v, **dir, **ev;
	struct xs_permissions perms[2] = {{3, XS_PERM_NONE}, {4, XS_PERM_READ}}, *gp;
	xs_transaction_t t1, t2;
	bool ok;

	if (!h || !h2) {
		printf("FAIL: xenstored socket: xs_open (XENSTORED_PATH=%s)\n",
		       getenv("XENSTORED_PATH"));
		return 1;
	}
	ok = xs_write(h, XBT_NULL, "/test/a/b", "hello", 5);
	v = xs_read(h, XBT_NULL, "/test/a/b", &len);
	check(ok && v && len == 5 && !memcmp(v, "hello", 5), "write then read");
	free(v);
	v = xs_read(h, XBT_NULL, "/test/none", &len);
	check(!v && errno == ENOENT, "read of a missing node is ENOENT");
	xs_mkdir(h, XBT_NULL, "/test/a/c");
	dir = xs_directory(h, XBT_NULL, "/test/a", &n);
	check(dir && n == 2 && !strcmp(dir[0], "b") && !strcmp(dir[1], "c"), "mkdir and directory");
	free(dir);
	ok = xs_set_permissions(h, XBT_NULL, "/test/a/b", perms, 2);
	gp = xs_get_permissions(h, XBT_NULL, "/test/a/b", &n);
	check(ok && gp && n == 2 && gp[0].id == 3 && gp[1].id == 4 && gp[1].perms == XS_PERM_READ,
	      "set and get permissions");
	free(gp);

	/* Watch: the initial event, then one for a child. */
	ok = xs_watch(h2, "/test/w", "tok");
	ev = xs_read_watch(h2, &n);
	check(ok && ev && !strcmp(ev[XS_WATCH_PATH], "/test/w") &&
		  !strcmp(ev[XS_WATCH_TOKEN], "tok"),
	      "watch fires once up front");
	free(ev);
	xs_write(h, XBT_NULL, "/test/w/child", "1", 1);
	ev = xs_read_watch(h2, &n);
	check(ev && !strcmp(ev[XS_WATCH_PATH], "/test/w/child"), "watch fires for a child");
	free(ev);
	xs_unwatch(h2, "/test/w", "tok");

	/* Transactions: commit, and a conflict. */
	t1 = xs_transaction_start(h);
	xs_write(h, t1, "/test/tx", "1", 1);
	v = xs_read(h2, XBT_NULL, "/test/tx", &len);
	check(t1 && !v, "a transaction is invisible before commit");
	free(v);
	check(xs_transaction_end(h, t1, false), "commit");
	v = xs_read(h2, XBT_NULL, "/test/tx", &len);
	check(v && len == 1, "committed data is visible");
	free(v);
	t1 = xs_transaction_start(h);
	t2 = xs_transaction_start(h2);
	free(xs_read(h, t1, "/test/tx", &len));
	free(xs_read(h2, t2, "/test/tx", &len));
	xs_write(h, t1, "/test/tx", "2", 1);
	xs_write(h2, t2, "/test/tx", "3", 1);
	ok = xs_transaction_end(h, t1, false);
	check(ok && !xs_transaction_end(h2, t2, false) && errno == EAGAIN,
	      "conflicting commit is EAGAIN");

	/* Domains. */
	v = xs_get_domain_path(h, 5);
	check(v && !strcmp(v, "/local/domain/5"), "get domain path");
	free(v);
	check(!xs_is_domain_introduced(h, 9), "domain 9 is not introduced");
	check(xs_introduce_domain(h, 9, 1234, 7) && xs_is_domain_introduced(h, 9), "introduce");
	check(xs_release_domain(h, 9) && !xs_is_domain_introduced(h, 9), "release");

	check(xs_rm(h, XBT_NULL, "/test") && !xs_read(h, XBT_NULL, "/test/a/b", &len),
	      "recursive rm");
	xs_close(h2);
	xs_close(h);
	return failures ? 1 : 0;
}
