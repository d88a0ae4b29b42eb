/*
 * libxenvchan (Xen 4.17's libxenvchan.h API): a byte stream between two
 * domains over shared pages and one event channel, wire-compatible with
 * Xen's (public/io/libxenvchan.h ring layout; the server publishes
 * <xs_path>/ring-ref and <xs_path>/event-channel in the store, readable by
 * the client's domain). The server grants, the client maps.
 *
 * Returns as Xen's: read/recv/write/send give a byte count, 0 when a
 * non-blocking call cannot make progress, -1 on error or once the peer has
 * closed (errno may be unset). `blocking` (set it in the struct, as with
 * Xen's) makes them wait for the peer instead of returning 0.
 * One thread per vchan. Linux: xengnttab/xengntshr + xenevtchn + the store
 * through the xenbus device; unikernel: the same libraries' unikernel
 * backends and its xenbus client (call xenbus_ring_init() first).
 */
#ifndef TESSERA_LIBXENVCHAN_H
#define TESSERA_LIBXENVCHAN_H

#include <stddef.h>
#include <stdint.h>
#include <public/io/libxenvchan.h>
#include "xenevtchn.h"
#include "xengnttab.h"

struct xentoollog_logger;

/* One direction of the stream, as this end sees it. */
struct libxenvchan_ring {
	struct ring_shared *shr; /* its indices in the shared page */
	void *buffer;		 /* its data: in the shared page or its own pages */
	int order;		 /* log2 of the size, copied once: the peer may change the page's */
};

struct libxenvchan {
	union {
		xengntshr_handle *gntshr; /* server */
		xengnttab_handle *gnttab; /* client */
	};
	struct vchan_interface *ring; /* the shared page */
	xenevtchn_handle *event;
	uint32_t event_port;
	unsigned int is_server : 1;
	unsigned int server_persist : 1; /* the server stays open when the client leaves */
	unsigned int blocking : 1;	 /* calls wait instead of returning 0 */
	struct libxenvchan_ring read, write;
	char *xs_path; /* server: the store directory removed at close */
};

/*
 * Server end for the client domain `domain`: rings of at least read_min and
 * write_min bytes (at most 1 MiB each), published under xs_path. NULL on
 * failure.
 */
struct libxenvchan *libxenvchan_server_init(struct xentoollog_logger *logger, int domain,
					    const char *xs_path, size_t read_min, size_t write_min);
/* Client end of the vchan that `domain` published under xs_path. NULL on failure. */
struct libxenvchan *libxenvchan_client_init(struct xentoollog_logger *logger, int domain,
					    const char *xs_path);
/* Tells the peer, unmaps or unshares, unbinds, removes the server's store directory. */
void libxenvchan_close(struct libxenvchan *ctrl);

/* Exactly size bytes (all or nothing). */
int libxenvchan_recv(struct libxenvchan *ctrl, void *data, size_t size);
/* Up to size bytes. */
int libxenvchan_read(struct libxenvchan *ctrl, void *data, size_t size);
/* Exactly size bytes (all or nothing). */
int libxenvchan_send(struct libxenvchan *ctrl, const void *data, size_t size);
/* Up to size bytes (blocking: all of them). */
int libxenvchan_write(struct libxenvchan *ctrl, const void *data, size_t size);
/* Waits for the next event from the peer: 0, or -1. */
int libxenvchan_wait(struct libxenvchan *ctrl);
/* Linux: the event channel fd to select on (then call libxenvchan_wait); unikernel: -1. */
int libxenvchan_fd_for_select(struct libxenvchan *ctrl);
/* 0 once the peer has gone; server: 2 while no client has connected yet. */
int libxenvchan_is_open(struct libxenvchan *ctrl);
/* Bytes ready to read / room to write now (and asks the peer to notify on change). */
int libxenvchan_data_ready(struct libxenvchan *ctrl);
int libxenvchan_buffer_space(struct libxenvchan *ctrl);

#endif
