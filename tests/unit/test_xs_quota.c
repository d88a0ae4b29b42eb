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
	CU_ASSERT_EQUAL(xs_quota_parse(&q, "memory=4096,watch-events=9,watch-events-privileged=99"),
			0);
	CU_ASSERT_EQUAL(q.memory_per_domain, 4096);
	CU_ASSERT_EQUAL(q.outq_events, 9);
	CU_ASSERT_EQUAL(q.outq_events_priv, 99);
	CU_ASSERT_EQUAL(xs_quota_parse(&q, "transaction-nodes"), -EINVAL);
	CU_ASSERT_EQUAL(xs_quota_parse(&q, "transaction-nodes=0"), -EINVAL);
	CU_ASSERT_EQUAL(xs_quota_parse(&q, "transaction-nodes=x"), -EINVAL);
	CU_ASSERT_EQUAL(xs_quota_parse(&q, "nosuch=1"), -EINVAL);
	CU_ASSERT_EQUAL(xs_quota_parse(&q, "nodes=99999999999"), -EINVAL);
	CU_ASSERT_EQUAL(q.trans_nodes, 512);
}

/* ---- watch events (issue 14 item 8) ---- */

static int warns;
static char warned[128];

static void count_warn(void *ctx, struct xs_conn *c, const char *what)
{
	warns++;
	snprintf(warned, sizeof(warned), "d%u: %s", xs_conn_domid(c), what);
}

/* xsc_store with ops->warn counting into warns. */
static struct xs_store *store_warned(const struct xs_quota *q)
{
	static struct xs_ops ops;

	ops = xsc_ops;
	ops.warn = count_warn;
	xsc_live = 0;
	xsc_drops = 0;
	warns = 0;
	warned[0] = '\0';
	return xs_store_create(&ops, q);
}

static uint64_t dropped_events(const struct xs_store *s)
{
	struct xs_stats st;

	xs_store_stats(s, &st);
	return st.dropped_events;
}

/* Pops every queued event; returns how many. */
static unsigned int drain_events(struct xsc *cl)
{
	const char *p, *t;
	unsigned int n = 0;

	while (xsc_event(cl, &p, &t))
		n++;
	return n;
}

/*
 * The reproducer: a guest writes its own node ~1,100 times while the control domain's
 * watcher is not reading.  That used to fill the watcher's queue to 1,024 events and drop the
 * control domain's connection.  The same event still waiting is not queued again (Xen 4.17),
 * and a privileged connection is never dropped for events.
 */
UNIT_TEST(xs_quota, guest_rewriting_its_node_does_not_cut_off_a_privileged_watcher)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsc tool, d1;
	struct xs_stats st;

	xsc_open(&tool, s, 0);
	xsc_open(&d1, s, 1);
	home(&tool, 1);
	CU_ASSERT_EQUAL(xsc_call(&tool, XS_WATCH, 0, 2, "/local/domain/1", "be"), XS_WATCH);
	for (int i = 0; i < 1100; i++)
		CU_ASSERT_EQUAL(xsc_write(&d1, 0, "state", "4"), XS_WRITE);
	CU_ASSERT_FALSE(xs_conn_dead(tool.c));
	xs_store_stats(s, &st);
	CU_ASSERT_EQUAL(st.dropped_conns, 0);
	/* The initial event and one for the node: the watcher reads its current value. */
	CU_ASSERT_EQUAL(drain_events(&tool), 2);
	CU_ASSERT_EQUAL(xsc_write(&d1, 0, "state", "5"), XS_WRITE);
	CU_ASSERT_EQUAL(drain_events(&tool), 1);
	xsc_done(s);
}

/*
 * Distinct nodes cannot be coalesced: the events a guest's writes leave unread on a privileged
 * connection count against the guest's outstanding quota (default 20, as Xen counts resulting
 * watch events), so the guest is not read until the watcher catches up, and the watcher gets
 * every event.
 */
UNIT_TEST(xs_quota, guest_waits_for_a_privileged_watcher_and_no_event_is_lost)
{
	struct xs_quota q = {.nodes_per_domain = 2000};
	struct xs_store *s = xsc_store(&q);
	struct xsc tool, d1;
	unsigned int events = 0, stalls = 0;
	char buf[64];

	xsc_open(&tool, s, 0);
	xsc_open(&d1, s, 1);
	home(&tool, 1);
	CU_ASSERT_EQUAL(xsc_call(&tool, XS_WATCH, 0, 2, "/local/domain/1", "be"), XS_WATCH);
	drain_events(&tool); /* the initial event is not one of the guest's */
	for (int i = 0; i < 1100; i++) {
		uint32_t len = (uint32_t)snprintf(buf, sizeof(buf), "n%d", i) + 1;

		buf[len++] = 'v';
		if (!xsc_send_raw(&d1, XS_WRITE, 0, buf, len)) {
			/* Blocked with exactly the outstanding quota of events unread. */
			CU_ASSERT_FALSE(xs_conn_wants_input(d1.c));
			CU_ASSERT_EQUAL(xsc_nevents(&tool), 20);
			stalls++;
			events += drain_events(&tool);
			CU_ASSERT(xs_conn_wants_input(d1.c));
			CU_ASSERT_EQUAL(xsc_send_raw(&d1, XS_WRITE, 0, buf, len),
					sizeof(struct xsd_sockmsg) + len);
		}
		CU_ASSERT_EQUAL(xsc_reply(&d1), XS_WRITE);
	}
	events += drain_events(&tool);
	CU_ASSERT_EQUAL(events, 1100);
	CU_ASSERT_EQUAL(stalls, 1100 / 20 - 1);
	CU_ASSERT_FALSE(xs_conn_dead(tool.c));
	CU_ASSERT_EQUAL(dropped_events(s), 0);
	xsc_done(s);
}

