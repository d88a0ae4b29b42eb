/*
 * xenstored core internals shared by xs_store.c (nodes, hash table, views,
 * transactions' node sets) and xs_proto.c (connections, requests, watches,
 * domains).  Not part of the API.  Single-threaded: no locks.
 */
#ifndef XS_INTERNAL_H
#define XS_INTERNAL_H

#include <errno.h>
#include "xs_core.h"
#include <public/io/xs_wire.h>

/* Permission bits (Xen's XS_PERM_*); OWNER is never stored, only granted. */
#define XS_PERM_NONE 0u
#define XS_PERM_READ 1u
#define XS_PERM_WRITE 2u
#define XS_PERM_OWNER 4u

struct xs_perm {
	uint32_t id;
	uint32_t perms;
};

/* Intrusive hash-table entry; key is a NUL-terminated path, hash its XXH3-64. */
struct xs_hent {
	struct xs_hent *next;
	uint64_t hash;
	const char *key;
};

struct xs_table {
	struct xs_hent **b;
	size_t nb, n;
};

/*
 * A node is immutable once built (one allocation holding path, value, perms, children);
 * a change builds a new node.  Reference-counted: the store and transactions share them.
 */
struct xs_node {
	struct xs_hent h; /* h.key = path */
	uint32_t refs;
	uint64_t gen; /* unique per built node: DIRECTORY_PART gencnt, tx conflicts */
	uint32_t vlen, nperms, clen;
	uint8_t *value;
	struct xs_perm *perms;
	char *children; /* names, each NUL-terminated */
};

/* A transaction's record of one path: what it saw and, if changed, its new node. */
struct xs_txent {
	struct xs_hent h;     /* h.key = path (owned) */
	uint64_t seen_gen;    /* store gen at first access, 0 = absent */
	struct xs_node *node; /* current node in the tx (NULL = absent/deleted) */
	bool changed;
	bool removed;		/* commit: this entry deleted a node of the store */
	struct xs_txent *order; /* change order, for events at commit */
};

struct xs_tx {
	struct xs_tx *next; /* in the connection's list */
	uint32_t id;
	uint32_t domid;	    /* the owning connection's domain (node_delta) */
	struct xs_dom *dom; /* ... whose memory counts mem */
	uint64_t mem;	    /* bytes of its entries and the nodes it built */
	bool priv;	    /* the owning connection is privileged: no trans_nodes quota */
	int32_t node_delta; /* nodes created - deleted owned by the conn's domain */
	struct xs_table ents;
	struct xs_txent *first, *last;
};

struct xs_dom {
	struct xs_dom *next;
	uint32_t domid;
	bool introduced;
	uint32_t nodes; /* nodes it owns */
	uint32_t watches;
	uint32_t ev_unread; /* events its requests queued on privileged conns, still unread */
	/*
	 * Bytes of what it holds (memory quota): nodes it owns, its transactions' entries and
	 * built nodes, its watches, events queued to its unprivileged connections.
	 */
	uint64_t mem;
	bool has_target; /* XS_SET_TARGET: acts with target's permissions too */
	uint32_t target;
	struct xs_conn *conn;
};

struct xs_store {
	struct xs_ops ops;
	struct xs_quota q;
	struct xs_table nodes;
	uint64_t gen;
	struct xs_dom *doms;
	struct xs_conn *conns;
	struct xs_conn *tool;	/* privileged writer of xs_store_write, not in conns */
	struct xs_dom *cur_src; /* the unprivileged domain whose request runs, else NULL */
	uint32_t next_txid;
	struct xs_stats st;
};

/* The view a request works on: the store, or a transaction over it. */
struct xs_view {
	struct xs_store *s;
	struct xs_tx *tx;
};

void *xs_alloc(struct xs_store *s, size_t n);
void xs_free(struct xs_store *s, void *p);
char *xs_strdup(struct xs_store *s, const char *str);
uint64_t xs_hash(const char *key);

int xs_table_init(struct xs_store *s, struct xs_table *t, size_t nb);
void xs_table_fini(struct xs_store *s, struct xs_table *t);
struct xs_hent *xs_table_find(const struct xs_table *t, const char *key, uint64_t hash);
void xs_table_insert(struct xs_store *s, struct xs_table *t, struct xs_hent *e);
void xs_table_remove(struct xs_table *t, struct xs_hent *e);

struct xs_node *xs_node_build(struct xs_store *s, const char *path, const void *value,
			      uint32_t vlen, const struct xs_perm *perms, uint32_t nperms,
			      const char *children, uint32_t clen);
void xs_node_put(struct xs_store *s, struct xs_node *n);
static inline const char *xs_node_path(const struct xs_node *n)
{
	return n->h.key;
}

struct xs_dom *xs_dom_get(struct xs_store *s, uint32_t domid, bool create);

/* What a node costs its owner against the memory quota. */
uint64_t xs_node_mem(const struct xs_node *n);
/* Can d (a requester; NULL or domid 0: exempt) take delta more bytes?  0 or -ENOMEM. */
int xs_mem_room(const struct xs_store *s, const struct xs_dom *d, int64_t delta);

/*
 * View access: get records a read in a transaction; set takes the node's reference (NULL deletes).
 * In a transaction, the first access of a path beyond quota trans_nodes fails with -ENOSPC
 * (unprivileged connections only).
 */
int xs_view_get(struct xs_view *v, const char *path, const struct xs_node **out);
int xs_view_set(struct xs_view *v, const char *path, struct xs_node *n);

void xs_tx_free(struct xs_store *s, struct xs_tx *tx);
/* Conflict check then apply; -EAGAIN on conflict (nothing applied). */
int xs_tx_commit(struct xs_store *s, struct xs_tx *tx);

/* Connections' accounting (queued events, what each domain's requests left unread): 0/-EIO. */
int xs_conns_check(const struct xs_store *s);
/* Bytes of d's memory quota held by connections: transactions, watches, queued events. */
uint64_t xs_conns_mem(const struct xs_store *s, const struct xs_dom *d);

/* Protocol side: watch events for a change (xs_proto.c). */
void xs_fire_change(struct xs_store *s, const char *path, const struct xs_node *n);
void xs_fire_rm(struct xs_store *s, const char *path, const struct xs_node *n);

#endif
