/*
 * libxenstore internals: the handle, and the hooks each environment's
 * backend provides (linux.c: the daemon's socket or /dev/xen/xenbus). The
 * core (core.c) frames requests, reads replies and queues watch events
 * that arrive in between. No locking: one thread per handle.
 */
#ifndef XS_STORE_PRIVATE_H
#define XS_STORE_PRIVATE_H

#include <stddef.h>
#include <xenstore.h>

struct xs_event {
	struct xs_event *next;
	char **vec; /* as xs_read_watch returns it */
	unsigned int num;
};

struct xs_handle {
	int fd;
	uint32_t next_req_id;
	struct xs_event *events, **events_tail;
};

/* Open the transport per flags (XS_OPEN_*) into h->fd; 0, or -1 with errno. */
int xs_osdep_open(struct xs_handle *h, unsigned long flags);
void xs_osdep_close(struct xs_handle *h);
/* Write all len bytes; 0, or -1 with errno. */
int xs_osdep_write(struct xs_handle *h, const void *buf, size_t len);
/* Read up to len bytes (blocking); the count (> 0), or -1 with errno (EIO at end of stream). */
long xs_osdep_read(struct xs_handle *h, void *buf, size_t len);
/* 1 if bytes are ready to read now, 0 if not, -1 with errno. */
int xs_osdep_ready(struct xs_handle *h);

#endif