/*
 * A guest watcher that does not read: events past its bound (quota.outq_events) are dropped,
 * counted and reported once per episode; its connection stays; the writer (a guest too) is
 * never held up by another guest's queue.
 */
UNIT_TEST(xs_quota, guest_watcher_that_does_not_read_loses_events_not_its_connection)
{
	struct xs_quota q = {.outq_events = 8};
	struct xs_store *s = store_warned(&q);
	struct xsc tool, d1, d2;
	char path[16];

	xsc_open(&tool, s, 0);
	xsc_open(&d1, s, 1);
	xsc_open(&d2, s, 2);
	home(&tool, 1);
	xsc_call(&tool, XS_SET_PERMS, 0, 3, "/local/domain/1", "n1", "r2");
	CU_ASSERT_EQUAL(xsc_call(&d2, XS_WATCH, 0, 2, "/local/domain/1", "fe"), XS_WATCH);
	for (int i = 0; i < 30; i++) {
		snprintf(path, sizeof(path), "n%d", i);
		CU_ASSERT_EQUAL(xsc_write(&d1, 0, path, "v"), XS_WRITE);
	}
	CU_ASSERT_FALSE(xs_conn_dead(d2.c));
	/* The initial event was read with the WATCH reply: 8 of the 30 are queued. */
	CU_ASSERT_EQUAL(dropped_events(s), 30 - 8);
	CU_ASSERT_EQUAL(warns, 1);
	CU_ASSERT_STRING_EQUAL(warned, "d2: watch event queue full: events dropped");
	CU_ASSERT_EQUAL(drain_events(&d2), 1 + 8);
	/* Reading makes room; the next overflow is a new episode, reported again. */
	for (int i = 30; i < 40; i++) {
		snprintf(path, sizeof(path), "n%d", i);
		CU_ASSERT_EQUAL(xsc_write(&d1, 0, path, "v"), XS_WRITE);
	}
	CU_ASSERT_EQUAL(drain_events(&d2), 8);
	CU_ASSERT_EQUAL(warns, 2);
	xsc_done(s);
}

/* A privileged watcher has a larger bound (outq_events_priv) and is not dropped past it either. */
UNIT_TEST(xs_quota, privileged_watcher_queue_is_bounded_without_a_disconnect)
{
	struct xs_quota q = {.outq_events = 4, .outq_events_priv = 16};
	struct xs_store *s = store_warned(&q);
	struct xsc tool, w;
	char path[16];

	xsc_open(&tool, s, 0);
	xsc_open(&w, s, 0);
	CU_ASSERT_EQUAL(xsc_call(&w, XS_WATCH, 0, 2, "/be", "t"), XS_WATCH);
	for (int i = 0; i < 40; i++) {
		snprintf(path, sizeof(path), "/be/%d", i);
		CU_ASSERT_EQUAL(xsc_write(&tool, 0, path, "v"), XS_WRITE);
	}
	CU_ASSERT_FALSE(xs_conn_dead(w.c));
	CU_ASSERT_EQUAL(drain_events(&w), 1 + 16); /* the initial one came with the reply */
	CU_ASSERT_EQUAL(dropped_events(s), 40 - 16);
	CU_ASSERT_EQUAL(warns, 1);
	xsc_done(s);
}

/* "@..." events are never coalesced (their watchers count them, as Xen). */
UNIT_TEST(xs_quota, special_events_are_not_coalesced)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsc tool, w;

	xsc_open(&tool, s, 0);
	xsc_open(&w, s, 0);
	CU_ASSERT_EQUAL(xsc_call(&w, XS_WATCH, 0, 2, "@releaseDomain", "r"), XS_WATCH);
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(xsc_call(&tool, XS_INTRODUCE, 0, 3, "7", "1", "1"), XS_INTRODUCE);
		CU_ASSERT_EQUAL(xs_domain_release(s, 7), 0);
	}
	CU_ASSERT_EQUAL(drain_events(&w), 1 + 3);
	xsc_done(s);
}

/* ---- the memory quota (issue 14 item 7) ---- */

