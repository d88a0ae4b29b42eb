/*
 * xenstored core: connections, message framing, output queues, watches and
 * domains.  The request handlers themselves are in xs_ops.c.
 *
 * Framing follows Xen's xenstored: a 16-byte struct xsd_sockmsg header, then
 * len payload bytes; len > XENSTORE_PAYLOAD_MAX is a protocol error and the
 * connection is dropped (Xen: "Client tried to feed us ...").  Replies echo
 * req_id and tx_id.  Flow control ("stops reading"): a connection with
 * quota.outstanding unread replies consumes no more input, so a client that
 * never reads costs a bounded queue and never blocks the others.
 *
 * Unread watch events (README.md "Watch events under load"; Xen 4.17 after XSA-326 keeps
 * a guest from cutting others off the same way): an event identical to one
 * still waiting unsent on the connection is not queued again (not for "@..."
 * events, as Xen); a connection's queue holds at most quota.outq_events events
 * (outq_events_priv if privileged) and further ones are dropped, counted and
 * reported once (ops->warn), never the connection; an event an unprivileged
 * domain's request queued on a privileged connection counts against that
 * domain's outstanding quota until it is read (as Xen counts resulting watch
 * events as outstanding), so a guest cannot fill a tool's queue: it waits.
 *
 * Watch events (docs/misc/xenstore.txt, WATCH): a watch on P fires for a
 * change of P or of any node below it, with the changed path; removing a
 * subtree also fires the watches set below it, with their own path; events
 * go only to connections that may read the node (Xen's fire_watches).  A
 * relative watch gets paths relative to /local/domain/<domid>/.
 *
 * Locking: none (single-threaded core).
 */
#include <stddef.h>
#include <string.h>
#include "xs_conn.h"

static const struct xs_quota xs_default_quota = {
    .nodes_per_domain = 1000,
    .entry_size = 2048,
    .watches_per_domain = 128,
    .transactions_per_conn = 10,
    .trans_nodes = 1024,
    .memory_per_domain = 2621440,
    .outstanding = 20,
    .outq_events = 1024,
    .outq_events_priv = 8192,
};

const char *xs_errname(int err)
{
	for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (xsd_errors[i].errnum == err)
			return xsd_errors[i].errstring;
	return "EINVAL";
}

size_t xs_fmt_u64(char *buf, uint64_t v)
{
	char tmp[24];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return n;
}

