/*
 * xenstored core: watches, transactions, domain requests, quotas, and
 * malformed input (framing, unknown types, oversize payloads, clients that
 * never read).
 */
#include "unit.h"
#include "xs_client.h"

UNIT_SUITE(xs_proto);

static int event_is(struct xsc *cl, const char *path, const char *token)
{
	const char *p, *t;

	if (!xsc_event(cl, &p, &t))
		return 0;
	return !strcmp(p, path) && !strcmp(t, token);
}

UNIT_TEST(xs_proto, watch_fires_initially_then_for_the_node_and_its_children)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsc a, w;

	xsc_open(&a, s, 0);
	xsc_open(&w, s, 0);
	CU_ASSERT_EQUAL(xsc_call(&w, XS_WATCH, 0, 2, "/be", "tok"), XS_WATCH);
	CU_ASSERT(event_is(&w, "/be", "tok"));
	CU_ASSERT_EQUAL(xsc_nevents(&w), 0);
	xsc_write(&a, 0, "/be/vif/0/state", "1");
	CU_ASSERT(event_is(&w, "/be/vif/0/state", "tok"));
	xsc_write(&a, 0, "/bend", "1"); /* not below /be */
	xsc_write(&a, 0, "/other", "1");
	CU_ASSERT_EQUAL(xsc_nevents(&w), 0);
	xsc_call(&a, XS_SET_PERMS, 0, 2, "/be/vif", "n0");
	CU_ASSERT(event_is(&w, "/be/vif", "tok"));
	/* Removing a parent fires watches set on its children, with their own path. */
	xsc_call(&w, XS_WATCH, 0, 2, "/be/vif/0/state", "deep");
	CU_ASSERT(event_is(&w, "/be/vif/0/state", "deep"));
	xsc_call(&a, XS_RM, 0, 1, "/be/vif");
	CU_ASSERT_EQUAL(xsc_nevents(&w), 2);
	/* Events carry req_id 0 and come after the watch's own reply. */
	CU_ASSERT_EQUAL(xsc_call(&w, XS_UNWATCH, 0, 2, "/be", "tok"), XS_UNWATCH);
	CU_ASSERT_EQUAL(xsc_call(&w, XS_UNWATCH, 0, 2, "/be", "tok"), XS_ERROR);
	EXPECT_ERR(&w, "ENOENT");
	xsc_done(s);
}

/* A child path plus a long token over XENSTORE_PAYLOAD_MAX: no event (as Xen), nothing else lost.
 */
UNIT_TEST(xs_proto, over_long_watch_event_is_not_sent)
{
	struct xs_store *s = xsc_store(NULL);
	static char token[2001], path[2600];
	struct xsc a, w;

	memset(token, 'T', sizeof(token) - 1);
	strcpy(path, "/w/");
	memset(path + 3, 'p', 2500);
	xsc_open(&a, s, 0);
	xsc_open(&w, s, 0);
	CU_ASSERT_EQUAL(xsc_call(&w, XS_WATCH, 0, 2, "/w", token), XS_WATCH);
	CU_ASSERT(event_is(&w, "/w", token));
	CU_ASSERT_EQUAL(xsc_write(&a, 0, path, "1"), XS_WRITE);
	CU_ASSERT_EQUAL(xsc_nevents(&w), 0);
	/* The watch and the connection are still there: a short path fires as usual. */
	xsc_write(&a, 0, "/w/x", "1");
	CU_ASSERT(event_is(&w, "/w/x", token));
	xsc_done(s);
}

UNIT_TEST(xs_proto, relative_watch_reports_relative_paths)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsc a, d5;

	xsc_open(&a, s, 0);
	xsc_open(&d5, s, 5);
	xsc_write(&a, 0, "/local/domain/5", "");
	xsc_call(&a, XS_SET_PERMS, 0, 2, "/local/domain/5", "n5");
	CU_ASSERT_EQUAL(xsc_call(&d5, XS_WATCH, 0, 2, "device", "t"), XS_WATCH);
	CU_ASSERT(event_is(&d5, "device", "t"));
	xsc_write(&a, 0, "/local/domain/5/device/vbd", "x");
	CU_ASSERT(event_is(&d5, "device/vbd", "t"));
	CU_ASSERT_EQUAL(xsc_call(&d5, XS_WATCH, 0, 2, "device", "t"), XS_ERROR);
	EXPECT_ERR(&d5, "EEXIST");
	CU_ASSERT_EQUAL(xsc_call(&d5, XS_WATCH, 0, 1, "device"), XS_ERROR);
	EXPECT_ERR(&d5, "EINVAL");
	xsc_done(s);
}

