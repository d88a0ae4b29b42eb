/*
 * xenbus client: talks the xs_wire protocol (public/io/xs_wire.h) to
 * xenstored.  Two layers:
 *
 *  - the message layer (kernel/xenbus_core.c, portable C: also built on the
 *    host and tested against the xenstored core): builds requests, matches
 *    replies by req_id, turns XS_ERROR strings into -Exxx, queues
 *    XS_WATCH_EVENT messages and runs the registered callbacks, and runs
 *    transactions with retry on EAGAIN;
 *  - a transport under it (struct xenbus_transport): the unikernel's is the
 *    xenstore ring (kernel/xenbus.c: struct xenstore_domain_interface at
 *    HVM_PARAM_STORE_PFN, notified through HVM_PARAM_STORE_EVTCHN).
 *
 * Execution model (unikernel): requests block the calling thread until the
 * reply arrives; a "xenbus" thread reads the ring, a "xenwatch" thread runs
 * watch callbacks (which may issue requests themselves).  Never call from
 * interrupt context.
 *
 * Locking: none inside the message layer; it relies on the unikernel's
 * cooperative threads (no preemption between two statements), and the ring
 * transport serialises whole messages on the request ring.
 */
#ifndef UK_XENBUS_H
#define UK_XENBUS_H

#include <stddef.h>
#include <stdint.h>
#include <public/io/xs_wire.h>
#include <uk/list.h>

/* Transaction handle: 0 = no transaction (XBT_NIL as in Linux/Mini-OS). */
typedef uint32_t xenbus_tx_t;
#define XBT_NIL ((xenbus_tx_t)0)

struct xenbus;
struct xenbus_watch;

typedef void (*xenbus_watch_fn)(struct xenbus *xb, const char *path, void *data);

struct xenbus_transport {
	void *ctx;
	void *(*alloc)(void *ctx, size_t size); /* NULL on failure: -ENOMEM */
	void (*free)(void *ctx, void *p);
	/* Sends one whole message (header + payload), blocking if needed: 0 or -Exxx. */
	int (*send)(void *ctx, const void *msg, size_t len);
	/*
	 * Blocks until *done becomes nonzero (xenbus_input() sets it when the reply arrives):
	 * 0, or -Exxx when the transport cannot deliver it any more.
	 */
	int (*wait)(void *ctx, const volatile int *done);
	/* A reply or a watch event was queued by xenbus_input().  Optional. */
	void (*wake)(void *ctx);
};

/* Private state; public only so it can be allocated statically. */
struct xenbus {
	const struct xenbus_transport *t;
	struct uk_list pending; /* struct xenbus_req waiting for their reply */
	struct uk_list watches; /* struct xenbus_watch */
	struct uk_list events;	/* queued watch events, oldest first */
	uint32_t next_req_id;
	uint32_t next_token;
	int broken;	 /* protocol error from the other side: every request fails with -EIO */
	uint32_t rx_len; /* bytes of rx assembled */
	unsigned long stray_replies, stray_events;
	union {
		struct xsd_sockmsg hdr;
		char raw[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
	} rx;
};

/* Sets up xb over t (t must outlive xb). */
void xenbus_init(struct xenbus *xb, const struct xenbus_transport *t);
/* Frees watches and queued events; no request may be pending. */
void xenbus_fini(struct xenbus *xb);

/*
 * Bytes received from xenstored, any split.  Complete replies wake their
 * requester; watch events are queued for xenbus_run_watches().  0, or -EIO
 * when the stream is malformed (oversize length): xb is broken from then on.
 */
int xenbus_input(struct xenbus *xb, const void *buf, size_t len);
/* True when watch events are queued. */
int xenbus_events_pending(const struct xenbus *xb);
/* Runs the callbacks of the queued events (thread context); returns how many ran. */
unsigned int xenbus_run_watches(struct xenbus *xb);

/*
 * Generic request: payload of len bytes; on success the reply payload is
 * returned in *reply (NUL-terminated, freed with xenbus_free; reply may be
 * NULL to drop it) and its length in *rlen.  -Exxx from an XS_ERROR reply.
 */
int xenbus_request(struct xenbus *xb, uint32_t type, xenbus_tx_t tx, const void *payload,
		   uint32_t len, char **reply, uint32_t *rlen);
void xenbus_free(struct xenbus *xb, void *p);

/* The value of path NUL-terminated in buf: its length, -ERANGE if size is too small, -Exxx. */
long xenbus_read(struct xenbus *xb, xenbus_tx_t tx, const char *path, char *buf, size_t size);
int xenbus_write(struct xenbus *xb, xenbus_tx_t tx, const char *path, const char *value);
int xenbus_mkdir(struct xenbus *xb, xenbus_tx_t tx, const char *path);
int xenbus_rm(struct xenbus *xb, xenbus_tx_t tx, const char *path);
/* The child names of path, NUL-separated, in buf: their count, -ERANGE if size is too small. */
long xenbus_directory(struct xenbus *xb, xenbus_tx_t tx, const char *path, char *buf, size_t size);

/*
 * Watches path (and below).  xenstored fires the watch once when it is set,
 * then on every change; fn runs from xenbus_run_watches() with the changed
 * path.  *out (optional) is the handle for xenbus_unwatch.
 */
int xenbus_watch(struct xenbus *xb, const char *path, xenbus_watch_fn fn, void *data,
		 struct xenbus_watch **out);
int xenbus_unwatch(struct xenbus *xb, struct xenbus_watch *w);

int xenbus_transaction_start(struct xenbus *xb, xenbus_tx_t *tx);
/* Commits (abort = 0) or aborts: 0, -EAGAIN when a conflicting commit won, -Exxx. */
int xenbus_transaction_end(struct xenbus *xb, xenbus_tx_t tx, int abort);

/*
 * Runs fn inside a transaction and commits; on -EAGAIN from the commit runs
 * it again (at most XENBUS_TX_RETRIES times).  fn returning < 0 aborts the
 * transaction and that value is returned; otherwise fn's value is returned
 * once the commit succeeds.
 */
#define XENBUS_TX_RETRIES 64
int xenbus_transaction_run(struct xenbus *xb,
			   int (*fn)(struct xenbus *xb, xenbus_tx_t tx, void *arg), void *arg);

/* Maps an XS_ERROR payload ("ENOENT") to -ENOENT; unknown names give -EINVAL (as libxenstore). */
int xenbus_errno(const char *name);

/*
 * The unikernel's ring transport (kernel/xenbus.c): maps the xenstore ring
 * (HVM_PARAM_STORE_PFN/STORE_EVTCHN), binds its event channel and starts the
 * xenbus and xenwatch threads.  0, -ENODEV when the domain has no store
 * ring, -Exxx.  uk_xenbus is the client over it.
 */
int xenbus_ring_init(void);
extern struct xenbus uk_xenbus;

#endif /* UK_XENBUS_H */