bool xs_parse_u64(const char *str, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*str)
		return false;
	for (; *str; str++) {
		if (*str < '0' || *str > '9')
			return false;
		if (v > (max - (uint64_t)(*str - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*str - '0');
	}
	*out = v;
	return true;
}

/* ---- output queue ---- */

/* A message leaves the queue (read or discarded): its source may be read again. */
static void msg_free(struct xs_conn *c, struct xs_msg *m)
{
	if (m->charged && m->charged->ev_unread)
		m->charged->ev_unread--;
	if (m->event && !c->priv)
		c->dom->mem -= m->len;
	xs_free(c->s, m);
}

static void conn_free_queue(struct xs_conn *c)
{
	struct xs_msg *m, *next;

	for (m = c->out_head; m; m = next) {
		next = m->next;
		msg_free(c, m);
	}
	c->out_head = c->out_tail = NULL;
	c->out_off = 0;
	c->out_bytes = 0;
	c->out_replies = c->out_events = 0;
}

static void conn_free_watches(struct xs_conn *c)
{
	struct xs_watch *w, *next;

	for (w = c->watches; w; w = next) {
		next = w->next;
		if (c->dom->watches)
			c->dom->watches--;
		c->dom->mem -= xs_watch_mem(w->path, w->token);
		xs_free(c->s, w);
	}
	c->watches = NULL;
}

static void conn_free_txs(struct xs_conn *c)
{
	struct xs_tx *tx, *next;

	for (tx = c->txs; tx; tx = next) {
		next = tx->next;
		xs_tx_free(c->s, tx);
	}
	c->txs = NULL;
	c->ntx = 0;
}

void xs_conn_reset(struct xs_conn *c)
{
	conn_free_watches(c);
	conn_free_txs(c);
}

/* Gives up on c: frees its state now, tells the build once. */
void xs_conn_kill(struct xs_conn *c)
{
	if (c->dead)
		return;
	c->dead = true;
	xs_conn_reset(c);
	conn_free_queue(c);
	c->s->st.dropped_conns++;
	if (c->s->ops.drop)
		c->s->ops.drop(c->s->ops.ctx, c);
}

struct xs_msg *xs_msg_new(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
			  uint32_t len)
{
	struct xs_msg *m = xs_alloc(c->s, sizeof(*m) + len);

	if (!m)
		return NULL;
	m->next = NULL;
	m->event = false;
	m->charged = NULL;
	m->len = (uint32_t)sizeof(m->hdr) + len;
	m->hdr.type = type;
	m->hdr.req_id = req_id;
	m->hdr.tx_id = tx_id;
	m->hdr.len = len;
	return m;
}

/* An event for c was not queued: counted, and reported once until one is queued again. */
static void conn_event_lost(struct xs_conn *c, const char *why)
{
	c->s->st.dropped_events++;
	if (c->dropping)
		return;
	c->dropping = true;
	if (c->s->ops.warn)
		c->s->ops.warn(c->s->ops.ctx, c, why);
}

void xs_msg_queue(struct xs_conn *c, struct xs_msg *m)
{
	if (c->dead) {
		xs_free(c->s, m);
		return;
	}
	if (m->event) {
		if (c->out_events >= (c->priv ? c->s->q.outq_events_priv : c->s->q.outq_events)) {
			/* A watcher that does not read: drop the event, keep the connection. */
			xs_free(c->s, m);
			conn_event_lost(c, "watch event queue full: events dropped");
			return;
		}
		if (!c->priv && xs_mem_room(c->s, c->dom, m->len)) {
			xs_free(c->s, m);
			conn_event_lost(c, "memory quota reached: watch events dropped");
			return;
		}
		if (!c->priv)
			c->dom->mem += m->len;
		c->dropping = false;
		c->out_events++;
		c->s->st.events++;
		if (c->priv && c->s->cur_src) {
			m->charged = c->s->cur_src;
			m->charged->ev_unread++;
		}
	} else {
		c->out_replies++;
	}
	if (c->out_tail)
		c->out_tail->next = m;
	else
		c->out_head = m;
	c->out_tail = m;
	c->out_bytes += m->len;
	if (c->s->ops.notify)
		c->s->ops.notify(c->s->ops.ctx, c);
}

void xs_reply(struct xs_conn *c, const struct xsd_sockmsg *req, uint32_t type, const void *data,
	      uint32_t len)
{
	struct xs_msg *m = xs_msg_new(c, type, req->req_id, req->tx_id, len);

	if (!m) {
		/* Without memory for the reply the client would wait forever: drop it. */
		xs_conn_kill(c);
		return;
	}
	if (len)
		memcpy(m->data, data, len);
	xs_msg_queue(c, m);
}

void xs_reply_error(struct xs_conn *c, const struct xsd_sockmsg *req, int err)
{
	const char *name = xs_errname(err);

	c->s->st.errors++;
	xs_reply(c, req, XS_ERROR, name, (uint32_t)strlen(name) + 1);
}

size_t xs_conn_output(struct xs_conn *c, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len && c->out_head) {
		struct xs_msg *m = c->out_head;
		size_t n = m->len - c->out_off;

		if (n > len - done)
			n = len - done;
		memcpy((uint8_t *)buf + done, (const uint8_t *)&m->hdr + c->out_off, n);
		done += n;
		c->out_off += n;
		c->out_bytes -= n;
		if (c->out_off < m->len)
			break;
		c->out_head = m->next;
		if (!c->out_head)
			c->out_tail = NULL;
		c->out_off = 0;
		if (m->event)
			c->out_events--;
		else
			c->out_replies--;
		msg_free(c, m);
	}
	return done;
}

size_t xs_conn_output_pending(const struct xs_conn *c)
{
	return c->out_bytes;
}

/* ---- connections ---- */

uint64_t xs_conns_mem(const struct xs_store *s, const struct xs_dom *d)
{
	uint64_t mem = 0;

	for (const struct xs_conn *c = s->conns; c; c = c->next) {
		for (const struct xs_tx *tx = c->txs; tx; tx = tx->next)
			mem += tx->dom == d ? tx->mem : 0;
		if (c->dom != d)
			continue;
		for (const struct xs_watch *w = c->watches; w; w = w->next)
			mem += xs_watch_mem(w->path, w->token);
		for (const struct xs_msg *m = c->out_head; m && !c->priv; m = m->next)
			mem += m->event ? m->len : 0;
	}
	return mem;
}

