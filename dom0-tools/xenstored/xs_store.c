/*
 * xenstored core: the node store.
 *
 * Nodes live in a chained hash table keyed by their path's XXH3-64.  A node is
 * immutable once built and reference-counted, so a transaction can hold the
 * nodes it read while the store moves on.  Transactions are copy-on-write
 * with generation-based conflict detection (as Xen's xenstored_transaction.c
 * since 4.9): every built node gets a fresh generation number; a transaction
 * records, for each path it touched, the generation it first saw (0 = absent)
 * and its own new node; commit fails with EAGAIN if any recorded path's
 * generation changed in the store meanwhile, else applies the changes in
 * order and fires their watches.
 *
 * Locking: none (single-threaded core).
 */
#define XXH_INLINE_ALL
#include <xxhash.h>
#include <string.h>
#include "xs_internal.h"

void *xs_alloc(struct xs_store *s, size_t n)
{
	return s->ops.alloc(s->ops.ctx, n);
}

void xs_free(struct xs_store *s, void *p)
{
	if (p)
		s->ops.free(s->ops.ctx, p);
}

char *xs_strdup(struct xs_store *s, const char *str)
{
	size_t n = strlen(str) + 1;
	char *p = xs_alloc(s, n);

	if (p)
		memcpy(p, str, n);
	return p;
}

uint64_t xs_hash(const char *key)
{
	return XXH3_64bits(key, strlen(key));
}

int xs_table_init(struct xs_store *s, struct xs_table *t, size_t nb)
{
	t->b = xs_alloc(s, nb * sizeof(*t->b));
	if (!t->b)
		return -ENOMEM;
	memset(t->b, 0, nb * sizeof(*t->b));
	t->nb = nb;
	t->n = 0;
	return 0;
}

void xs_table_fini(struct xs_store *s, struct xs_table *t)
{
	xs_free(s, t->b);
	t->b = NULL;
	t->nb = t->n = 0;
}

struct xs_hent *xs_table_find(const struct xs_table *t, const char *key, uint64_t hash)
{
	struct xs_hent *e;

	for (e = t->b[hash & (t->nb - 1)]; e; e = e->next)
		if (e->hash == hash && !strcmp(e->key, key))
			return e;
	return NULL;
}

/* Doubles the bucket array at load 1; a failed grow keeps the old one (longer chains only). */
static void table_grow(struct xs_store *s, struct xs_table *t)
{
	size_t nb = t->nb * 2;
	struct xs_hent **b = xs_alloc(s, nb * sizeof(*b));

	if (!b)
		return;
	memset(b, 0, nb * sizeof(*b));
	for (size_t i = 0; i < t->nb; i++) {
		struct xs_hent *e = t->b[i], *next;

		for (; e; e = next) {
			next = e->next;
			e->next = b[e->hash & (nb - 1)];
			b[e->hash & (nb - 1)] = e;
		}
	}
	xs_free(s, t->b);
	t->b = b;
	t->nb = nb;
}

void xs_table_insert(struct xs_store *s, struct xs_table *t, struct xs_hent *e)
{
	if (t->n >= t->nb)
		table_grow(s, t);
	e->next = t->b[e->hash & (t->nb - 1)];
	t->b[e->hash & (t->nb - 1)] = e;
	t->n++;
}

void xs_table_remove(struct xs_table *t, struct xs_hent *e)
{
	struct xs_hent **pp = &t->b[e->hash & (t->nb - 1)];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			t->n--;
			return;
		}
	}
}

