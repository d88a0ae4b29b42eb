/*
 * The unikernel's xenbus message layer (unikernel/kernel/xenbus_core.c)
 * against the xenstored core (dom0-tools/xenstored/xs_*.c) through an
 * in-memory byte pipe: each client is a xenbus over a transport whose send
 * feeds xs_conn_input and whose wait drains xs_conn_output into
 * xenbus_input, in small pieces so message reassembly is exercised.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "xs_core.h"
#include <uk/xenbus.h>

UNIT_SUITE(xenbus);

struct pipe {
	struct xs_conn *c;
	struct xenbus xb;
	struct xenbus_transport t;
	long live; /* client allocations not freed */
	unsigned int wakes;
};

static void *store_alloc(void *ctx, size_t n)
{
	return malloc(n);
}

static void store_free(void *ctx, void *p)
{
	free(p);
}

static const struct xs_ops store_ops = {.alloc = store_alloc, .free = store_free};

static void *p_alloc(void *ctx, size_t n)
{
	struct pipe *p = ctx;
	void *m = malloc(n);

	if (m)
		p->live++;
	return m;
}

static void p_free(void *ctx, void *m)
{
	struct pipe *p = ctx;

	p->live--;
	free(m);
}

static int p_send(void *ctx, const void *msg, size_t len)
{
	struct pipe *p = ctx;

	return xs_conn_input(p->c, msg, len) == len ? 0 : -EIO;
}

/* Moves everything xenstored queued, 7 bytes at a time. */
static int p_pump(struct pipe *p)
{
	char buf[7];
	size_t n;

	while ((n = xs_conn_output(p->c, buf, sizeof(buf))) > 0)
		if (xenbus_input(&p->xb, buf, n))
			return -EIO;
	return 0;
}

static int p_wait(void *ctx, const volatile int *done)
{
	struct pipe *p = ctx;

	if (p_pump(p))
		return -EIO;
	return *done ? 0 : -EIO; /* synchronous store: no reply now means none ever */
}

static void p_wake(void *ctx)
{
	((struct pipe *)ctx)->wakes++;
}

static void p_open(struct pipe *p, struct xs_store *s, uint32_t domid)
{
	memset(p, 0, sizeof(*p));
	p->c = xs_conn_create(s, domid, false, p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p->c);
	p->t = (struct xenbus_transport){.ctx = p,
					 .alloc = p_alloc,
					 .free = p_free,
					 .send = p_send,
					 .wait = p_wait,
					 .wake = p_wake};
	xenbus_init(&p->xb, &p->t);
}

static void p_close(struct pipe *p)
{
	xenbus_fini(&p->xb);
	CU_ASSERT_EQUAL(p->live, 0);
	xs_conn_destroy(p->c);
}

static void done(struct xs_store *s)
{
	CU_ASSERT_EQUAL(xs_store_check(s), 0);
	xs_store_destroy(s);
}