int xs_conns_check(const struct xs_store *s)
{
	for (const struct xs_dom *d = s->doms; d; d = d->next) {
		uint32_t charged = 0;

		for (const struct xs_conn *c = s->conns; c; c = c->next)
			for (const struct xs_msg *m = c->out_head; m; m = m->next)
				charged += m->charged == d;
		if (charged != d->ev_unread)
			return -EIO;
	}
	for (const struct xs_conn *c = s->conns; c; c = c->next) {
		uint32_t events = 0, replies = 0;

		for (const struct xs_msg *m = c->out_head; m; m = m->next) {
			events += m->event;
			replies += !m->event;
		}
		if (events != c->out_events || replies != c->out_replies)
			return -EIO;
	}
	return 0;
}

struct xs_conn *xs_conn_create(struct xs_store *s, uint32_t domid, bool privileged, void *opaque)
{
	struct xs_conn *c = xs_alloc(s, sizeof(*c));

	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->s = s;
	c->domid = domid;
	c->priv = privileged || domid == 0;
	c->opaque = opaque;
	c->dom = xs_dom_get(s, domid, true);
	if (!c->dom) {
		xs_free(s, c);
		return NULL;
	}
	if (!c->priv)
		c->dom->conn = c;
	c->next = s->conns;
	s->conns = c;
	return c;
}