UNIT_TEST(xs_proto, watch_events_need_read_permission_on_the_node)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsc a, d1;

	xsc_open(&a, s, 0);
	xsc_open(&d1, s, 1);
	xsc_call(&d1, XS_WATCH, 0, 2, "/shared", "t");
	CU_ASSERT(event_is(&d1, "/shared", "t"));
	xsc_write(&a, 0, "/shared/hidden", "x"); /* n0: domain 1 may not read it */
	CU_ASSERT_EQUAL(xsc_nevents(&d1), 0);
	xsc_call(&a, XS_SET_PERMS, 0, 2, "/shared/hidden", "r0");
	CU_ASSERT(event_is(&d1, "/shared/hidden", "t"));
	xsc_done(s);
}

UNIT_TEST(xs_proto, reset_watches_drops_watches_and_transactions)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsc a;
	uint32_t tx;

	xsc_open(&a, s, 0);
	xsc_call(&a, XS_WATCH, 0, 2, "/w", "t");
	xsc_event(&a, &(const char *){0}, &(const char *){0});
	xsc_call(&a, XS_TRANSACTION_START, 0, 1, "");
	tx = (uint32_t)strtoul(a.last.d, NULL, 10);
	CU_ASSERT_EQUAL(xsc_call(&a, XS_RESET_WATCHES, 0, 1, ""), XS_RESET_WATCHES);
	xsc_write(&a, 0, "/w", "1");
	CU_ASSERT_EQUAL(xsc_nevents(&a), 0);
	CU_ASSERT_EQUAL(xsc_call(&a, XS_READ, tx, 1, "/w"), XS_ERROR);
	EXPECT_ERR(&a, "ENOENT");
	xsc_done(s);
}

static uint32_t tx_start(struct xsc *cl)
{
	CU_ASSERT_EQUAL(xsc_call(cl, XS_TRANSACTION_START, 0, 1, ""), XS_TRANSACTION_START);
	return (uint32_t)strtoul(cl->last.d, NULL, 10);
}

UNIT_TEST(xs_proto, transaction_is_isolated_until_commit)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsc a, b;
	uint32_t tx;

	xsc_open(&a, s, 0);
	xsc_open(&b, s, 0);
	xsc_write(&a, 0, "/tx/old", "o");
	xsc_call(&b, XS_WATCH, 0, 2, "/tx", "t");
	CU_ASSERT(event_is(&b, "/tx", "t"));
	tx = tx_start(&a);
	CU_ASSERT(tx != 0);
	CU_ASSERT_EQUAL(xsc_write(&a, tx, "/tx/new/leaf", "n"), XS_WRITE);
	CU_ASSERT_EQUAL(a.last.h.tx_id, tx);
	CU_ASSERT_EQUAL(xsc_call(&a, XS_RM, tx, 1, "/tx/old"), XS_RM);
	/* Inside: the new state; outside: the old one, and no events yet. */
	CU_ASSERT_EQUAL(xsc_call(&a, XS_READ, tx, 1, "/tx/new/leaf"), XS_READ);
	CU_ASSERT_EQUAL(xsc_call(&a, XS_READ, 0, 1, "/tx/new/leaf"), XS_ERROR);
	CU_ASSERT_EQUAL(xsc_call(&b, XS_READ, 0, 1, "/tx/old"), XS_READ);
	xsc_call(&a, XS_DIRECTORY, tx, 1, "/tx");
	CU_ASSERT_EQUAL(a.last.h.len, 4);
	CU_ASSERT_EQUAL(xsc_nevents(&b), 0);
	CU_ASSERT_EQUAL(xsc_call(&a, XS_TRANSACTION_END, tx, 1, "T"), XS_TRANSACTION_END);
	CU_ASSERT_STRING_EQUAL(a.last.d, "OK");
	CU_ASSERT_EQUAL(xsc_call(&b, XS_READ, 0, 1, "/tx/new/leaf"), XS_READ);
	CU_ASSERT_EQUAL(xsc_call(&b, XS_READ, 0, 1, "/tx/old"), XS_ERROR);
	CU_ASSERT(xsc_nevents(&b) >= 2);
	/* The transaction is gone. */
	CU_ASSERT_EQUAL(xsc_call(&a, XS_READ, tx, 1, "/tx"), XS_ERROR);
	EXPECT_ERR(&a, "ENOENT");
	xsc_done(s);
}

