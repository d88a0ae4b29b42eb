/*
 * xenstored core internals: connections, output messages and watches,
 * shared by xs_conn.c (framing, queues, events, domains) and xs_ops.c (the
 * request handlers).  Not part of the API.  Single-threaded: no locks.
 */
#ifndef XS_CONN_H
#define XS_CONN_H

#include <string.h>
#include "xs_internal.h"

struct xs_msg {
	struct xs_msg *next;
	bool event;		/* a WATCH_EVENT (counted against outq_events) */
	struct xs_dom *charged; /* its unprivileged source's ev_unread counts it, or NULL */
	uint32_t len;		/* header + payload bytes */
	struct xsd_sockmsg hdr;
	uint8_t data[];
};

struct xs_watch {
	struct xs_watch *next;
	bool relative; /* registered relative to /local/domain/<id>/ */
	char *path;    /* canonical (absolute or @special) */
	char *token;
	/* path and token strings follow */
};

struct xs_conn {
	struct xs_conn *next;
	struct xs_store *s;
	struct xs_dom *dom;
	uint32_t domid;
	bool priv;
	bool dead;
	void *opaque;
	char prefix[32]; /* "/local/domain/<domid>", set lazily */
	/* input */
	struct xsd_sockmsg in_hdr;
	size_t in_used; /* header + payload bytes received of the current message */
	uint8_t in_buf[XENSTORE_PAYLOAD_MAX + 1];
	/* output */
	struct xs_msg *out_head, *out_tail;
	size_t out_off, out_bytes;
	uint32_t out_replies, out_events;
	bool dropping; /* events are being dropped (queue full): warned once */
	/* state */
	struct xs_watch *watches;
	struct xs_tx *txs;
	uint32_t ntx;
};

/* What a watch costs its domain against the memory quota. */
static inline uint64_t xs_watch_mem(const char *path, const char *token)
{
	return sizeof(struct xs_watch) + strlen(path) + 1 + strlen(token) + 1;
}

size_t xs_fmt_u64(char *buf, uint64_t v);
bool xs_parse_u64(const char *str, uint64_t max, uint64_t *out);

struct xs_msg *xs_msg_new(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
			  uint32_t len);
void xs_msg_queue(struct xs_conn *c, struct xs_msg *m);
void xs_reply(struct xs_conn *c, const struct xsd_sockmsg *req, uint32_t type, const void *data,
	      uint32_t len);
void xs_reply_error(struct xs_conn *c, const struct xsd_sockmsg *req, int err);
void xs_conn_kill(struct xs_conn *c);
void xs_conn_reset(struct xs_conn *c);

uint32_t xs_perm_for(const struct xs_conn *c, const struct xs_node *n);
void xs_watch_initial(struct xs_conn *c, const struct xs_watch *w);
void xs_fire_special(struct xs_store *s, const char *name);

/* One complete message from c (xs_ops.c). */
void xs_process(struct xs_conn *c, const struct xsd_sockmsg *hdr, const uint8_t *payload,
		uint32_t len);
/* The privileged write behind xs_store_write (xs_ops.c). */
int xs_tool_write(struct xs_conn *c, const char *path, const void *value, uint32_t vlen,
		  const struct xs_perm *perms, uint32_t nperms);

#endif