void xs_conn_destroy(struct xs_conn *c)
{
	struct xs_conn **pp;

	if (!c)
		return;
	xs_conn_reset(c);
	conn_free_queue(c);
	for (pp = &c->s->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	if (c->dom->conn == c)
		c->dom->conn = NULL;
	xs_free(c->s, c);
}

void *xs_conn_opaque(const struct xs_conn *c)
{
	return c->opaque;
}

uint32_t xs_conn_domid(const struct xs_conn *c)
{
	return c->domid;
}

bool xs_conn_dead(const struct xs_conn *c)
{
	return c->dead;
}

bool xs_conn_wants_input(const struct xs_conn *c)
{
	uint32_t out = c->out_replies + (c->priv ? 0 : c->dom->ev_unread);

	return !c->dead && out < c->s->q.outstanding;
}

size_t xs_conn_input(struct xs_conn *c, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t used = 0;

	while (used < len && xs_conn_wants_input(c)) {
		const size_t hsz = sizeof(struct xsd_sockmsg);
		size_t want, n;

		if (c->in_used < hsz) {
			want = hsz - c->in_used;
		} else {
			want = hsz + c->in_hdr.len - c->in_used;
		}
		n = len - used < want ? len - used : want;
		if (c->in_used < hsz)
			memcpy((uint8_t *)&c->in_hdr + c->in_used, p + used, n);
		else
			memcpy(c->in_buf + (c->in_used - hsz), p + used, n);
		c->in_used += n;
		used += n;
		if (c->in_used == hsz && c->in_hdr.len > XENSTORE_PAYLOAD_MAX) {
			/* Protocol error: no way to resynchronise the stream. */
			xs_conn_kill(c);
			break;
		}
		if (c->in_used >= hsz && c->in_used == hsz + c->in_hdr.len) {
			c->in_used = 0;
			xs_process(c, &c->in_hdr, c->in_buf, c->in_hdr.len);
		}
	}
	return used;
}

/* ---- permissions ---- */

/* Xen's perm_for_conn: tools and the owner (or the owner's controller) get everything. */
uint32_t xs_perm_for(const struct xs_conn *c, const struct xs_node *n)
{
	const uint32_t all = XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER;
	bool tgt = c->dom->has_target;
	uint32_t t = c->dom->target;

	if (c->priv || n->perms[0].id == c->domid || (tgt && n->perms[0].id == t))
		return all;
	for (uint32_t i = 1; i < n->nperms; i++)
		if (n->perms[i].id == c->domid || (tgt && n->perms[i].id == t))
			return n->perms[i].perms & all;
	return n->perms[0].perms & all;
}

/* ---- watches ---- */

/* Is path p equal to or below watch path w? */
static bool path_under(const char *p, const char *w)
{
	size_t wl = strlen(w);

	if (!strcmp(w, "/"))
		return p[0] == '/';
	return !strncmp(p, w, wl) && (p[wl] == '\0' || p[wl] == '/');
}

/*
 * Is the same event (path and token) queued on c and not started yet?  Then a new one tells
 * the watcher nothing more (Xen 4.17 does not buffer it either); "@..." events are always
 * sent, as Xen: their watchers count them.
 */
static bool event_waiting(const struct xs_conn *c, const char *path, size_t plen, const char *token,
			  size_t tlen)
{
	const struct xs_msg *m = c->out_head;

	if (path[0] == '@')
		return false;
	if (m && c->out_off)
		m = m->next; /* partly sent already */
	for (; m; m = m->next)
		if (m->event && m->hdr.len == plen + tlen && !memcmp(m->data, path, plen) &&
		    !memcmp(m->data + plen, token, tlen))
			return true;
	return false;
}

static void watch_event(struct xs_conn *c, const struct xs_watch *w, const char *path)
{
	size_t plen, tlen = strlen(w->token) + 1;
	struct xs_msg *m;

	if (w->relative) {
		size_t pre = strlen(c->prefix);

		if (!strncmp(path, c->prefix, pre) && path[pre] == '/')
			path += pre + 1;
	}
	plen = strlen(path) + 1;
	/*
	 * A long child path under a watch with a long token can exceed what one
	 * message may carry: as Xen's xenstored, such an event is not sent.
	 */
	if (plen + tlen > XENSTORE_PAYLOAD_MAX)
		return;
	if (event_waiting(c, path, plen, w->token, tlen))
		return;
	m = xs_msg_new(c, XS_WATCH_EVENT, 0, 0, (uint32_t)(plen + tlen));
	if (!m) {
		conn_event_lost(c, "no memory for a watch event: events dropped");
		return;
	}
	m->event = true;
	memcpy(m->data, path, plen);
	memcpy(m->data + plen, w->token, tlen);
	xs_msg_queue(c, m);
}

void xs_watch_initial(struct xs_conn *c, const struct xs_watch *w)
{
	watch_event(c, w, w->path);
}

static void fire(struct xs_store *s, const char *path, const struct xs_node *n, bool rm)
{
	struct xs_conn *c, *cnext;

	for (c = s->conns; c; c = cnext) {
		struct xs_watch *w, *wnext;

		cnext = c->next;
		if (c->dead || !c->watches)
			continue;
		if (n && !(xs_perm_for(c, n) & XS_PERM_READ))
			continue;
		for (w = c->watches; w && !c->dead; w = wnext) {
			wnext = w->next;
			if (path[0] == '@' || w->path[0] == '@') {
				if (!strcmp(path, w->path))
					watch_event(c, w, path);
			} else if (path_under(path, w->path)) {
				watch_event(c, w, path);
			} else if (rm && path_under(w->path, path)) {
				watch_event(c, w, w->path);
			}
		}
	}
}

void xs_fire_change(struct xs_store *s, const char *path, const struct xs_node *n)
{
	fire(s, path, n, false);
}

void xs_fire_rm(struct xs_store *s, const char *path, const struct xs_node *n)
{
	fire(s, path, n, true);
}

/* @introduceDomain / @releaseDomain: to the watchers allowed to read the special node. */
void xs_fire_special(struct xs_store *s, const char *name)
{
	const struct xs_node *n =
	    (const struct xs_node *)xs_table_find(&s->nodes, name, xs_hash(name));

	fire(s, name, n, false);
}

/* ---- domains ---- */

int xs_domain_release(struct xs_store *s, uint32_t domid)
{
	struct xs_dom *d = xs_dom_get(s, domid, false);

	if (!d || !d->introduced)
		return -ENOENT;
	d->introduced = false;
	d->has_target = false;
	if (d->conn)
		xs_conn_kill(d->conn);
	xs_fire_special(s, "@releaseDomain");
	return 0;
}

int xs_domain_shutdown(struct xs_store *s, uint32_t domid)
{
	struct xs_dom *d = xs_dom_get(s, domid, false);

	if (!d || !d->introduced)
		return -ENOENT;
	xs_fire_special(s, "@releaseDomain");
	return 0;
}

/* ---- the store ---- */

static struct xs_node *special_node(struct xs_store *s, const char *path)
{
	static const struct xs_perm n0 = {0, XS_PERM_NONE};

	return xs_node_build(s, path, NULL, 0, &n0, 1, NULL, 0);
}

struct xs_store *xs_store_create(const struct xs_ops *ops, const struct xs_quota *quota)
{
	static const char *const roots[] = {"/", "@introduceDomain", "@releaseDomain"};
	struct xs_store *s = ops->alloc(ops->ctx, sizeof(*s));
	struct xs_view v = {s, NULL};

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->ops = *ops;
	s->q = xs_default_quota;
	if (quota) {
#define XS_Q(f)                                                                                    \
	if (quota->f)                                                                              \
	s->q.f = quota->f
		XS_Q(nodes_per_domain);
		XS_Q(entry_size);
		XS_Q(watches_per_domain);
		XS_Q(transactions_per_conn);
		XS_Q(trans_nodes);
		XS_Q(memory_per_domain);
		XS_Q(outstanding);
		XS_Q(outq_events);
		XS_Q(outq_events_priv);
#undef XS_Q
	}
	if (xs_table_init(s, &s->nodes, 1024))
		goto fail;
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		struct xs_node *n = special_node(s, roots[i]);

		if (!n || xs_view_set(&v, roots[i], n))
			goto fail;
	}
	s->tool = xs_conn_create(s, 0, true, NULL);
	if (!s->tool)
		goto fail;
	/* The store's own writer receives no watch events. */
	s->conns = s->tool->next;
	s->tool->next = NULL;
	return s;
fail:
	xs_store_destroy(s);
	return NULL;
}