UNIT_TEST(xs_proto, aborted_transaction_changes_nothing)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsc a;
	uint32_t tx;

	xsc_open(&a, s, 0);
	tx = tx_start(&a);
	xsc_write(&a, tx, "/ab/x", "1");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_TRANSACTION_END, tx, 1, "F"), XS_TRANSACTION_END);
	CU_ASSERT_EQUAL(xsc_call(&a, XS_READ, 0, 1, "/ab"), XS_ERROR);
	xsc_done(s);
}

UNIT_TEST(xs_proto, conflicting_transactions_get_eagain)
{
	struct xs_store *s = xsc_store(NULL);
	struct xs_stats st;
	struct xsc a, b;
	uint32_t t1, t2;

	xsc_open(&a, s, 0);
	xsc_open(&b, s, 0);
	xsc_write(&a, 0, "/c/n", "0");
	/* Both read then write the same node: the second commit fails. */
	t1 = tx_start(&a);
	t2 = tx_start(&b);
	xsc_call(&a, XS_READ, t1, 1, "/c/n");
	xsc_call(&b, XS_READ, t2, 1, "/c/n");
	xsc_write(&a, t1, "/c/n", "1");
	xsc_write(&b, t2, "/c/n", "2");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_TRANSACTION_END, t1, 1, "T"), XS_TRANSACTION_END);
	CU_ASSERT_EQUAL(xsc_call(&b, XS_TRANSACTION_END, t2, 1, "T"), XS_ERROR);
	EXPECT_ERR(&b, "EAGAIN");
	xsc_call(&a, XS_READ, 0, 1, "/c/n");
	CU_ASSERT_NSTRING_EQUAL(a.last.d, "1", 1);
	/* A read-only transaction conflicts with a non-transactional write of what it read. */
	t1 = tx_start(&a);
	xsc_call(&a, XS_READ, t1, 1, "/c/n");
	xsc_write(&b, 0, "/c/n", "3");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_TRANSACTION_END, t1, 1, "T"), XS_ERROR);
	EXPECT_ERR(&a, "EAGAIN");
	/* Disjoint transactions both commit. */
	t1 = tx_start(&a);
	t2 = tx_start(&b);
	xsc_write(&a, t1, "/c/n", "4");
	xsc_write(&b, t2, "/c/other", "5");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_TRANSACTION_END, t1, 1, "T"), XS_TRANSACTION_END);
	/* (t2 rewrote /c's children; t1 changed only /c/n, which t2 never saw.) */
	CU_ASSERT_EQUAL(xsc_call(&b, XS_TRANSACTION_END, t2, 1, "T"), XS_TRANSACTION_END);
	xsc_call(&a, XS_DIRECTORY, 0, 1, "/c");
	CU_ASSERT_EQUAL(a.last.h.len, 8);
	xs_store_stats(s, &st);
	CU_ASSERT(st.tx_conflicts >= 2);
	xsc_done(s);
}

