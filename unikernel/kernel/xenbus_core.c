/*
 * xenbus message layer (uk/xenbus.h), portable: no hypercalls, no threads.
 * Built into libuk.a and, with TESSERA_HOST_TEST, into the host unit tests
 * (tests/unit/test_xenbus.c) where it talks to the xenstored core.
 *
 * Protocol facts (public/io/xs_wire.h, Xen docs/misc/xenstore.txt): every
 * request carries a req_id echoed in its reply; replies are either the
 * request's type or XS_ERROR with an errno name; XS_WATCH_EVENT messages
 * ("path\0token\0") arrive unsolicited at any point, also before the reply
 * to the XS_WATCH that caused them.
 *
 * Locking: none; callers are cooperative threads (see uk/xenbus.h).
 */
#ifdef TESSERA_HOST_TEST
#include <errno.h>
#include <string.h>
#else
#include <uk/errno.h>
#include <uk/string.h>
#endif
#include <uk/xenbus.h>

struct xenbus_req {
	struct uk_list node;
	uint32_t req_id;
	volatile int done;
	uint32_t type; /* of the reply */
	char *payload; /* allocated, NUL-terminated; NULL when the allocation failed */
	uint32_t len;
};

struct xenbus_watch {
	struct uk_list node;
	xenbus_watch_fn fn;
	void *data;
	char token[16];
	char path[]; /* for UNWATCH */
};

struct xenbus_event {
	struct uk_list node;
	char *path;  /* into data */
	char *token; /* into data */
	char data[];
};

void xenbus_init(struct xenbus *xb, const struct xenbus_transport *t)
{
	memset(xb, 0, sizeof(*xb));
	xb->t = t;
	uk_list_init(&xb->pending);
	uk_list_init(&xb->watches);
	uk_list_init(&xb->events);
	xb->next_req_id = 1;
}

void xenbus_free(struct xenbus *xb, void *p)
{
	if (p)
		xb->t->free(xb->t->ctx, p);
}

void xenbus_fini(struct xenbus *xb)
{
	while (!uk_list_empty(&xb->events)) {
		struct xenbus_event *e = uk_list_first(&xb->events, struct xenbus_event, node);

		uk_list_del(&e->node);
		xenbus_free(xb, e);
	}
	while (!uk_list_empty(&xb->watches)) {
		struct xenbus_watch *w = uk_list_first(&xb->watches, struct xenbus_watch, node);

		uk_list_del(&w->node);
		xenbus_free(xb, w);
	}
}

int xenbus_errno(const char *name)
{
	for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (!strcmp(name, xsd_errors[i].errstring))
			return -xsd_errors[i].errnum;
	return -EINVAL;
}

static struct xenbus_watch *watch_by_token(struct xenbus *xb, const char *token)
{
	for (struct uk_list *l = xb->watches.next; l != &xb->watches; l = l->next) {
		struct xenbus_watch *w = uk_container_of(l, struct xenbus_watch, node);

		if (!strcmp(w->token, token))
			return w;
	}
	return NULL;
}

/* A complete message is in xb->rx: hand it to its requester or queue the event. */
static void deliver(struct xenbus *xb)
{
	const struct xsd_sockmsg *h = &xb->rx.hdr;
	const char *body = xb->rx.raw + sizeof(*h);

	if (h->type == XS_WATCH_EVENT) {
		/* "path\0token\0": both strings must be there, else the event is dropped. */
		size_t pl = strnlen(body, h->len);
		struct xenbus_event *e;

		if (pl == h->len || strnlen(body + pl + 1, h->len - pl - 1) == h->len - pl - 1) {
			xb->stray_events++;
			return;
		}
		e = xb->t->alloc(xb->t->ctx, sizeof(*e) + h->len);
		if (!e) {
			xb->stray_events++; /* lost: no memory */
			return;
		}
		memcpy(e->data, body, h->len);
		e->path = e->data;
		e->token = e->data + pl + 1;
		uk_list_add_tail(&e->node, &xb->events);
		goto out;
	}
	for (struct uk_list *l = xb->pending.next; l != &xb->pending; l = l->next) {
		struct xenbus_req *r = uk_container_of(l, struct xenbus_req, node);

		if (r->req_id != h->req_id)
			continue;
		uk_list_del(&r->node);
		r->type = h->type;
		r->len = h->len;
		r->payload = xb->t->alloc(xb->t->ctx, h->len + 1);
		if (r->payload) {
			memcpy(r->payload, body, h->len);
			r->payload[h->len] = '\0';
		}
		r->done = 1;
		goto out;
	}
	xb->stray_replies++;
	return;
out:
	if (xb->t->wake)
		xb->t->wake(xb->t->ctx);
}

