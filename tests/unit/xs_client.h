/*
 * Test client for the xenstored core (tests/unit/test_xs_*.c): frames
 * requests into xs_conn_input and parses xs_conn_output into replies and
 * watch events.  The store's allocator counts live blocks so each test can
 * check that destroying the store frees everything (xsc_done).
 */
#ifndef XS_CLIENT_H
#define XS_CLIENT_H

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <CUnit/CUnit.h>
#include <public/io/xs_wire.h>
#include "xs_core.h"

#define XSC_MAXQ 64

struct xsc_msg {
	struct xsd_sockmsg h;
	char d[XENSTORE_PAYLOAD_MAX + 1];
};

struct xsc {
	struct xs_conn *c;
	struct xsc_msg q[XSC_MAXQ];
	unsigned int nq;
	uint32_t req;
	struct xsc_msg last; /* the last reply call() returned */
};

static long xsc_live;
static int xsc_drops;

static inline void *xsc_alloc(void *ctx, size_t n)
{
	void *p = malloc(n);

	if (p)
		xsc_live++;
	return p;
}

static inline void xsc_free(void *ctx, void *p)
{
	xsc_live--;
	free(p);
}

static inline void xsc_drop(void *ctx, struct xs_conn *c)
{
	xsc_drops++;
}

static const struct xs_ops xsc_ops = {.alloc = xsc_alloc, .free = xsc_free, .drop = xsc_drop};

static inline struct xs_store *xsc_store(const struct xs_quota *q)
{
	xsc_live = 0;
	xsc_drops = 0;
	return xs_store_create(&xsc_ops, q);
}

static inline void xsc_open(struct xsc *cl, struct xs_store *s, uint32_t domid)
{
	memset(cl, 0, sizeof(*cl));
	cl->c = xs_conn_create(s, domid, false, cl);
}

/* Moves complete output messages into cl->q. */
static inline void xsc_pump(struct xsc *cl)
{
	while (cl->nq < XSC_MAXQ && xs_conn_output_pending(cl->c) >= sizeof(struct xsd_sockmsg)) {
		struct xsc_msg *m = &cl->q[cl->nq];

		xs_conn_output(cl->c, &m->h, sizeof(m->h));
		xs_conn_output(cl->c, m->d, m->h.len);
		m->d[m->h.len] = '\0';
		cl->nq++;
	}
}

static inline void xsc_pop(struct xsc *cl, unsigned int i, struct xsc_msg *out)
{
	*out = cl->q[i];
	memmove(&cl->q[i], &cl->q[i + 1], (cl->nq - i - 1) * sizeof(cl->q[0]));
	cl->nq--;
}

/* Sends raw bytes as one message; returns bytes consumed. */
static inline size_t xsc_send_raw(struct xsc *cl, uint32_t type, uint32_t tx, const void *p,
				  uint32_t len)
{
	struct {
		struct xsd_sockmsg h;
		char d[XENSTORE_PAYLOAD_MAX + 64];
	} m;

	m.h.type = type;
	m.h.req_id = ++cl->req;
	m.h.tx_id = tx;
	m.h.len = len;
	memcpy(m.d, p, len);
	return xs_conn_input(cl->c, &m, sizeof(m.h) + len);
}

/* The reply to the last request (first non-event message); type or -1 when none. */
static inline int xsc_reply(struct xsc *cl)
{
	xsc_pump(cl);
	for (unsigned int i = 0; i < cl->nq; i++) {
		if (cl->q[i].h.type != XS_WATCH_EVENT) {
			xsc_pop(cl, i, &cl->last);
			return (int)cl->last.h.type;
		}
	}
	return -1;
}

static inline int xsc_raw(struct xsc *cl, uint32_t type, uint32_t tx, const void *p, uint32_t len)
{
	xsc_send_raw(cl, type, tx, p, len);
	return xsc_reply(cl);
}

/* A request of n NUL-terminated strings; returns the reply type. */
static inline int xsc_call(struct xsc *cl, uint32_t type, uint32_t tx, int n, ...)
{
	char buf[XENSTORE_PAYLOAD_MAX + 64];
	uint32_t len = 0;
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		const char *s = va_arg(ap, const char *);
		size_t l = strlen(s) + 1;

		memcpy(buf + len, s, l);
		len += (uint32_t)l;
	}
	va_end(ap);
	return xsc_raw(cl, type, tx, buf, len);
}

static inline int xsc_write(struct xsc *cl, uint32_t tx, const char *path, const char *val)
{
	char buf[XENSTORE_PAYLOAD_MAX + 64];
	size_t pl = strlen(path) + 1, vl = strlen(val);

	memcpy(buf, path, pl);
	memcpy(buf + pl, val, vl);
	return xsc_raw(cl, XS_WRITE, tx, buf, (uint32_t)(pl + vl));
}

/* Error name of the last reply, or "" when it was not XS_ERROR. */
static inline const char *xsc_err(const struct xsc *cl)
{
	return cl->last.h.type == XS_ERROR ? cl->last.d : "";
}

/* Pops the first watch event; returns 1 and its path/token, 0 when none. */
static inline int xsc_event(struct xsc *cl, const char **path, const char **token)
{
	static struct xsc_msg ev;

	xsc_pump(cl);
	for (unsigned int i = 0; i < cl->nq; i++) {
		if (cl->q[i].h.type == XS_WATCH_EVENT) {
			xsc_pop(cl, i, &ev);
			*path = ev.d;
			*token = ev.d + strlen(ev.d) + 1;
			return 1;
		}
	}
	return 0;
}

static inline unsigned int xsc_nevents(struct xsc *cl)
{
	unsigned int n = 0;

	xsc_pump(cl);
	for (unsigned int i = 0; i < cl->nq; i++)
		n += cl->q[i].h.type == XS_WATCH_EVENT;
	return n;
}

/* The last reply was the error name (XS_ERROR), or type ty with "OK". */
#define EXPECT_ERR(cl, name) CU_ASSERT_STRING_EQUAL(xsc_err(cl), name)
#define EXPECT_OK(cl, ty)                                                                          \
	do {                                                                                       \
		CU_ASSERT_EQUAL((cl)->last.h.type, ty);                                            \
		CU_ASSERT_STRING_EQUAL((cl)->last.d, "OK");                                        \
	} while (0)

/* A test's end: the store is consistent, and destroying it frees every block. */
static inline void xsc_done(struct xs_store *s)
{
	CU_ASSERT_EQUAL(xs_store_check(s), 0);
	xs_store_destroy(s);
	CU_ASSERT_EQUAL(xsc_live, 0);
}

#endif