struct xs_node *xs_node_build(struct xs_store *s, const char *path, const void *value,
			      uint32_t vlen, const struct xs_perm *perms, uint32_t nperms,
			      const char *children, uint32_t clen)
{
	size_t plen = strlen(path) + 1;
	size_t size = sizeof(struct xs_node) + nperms * sizeof(struct xs_perm) + plen + vlen + clen;
	struct xs_node *n = xs_alloc(s, size);
	char *p;

	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->refs = 1;
	n->gen = ++s->gen;
	n->perms = (struct xs_perm *)(n + 1);
	memcpy(n->perms, perms, nperms * sizeof(*perms));
	n->nperms = nperms;
	p = (char *)(n->perms + nperms);
	memcpy(p, path, plen);
	n->h.key = p;
	n->h.hash = xs_hash(p);
	p += plen;
	n->value = (uint8_t *)p;
	if (vlen)
		memcpy(p, value, vlen);
	n->vlen = vlen;
	p += vlen;
	n->children = p;
	if (clen)
		memcpy(p, children, clen);
	n->clen = clen;
	return n;
}

void xs_node_put(struct xs_store *s, struct xs_node *n)
{
	if (n && --n->refs == 0)
		xs_free(s, n);
}

struct xs_dom *xs_dom_get(struct xs_store *s, uint32_t domid, bool create)
{
	struct xs_dom *d;

	for (d = s->doms; d; d = d->next)
		if (d->domid == domid)
			return d;
	if (!create)
		return NULL;
	d = xs_alloc(s, sizeof(*d));
	if (!d)
		return NULL;
	memset(d, 0, sizeof(*d));
	d->domid = domid;
	d->next = s->doms;
	s->doms = d;
	return d;
}

uint64_t xs_node_mem(const struct xs_node *n)
{
	return sizeof(*n) + n->nperms * sizeof(struct xs_perm) + strlen(n->h.key) + 1 + n->vlen +
	       n->clen;
}

int xs_mem_room(const struct xs_store *s, const struct xs_dom *d, int64_t delta)
{
	if (!d || !d->domid || delta <= 0)
		return 0;
	return d->mem + (uint64_t)delta > s->q.memory_per_domain ? -ENOMEM : 0;
}

/*
 * Per-owner node counts (the nodes quota) and memory; a count that cannot be allocated is
 * not kept (xs_store_check then fails: tests and fuzzing only run with memory).
 */
static void owner_count(struct xs_store *s, const struct xs_node *n, int delta)
{
	struct xs_dom *d = xs_dom_get(s, n->perms[0].id, true);

	if (!d)
		return;
	d->nodes += delta;
	if (delta > 0)
		d->mem += xs_node_mem(n);
	else
		d->mem -= xs_node_mem(n);
}

/* A transaction's own bytes, counted to its domain until it ends. */
static void tx_mem(struct xs_tx *tx, int64_t delta)
{
	tx->mem += (uint64_t)delta;
	tx->dom->mem += (uint64_t)delta;
}

static uint64_t txent_mem(const char *path)
{
	return sizeof(struct xs_txent) + strlen(path) + 1;
}

static struct xs_node *store_find(struct xs_store *s, const char *path)
{
	return (struct xs_node *)xs_table_find(&s->nodes, path, xs_hash(path));
}

/* Replaces (n != NULL, reference taken) or deletes the store's node at path. */
static void store_set(struct xs_store *s, const char *path, struct xs_node *n)
{
	struct xs_node *old = store_find(s, path);

	if (old) {
		owner_count(s, old, -1);
		xs_table_remove(&s->nodes, &old->h);
		s->st.nodes--;
		xs_node_put(s, old);
	}
	if (n) {
		owner_count(s, n, 1);
		xs_table_insert(s, &s->nodes, &n->h);
		s->st.nodes++;
	}
}

static struct xs_txent *tx_find(struct xs_tx *tx, const char *path)
{
	return (struct xs_txent *)xs_table_find(&tx->ents, path, xs_hash(path));
}