int xenbus_input(struct xenbus *xb, const void *buf, size_t len)
{
	const char *p = buf;

	if (xb->broken)
		return -EIO;
	while (len) {
		size_t want, n;

		if (xb->rx_len < sizeof(xb->rx.hdr))
			want = sizeof(xb->rx.hdr) - xb->rx_len;
		else
			want = sizeof(xb->rx.hdr) + xb->rx.hdr.len - xb->rx_len;
		n = want < len ? want : len;
		memcpy(xb->rx.raw + xb->rx_len, p, n);
		xb->rx_len += (uint32_t)n;
		p += n;
		len -= n;
		if (xb->rx_len == sizeof(xb->rx.hdr) && xb->rx.hdr.len > XENSTORE_PAYLOAD_MAX) {
			/* No way to find the next header again: give up on the stream. */
			xb->broken = 1;
			if (xb->t->wake)
				xb->t->wake(xb->t->ctx);
			return -EIO;
		}
		if (xb->rx_len >= sizeof(xb->rx.hdr) &&
		    xb->rx_len == sizeof(xb->rx.hdr) + xb->rx.hdr.len) {
			deliver(xb);
			xb->rx_len = 0;
		}
	}
	return 0;
}

int xenbus_events_pending(const struct xenbus *xb)
{
	return !uk_list_empty(&xb->events);
}

unsigned int xenbus_run_watches(struct xenbus *xb)
{
	unsigned int n = 0;

	while (!uk_list_empty(&xb->events)) {
		struct xenbus_event *e = uk_list_first(&xb->events, struct xenbus_event, node);
		struct xenbus_watch *w;

		uk_list_del(&e->node);
		/* Looked up now: an event still queued for a removed watch is dropped. */
		w = watch_by_token(xb, e->token);
		if (w) {
			w->fn(xb, e->path, w->data);
			n++;
		} else {
			xb->stray_events++;
		}
		xenbus_free(xb, e);
	}
	return n;
}

int xenbus_request(struct xenbus *xb, uint32_t type, xenbus_tx_t tx, const void *payload,
		   uint32_t len, char **reply, uint32_t *rlen)
{
	struct xenbus_req r = {0};
	struct xsd_sockmsg *m;
	int rc;

	if (reply)
		*reply = NULL;
	if (len > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	if (xb->broken)
		return -EIO;
	m = xb->t->alloc(xb->t->ctx, sizeof(*m) + len);
	if (!m)
		return -ENOMEM;
	m->type = type;
	m->req_id = r.req_id = xb->next_req_id++;
	m->tx_id = tx;
	m->len = len;
	memcpy(m + 1, payload, len);
	/* Listed before sending: another thread may read the reply before send returns. */
	uk_list_add_tail(&r.node, &xb->pending);
	rc = xb->t->send(xb->t->ctx, m, sizeof(*m) + len);
	xenbus_free(xb, m);
	if (!rc)
		rc = xb->t->wait(xb->t->ctx, &r.done);
	if (!r.done) {
		uk_list_del(&r.node);
		return rc ? rc : -EIO;
	}
	if (!r.payload)
		return -ENOMEM;
	if (r.type == XS_ERROR)
		rc = xenbus_errno(r.payload);
	else if (r.type != type)
		rc = -EIO; /* a reply of another type: the server is confused */
	if (rc || !reply) {
		xenbus_free(xb, r.payload);
		return rc;
	}
	*reply = r.payload;
	if (rlen)
		*rlen = r.len;
	return 0;
}

/* A request whose payload is the NUL-terminated strings a and b (b may be NULL). */
static int request2(struct xenbus *xb, uint32_t type, xenbus_tx_t tx, const char *a, const char *b,
		    int b_nul, char **reply, uint32_t *rlen)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	size_t al = strlen(a) + 1, bl = b ? strlen(b) + (size_t)b_nul : 0;

	if (al + bl > sizeof(buf))
		return -E2BIG;
	memcpy(buf, a, al);
	if (b)
		memcpy(buf + al, b, bl);
	return xenbus_request(xb, type, tx, buf, (uint32_t)(al + bl), reply, rlen);
}

/* Copies a reply into the caller's buffer, always NUL-terminated. */
static long copy_out(struct xenbus *xb, char *r, uint32_t rl, char *buf, size_t size)
{
	long rc = rl;

	if ((size_t)rl + 1 > size)
		rc = -ERANGE;
	else
		memcpy(buf, r, (size_t)rl + 1);
	xenbus_free(xb, r);
	return rc;
}