UNIT_TEST(xs_proto, transaction_errors)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsc a, b;
	uint32_t tx;

	xsc_open(&a, s, 0);
	xsc_open(&b, s, 0);
	CU_ASSERT_EQUAL(xsc_call(&a, XS_TRANSACTION_END, 0, 1, "T"), XS_ERROR);
	EXPECT_ERR(&a, "ENOENT");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_READ, 77, 1, "/"), XS_ERROR);
	EXPECT_ERR(&a, "ENOENT");
	tx = tx_start(&a);
	/* Another connection cannot use it. */
	CU_ASSERT_EQUAL(xsc_call(&b, XS_READ, tx, 1, "/"), XS_ERROR);
	EXPECT_ERR(&b, "ENOENT");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_TRANSACTION_START, tx, 1, ""), XS_ERROR);
	EXPECT_ERR(&a, "EBUSY");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_TRANSACTION_END, tx, 1, "maybe"), XS_ERROR);
	EXPECT_ERR(&a, "EINVAL");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_WATCH, tx, 2, "/x", "t"), XS_ERROR);
	EXPECT_ERR(&a, "EINVAL");
	/* Left open: freed with the connection (no leak). */
	xsc_done(s);
}

UNIT_TEST(xs_proto, introduce_release_and_special_watches)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsc a, d7;

	xsc_open(&a, s, 0);
	xsc_open(&d7, s, 7);
	xsc_call(&a, XS_WATCH, 0, 2, "@introduceDomain", "in");
	CU_ASSERT(event_is(&a, "@introduceDomain", "in"));
	xsc_call(&a, XS_WATCH, 0, 2, "@releaseDomain", "out");
	CU_ASSERT(event_is(&a, "@releaseDomain", "out"));
	xsc_call(&d7, XS_WATCH, 0, 2, "/x", "t");
	xsc_event(&d7, &(const char *){0}, &(const char *){0});
	CU_ASSERT_EQUAL(xsc_call(&a, XS_IS_DOMAIN_INTRODUCED, 0, 1, "7"), XS_IS_DOMAIN_INTRODUCED);
	CU_ASSERT_STRING_EQUAL(a.last.d, "F");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_INTRODUCE, 0, 3, "7", "4660", "3"), XS_INTRODUCE);
	CU_ASSERT(event_is(&a, "@introduceDomain", "in"));
	xsc_call(&a, XS_IS_DOMAIN_INTRODUCED, 0, 1, "7");
	CU_ASSERT_STRING_EQUAL(a.last.d, "T");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_RESUME, 0, 1, "7"), XS_RESUME);
	CU_ASSERT_EQUAL(xsc_call(&a, XS_GET_DOMAIN_PATH, 0, 1, "7"), XS_GET_DOMAIN_PATH);
	CU_ASSERT_STRING_EQUAL(a.last.d, "/local/domain/7");
	CU_ASSERT_EQUAL(a.last.h.len, 16);
	/* Domains may not do these. */
	CU_ASSERT_EQUAL(xsc_call(&d7, XS_INTRODUCE, 0, 3, "8", "1", "1"), XS_ERROR);
	EXPECT_ERR(&d7, "EACCES");
	CU_ASSERT_EQUAL(xsc_call(&d7, XS_RELEASE, 0, 1, "7"), XS_ERROR);
	EXPECT_ERR(&d7, "EACCES");
	CU_ASSERT_EQUAL(xsc_call(&d7, XS_IS_DOMAIN_INTRODUCED, 0, 1, "7"), XS_ERROR);
	CU_ASSERT_EQUAL(xsc_call(&d7, XS_GET_DOMAIN_PATH, 0, 1, "9"), XS_GET_DOMAIN_PATH);
	/* Release: @releaseDomain fires, the domain's connection and watches go. */
	CU_ASSERT_EQUAL(xsc_call(&a, XS_RELEASE, 0, 1, "7"), XS_RELEASE);
	CU_ASSERT(event_is(&a, "@releaseDomain", "out"));
	CU_ASSERT(xs_conn_dead(d7.c));
	CU_ASSERT_EQUAL(xsc_drops, 1);
	CU_ASSERT_EQUAL(xsc_call(&a, XS_RELEASE, 0, 1, "7"), XS_ERROR);
	EXPECT_ERR(&a, "ENOENT");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_RESUME, 0, 1, "7"), XS_ERROR);
	EXPECT_ERR(&a, "ENOENT");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_INTRODUCE, 0, 2, "7", "1"), XS_ERROR);
	EXPECT_ERR(&a, "EINVAL");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_INTRODUCE, 0, 3, "70000", "1", "1"), XS_ERROR);
	EXPECT_ERR(&a, "EINVAL");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_GET_DOMAIN_PATH, 0, 1, "-1"), XS_ERROR);
	EXPECT_ERR(&a, "EINVAL");
	xs_conn_destroy(d7.c);
	/* xs_domain_release (VIRQ_DOM_EXC) does the same. */
	xsc_call(&a, XS_INTRODUCE, 0, 3, "8", "1", "1");
	CU_ASSERT(event_is(&a, "@introduceDomain", "in"));
	/* A shutdown only fires @releaseDomain: the domain stays introduced. */
	CU_ASSERT_EQUAL(xs_domain_shutdown(s, 8), 0);
	CU_ASSERT(event_is(&a, "@releaseDomain", "out"));
	xsc_call(&a, XS_IS_DOMAIN_INTRODUCED, 0, 1, "8");
	CU_ASSERT_STRING_EQUAL(a.last.d, "T");
	CU_ASSERT_EQUAL(xs_domain_shutdown(s, 9), -ENOENT);
	CU_ASSERT_EQUAL(xs_domain_release(s, 8), 0);
	CU_ASSERT(event_is(&a, "@releaseDomain", "out"));
	CU_ASSERT_EQUAL(xs_domain_release(s, 8), -ENOENT);
	xsc_done(s);
}