/* The transaction's entry for path, created from the store's current node on first access. */
static int tx_ent(struct xs_store *s, struct xs_tx *tx, const char *path, struct xs_txent **out)
{
	struct xs_txent *e = tx_find(tx, path);
	struct xs_node *sn;

	if (e)
		goto out;
	/*
	 * Every entry stays until the transaction ends, missing paths and ancestors checked for
	 * permissions too: bound them (Xen's quota_trans_nodes, ENOSPC).
	 */
	if (!tx->priv && tx->ents.n >= s->q.trans_nodes)
		return -ENOSPC;
	if (!tx->priv && xs_mem_room(s, tx->dom, (int64_t)txent_mem(path)))
		return -ENOMEM;
	e = xs_alloc(s, sizeof(*e));
	if (!e)
		return -ENOMEM;
	memset(e, 0, sizeof(*e));
	e->h.key = xs_strdup(s, path);
	if (!e->h.key) {
		xs_free(s, e);
		return -ENOMEM;
	}
	e->h.hash = xs_hash(path);
	sn = store_find(s, path);
	e->seen_gen = sn ? sn->gen : 0;
	e->node = sn;
	if (sn)
		sn->refs++;
	xs_table_insert(s, &tx->ents, &e->h);
	tx_mem(tx, (int64_t)txent_mem(path));
out:
	*out = e;
	return 0;
}

int xs_view_get(struct xs_view *v, const char *path, const struct xs_node **out)
{
	struct xs_txent *e;
	int rc;

	if (!v->tx) {
		*out = store_find(v->s, path);
		return 0;
	}
	rc = tx_ent(v->s, v->tx, path, &e);
	if (rc)
		return rc;
	*out = e->node;
	return 0;
}

int xs_view_set(struct xs_view *v, const char *path, struct xs_node *n)
{
	struct xs_txent *e;
	int rc;

	if (!v->tx) {
		store_set(v->s, path, n);
		return 0;
	}
	rc = tx_ent(v->s, v->tx, path, &e);
	if (rc) {
		xs_node_put(v->s, n);
		return rc;
	}
	if (e->node && e->node->perms[0].id == v->tx->domid)
		v->tx->node_delta--;
	if (n && n->perms[0].id == v->tx->domid)
		v->tx->node_delta++;
	/* Nodes the transaction built count until it ends; the store's did not. */
	if (e->changed && e->node)
		tx_mem(v->tx, -(int64_t)xs_node_mem(e->node));
	if (n)
		tx_mem(v->tx, (int64_t)xs_node_mem(n));
	xs_node_put(v->s, e->node);
	e->node = n;
	if (!e->changed) {
		e->changed = true;
		if (v->tx->last)
			v->tx->last->order = e;
		else
			v->tx->first = e;
		v->tx->last = e;
	}
	return 0;
}

void xs_tx_free(struct xs_store *s, struct xs_tx *tx)
{
	for (size_t i = 0; i < tx->ents.nb; i++) {
		struct xs_hent *h = tx->ents.b[i], *next;

		for (; h; h = next) {
			struct xs_txent *e = (struct xs_txent *)h;

			next = h->next;
			xs_node_put(s, e->node);
			xs_free(s, (void *)e->h.key);
			xs_free(s, e);
		}
	}
	xs_table_fini(s, &tx->ents);
	tx->dom->mem -= tx->mem;
	xs_free(s, tx);
}

/* "/a/b" -> writes "/a" into buf (size >= strlen(path) + 1); "/" has no parent. */
static bool parent_of(const char *path, char *buf)
{
	const char *slash = strrchr(path, '/');

	if (!slash || !strcmp(path, "/"))
		return false;
	if (slash == path) {
		strcpy(buf, "/");
		return true;
	}
	memcpy(buf, path, (size_t)(slash - path));
	buf[slash - path] = '\0';
	return true;
}