long xenbus_read(struct xenbus *xb, xenbus_tx_t tx, const char *path, char *buf, size_t size)
{
	char *r;
	uint32_t rl;
	int rc = request2(xb, XS_READ, tx, path, NULL, 0, &r, &rl);

	if (rc)
		return rc;
	return copy_out(xb, r, rl, buf, size);
}

int xenbus_write(struct xenbus *xb, xenbus_tx_t tx, const char *path, const char *value)
{
	/* "path\0value": the value is not NUL-terminated on the wire (xenstore.txt WRITE). */
	return request2(xb, XS_WRITE, tx, path, value, 0, NULL, NULL);
}

int xenbus_mkdir(struct xenbus *xb, xenbus_tx_t tx, const char *path)
{
	return request2(xb, XS_MKDIR, tx, path, NULL, 0, NULL, NULL);
}

int xenbus_rm(struct xenbus *xb, xenbus_tx_t tx, const char *path)
{
	return request2(xb, XS_RM, tx, path, NULL, 0, NULL, NULL);
}

long xenbus_directory(struct xenbus *xb, xenbus_tx_t tx, const char *path, char *buf, size_t size)
{
	char *r;
	uint32_t rl;
	long n = 0;
	int rc = request2(xb, XS_DIRECTORY, tx, path, NULL, 0, &r, &rl);

	if (rc)
		return rc;
	for (uint32_t i = 0; i < rl; i++)
		n += r[i] == '\0';
	rc = (int)copy_out(xb, r, rl, buf, size);
	return rc < 0 ? rc : n;
}

int xenbus_watch(struct xenbus *xb, const char *path, xenbus_watch_fn fn, void *data,
		 struct xenbus_watch **out)
{
	size_t pl = strlen(path) + 1;
	struct xenbus_watch *w;
	uint32_t id;
	int rc, i;

	if (pl > XENSTORE_ABS_PATH_MAX + 1)
		return -E2BIG;
	w = xb->t->alloc(xb->t->ctx, sizeof(*w) + pl);
	if (!w)
		return -ENOMEM;
	w->fn = fn;
	w->data = data;
	memcpy(w->path, path, pl);
	/* Token "xbNNNNNNNN": unique per client, so events map to exactly one watch. */
	id = xb->next_token++;
	memcpy(w->token, "xb", 2);
	for (i = 0; i < 8; i++)
		w->token[2 + i] = "0123456789abcdef"[(id >> (28 - 4 * i)) & 0xf];
	w->token[10] = '\0';
	/* Listed first: the initial event may be read before the reply. */
	uk_list_add_tail(&w->node, &xb->watches);
	rc = request2(xb, XS_WATCH, XBT_NIL, path, w->token, 1, NULL, NULL);
	if (rc) {
		uk_list_del(&w->node);
		xenbus_free(xb, w);
		return rc;
	}
	if (out)
		*out = w;
	return 0;
}

int xenbus_unwatch(struct xenbus *xb, struct xenbus_watch *w)
{
	int rc = request2(xb, XS_UNWATCH, XBT_NIL, w->path, w->token, 1, NULL, NULL);

	/* Forgotten even on failure; events still queued for it are dropped by run_watches. */
	uk_list_del(&w->node);
	xenbus_free(xb, w);
	return rc;
}

int xenbus_transaction_start(struct xenbus *xb, xenbus_tx_t *tx)
{
	char *r;
	uint32_t rl, v = 0;
	int rc = request2(xb, XS_TRANSACTION_START, XBT_NIL, "", NULL, 0, &r, &rl);

	if (rc)
		return rc;
	/* The reply is the id in decimal ("3\0"). */
	for (uint32_t i = 0; i < rl && r[i] >= '0' && r[i] <= '9'; i++)
		v = v * 10 + (uint32_t)(r[i] - '0');
	xenbus_free(xb, r);
	if (!v)
		return -EIO;
	*tx = v;
	return 0;
}

int xenbus_transaction_end(struct xenbus *xb, xenbus_tx_t tx, int abort)
{
	return request2(xb, XS_TRANSACTION_END, tx, abort ? "F" : "T", NULL, 0, NULL, NULL);
}

int xenbus_transaction_run(struct xenbus *xb,
			   int (*fn)(struct xenbus *xb, xenbus_tx_t tx, void *arg), void *arg)
{
	for (int attempt = 0; attempt < XENBUS_TX_RETRIES; attempt++) {
		xenbus_tx_t tx;
		int rc = xenbus_transaction_start(xb, &tx), end;

		if (rc)
			return rc;
		rc = fn(xb, tx, arg);
		end = xenbus_transaction_end(xb, tx, rc < 0);
		if (rc < 0)
			return rc;
		if (end == -EAGAIN)
			continue;
		return end ? end : rc;
	}
	return -EAGAIN;
}
