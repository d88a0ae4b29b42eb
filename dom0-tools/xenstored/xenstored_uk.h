/*
 * What the xenstore domain's two halves share: the record of a served
 * domain (xenstored_uk.c creates, connects and releases it) and the ring
 * transport that moves its bytes (xenstored_uk_ring.c). Execution: the
 * daemon's one thread; no locking.
 */
#ifndef XENSTORED_UK_H
#define XENSTORED_UK_H

#include <public/io/xs_wire.h>
#include <stdbool.h>
#include <uk/events.h>
#include <uk/gnttab.h>
#include "xs_core.h"

/* Rounds of ring work per domain before the others get a turn. */
#define XSD_ROUNDS 16

struct xsd_dom {
	struct xsd_dom *next;
	uint32_t domid;
	struct xenstore_domain_interface *ring; /* our mapping of its page; NULL once dropped */
	grant_handle_t handle;
	evtchn_port_t port; /* our end of its store channel */
	struct xs_conn *conn;
	bool shutdown; /* @releaseDomain fired for its shutdown */
	bool heard;    /* its first request arrived (logged once: the client connected) */
};

/* Closes the transport: connection, port, mapping. The record stays until the domain goes. */
void xsd_dom_disconnect(struct xsd_dom *d);

/*
 * Moves d's requests from its ring into the core and the core's replies and watch events
 * into its ring, up to XSD_ROUNDS rounds, and notifies its port if anything moved; a
 * connection the core closed, or a ring with corrupt indices, is disconnected (this domain
 * only). True if anything moved: there may be more once the guest catches up.
 */
bool xsd_ring_service(struct xsd_dom *d);

#endif
