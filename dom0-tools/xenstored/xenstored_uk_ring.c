/*
 * The xenstore domain's ring transport (xenstored_uk.h): each served
 * domain's bytes between its store ring page and its core connection
 * (Xen docs/misc/xenstore-ring.txt; we are the server): we consume req and
 * produce rsp. The indices are the guest's to corrupt: every read is
 * checked (prod - cons <= XENSTORE_RING_SIZE) and a bad one drops that
 * connection (the others go on); bytes are copied out of the shared page
 * before the core parses them. The core's flow control leaves unconsumed
 * requests in the ring.
 *
 * Execution: the daemon's one thread (xenstored_uk.c's loop); no locking.
 */
#include <uk/kernel.h>
#include "xenstored_uk.h"

/* A hostile or broken ring: drop this connection only. */
static bool ring_bad(struct xsd_dom *d, const char *why)
{
	printf("xenstored: d%u: %s; connection dropped\n", d->domid, why);
	xsd_dom_disconnect(d);
	return false;
}

/* Moves requests from the ring into the core; true if any byte moved. */
static bool ring_input(struct xsd_dom *d)
{
	static char buf[XENSTORE_RING_SIZE];
	struct xenstore_domain_interface *r = d->ring;
	bool moved = false;

	for (int i = 0; i < XSD_ROUNDS && d->conn && xs_conn_wants_input(d->conn); i++) {
		XENSTORE_RING_IDX cons = READ_ONCE(r->req_cons), prod = READ_ONCE(r->req_prod);
		size_t off, n, used;

		if (prod - cons > XENSTORE_RING_SIZE)
			return ring_bad(d, "request ring indices out of range");
		if (prod == cons)
			break;
		rmb(); /* the index before the data */
		off = MASK_XENSTORE_IDX(cons);
		n = UK_MIN((size_t)(prod - cons), XENSTORE_RING_SIZE - off);
		memcpy(buf, r->req + off, n); /* a snapshot: the guest may rewrite the ring */
		used = xs_conn_input(d->conn, buf, n);
		mb(); /* the data was read before the slot is handed back */
		WRITE_ONCE(r->req_cons, cons + (XENSTORE_RING_IDX)used);
		if (used)
			moved = true;
		if (used && !d->heard) {
			d->heard = true;
			printf("xenstored: d%u: first request: its xenbus is connected\n",
			       d->domid);
		}
		if (used < n)
			break;
	}
	return moved;
}

/* Moves replies and watch events into the ring; true if any byte moved. */
static bool ring_output(struct xsd_dom *d)
{
	struct xenstore_domain_interface *r = d->ring;
	bool moved = false;

	for (int i = 0; i < XSD_ROUNDS && d->conn && xs_conn_output_pending(d->conn); i++) {
		XENSTORE_RING_IDX cons = READ_ONCE(r->rsp_cons), prod = READ_ONCE(r->rsp_prod);
		size_t off, space, got;

		if (prod - cons > XENSTORE_RING_SIZE)
			return ring_bad(d, "response ring indices out of range");
		space = XENSTORE_RING_SIZE - (prod - cons);
		if (!space)
			break;
		mb(); /* rsp_cons read before we overwrite the bytes it freed */
		off = MASK_XENSTORE_IDX(prod);
		got =
		    xs_conn_output(d->conn, r->rsp + off, UK_MIN(space, XENSTORE_RING_SIZE - off));
		wmb(); /* the data before the index */
		WRITE_ONCE(r->rsp_prod, prod + (XENSTORE_RING_IDX)got);
		if (!got)
			break;
		moved = true;
	}
	return moved;
}

bool xsd_ring_service(struct xsd_dom *d)
{
	bool any = false;

	for (int i = 0; i < XSD_ROUNDS; i++) {
		bool moved = false;

		if (d->conn && xs_conn_dead(d->conn)) {
			printf("xenstored: d%u: connection closed by the store\n", d->domid);
			xsd_dom_disconnect(d);
		}
		if (!d->conn || !d->ring)
			break;
		moved |= ring_input(d);
		if (d->ring)
			moved |= ring_output(d);
		if (!moved)
			break;
		any = true;
	}
	if (any && d->port)
		evtchn_notify(d->port);
	return any;
}