/* 2000-byte values: a guest's nodes stop at its memory quota with ENOMEM (Xen's errno). */
UNIT_TEST(xs_quota, memory_quota_refuses_a_guests_nodes_past_it)
{
	struct xs_quota q = {.memory_per_domain = 64 * 1024, .nodes_per_domain = 10000};
	struct xs_store *s = xsc_store(&q);
	static char val[2001];
	struct xsc tool, d1;
	char path[32];
	int ok = 0;

	memset(val, 'v', sizeof(val) - 1);
	xsc_open(&tool, s, 0);
	xsc_open(&d1, s, 1);
	home(&tool, 1);
	for (int i = 0; i < 100; i++) {
		snprintf(path, sizeof(path), "n%d", i);
		if (xsc_write(&d1, 0, path, val) != XS_WRITE)
			break;
		ok++;
	}
	EXPECT_ERR(&d1, "ENOMEM");
	CU_ASSERT(ok >= 25 && ok < 32); /* 64 KiB / a little over 2 KB each */
	CU_ASSERT_EQUAL(xs_store_check(s), 0);
	/* Removing makes room again; a privileged writer is not limited. */
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_RM, 0, 1, "n0"), XS_RM);
	CU_ASSERT_EQUAL(xsc_write(&d1, 0, "again", val), XS_WRITE);
	for (int i = 0; i < 100; i++) {
		snprintf(path, sizeof(path), "/tool/n%d", i);
		CU_ASSERT_EQUAL(xsc_write(&tool, 0, path, val), XS_WRITE);
	}
	xsc_done(s);
}

/*
 * The reproducer again with the node quota out of the way: the transaction's entries
 * count against its domain's memory (default 2.5 MiB, Xen's hard quota), ENOMEM past it.
 */
UNIT_TEST(xs_quota, memory_quota_bounds_a_transaction)
{
	struct xs_quota q = {.trans_nodes = 100000};
	struct xs_store *s = xsc_store(&q);
	static char path[2100];
	struct xsc tool, d1;
	uint32_t tx;
	int enoent = 0, enomem = 0;

	xsc_open(&tool, s, 0);
	xsc_open(&d1, s, 1);
	home(&tool, 1);
	tx = tx_begin(&d1);
	for (int i = 0; i < 4000; i++) {
		CU_ASSERT_EQUAL(xsc_call(&d1, XS_READ, tx, 1, long_path(path, 2000, i)), XS_ERROR);
		enoent += !strcmp(xsc_err(&d1), "ENOENT");
		enomem += !strcmp(xsc_err(&d1), "ENOMEM");
	}
	CU_ASSERT_EQUAL(enoent + enomem, 4000);
	CU_ASSERT(enoent > 1000 && enoent < 1300); /* 2.5 MiB / a little over 2 KB */
	CU_ASSERT_EQUAL(xs_store_check(s), 0);
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_TRANSACTION_END, tx, 1, "F"), XS_TRANSACTION_END);
	/* All of it is given back with the transaction. */
	tx = tx_begin(&d1);
	CU_ASSERT_EQUAL(xsc_write(&d1, tx, "x", "1"), XS_WRITE);
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_TRANSACTION_END, tx, 1, "T"), XS_TRANSACTION_END);
	xsc_done(s);
}

UNIT_TEST(xs_quota, memory_quota_covers_watches_and_queued_events)
{
	struct xs_quota q = {.memory_per_domain = 16 * 1024};
	struct xs_store *s = store_warned(&q);
	static char token[1001], path[600];
	struct xsc tool, d2;
	uint64_t dropped0;
	int ok = 0;

	memset(token, 't', sizeof(token) - 1);
	xsc_open(&tool, s, 0);
	xsc_open(&d2, s, 2);
	xsc_write(&tool, 0, "/pub", "");
	xsc_call(&tool, XS_SET_PERMS, 0, 2, "/pub", "r0"); /* readable: events go to d2 */
	for (int i = 0; i < 20; i++) {
		token[0] = (char)('a' + i);
		if (xsc_call(&d2, XS_WATCH, 0, 2, "/pub", token) != XS_WATCH)
			break;
		ok++;
	}
	EXPECT_ERR(&d2, "ENOMEM");
	CU_ASSERT(ok >= 10 && ok < 16);
	/* Down to one watch: events queued to it count too; past the quota they are dropped. */
	for (int i = 1; i < ok; i++) {
		token[0] = (char)('a' + i);
		CU_ASSERT_EQUAL(xsc_call(&d2, XS_UNWATCH, 0, 2, "/pub", token), XS_UNWATCH);
	}
	drain_events(&d2);
	dropped0 = dropped_events(s); /* initial events of watches near the quota */
	memset(path, 'p', sizeof(path) - 1);
	memcpy(path, "/pub/", 5);
	for (int i = 0; i < 40; i++) {
		path[5] = (char)('A' + i % 26);
		path[6] = (char)('A' + i / 26);
		CU_ASSERT_EQUAL(xsc_write(&tool, 0, path, "v"), XS_WRITE);
	}
	CU_ASSERT_FALSE(xs_conn_dead(d2.c));
	CU_ASSERT(dropped_events(s) > dropped0);
	CU_ASSERT_STRING_EQUAL(warned, "d2: memory quota reached: watch events dropped");
	CU_ASSERT_EQUAL(xs_store_check(s), 0);
	CU_ASSERT_EQUAL(drain_events(&d2) + dropped_events(s) - dropped0, 40);
	xsc_done(s);
}