static int fake_introduce(void *ctx, struct xs_store *s, uint32_t domid, uint64_t mfn,
			  uint32_t port)
{
	return mfn == 13 ? -ENOMEM : 0;
}

UNIT_TEST(xs_proto, introduce_hook_failure_is_reported)
{
	struct xs_ops ops = xsc_ops;
	struct xs_store *s;
	struct xsc a;

	ops.introduce = fake_introduce;
	xsc_live = 0;
	s = xs_store_create(&ops, NULL);
	xsc_open(&a, s, 0);
	CU_ASSERT_EQUAL(xsc_call(&a, XS_INTRODUCE, 0, 3, "2", "13", "1"), XS_ERROR);
	EXPECT_ERR(&a, "ENOMEM");
	CU_ASSERT_EQUAL(xsc_call(&a, XS_INTRODUCE, 0, 3, "2", "14", "1"), XS_INTRODUCE);
	xsc_done(s);
}

UNIT_TEST(xs_proto, quotas_give_xen_errors)
{
	struct xs_quota q = {.nodes_per_domain = 4,
			     .entry_size = 16,
			     .watches_per_domain = 2,
			     .transactions_per_conn = 1};
	struct xs_store *s = xsc_store(&q);
	char big[32];
	struct xsc a, d1;
	uint32_t tx;

	xsc_open(&a, s, 0);
	xsc_open(&d1, s, 1);
	xsc_write(&a, 0, "/local/domain/1", "");
	xsc_call(&a, XS_SET_PERMS, 0, 2, "/local/domain/1", "n1");
	/* Node size. */
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT_EQUAL(xsc_write(&d1, 0, "n0", big), XS_ERROR);
	EXPECT_ERR(&d1, "ENOSPC");
	CU_ASSERT_EQUAL(xsc_write(&a, 0, "/local/domain/1/n0", big),
			XS_WRITE); /* tools are exempt */
	xsc_call(&a, XS_RM, 0, 1, "/local/domain/1/n0");
	/* Nodes: domain 1 owns /local/domain/1 already (set_perms n1). */
	CU_ASSERT_EQUAL(xsc_write(&d1, 0, "n1", "1"), XS_WRITE);
	CU_ASSERT_EQUAL(xsc_write(&d1, 0, "n2", "1"), XS_WRITE);
	CU_ASSERT_EQUAL(xsc_write(&d1, 0, "n3", "1"), XS_WRITE);
	CU_ASSERT_EQUAL(xsc_write(&d1, 0, "n4", "1"), XS_ERROR);
	EXPECT_ERR(&d1, "ENOSPC");
	xsc_call(&d1, XS_RM, 0, 1, "n3");
	CU_ASSERT_EQUAL(xsc_write(&d1, 0, "n4", "1"), XS_WRITE);
	/* Inside a transaction the count includes its own creations. */
	xsc_call(&d1, XS_RM, 0, 1, "n4");
	tx = tx_start(&d1);
	CU_ASSERT_EQUAL(xsc_write(&d1, tx, "t1", "1"), XS_WRITE);
	CU_ASSERT_EQUAL(xsc_write(&d1, tx, "t2", "1"), XS_ERROR);
	EXPECT_ERR(&d1, "ENOSPC");
	/* Transactions per connection. */
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_TRANSACTION_START, 0, 1, ""), XS_ERROR);
	EXPECT_ERR(&d1, "ENOSPC");
	xsc_call(&d1, XS_TRANSACTION_END, tx, 1, "F");
	/* Watches per domain. */
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_WATCH, 0, 2, "a", "1"), XS_WATCH);
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_WATCH, 0, 2, "b", "1"), XS_WATCH);
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_WATCH, 0, 2, "c", "1"), XS_ERROR);
	EXPECT_ERR(&d1, "E2BIG");
	xsc_call(&d1, XS_UNWATCH, 0, 2, "a", "1");
	CU_ASSERT_EQUAL(xsc_call(&d1, XS_WATCH, 0, 2, "c", "1"), XS_WATCH);
	xsc_done(s);
}

