/*
 * libvchan data path (the behaviour of Xen's tools/libs/vchan/io.c): two
 * rings of free-running 32-bit byte counters. Each direction has a producer
 * (the writer) and a consumer (the reader); the amount in a ring is
 * prod - cons, its size 1 << order (order copied at set-up). Notification
 * bits in the shared page say what the peer wants an event for: the reader
 * sets VCHAN_NOTIFY_WRITE in the writer's byte before it waits for data,
 * the writer VCHAN_NOTIFY_READ before it waits for room; whoever then moves
 * an index clears the bit and, if it was set, signals the event channel.
 * The server's requests sit in cli_notify, the client's in srv_notify.
 *
 * The peer shares the page and may write anything into it at any time:
 * every shared index is read once into a local, an amount above the ring
 * size counts as nothing (the stream stalls rather than going wrong), and
 * every copy offset is masked by our own order, so no access ever leaves
 * our ring buffers whatever the peer writes.
 *
 * No locking: one thread per vchan.
 */
#include <errno.h>
#include <string.h>
#include "private.h"

#define vchan_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define vchan_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define vchan_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)

static uint32_t shared_load(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void shared_store(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static uint32_t ring_size(const struct libxenvchan_ring *r)
{
	return 1U << r->order;
}

/* The byte the peer reads to know what we want to hear about, and ours. */
static uint8_t *peer_notify_byte(struct libxenvchan *ctrl)
{
	return ctrl->is_server ? &ctrl->ring->cli_notify : &ctrl->ring->srv_notify;
}

static uint8_t *own_notify_byte(struct libxenvchan *ctrl)
{
	return ctrl->is_server ? &ctrl->ring->srv_notify : &ctrl->ring->cli_notify;
}

static void request_notify(struct libxenvchan *ctrl, uint8_t bit)
{
	__atomic_fetch_or(peer_notify_byte(ctrl), bit, __ATOMIC_SEQ_CST);
	vchan_mb(); /* the request is visible before we look at the indices again */
}

/* After moving an index: signal the peer if it asked for this kind of progress. */
static int send_notify(struct libxenvchan *ctrl, uint8_t bit)
{
	uint8_t prev;

	vchan_mb(); /* the index is visible before we look at the request */
	prev = __atomic_fetch_and(own_notify_byte(ctrl), (uint8_t)~bit, __ATOMIC_SEQ_CST);
	if (prev & bit)
		return xenevtchn_notify(ctrl->event, ctrl->event_port);
	return 0;
}

/* Bytes readable now; 0 when the peer's indices make no sense. */
static uint32_t raw_data_ready(struct libxenvchan *ctrl)
{
	uint32_t ready = shared_load(&ctrl->read.shr->prod) - shared_load(&ctrl->read.shr->cons);

	vchan_mb();
	return ready > ring_size(&ctrl->read) ? 0 : ready;
}

/* Bytes writable now; 0 when the peer's indices make no sense. */
static uint32_t raw_buffer_space(struct libxenvchan *ctrl)
{
	uint32_t used = shared_load(&ctrl->write.shr->prod) - shared_load(&ctrl->write.shr->cons);

	vchan_mb();
	return used > ring_size(&ctrl->write) ? 0 : ring_size(&ctrl->write) - used;
}

/* Data ready, asking for an event first when there is less than wanted. */
static uint32_t data_ready_for(struct libxenvchan *ctrl, size_t wanted)
{
	uint32_t ready = raw_data_ready(ctrl);

	if (ready >= wanted)
		return ready;
	request_notify(ctrl, VCHAN_NOTIFY_WRITE);
	return raw_data_ready(ctrl); /* the writer may have moved before our request */
}

static uint32_t buffer_space_for(struct libxenvchan *ctrl, size_t wanted)
{
	uint32_t space = raw_buffer_space(ctrl);

	if (space >= wanted)
		return space;
	request_notify(ctrl, VCHAN_NOTIFY_READ);
	return raw_buffer_space(ctrl);
}

int libxenvchan_data_ready(struct libxenvchan *ctrl)
{
	request_notify(ctrl, VCHAN_NOTIFY_WRITE);
	return (int)raw_data_ready(ctrl);
}

int libxenvchan_buffer_space(struct libxenvchan *ctrl)
{
	request_notify(ctrl, VCHAN_NOTIFY_READ);
	return (int)raw_buffer_space(ctrl);
}

int libxenvchan_wait(struct libxenvchan *ctrl)
{
	int port = xenevtchn_pending(ctrl->event);

	if (port < 0)
		return -1;
	xenevtchn_unmask(ctrl->event, (evtchn_port_t)port);
	return 0;
}

/* Copies size (<= the room checked by the caller) bytes in at prod; size or -1. */
static int ring_put(struct libxenvchan *ctrl, const void *data, uint32_t size)
{
	uint32_t prod = shared_load(&ctrl->write.shr->prod);
	uint32_t mask = ring_size(&ctrl->write) - 1;
	uint32_t at = prod & mask;
	uint32_t first = ring_size(&ctrl->write) - at;

	if (size > ring_size(&ctrl->write))
		size = ring_size(&ctrl->write); /* never: callers check; keeps the copy in bounds */
	if (first > size)
		first = size;
	vchan_mb(); /* indices read before the data is written */
	memcpy((uint8_t *)ctrl->write.buffer + at, data, first);
	memcpy(ctrl->write.buffer, (const uint8_t *)data + first, size - first);
	vchan_wmb(); /* data written before the index moves */
	shared_store(&ctrl->write.shr->prod, prod + size);
	if (send_notify(ctrl, VCHAN_NOTIFY_WRITE))
		return -1;
	return (int)size;
}

/* Copies size (<= the data checked by the caller) bytes out at cons; size or -1. */
static int ring_get(struct libxenvchan *ctrl, void *data, uint32_t size)
{
	uint32_t cons = shared_load(&ctrl->read.shr->cons);
	uint32_t mask = ring_size(&ctrl->read) - 1;
	uint32_t at = cons & mask;
	uint32_t first = ring_size(&ctrl->read) - at;

	if (size > ring_size(&ctrl->read))
		size = ring_size(&ctrl->read);
	if (first > size)
		first = size;
	vchan_rmb(); /* indices read before the data is */
	memcpy(data, (const uint8_t *)ctrl->read.buffer + at, first);
	memcpy((uint8_t *)data + first, ctrl->read.buffer, size - first);
	vchan_mb(); /* data read before the index moves */
	shared_store(&ctrl->read.shr->cons, cons + size);
	if (send_notify(ctrl, VCHAN_NOTIFY_READ))
		return -1;
	return (int)size;
}

int libxenvchan_send(struct libxenvchan *ctrl, const void *data, size_t size)
{
	for (;;) {
		uint32_t space;

		if (!libxenvchan_is_open(ctrl))
			return -1;
		space = buffer_space_for(ctrl, size);
		if (size <= space)
			return ring_put(ctrl, data, (uint32_t)size);
		if (!ctrl->blocking)
			return 0;
		if (size > ring_size(&ctrl->write)) {
			errno = EINVAL; /* can never fit */
			return -1;
		}
		if (libxenvchan_wait(ctrl))
			return -1;
	}
}

int libxenvchan_write(struct libxenvchan *ctrl, const void *data, size_t size)
{
	size_t done = 0;

	if (size > INT32_MAX)
		size = INT32_MAX;
	for (;;) {
		uint32_t space;

		if (!libxenvchan_is_open(ctrl))
			return -1;
		space = buffer_space_for(ctrl, size - done);
		if (space > size - done)
			space = (uint32_t)(size - done);
		if (space) {
			if (ring_put(ctrl, (const uint8_t *)data + done, space) < 0)
				return -1;
			done += space;
		}
		if (done == size || !ctrl->blocking)
			return (int)done;
		if (libxenvchan_wait(ctrl))
			return -1;
	}
}

int libxenvchan_recv(struct libxenvchan *ctrl, void *data, size_t size)
{
	for (;;) {
		uint32_t ready = data_ready_for(ctrl, size);

		if (size <= ready)
			return ring_get(ctrl, data, (uint32_t)size);
		if (!libxenvchan_is_open(ctrl))
			return -1;
		if (!ctrl->blocking)
			return 0;
		if (size > ring_size(&ctrl->read)) {
			errno = EINVAL;
			return -1;
		}
		if (libxenvchan_wait(ctrl))
			return -1;
	}
}

int libxenvchan_read(struct libxenvchan *ctrl, void *data, size_t size)
{
	for (;;) {
		uint32_t ready = data_ready_for(ctrl, size);

		if (ready)
			return ring_get(ctrl, data, size < ready ? (uint32_t)size : ready);
		if (!libxenvchan_is_open(ctrl))
			return -1;
		if (!ctrl->blocking)
			return 0;
		if (libxenvchan_wait(ctrl))
			return -1;
	}
}

int libxenvchan_is_open(struct libxenvchan *ctrl)
{
	if (ctrl->is_server)
		return ctrl->server_persist
			   ? 1
			   : __atomic_load_n(&ctrl->ring->cli_live, __ATOMIC_RELAXED);
	return __atomic_load_n(&ctrl->ring->srv_live, __ATOMIC_RELAXED);
}

int libxenvchan_fd_for_select(struct libxenvchan *ctrl)
{
	return xenevtchn_fd(ctrl->event);
}
