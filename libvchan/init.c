/*
 * libvchan set-up and tear-down (the protocol of Xen's
 * tools/libs/vchan/init.c):
 *  - server: binds an unbound port for the client's domain, shares the
 *    control page (unmap notification: srv_live zeroed and the port
 *    signalled when it goes) and, for rings above order 11, their pages
 *    (grant references in grants[], the left ring's first), marks
 *    cli_live = 2 (not yet connected), srv_live = 1, cli_notify = WRITE,
 *    and publishes <path>/ring-ref and <path>/event-channel for the client;
 *  - client: reads both keys, binds the port, maps the control page (unmap
 *    notification on cli_live) and checks the server's orders before it
 *    maps the ring pages, then sets cli_live = 1, srv_notify = WRITE and
 *    signals the server.
 * The server reads the left ring and writes the right one; the client the
 * opposite. The orders are copied once: later writes by the peer to the
 * page cannot change the sizes we use.
 *
 * No locking: one thread per vchan.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "private.h"

static int order_for(size_t min)
{
	int order = VCHAN_PAGE_SHIFT;

	while (min > (1UL << order))
		order++;
	return order;
}

/* Pages a ring of this order needs beyond the control page. */
static uint32_t ring_pages(int order)
{
	return order >= VCHAN_PAGE_SHIFT ? 1U << (order - VCHAN_PAGE_SHIFT) : 0;
}

/* The in-page place of a small ring, or NULL for a ring with its own pages. */
static void *in_page_buffer(struct libxenvchan *ctrl, int order)
{
	if (order == VCHAN_SMALL_ORDER)
		return (uint8_t *)ctrl->ring + VCHAN_SMALL_OFFSET;
	if (order == VCHAN_LARGE_ORDER)
		return (uint8_t *)ctrl->ring + VCHAN_LARGE_OFFSET;
	return NULL;
}

/* Chooses the orders as Xen's server does: in-page rings whenever they fit. */
static void server_orders(struct libxenvchan *ctrl, size_t left_min, size_t right_min)
{
	ctrl->read.order = order_for(left_min);
	ctrl->write.order = order_for(right_min);
	if (left_min <= (1U << VCHAN_SMALL_ORDER) && right_min <= (1U << VCHAN_LARGE_ORDER)) {
		ctrl->read.order = VCHAN_SMALL_ORDER;
		ctrl->write.order = VCHAN_LARGE_ORDER;
	} else if (left_min <= (1U << VCHAN_LARGE_ORDER) &&
		   right_min <= (1U << VCHAN_SMALL_ORDER)) {
		ctrl->read.order = VCHAN_LARGE_ORDER;
		ctrl->write.order = VCHAN_SMALL_ORDER;
	} else if (left_min <= (1U << VCHAN_LARGE_ORDER)) {
		ctrl->read.order = VCHAN_LARGE_ORDER;
	} else if (right_min <= (1U << VCHAN_LARGE_ORDER)) {
		ctrl->write.order = VCHAN_LARGE_ORDER;
	}
}

static int server_share(struct libxenvchan *ctrl, int domain, uint32_t *ring_ref)
{
	uint32_t left = ring_pages(ctrl->read.order), right = ring_pages(ctrl->write.order);

	ctrl->ring = xengntshr_share_page_notify(ctrl->gntshr, (uint32_t)domain, ring_ref, 1,
						 offsetof(struct vchan_interface, srv_live),
						 ctrl->event_port);
	if (!ctrl->ring)
		return -1;
	memset(ctrl->ring, 0, VCHAN_PAGE_SIZE);
	ctrl->read.shr = &ctrl->ring->left;
	ctrl->write.shr = &ctrl->ring->right;
	ctrl->ring->left_order = (uint16_t)ctrl->read.order;
	ctrl->ring->right_order = (uint16_t)ctrl->write.order;
	ctrl->read.buffer = in_page_buffer(ctrl, ctrl->read.order);
	if (!ctrl->read.buffer) {
		ctrl->read.buffer = xengntshr_share_pages(ctrl->gntshr, (uint32_t)domain, (int)left,
							  ctrl->ring->grants, 1);
		if (!ctrl->read.buffer)
			return -1;
	}
	ctrl->write.buffer = in_page_buffer(ctrl, ctrl->write.order);
	if (!ctrl->write.buffer) {
		ctrl->write.buffer = xengntshr_share_pages(
		    ctrl->gntshr, (uint32_t)domain, (int)right, ctrl->ring->grants + left, 1);
		if (!ctrl->write.buffer)
			return -1;
	}
	ctrl->ring->cli_live = 2;
	ctrl->ring->srv_live = 1;
	ctrl->ring->cli_notify = VCHAN_NOTIFY_WRITE;
	return 0;
}