UNIT_TEST(xs_proto, unknown_and_server_only_types_get_enosys)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsc a;
	static const uint32_t types[] = {XS_CONTROL,	XS_WATCH_EVENT, XS_ERROR,   20,
					 XS_TYPE_COUNT, 0xffff,		0xffffffffu};

	xsc_open(&a, s, 0);
	for (unsigned int i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		CU_ASSERT_EQUAL(xsc_call(&a, types[i], 0, 1, "x"), XS_ERROR);
		EXPECT_ERR(&a, "ENOSYS");
	}
	CU_ASSERT_FALSE(xs_conn_dead(a.c));
	xsc_done(s);
}

UNIT_TEST(xs_proto, oversize_payload_drops_only_that_connection)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsd_sockmsg h = {XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1};
	struct xsc bad, good;

	xsc_open(&bad, s, 3);
	xsc_open(&good, s, 0);
	CU_ASSERT_EQUAL(xs_conn_input(bad.c, &h, sizeof(h)), sizeof(h));
	CU_ASSERT(xs_conn_dead(bad.c));
	CU_ASSERT_EQUAL(xsc_drops, 1);
	CU_ASSERT_EQUAL(xs_conn_input(bad.c, "more", 4), 0);
	CU_ASSERT_EQUAL(xsc_write(&good, 0, "/still", "fine"), XS_WRITE);
	/* Exactly XENSTORE_PAYLOAD_MAX is allowed. */
	{
		char p[XENSTORE_PAYLOAD_MAX];

		memset(p, 'v', sizeof(p));
		memcpy(p, "/max", 5);
		CU_ASSERT_EQUAL(xsc_raw(&good, XS_WRITE, 0, p, sizeof(p)), XS_WRITE);
		xsc_call(&good, XS_READ, 0, 1, "/max");
		CU_ASSERT_EQUAL(good.last.h.len, XENSTORE_PAYLOAD_MAX - 5);
	}
	xs_conn_destroy(bad.c);
	xsc_done(s);
}

UNIT_TEST(xs_proto, byte_at_a_time_input_is_framed)
{
	struct xs_store *s = xsc_store(NULL);
	struct {
		struct xsd_sockmsg h;
		char d[8];
	} m = {{XS_WRITE, 42, 0, 8}, "/bytes\0v"};
	struct xsc a;

	xsc_open(&a, s, 0);
	for (size_t i = 0; i < sizeof(m); i++)
		CU_ASSERT_EQUAL(xs_conn_input(a.c, (char *)&m + i, 1), 1);
	CU_ASSERT_EQUAL(xsc_reply(&a), XS_WRITE);
	CU_ASSERT_EQUAL(a.last.h.req_id, 42);
	/* Two messages in one buffer; a zero-length payload. */
	{
		struct xsd_sockmsg two[2] = {{XS_READ, 1, 0, 0}, {XS_RESET_WATCHES, 2, 0, 0}};

		CU_ASSERT_EQUAL(xs_conn_input(a.c, two, sizeof(two)), sizeof(two));
		CU_ASSERT_EQUAL(xsc_reply(&a), XS_ERROR);
		CU_ASSERT_EQUAL(xsc_reply(&a), XS_RESET_WATCHES);
	}
	xsc_done(s);
}

