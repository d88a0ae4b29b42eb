/*
 * xenstored core: the store and the xs_wire protocol, with no OS calls.
 *
 * The same core is built three ways (host unit tests and fuzzing, the Linux
 * daemon, the xenstore domain on the unikernel).  The build injects an
 * allocator and a few callbacks (struct xs_ops) and moves bytes in and out
 * of connections; the core parses messages, runs them against the store and
 * queues replies and watch events.
 *
 * Transport model: the build feeds received bytes with xs_conn_input(), which
 * consumes only what the connection may take (a connection with too many
 * unread replies "stops reading": its bytes stay in the ring/socket and other
 * connections are served).  The build drains replies with xs_conn_output()
 * whenever ops->notify says there is output.  Watch events are never a reason
 * to drop a connection: a queue of unread events is bounded (quota.outq_events,
 * or outq_events_priv for privileged connections) and events past the bound are
 * dropped and reported with ops->warn; an identical event still waiting is not
 * queued twice; and an unprivileged domain whose writes left quota.outstanding
 * events unread on privileged connections is not read until those are read
 * (README.md "Watch events under load").  A connection the core gives up on (protocol
 * error, no memory for a reply, domain released) gets ops->drop once and
 * becomes dead (xs_conn_dead); the build then closes its transport and calls
 * xs_conn_destroy().
 *
 * Locking: none; the core is single-threaded (one event loop per store).
 */
#ifndef XS_CORE_H
#define XS_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xs_store;
struct xs_conn;

struct xs_ops {
	void *ctx;				/* passed back to every hook */
	void *(*alloc)(void *ctx, size_t size); /* NULL on failure: the request gets ENOMEM */
	void (*free)(void *ctx, void *p);
	/* Output was queued on c (a reply or a watch event).  Optional. */
	void (*notify)(void *ctx, struct xs_conn *c);
	/* The core gave up on c (protocol error, output overflow, domain released).  Optional. */
	void (*drop)(void *ctx, struct xs_conn *c);
	/*
	 * XS_INTRODUCE of domid with its ring frame and event channel: the build maps the ring
	 * and creates the domain's connection (xs_conn_create(..., domid, false, ...)), then
	 * returns 0, or -Exxx to fail the request.  Optional (NULL: the domain is only recorded).
	 */
	int (*introduce)(void *ctx, struct xs_store *s, uint32_t domid, uint64_t mfn,
			 uint32_t port);
	/*
	 * Something the operator should know about c (e.g. watch events dropped because its
	 * queue is full), once per episode, not per event.  Optional.
	 */
	void (*warn)(void *ctx, struct xs_conn *c, const char *what);
};

/* Quotas; privileged connections are exempt from the per-domain ones.  0 = default. */
struct xs_quota {
	uint32_t nodes_per_domain; /* nodes a domain may own (ENOSPC), default 1000 */
	uint32_t entry_size; /* value + permissions bytes of one node (ENOSPC), default 2048 */
	uint32_t watches_per_domain;	/* (E2BIG), default 128 */
	uint32_t transactions_per_conn; /* open transactions (ENOSPC), default 10 */
	/* paths one transaction may touch, read or missing ones too (ENOSPC), default 1024 */
	uint32_t trans_nodes;
	/*
	 * Bytes a domain's nodes, watches, transactions and unread events may use (Xen's hard
	 * "memory" quota, 2.5 MiB): a request that would grow past it gets ENOMEM.
	 */
	uint32_t memory_per_domain;
	/*
	 * Unread replies before the connection stops being read, default 20.  For an unprivileged
	 * domain, the unread events its requests queued on privileged connections count too.
	 */
	uint32_t outstanding;
	uint32_t
	    outq_events; /* unread events queued to an unprivileged conn (more: dropped), 1024 */
	uint32_t outq_events_priv; /* the same for a privileged connection, default 8192 */
};

/* Counters for tests and the daemon's log. */
struct xs_stats {
	uint64_t nodes;
	uint64_t requests;
	uint64_t errors;
	uint64_t events;
	uint64_t tx_conflicts;
	uint64_t dropped_conns;
	uint64_t dropped_events; /* watch events not queued: the watcher's queue was full */
};

struct xs_store *xs_store_create(const struct xs_ops *ops, const struct xs_quota *quota);
/*
 * Sets quotas from "NAME=N[,NAME=N...]" with Xen's xenstored -Q names (nodes, node-size,
 * watches, transactions, outstanding, transaction-nodes, ...); 0 or -EINVAL (q may then be
 * partly set).  For the builds' command lines.
 */
int xs_quota_parse(struct xs_quota *q, const char *spec);
/* Frees everything; connections still open are destroyed too (no drop hook). */
void xs_store_destroy(struct xs_store *s);
void xs_store_stats(const struct xs_store *s, struct xs_stats *out);

/*
 * A client: domid 0 or privileged = a tool (socket clients, the control domain) that bypasses
 * permissions and quotas, as Xen's domain_is_unprivileged().  NULL on allocation failure.
 */
struct xs_conn *xs_conn_create(struct xs_store *s, uint32_t domid, bool privileged, void *opaque);
void xs_conn_destroy(struct xs_conn *c);
void *xs_conn_opaque(const struct xs_conn *c);
uint32_t xs_conn_domid(const struct xs_conn *c);

/* Feeds bytes; returns how many were consumed (less than len when the connection stops reading). */
size_t xs_conn_input(struct xs_conn *c, const void *buf, size_t len);
/* True when xs_conn_input would consume at least one byte. */
bool xs_conn_wants_input(const struct xs_conn *c);
/* Copies out up to len queued output bytes and consumes them; returns the count. */
size_t xs_conn_output(struct xs_conn *c, void *buf, size_t len);
size_t xs_conn_output_pending(const struct xs_conn *c);
bool xs_conn_dead(const struct xs_conn *c);

/*
 * The domain died (VIRQ_DOM_EXC) or was released: its watches, transactions and connection
 * go, @releaseDomain fires.  Returns 0 or -ENOENT when it was not introduced.
 */
int xs_domain_release(struct xs_store *s, uint32_t domid);
/*
 * The domain shut down but still exists (Xen's domain_cleanup on XEN_DOMINF_shutdown): only
 * @releaseDomain fires; its connection stays until xs_domain_release.  0 or -ENOENT.
 */
int xs_domain_shutdown(struct xs_store *s, uint32_t domid);

/*
 * Direct privileged write for the build (e.g. the xenstore domain writing /local/domain/<id>
 * basics): creates parents, fires watches.  perms: NULL keeps the inherited/old ones, else
 * a NUL-separated list of nperms Xen permission strings ("n0", "r1", ...).  0 or -Exxx.
 */
int xs_store_write(struct xs_store *s, const char *path, const void *value, uint32_t vlen,
		   const char *perms, uint32_t nperms);

/* Consistency check of the committed tree (tests, fuzzing): 0 or -EIO. */
int xs_store_check(const struct xs_store *s);

/* Name on the wire of an errno value ("ENOENT"); "EINVAL" for unknown ones. */
const char *xs_errname(int err);

#endif