static struct libxenvchan *vchan_new(int is_server)
{
	struct libxenvchan *ctrl = calloc(1, sizeof(*ctrl));

	if (!ctrl) {
		errno = ENOMEM;
		return NULL;
	}
	ctrl->is_server = is_server ? 1 : 0;
	return ctrl;
}

struct libxenvchan *libxenvchan_server_init(struct xentoollog_logger *logger, int domain,
					    const char *xs_path, size_t read_min, size_t write_min)
{
	struct libxenvchan *ctrl;
	uint32_t ring_ref = 0;
	int port, self;

	if (read_min > (1U << VCHAN_MAX_ORDER) || write_min > (1U << VCHAN_MAX_ORDER) ||
	    domain < 0 || (unsigned int)domain >= DOMID_FIRST_RESERVED || !xs_path) {
		errno = EINVAL;
		return NULL;
	}
	ctrl = vchan_new(1);
	if (!ctrl)
		return NULL;
	server_orders(ctrl, read_min, write_min);
	ctrl->xs_path = malloc(strlen(xs_path) + 1);
	if (ctrl->xs_path)
		memcpy(ctrl->xs_path, xs_path, strlen(xs_path) + 1);
	ctrl->gntshr = xengntshr_open(logger, 0);
	ctrl->event = xenevtchn_open(logger, 0);
	if (!ctrl->xs_path || !ctrl->gntshr || !ctrl->event)
		goto fail;
	port = xenevtchn_bind_unbound_port(ctrl->event, (uint32_t)domain);
	if (port < 0)
		goto fail;
	ctrl->event_port = (uint32_t)port;
	if (xenevtchn_unmask(ctrl->event, ctrl->event_port) ||
	    server_share(ctrl, domain, &ring_ref))
		goto fail;
	self = vchan_xs_own_domid();
	if (self < 0 || vchan_xs_publish(xs_path, self, domain, ring_ref, ctrl->event_port))
		goto fail;
	return ctrl;

fail:
	libxenvchan_close(ctrl);
	return NULL;
}

/* A hostile server's orders: sizes out of range, or rings that overlap in the page. */
static int client_orders_ok(int wr, int rd)
{
	uint32_t grants_end, first_in_page = VCHAN_PAGE_SIZE;

	if (wr < VCHAN_SMALL_ORDER || wr > VCHAN_MAX_ORDER || rd < VCHAN_SMALL_ORDER ||
	    rd > VCHAN_MAX_ORDER)
		return 0;
	grants_end = offsetof(struct vchan_interface, grants) +
		     (ring_pages(wr) + ring_pages(rd)) * sizeof(uint32_t);
	if (wr == rd && wr < VCHAN_PAGE_SHIFT)
		return 0; /* both in the same place of the page */
	if (wr == VCHAN_SMALL_ORDER || rd == VCHAN_SMALL_ORDER)
		first_in_page = VCHAN_SMALL_OFFSET;
	else if (wr == VCHAN_LARGE_ORDER || rd == VCHAN_LARGE_ORDER)
		first_in_page = VCHAN_LARGE_OFFSET;
	return grants_end <= first_in_page;
}