UNIT_TEST(xs_proto, client_that_never_reads_stops_being_read_and_loses_only_events)
{
	struct xs_quota q = {.outstanding = 4, .outq_events = 8, .outq_events_priv = 8};
	struct xs_store *s = xsc_store(&q);
	struct xsd_sockmsg req = {XS_GET_DOMAIN_PATH, 0, 0, 2};
	char buf[sizeof(req) + 2];
	struct xsc lazy, w, busy;
	size_t consumed = 0;

	xsc_open(&lazy, s, 0);
	xsc_open(&w, s, 0);
	xsc_open(&busy, s, 0);
	memcpy(buf, &req, sizeof(req));
	memcpy(buf + sizeof(req), "1", 2);
	/* Replies pile up to the outstanding quota; then input is left unread. */
	for (int i = 0; i < 10; i++)
		consumed += xs_conn_input(lazy.c, buf, sizeof(buf));
	CU_ASSERT_EQUAL(consumed, 4 * sizeof(buf));
	CU_ASSERT_FALSE(xs_conn_wants_input(lazy.c));
	CU_ASSERT_FALSE(xs_conn_dead(lazy.c));
	/* Reading one reply resumes it. */
	CU_ASSERT_EQUAL(xsc_reply(&lazy), XS_GET_DOMAIN_PATH);
	CU_ASSERT(xs_conn_wants_input(lazy.c));
	/* A watcher that never reads its events loses the ones past the bound, not itself. */
	xs_conn_input(w.c, "", 0);
	{
		struct xsd_sockmsg wm = {XS_WATCH, 1, 0, 5};
		char wb[sizeof(wm) + 5];

		memcpy(wb, &wm, sizeof(wm));
		memcpy(wb + sizeof(wm), "/e\0t", 5);
		xs_conn_input(w.c, wb, sizeof(wb));
	}
	for (int i = 0; i < 20; i++) {
		char path[16];

		snprintf(path, sizeof(path), "/e/x%d", i);
		CU_ASSERT_EQUAL(xsc_write(&busy, 0, path, "1"), XS_WRITE);
	}
	CU_ASSERT_FALSE(xs_conn_dead(w.c));
	CU_ASSERT_FALSE(xs_conn_dead(busy.c));
	{
		struct xs_stats st;

		xs_store_stats(s, &st);
		CU_ASSERT_EQUAL(st.dropped_events, 20 + 1 - 8);
		CU_ASSERT_EQUAL(st.dropped_conns, 0);
	}
	CU_ASSERT_EQUAL(xsc_reply(&w), XS_WATCH);
	CU_ASSERT_EQUAL(xsc_nevents(&w), 8);
	xsc_write(&busy, 0, "/e/after", "1");
	CU_ASSERT_EQUAL(xsc_nevents(&w), 9);
	xsc_done(s);
}

UNIT_TEST(xs_proto, committed_data_survives_a_dropped_connection)
{
	struct xs_store *s = xsc_store(NULL);
	struct xsd_sockmsg h = {XS_READ, 1, 0, 99999};
	struct xsc a, b;
	uint32_t tx;

	xsc_open(&a, s, 2);
	xsc_open(&b, s, 0);
	xsc_write(&b, 0, "/local/domain/2", "");
	xsc_call(&b, XS_SET_PERMS, 0, 2, "/local/domain/2", "n2");
	xsc_write(&a, 0, "kept", "1");
	tx = tx_start(&a);
	xsc_write(&a, tx, "pending", "1");
	xs_conn_input(a.c, &h, sizeof(h));
	CU_ASSERT(xs_conn_dead(a.c));
	xs_conn_destroy(a.c);
	CU_ASSERT_EQUAL(xsc_call(&b, XS_READ, 0, 1, "/local/domain/2/kept"), XS_READ);
	CU_ASSERT_EQUAL(xsc_call(&b, XS_READ, 0, 1, "/local/domain/2/pending"), XS_ERROR);
	xsc_done(s);
}