/* Xen's xenstored -Q names (docs: xenstored --help, xenstore-control quota). */
static const struct {
	const char *name;
	size_t off;
} xs_quota_names[] = {
    {"nodes", offsetof(struct xs_quota, nodes_per_domain)},
    {"node-size", offsetof(struct xs_quota, entry_size)},
    {"watches", offsetof(struct xs_quota, watches_per_domain)},
    {"transactions", offsetof(struct xs_quota, transactions_per_conn)},
    {"outstanding", offsetof(struct xs_quota, outstanding)},
    {"transaction-nodes", offsetof(struct xs_quota, trans_nodes)},
    {"memory", offsetof(struct xs_quota, memory_per_domain)},
    {"watch-events", offsetof(struct xs_quota, outq_events)},
    {"watch-events-privileged", offsetof(struct xs_quota, outq_events_priv)},
};

int xs_quota_parse(struct xs_quota *q, const char *spec)
{
	while (*spec) {
		const char *eq = strchr(spec, '='), *end;
		char num[16];
		uint64_t v;
		size_t i;

		if (!eq)
			return -EINVAL;
		for (end = eq + 1; *end && *end != ','; end++)
			;
		if ((size_t)(end - eq - 1) >= sizeof(num))
			return -EINVAL;
		memcpy(num, eq + 1, (size_t)(end - eq - 1));
		num[end - eq - 1] = '\0';
		if (!xs_parse_u64(num, UINT32_MAX, &v) || !v)
			return -EINVAL;
		for (i = 0; i < sizeof(xs_quota_names) / sizeof(xs_quota_names[0]); i++) {
			const char *n = xs_quota_names[i].name;

			if (strlen(n) == (size_t)(eq - spec) && !strncmp(spec, n, strlen(n)))
				break;
		}
		if (i == sizeof(xs_quota_names) / sizeof(xs_quota_names[0]))
			return -EINVAL;
		*(uint32_t *)((char *)q + xs_quota_names[i].off) = (uint32_t)v;
		spec = *end ? end + 1 : end;
	}
	return 0;
}

void xs_store_destroy(struct xs_store *s)
{
	struct xs_dom *d, *dnext;

	if (!s)
		return;
	while (s->conns)
		xs_conn_destroy(s->conns);
	if (s->tool) {
		xs_conn_reset(s->tool);
		xs_free(s, s->tool);
	}
	for (size_t i = 0; i < s->nodes.nb; i++) {
		struct xs_hent *h, *next;

		for (h = s->nodes.b[i]; h; h = next) {
			next = h->next;
			xs_node_put(s, (struct xs_node *)h);
		}
	}
	xs_table_fini(s, &s->nodes);
	for (d = s->doms; d; d = dnext) {
		dnext = d->next;
		xs_free(s, d);
	}
	xs_free(s, s);
}

void xs_store_stats(const struct xs_store *s, struct xs_stats *out)
{
	*out = s->st;
}