UNIT_TEST(xenbus, read_write_mkdir_rm_directory_round_trips)
{
	struct xs_store *s = xs_store_create(&store_ops, NULL);
	struct pipe p;
	char buf[64];

	p_open(&p, s, 0);
	CU_ASSERT_EQUAL(xenbus_write(&p.xb, XBT_NIL, "/a/b", "hello"), 0);
	CU_ASSERT_EQUAL(xenbus_read(&p.xb, XBT_NIL, "/a/b", buf, sizeof(buf)), 5);
	CU_ASSERT_STRING_EQUAL(buf, "hello");
	CU_ASSERT_EQUAL(xenbus_write(&p.xb, XBT_NIL, "/a/empty", ""), 0);
	CU_ASSERT_EQUAL(xenbus_read(&p.xb, XBT_NIL, "/a/empty", buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "");
	CU_ASSERT_EQUAL(xenbus_mkdir(&p.xb, XBT_NIL, "/a/dir"), 0);
	CU_ASSERT_EQUAL(xenbus_mkdir(&p.xb, XBT_NIL, "/a/dir"), 0); /* present: still OK */
	CU_ASSERT_EQUAL(xenbus_directory(&p.xb, XBT_NIL, "/a", buf, sizeof(buf)), 3);
	/* Names NUL-separated, order as the store keeps them: check membership. */
	{
		int b = 0, e = 0, d = 0;

		for (char *n = buf, i = 0; i < 3; i++, n += strlen(n) + 1) {
			b |= !strcmp(n, "b");
			e |= !strcmp(n, "empty");
			d |= !strcmp(n, "dir");
		}
		CU_ASSERT(b && e && d);
	}
	/* Too small a buffer: -ERANGE, not a truncated value. */
	CU_ASSERT_EQUAL(xenbus_read(&p.xb, XBT_NIL, "/a/b", buf, 5), -ERANGE);
	CU_ASSERT_EQUAL(xenbus_read(&p.xb, XBT_NIL, "/a/b", buf, 6), 5);
	CU_ASSERT_EQUAL(xenbus_rm(&p.xb, XBT_NIL, "/a"), 0);
	CU_ASSERT_EQUAL(xenbus_read(&p.xb, XBT_NIL, "/a/b", buf, sizeof(buf)), -ENOENT);
	CU_ASSERT_EQUAL(xenbus_directory(&p.xb, XBT_NIL, "/a", buf, sizeof(buf)), -ENOENT);
	/* A large value survives the 7-byte reassembly. */
	{
		static char big[3000], back[3001];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		CU_ASSERT_EQUAL(xenbus_write(&p.xb, XBT_NIL, "/big", big), 0);
		CU_ASSERT_EQUAL(xenbus_read(&p.xb, XBT_NIL, "/big", back, sizeof(back)),
				(long)strlen(big));
		CU_ASSERT_STRING_EQUAL(back, big);
	}
	CU_ASSERT_EQUAL(p.xb.stray_replies, 0);
	p_close(&p);
	done(s);
}

UNIT_TEST(xenbus, errors_map_to_errno)
{
	struct xs_store *s = xs_store_create(&store_ops, NULL);
	struct pipe tool, dom;
	char buf[64];

	p_open(&tool, s, 0);
	p_open(&dom, s, 7);
	CU_ASSERT_EQUAL(xenbus_read(&tool.xb, XBT_NIL, "/missing", buf, sizeof(buf)), -ENOENT);
	/* A node only the tools may read: EACCES for an unprivileged domain. */
	CU_ASSERT_EQUAL(xenbus_write(&tool.xb, XBT_NIL, "/secret", "x"), 0);
	CU_ASSERT_EQUAL(xenbus_read(&dom.xb, XBT_NIL, "/secret", buf, sizeof(buf)), -EACCES);
	CU_ASSERT_EQUAL(xenbus_write(&dom.xb, XBT_NIL, "/secret", "y"), -EACCES);
	CU_ASSERT_EQUAL(xenbus_rm(&dom.xb, XBT_NIL, "/secret"), -EACCES);
	/* Its own subtree, once the tools made it, is fine (relative paths too). */
	CU_ASSERT_EQUAL(xs_store_write(s, "/local/domain/7", "", 0, "n7", 1), 0);
	CU_ASSERT_EQUAL(xenbus_write(&dom.xb, XBT_NIL, "data/x", "1"), 0);
	CU_ASSERT_EQUAL(xenbus_read(&tool.xb, XBT_NIL, "/local/domain/7/data/x", buf, sizeof(buf)),
			1);
	/* Bad paths and removing the root: EINVAL. */
	CU_ASSERT_EQUAL(xenbus_write(&tool.xb, XBT_NIL, "/bad//path", "x"), -EINVAL);
	CU_ASSERT_EQUAL(xenbus_read(&tool.xb, XBT_NIL, "/sp ace", buf, sizeof(buf)), -EINVAL);
	CU_ASSERT_EQUAL(xenbus_rm(&tool.xb, XBT_NIL, "/"), -EINVAL);
	/* An unknown transaction id: ENOENT from TRANSACTION_END. */
	CU_ASSERT_EQUAL(xenbus_transaction_end(&tool.xb, 12345, 0), -ENOENT);
	/* The name table. */
	CU_ASSERT_EQUAL(xenbus_errno("EAGAIN"), -EAGAIN);
	CU_ASSERT_EQUAL(xenbus_errno("EISDIR"), -EISDIR);
	CU_ASSERT_EQUAL(xenbus_errno("EWHATEVER"), -EINVAL);
	/* An oversize payload is refused before sending. */
	{
		static char huge[XENSTORE_PAYLOAD_MAX + 8];

		memset(huge, 'a', sizeof(huge) - 1);
		CU_ASSERT_EQUAL(xenbus_write(&tool.xb, XBT_NIL, "/h", huge), -E2BIG);
	}
	p_close(&dom);
	p_close(&tool);
	done(s);
}

struct seen {
	char path[8][64];
	int n;
	struct xenbus *reader; /* when set, the callback issues a request itself */
	char value[16];
};

static void on_change(struct xenbus *xb, const char *path, void *data)
{
	struct seen *s = data;

	if (s->n < 8)
		strncpy(s->path[s->n], path, sizeof(s->path[0]) - 1);
	s->n++;
	if (s->reader)
		xenbus_read(s->reader, XBT_NIL, "/fe/state", s->value, sizeof(s->value));
}

UNIT_TEST(xenbus, watch_fires_initially_then_on_changes_and_stops_after_unwatch)
{
	struct xs_store *s = xs_store_create(&store_ops, NULL);
	struct pipe a, w;
	struct seen seen = {0}, other = {0};
	struct xenbus_watch *h, *h2;

	p_open(&a, s, 0);
	p_open(&w, s, 0);
	CU_ASSERT_EQUAL(xenbus_watch(&w.xb, "/fe", on_change, &seen, &h), 0);
	CU_ASSERT(xenbus_events_pending(&w.xb));
	/* Callbacks run only from xenbus_run_watches (the xenwatch thread), never inside input. */
	CU_ASSERT_EQUAL(seen.n, 0);
	CU_ASSERT_EQUAL(xenbus_run_watches(&w.xb), 1);
	CU_ASSERT_EQUAL(seen.n, 1);
	CU_ASSERT_STRING_EQUAL(seen.path[0], "/fe");
	CU_ASSERT_EQUAL(xenbus_write(&a.xb, XBT_NIL, "/fe/state", "4"), 0);
	CU_ASSERT_EQUAL(xenbus_write(&a.xb, XBT_NIL, "/other", "4"), 0);
	/* Events arrive with the next read of the pipe (any request pumps it). */
	seen.reader = &w.xb;
	p_pump(&w);
	CU_ASSERT_EQUAL(xenbus_run_watches(&w.xb), 1);
	CU_ASSERT_EQUAL(seen.n, 2);
	CU_ASSERT_STRING_EQUAL(seen.path[1], "/fe/state");
	CU_ASSERT_STRING_EQUAL(seen.value, "4"); /* a request from inside a callback */
	seen.reader = NULL;
	/* Two watches on one client: each event reaches only its own callback. */
	CU_ASSERT_EQUAL(xenbus_watch(&w.xb, "/other", on_change, &other, &h2), 0);
	CU_ASSERT_EQUAL(xenbus_run_watches(&w.xb), 1);
	CU_ASSERT_EQUAL(other.n, 1);
	CU_ASSERT_EQUAL(xenbus_rm(&a.xb, XBT_NIL, "/fe"), 0);
	p_pump(&w);
	xenbus_run_watches(&w.xb);
	CU_ASSERT_EQUAL(seen.n, 3);
	CU_ASSERT_STRING_EQUAL(seen.path[2], "/fe");
	CU_ASSERT_EQUAL(other.n, 1);
	CU_ASSERT_EQUAL(xenbus_unwatch(&w.xb, h), 0);
	CU_ASSERT_EQUAL(xenbus_write(&a.xb, XBT_NIL, "/fe/state", "5"), 0);
	p_pump(&w);
	CU_ASSERT_EQUAL(xenbus_run_watches(&w.xb), 0);
	CU_ASSERT_EQUAL(seen.n, 3);
	/* The same watch twice would be EEXIST; our tokens are unique, so it is not. */
	CU_ASSERT_EQUAL(xenbus_watch(&w.xb, "/other", on_change, &other, NULL), 0);
	xenbus_run_watches(&w.xb);
	CU_ASSERT_EQUAL(other.n, 2);
	CU_ASSERT_EQUAL(xenbus_unwatch(&w.xb, h2), 0);
	/* A watch on a path the domain may not use fails and leaves nothing registered. */
	{
		struct pipe d;

		p_open(&d, s, 9);
		CU_ASSERT_EQUAL(xenbus_watch(&d.xb, "bad//p", on_change, &seen, NULL), -EINVAL);
		CU_ASSERT_EQUAL(d.live, 0);
		p_close(&d);
	}
	p_close(&w);
	p_close(&a);
	done(s);
}

struct tx_arg {
	struct xenbus *other; /* commits a conflicting write during the first attempt */
	int calls;
};

static int tx_increment(struct xenbus *xb, xenbus_tx_t tx, void *arg)
{
	struct tx_arg *t = arg;
	char buf[16];
	long n = xenbus_read(xb, tx, "/counter", buf, sizeof(buf));
	int v;

	t->calls++;
	if (n < 0)
		return (int)n;
	v = atoi(buf);
	if (t->calls == 1)
		CU_ASSERT_EQUAL(xenbus_write(t->other, XBT_NIL, "/counter", "10"), 0);
	snprintf(buf, sizeof(buf), "%d", v + 1);
	return xenbus_write(xb, tx, "/counter", buf) ?: v + 1;
}

static int tx_fail(struct xenbus *xb, xenbus_tx_t tx, void *arg)
{
	xenbus_write(xb, tx, "/counter", "99");
	return -ENOSPC;
}

UNIT_TEST(xenbus, transaction_conflict_retries_and_succeeds)
{
	struct xs_store *s = xs_store_create(&store_ops, NULL);
	struct pipe a, b;
	struct tx_arg arg;
	char buf[16];
	xenbus_tx_t tx;

	p_open(&a, s, 0);
	p_open(&b, s, 0);
	CU_ASSERT_EQUAL(xenbus_write(&a.xb, XBT_NIL, "/counter", "1"), 0);
	arg = (struct tx_arg){.other = &b.xb};
	/* First attempt read 1, b wrote 10 meanwhile: EAGAIN, then 10 + 1 on the retry. */
	CU_ASSERT_EQUAL(xenbus_transaction_run(&a.xb, tx_increment, &arg), 11);
	CU_ASSERT_EQUAL(arg.calls, 2);
	CU_ASSERT_EQUAL(xenbus_read(&b.xb, XBT_NIL, "/counter", buf, sizeof(buf)), 2);
	CU_ASSERT_STRING_EQUAL(buf, "11");
	/* fn failing aborts: nothing it wrote is committed. */
	CU_ASSERT_EQUAL(xenbus_transaction_run(&a.xb, tx_fail, NULL), -ENOSPC);
	CU_ASSERT_EQUAL(xenbus_read(&b.xb, XBT_NIL, "/counter", buf, sizeof(buf)), 2);
	/* By hand: the transaction sees its own write, others do not until commit. */
	CU_ASSERT_EQUAL(xenbus_transaction_start(&a.xb, &tx), 0);
	CU_ASSERT_NOT_EQUAL(tx, XBT_NIL);
	CU_ASSERT_EQUAL(xenbus_write(&a.xb, tx, "/counter", "12"), 0);
	CU_ASSERT_EQUAL(xenbus_read(&a.xb, tx, "/counter", buf, sizeof(buf)), 2);
	CU_ASSERT_STRING_EQUAL(buf, "12");
	CU_ASSERT_EQUAL(xenbus_read(&b.xb, XBT_NIL, "/counter", buf, sizeof(buf)), 2);
	CU_ASSERT_STRING_EQUAL(buf, "11");
	CU_ASSERT_EQUAL(xenbus_transaction_end(&a.xb, tx, 0), 0);
	CU_ASSERT_EQUAL(xenbus_read(&b.xb, XBT_NIL, "/counter", buf, sizeof(buf)), 2);
	CU_ASSERT_STRING_EQUAL(buf, "12");
	/* A conflict by hand: EAGAIN from the commit. */
	CU_ASSERT_EQUAL(xenbus_transaction_start(&a.xb, &tx), 0);
	CU_ASSERT_EQUAL(xenbus_read(&a.xb, tx, "/counter", buf, sizeof(buf)), 2);
	CU_ASSERT_EQUAL(xenbus_write(&b.xb, XBT_NIL, "/counter", "13"), 0);
	CU_ASSERT_EQUAL(xenbus_write(&a.xb, tx, "/counter", "14"), 0);
	CU_ASSERT_EQUAL(xenbus_transaction_end(&a.xb, tx, 0), -EAGAIN);
	CU_ASSERT_EQUAL(xenbus_read(&b.xb, XBT_NIL, "/counter", buf, sizeof(buf)), 2);
	CU_ASSERT_STRING_EQUAL(buf, "13");
	p_close(&b);
	p_close(&a);
	done(s);
}

/* Replies matched by req_id, stray replies and malformed streams (no store involved). */
static int null_send(void *ctx, const void *msg, size_t len)
{
	return 0;
}

static int null_wait(void *ctx, const volatile int *done)
{
	return *done ? 0 : -ETIMEDOUT;
}

UNIT_TEST(xenbus, stray_replies_bad_events_and_oversize_length)
{
	struct pipe p = {0};
	struct {
		struct xsd_sockmsg h;
		char d[16];
	} m = {{XS_READ, 999, 0, 2}, "x"};

	p.t = (struct xenbus_transport){
	    .ctx = &p, .alloc = p_alloc, .free = p_free, .send = null_send, .wait = null_wait};
	xenbus_init(&p.xb, &p.t);
	/* No reply ever comes: the transport's error, nothing left pending. */
	CU_ASSERT_EQUAL(xenbus_mkdir(&p.xb, XBT_NIL, "/x"), -ETIMEDOUT);
	CU_ASSERT_EQUAL(p.live, 0);
	/* A reply nobody waits for is counted and dropped. */
	CU_ASSERT_EQUAL(xenbus_input(&p.xb, &m, sizeof(m.h) + 2), 0);
	CU_ASSERT_EQUAL(p.xb.stray_replies, 1);
	/* A watch event without its token is dropped. */
	m.h = (struct xsd_sockmsg){XS_WATCH_EVENT, 0, 0, 3};
	memcpy(m.d, "/a\0", 3);
	CU_ASSERT_EQUAL(xenbus_input(&p.xb, &m, sizeof(m.h) + 3), 0);
	CU_ASSERT_FALSE(xenbus_events_pending(&p.xb));
	/* An event for an unknown token is queued, then dropped when run. */
	m.h.len = 5;
	memcpy(m.d, "/a\0t\0", 5);
	CU_ASSERT_EQUAL(xenbus_input(&p.xb, &m, sizeof(m.h) + 5), 0);
	CU_ASSERT_EQUAL(xenbus_run_watches(&p.xb), 0);
	CU_ASSERT_EQUAL(p.xb.stray_events, 2);
	/* A length beyond XENSTORE_PAYLOAD_MAX cannot be resynchronised: broken. */
	m.h = (struct xsd_sockmsg){XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1};
	CU_ASSERT_EQUAL(xenbus_input(&p.xb, &m, sizeof(m.h)), -EIO);
	CU_ASSERT_EQUAL(xenbus_mkdir(&p.xb, XBT_NIL, "/x"), -EIO);
	xenbus_fini(&p.xb);
	CU_ASSERT_EQUAL(p.live, 0);
}
