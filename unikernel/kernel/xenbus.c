/*
 * xenbus ring transport (uk/xenbus.h): the xenstore page of this domain
 * (HVM_PARAM_STORE_PFN, a struct xenstore_domain_interface of
 * public/io/xs_wire.h) and its event channel (HVM_PARAM_STORE_EVTCHN).
 *
 * Ring protocol (Xen docs/misc/xenstore-ring.txt): two 1 KiB byte rings;
 * we produce into req (req_prod) and consume from rsp (rsp_cons); indices
 * are free-running 32-bit counters, masked with MASK_XENSTORE_IDX; the data
 * is written before the producer index (wmb), the consumer index after the
 * data was read (mb), and the other end is notified through the event
 * channel after every index update.  Indices from xenstored are checked
 * (prod - cons <= XENSTORE_RING_SIZE), a corrupt ring makes requests fail
 * with -EIO instead of reading past it.
 *
 * Threads: the event handler (interrupt context) only wakes ring_wq.  The
 * "xenbus" thread reads rsp and feeds xenbus_input(), which wakes the
 * requesters (reply_wq) and the "xenwatch" thread (watch callbacks).
 *
 * Tested end to end against the xenstore domain (dom0-tools/xenstored/
 * xenstored_uk.c) by tests/integration/xenstore-domain.sh; the message layer
 * also has host tests (tests/unit/test_xenbus.c).
 *
 * Locking: cooperative threads; send_busy keeps two senders from
 * interleaving messages when one blocks on a full ring.
 */
#include <public/hvm/params.h>
#include <uk/events.h>
#include <uk/kernel.h>
#include <uk/sched.h>
#include <uk/xenbus.h>

struct xenbus uk_xenbus;

static struct xenstore_domain_interface *ring;
static evtchn_port_t ring_port;
static struct uk_waitq ring_wq, reply_wq, watch_wq;
static int send_busy, ring_broken;

static void ring_event(evtchn_port_t port, void *data)
{
	(void)port;
	(void)data;
	waitq_wake_all(&ring_wq);
}

static void *xb_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

static void xb_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

/* Free space of the request ring, or -1 when xenstored's index is impossible. */
static int req_space(void)
{
	XENSTORE_RING_IDX cons = READ_ONCE(ring->req_cons), prod = ring->req_prod;

	if (prod - cons > XENSTORE_RING_SIZE)
		return -1;
	return (int)(XENSTORE_RING_SIZE - (prod - cons));
}

static int rsp_avail(void)
{
	XENSTORE_RING_IDX prod = READ_ONCE(ring->rsp_prod), cons = ring->rsp_cons;

	if (prod - cons > XENSTORE_RING_SIZE)
		return -1;
	return (int)(prod - cons);
}

static int xb_send(void *ctx, const void *msg, size_t len)
{
	const char *p = msg;
	int rc = 0;

	(void)ctx;
	uk_wait_event(&reply_wq, !send_busy, 0);
	send_busy = 1;
	while (len) {
		XENSTORE_RING_IDX prod;
		size_t off, n;
		int space;

		uk_wait_event(&ring_wq, ring_broken || req_space() != 0, 0);
		space = req_space();
		if (ring_broken || space < 0) {
			ring_broken = 1;
			rc = -EIO;
			goto out;
		}
		mb(); /* read req_cons before overwriting the bytes it freed */
		prod = ring->req_prod;
		off = MASK_XENSTORE_IDX(prod);
		n = XENSTORE_RING_SIZE - off; /* contiguous up to the end of the ring */
		if (n > (size_t)space)
			n = (size_t)space;
		if (n > len)
			n = len;
		memcpy(ring->req + off, p, n);
		wmb(); /* data before the index xenstored reads */
		WRITE_ONCE(ring->req_prod, prod + (XENSTORE_RING_IDX)n);
		evtchn_notify(ring_port);
		p += n;
		len -= n;
	}
out:
	send_busy = 0;
	waitq_wake_all(&reply_wq);
	return rc;
}

static int xb_wait(void *ctx, const volatile int *done)
{
	(void)ctx;
	uk_wait_event(&reply_wq, *done || ring_broken || uk_xenbus.broken, 0);
	return *done ? 0 : -EIO;
}

static void xb_wake(void *ctx)
{
	(void)ctx;
	waitq_wake_all(&reply_wq);
	waitq_wake_all(&watch_wq);
}

static const struct xenbus_transport ring_transport = {
    .alloc = xb_alloc,
    .free = xb_free,
    .send = xb_send,
    .wait = xb_wait,
    .wake = xb_wake,
};

/* The "xenbus" thread: moves rsp bytes into the message layer. */
static void reader_thread(void *arg)
{
	static char buf[XENSTORE_RING_SIZE];

	(void)arg;
	for (;;) {
		XENSTORE_RING_IDX cons;
		size_t off, n;
		int avail;

		uk_wait_event(&ring_wq, rsp_avail() != 0, 0);
		avail = rsp_avail();
		if (avail < 0) {
			printf("xenbus: xenstored's rsp indices are corrupt; ring abandoned\n");
			ring_broken = 1;
			xb_wake(NULL);
			return;
		}
		rmb(); /* index before the data */
		cons = ring->rsp_cons;
		off = MASK_XENSTORE_IDX(cons);
		n = XENSTORE_RING_SIZE - off;
		if (n > (size_t)avail)
			n = (size_t)avail;
		memcpy(buf, ring->rsp + off, n);
		mb(); /* data read before the slot is handed back */
		WRITE_ONCE(ring->rsp_cons, cons + (XENSTORE_RING_IDX)n);
		evtchn_notify(ring_port);
		if (xenbus_input(&uk_xenbus, buf, n)) {
			printf("xenbus: malformed message from xenstored; ring abandoned\n");
			ring_broken = 1;
			xb_wake(NULL);
			return;
		}
	}
}

/* The "xenwatch" thread: callbacks run here so they may issue requests. */
static void watch_thread(void *arg)
{
	(void)arg;
	for (;;) {
		uk_wait_event(&watch_wq, xenbus_events_pending(&uk_xenbus), 0);
		xenbus_run_watches(&uk_xenbus);
	}
}

int xenbus_ring_init(void)
{
	uint64_t pfn = 0, port = 0;
	long rc;

	rc = hvm_get_param(HVM_PARAM_STORE_PFN, &pfn);
	if (rc)
		return (int)rc;
	rc = hvm_get_param(HVM_PARAM_STORE_EVTCHN, &port);
	if (rc)
		return (int)rc;
	/* No store page: this domain was built without xenstore. */
	if (!pfn || pfn >= (1UL << (32 - 12)))
		return -ENODEV;
	ring = gfn_to_virt(pfn);
	ring_port = (evtchn_port_t)port;
	waitq_init(&ring_wq);
	waitq_init(&reply_wq);
	waitq_init(&watch_wq);
	xenbus_init(&uk_xenbus, &ring_transport);
	rc = evtchn_bind(ring_port, ring_event, NULL);
	if (rc)
		return (int)rc;
	if (!thread_create("xenbus", reader_thread, NULL) ||
	    !thread_create("xenwatch", watch_thread, NULL))
		return -ENOMEM;
	/* Bytes xenstored queued before we bound the port would not raise an event. */
	waitq_wake_all(&ring_wq);
	return 0;
}