static int client_map(struct libxenvchan *ctrl, int domain, uint32_t ring_ref)
{
	uint32_t grants[2 << (VCHAN_MAX_ORDER - VCHAN_PAGE_SHIFT)];
	uint32_t left, right;

	ctrl->ring = xengnttab_map_grant_ref_notify(
	    ctrl->gnttab, (uint32_t)domain, ring_ref, PROT_READ | PROT_WRITE,
	    offsetof(struct vchan_interface, cli_live), ctrl->event_port);
	if (!ctrl->ring)
		return -1;
	ctrl->write.order = __atomic_load_n(&ctrl->ring->left_order, __ATOMIC_RELAXED);
	ctrl->read.order = __atomic_load_n(&ctrl->ring->right_order, __ATOMIC_RELAXED);
	ctrl->write.shr = &ctrl->ring->left;
	ctrl->read.shr = &ctrl->ring->right;
	if (!client_orders_ok(ctrl->write.order, ctrl->read.order)) {
		ctrl->write.order = ctrl->read.order = 0;
		errno = EINVAL;
		return -1;
	}
	left = ring_pages(ctrl->write.order);
	right = ring_pages(ctrl->read.order);
	/* One copy of the references: the server cannot change them between two uses. */
	memcpy(grants, ctrl->ring->grants, (left + right) * sizeof(uint32_t));
	ctrl->write.buffer = in_page_buffer(ctrl, ctrl->write.order);
	if (!ctrl->write.buffer) {
		ctrl->write.buffer = xengnttab_map_domain_grant_refs(
		    ctrl->gnttab, left, (uint32_t)domain, grants, PROT_READ | PROT_WRITE);
		if (!ctrl->write.buffer) {
			ctrl->write.order = 0; /* nothing of its own to unmap */
			return -1;
		}
	}
	ctrl->read.buffer = in_page_buffer(ctrl, ctrl->read.order);
	if (!ctrl->read.buffer) {
		ctrl->read.buffer = xengnttab_map_domain_grant_refs(
		    ctrl->gnttab, right, (uint32_t)domain, grants + left, PROT_READ);
		if (!ctrl->read.buffer) {
			ctrl->read.order = 0;
			return -1;
		}
	}
	return 0;
}

struct libxenvchan *libxenvchan_client_init(struct xentoollog_logger *logger, int domain,
					    const char *xs_path)
{
	struct libxenvchan *ctrl;
	uint32_t ring_ref, port;
	int local;

	if (domain < 0 || (unsigned int)domain >= DOMID_FIRST_RESERVED || !xs_path) {
		errno = EINVAL;
		return NULL;
	}
	ctrl = vchan_new(0);
	if (!ctrl)
		return NULL;
	if (vchan_xs_lookup(xs_path, &ring_ref, &port))
		goto fail;
	if (!ring_ref || !port) {
		errno = EINVAL;
		goto fail;
	}
	ctrl->gnttab = xengnttab_open(logger, 0);
	ctrl->event = xenevtchn_open(logger, 0);
	if (!ctrl->gnttab || !ctrl->event)
		goto fail;
	local = xenevtchn_bind_interdomain(ctrl->event, (uint32_t)domain, port);
	if (local < 0)
		goto fail;
	ctrl->event_port = (uint32_t)local;
	if (xenevtchn_unmask(ctrl->event, ctrl->event_port) || client_map(ctrl, domain, ring_ref))
		goto fail;
	ctrl->ring->cli_live = 1;
	ctrl->ring->srv_notify = VCHAN_NOTIFY_WRITE;
	xenevtchn_notify(ctrl->event, ctrl->event_port);
	return ctrl;

fail:
	libxenvchan_close(ctrl);
	return NULL;
}

void libxenvchan_close(struct libxenvchan *ctrl)
{
	int saved = errno;

	if (!ctrl)
		return;
	if (ctrl->ring) {
		uint32_t left = ring_pages(ctrl->read.order), right = ring_pages(ctrl->write.order);

		if (ctrl->is_server) {
			if (left && ctrl->read.buffer)
				xengntshr_unshare(ctrl->gntshr, ctrl->read.buffer, left);
			if (right && ctrl->write.buffer)
				xengntshr_unshare(ctrl->gntshr, ctrl->write.buffer, right);
			ctrl->ring->srv_live = 0;
			xengntshr_unshare(ctrl->gntshr, ctrl->ring, 1);
		} else {
			if (left && ctrl->read.buffer)
				xengnttab_unmap(ctrl->gnttab, ctrl->read.buffer, left);
			if (right && ctrl->write.buffer)
				xengnttab_unmap(ctrl->gnttab, ctrl->write.buffer, right);
			ctrl->ring->cli_live = 0;
			xengnttab_unmap(ctrl->gnttab, ctrl->ring, 1);
		}
	}
	if (ctrl->event) {
		if (ctrl->ring)
			xenevtchn_notify(ctrl->event, ctrl->event_port);
		xenevtchn_close(ctrl->event);
	}
	if (ctrl->is_server) {
		xengntshr_close(ctrl->gntshr);
		if (ctrl->xs_path)
			vchan_xs_remove(ctrl->xs_path);
	} else {
		xengnttab_close(ctrl->gnttab);
	}
	free(ctrl->xs_path);
	free(ctrl);
	errno = saved;
}