int xs_tx_commit(struct xs_store *s, struct xs_tx *tx)
{
	struct xs_txent *e;
	char *pbuf;

	/* Every path the transaction saw must still be at the generation it saw. */
	for (size_t i = 0; i < tx->ents.nb; i++) {
		struct xs_hent *h;

		for (h = tx->ents.b[i]; h; h = h->next) {
			struct xs_node *sn = store_find(s, h->key);

			if ((sn ? sn->gen : 0) != ((struct xs_txent *)h)->seen_gen) {
				s->st.tx_conflicts++;
				return -EAGAIN;
			}
		}
	}
	/* Topmost deletions fire as a removal (children included); mark them before applying. */
	size_t maxlen = 0;

	for (e = tx->first; e; e = e->order)
		if (strlen(e->h.key) > maxlen)
			maxlen = strlen(e->h.key);
	pbuf = xs_alloc(s, maxlen + 2);
	if (!pbuf)
		return -ENOMEM;
	for (e = tx->first; e; e = e->order) {
		struct xs_node *old = store_find(s, e->h.key);

		if (e->node) {
			e->node->refs++;
			store_set(s, e->h.key, e->node);
			continue;
		}
		/* Deleted: keep the old node (for the event's permission check) in e->node. */
		if (old)
			old->refs++;
		store_set(s, e->h.key, NULL);
		e->node = old;
		e->removed = old != NULL;
	}
	for (e = tx->first; e; e = e->order) {
		struct xs_txent *pe;

		if (!e->node)
			continue;
		if (!e->removed) {
			xs_fire_change(s, e->h.key, e->node);
			continue;
		}
		/* A removal under a removed parent is covered by the parent's event. */
		if (parent_of(e->h.key, pbuf) && (pe = tx_find(tx, pbuf)) && pe->removed)
			continue;
		xs_fire_rm(s, e->h.key, e->node);
	}
	xs_free(s, pbuf);
	return 0;
}

static bool has_child(const struct xs_node *n, const char *name)
{
	for (uint32_t off = 0; off < n->clen; off += (uint32_t)strlen(n->children + off) + 1)
		if (!strcmp(n->children + off, name))
			return true;
	return false;
}

/*
 * Consistency of the committed tree (tests and fuzzing): every node but "/" and the special
 * ones is listed by its parent, every listed child exists, and the per-owner counts add up.
 */
int xs_store_check(const struct xs_store *s)
{
	char buf[XENSTORE_ABS_PATH_MAX + 2];
	struct xs_dom *d;
	uint64_t total = 0;

	for (d = s->doms; d; d = d->next) {
		uint32_t owned = 0;
		uint64_t mem = xs_conns_mem(s, d);

		for (size_t i = 0; i < s->nodes.nb; i++) {
			for (struct xs_hent *h = s->nodes.b[i]; h; h = h->next) {
				const struct xs_node *n = (const struct xs_node *)h;

				if (n->perms[0].id == d->domid) {
					owned++;
					mem += xs_node_mem(n);
				}
			}
		}
		if (owned != d->nodes || mem != d->mem)
			return -EIO;
	}
	for (size_t i = 0; i < s->nodes.nb; i++) {
		for (struct xs_hent *h = s->nodes.b[i]; h; h = h->next) {
			const struct xs_node *n = (const struct xs_node *)h, *p;
			size_t pl = strlen(h->key);

			total++;
			if (n->nperms == 0 || h->hash != xs_hash(h->key) ||
			    pl > XENSTORE_ABS_PATH_MAX)
				return -EIO;
			for (uint32_t off = 0; off < n->clen;
			     off += (uint32_t)strlen(n->children + off) + 1) {
				const char *name = n->children + off;

				if (pl + strlen(name) + 2 > sizeof(buf))
					return -EIO;
				strcpy(buf, h->key);
				if (pl > 1)
					strcat(buf, "/");
				strcat(buf, name);
				if (!store_find((struct xs_store *)s, buf))
					return -EIO;
			}
			if (h->key[0] == '@' || !strcmp(h->key, "/"))
				continue;
			if (!parent_of(h->key, buf))
				return -EIO;
			p = store_find((struct xs_store *)s, buf);
			if (!p || !has_child(p, strrchr(h->key, '/') + 1))
				return -EIO;
		}
	}
	if (total != s->st.nodes)
		return -EIO;
	return xs_conns_check(s);
}
