/*
 * xenstored core: the limits that keep one guest from taking the store from
 * the others (issue 14 items 7 and 8): the per-transaction node quota, the
 * per-domain memory quota, and bounded watch-event queues that never cut a
 * privileged connection off.
 */
#include "unit.h"
#include "xs_client.h"

UNIT_SUITE(xs_quota);

static uint32_t tx_begin(struct xsc *cl)
{
	CU_ASSERT_EQUAL(xsc_call(cl, XS_TRANSACTION_START, 0, 1, ""), XS_TRANSACTION_START);
	return (uint32_t)strtoul(cl->last.d, NULL, 10);
}

/* /local/domain/<id> owned by the domain, as a toolstack would leave it. */
static void home(struct xsc *tool, uint32_t id)
{
	char path[32], perm[16];

	snprintf(path, sizeof(path), "/local/domain/%u", id);
	snprintf(perm, sizeof(perm), "n%u", id);
	xsc_write(tool, 0, path, "");
	xsc_call(tool, XS_SET_PERMS, 0, 2, path, perm);
}

/* "m<i>-" then 'p' up to len characters: a distinct long relative path. */
static const char *long_path(char *buf, size_t len, int i)
{
	int n = snprintf(buf, len + 1, "m%d-", i);

	memset(buf + n, 'p', len - (size_t)n);
	buf[len] = '\0';
	return buf;
}

/*
 * The reproducer: thousands of reads of missing 2 KB paths inside one transaction each
 * kept an entry until its end (8 MB for 4,000).  Past quota trans_nodes (default 1024, as Xen)
 * the first access of a new path fails with ENOSPC and the store's memory stays bounded.
 */
UNIT_TEST(xs_quota, transaction_reads_of_missing_paths_stop_at_the_node_quota)
{
	struct xs_store *s = xsc_store(NULL);
	static char path[2100];
	struct xsc tool, d1;
	uint32_t tx;
	int enoent = 0, enospc = 0;
	long live0;

	xsc_open(&tool, s, 0);
	xsc_open(&d1, s, 1);
	home(&tool, 1);
	tx = tx_begin(&d1);
	live0 = xsc_live;
	for (int i = 0; i < 4000; i++) {
		CU_ASSERT_EQUAL(xsc_call(&d1, XS_READ, tx, 1, long_path(path, 2000, i)), XS_ERROR);
		enoent += !strcmp(xsc_err(&d1), "ENOENT");
		enospc += !strcmp(xsc_err(&d1), "ENOSPC");
	}
	/* The first read also records /local/domain/1 (the permission check): 1023 fit. */
	CU_ASSERT_EQUAL(enoent, 1023);
	CU_ASSERT_EQUAL(enospc, 4000 - 1023);
	/* Two blocks per entry (the entry, its path), plus the table's buckets. */
	CU_ASSERT(xsc_live - live0 <= 2 * 1024 + 2);
	/* Paths already recorded still work; the transaction still commits. */
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_READ, tx, 1, long_path(path, 2000, 0)), XS_ERROR);
	EXPECT_ERR(&d1, "ENOENT");
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_TRANSACTION_END, tx, 1, "T"), XS_TRANSACTION_END);
	/* A new transaction starts with a fresh count. */
	tx = tx_begin(&d1);
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_READ, tx, 1, long_path(path, 2000, 3999)), XS_ERROR);
	EXPECT_ERR(&d1, "ENOENT");
	xsc_call(&d1, XS_TRANSACTION_END, tx, 1, "F");
	xsc_done(s);
}

/* Privileged connections are exempt, as Xen's domain_is_unprivileged() check. */
UNIT_TEST(xs_quota, transaction_node_quota_spares_privileged_connections)
{
	struct xs_quota q = {.trans_nodes = 8};
	struct xs_store *s = xsc_store(&q);
	struct xsc tool;
	char path[32];
	uint32_t tx;

	xsc_open(&tool, s, 0);
	tx = tx_begin(&tool);
	for (int i = 0; i < 100; i++) {
		snprintf(path, sizeof(path), "/t/%d", i);
		CU_ASSERT_EQUAL(xsc_write(&tool, tx, path, "v"), XS_WRITE);
	}
	CU_ASSERT_EQUAL(xsc_call(&tool, XS_TRANSACTION_END, tx, 1, "T"), XS_TRANSACTION_END);
	CU_ASSERT_EQUAL(xsc_call(&tool, XS_READ, 0, 1, "/t/99"), XS_READ);
	xsc_done(s);
}

/*
 * Writes count too; an RM of a subtree bigger than the quota fails with ENOSPC before it
 * changes anything, so committing the transaction cannot leave a parent listing a deleted child.
 */
UNIT_TEST(xs_quota, transaction_node_quota_covers_writes_and_whole_removals)
{
	struct xs_quota q = {.trans_nodes = 8};
	struct xs_store *s = xsc_store(&q);
	struct xsc tool, d1;
	char path[32];
	uint32_t tx;

	xsc_open(&tool, s, 0);
	xsc_open(&d1, s, 1);
	home(&tool, 1);
	for (int i = 0; i < 10; i++) {
		snprintf(path, sizeof(path), "big/%d", i);
		CU_ASSERT_EQUAL(xsc_write(&d1, 0, path, "v"), XS_WRITE);
	}
	tx = tx_begin(&d1);
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_RM, tx, 1, "big"), XS_ERROR);
	EXPECT_ERR(&d1, "ENOSPC");
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_TRANSACTION_END, tx, 1, "T"), XS_TRANSACTION_END);
	CU_ASSERT_EQUAL(xs_store_check(s), 0);
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_READ, 0, 1, "big/9"), XS_READ);
	/* Writes: home (/local/domain/1) and each new node and its parent's entry. */
	tx = tx_begin(&d1);
	for (int i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "w%d", i);
		CU_ASSERT_EQUAL(xsc_write(&d1, tx, path, "v"), XS_WRITE);
	}
	CU_ASSERT_EQUAL(xsc_write(&d1, tx, "w6", "v"), XS_WRITE);
	CU_ASSERT_EQUAL(xsc_write(&d1, tx, "w7", "v"), XS_ERROR);
	EXPECT_ERR(&d1, "ENOSPC");
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_TRANSACTION_END, tx, 1, "T"), XS_TRANSACTION_END);
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_READ, 0, 1, "w6"), XS_READ);
	xsc_done(s);
}

UNIT_TEST(xs_quota, quota_options_take_xens_names)
{
	struct xs_quota q = {0};

	CU_ASSERT_EQUAL(xs_quota_parse(&q, "transaction-nodes=512,nodes=7"), 0);
	CU_ASSERT_EQUAL(q.trans_nodes, 512);
	CU_ASSERT_EQUAL(q.nodes_per_domain, 7);
	CU_ASSERT_EQUAL(xs_quota_parse(&q, "outstanding=3"), 0);
	CU_ASSERT_EQUAL(q.outstanding, 3);
	CU_ASSERT_EQUAL(xs_quota_parse(&q, "transaction-nodes"), -EINVAL);
	CU_ASSERT_EQUAL(xs_quota_parse(&q, "transaction-nodes=0"), -EINVAL);
	CU_ASSERT_EQUAL(xs_quota_parse(&q, "transaction-nodes=x"), -EINVAL);
	CU_ASSERT_EQUAL(xs_quota_parse(&q, "nosuch=1"), -EINVAL);
	CU_ASSERT_EQUAL(xs_quota_parse(&q, "nodes=99999999999"), -EINVAL);
	CU_ASSERT_EQUAL(q.trans_nodes, 512);
}
