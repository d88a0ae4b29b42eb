/*
 * The store access of libvchan (private.h: vchan_xs_*) in the unikernel:
 * its xenbus client over the xenstore ring (uk_xenbus), which the
 * application has set up with xenbus_ring_init() before the first vchan.
 * Values the store returns were written by others: numbers are parsed
 * strictly (decimal, no sign, fits in 32 bits).
 * No locking: cooperative threads, one request at a time per thread.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "private.h"
#include <uk/xenbus.h>

static struct xenbus *vchan_xenbus(void)
{
	if (!uk_xenbus.t) {
		errno = ENODEV; /* xenbus_ring_init() was not called */
		return NULL;
	}
	return &uk_xenbus;
}

static int fail(long rc)
{
	errno = rc < 0 ? (int)-rc : EIO;
	return -1;
}

static int read_u32(struct xenbus *xb, const char *path, uint32_t *out)
{
	char buf[16];
	long rc = xenbus_read(xb, XBT_NIL, path, buf, sizeof(buf));

	if (rc < 0)
		return fail(rc);
	return vchan_xs_parse_u32(buf, out);
}

int vchan_xs_own_domid(void)
{
	struct xenbus *xb = vchan_xenbus();
	uint32_t id;

	if (!xb)
		return -1;
	if (read_u32(xb, "domid", &id))
		return -1;
	if (id >= DOMID_FIRST_RESERVED) {
		errno = EINVAL;
		return -1;
	}
	return (int)id;
}

struct publish_args {
	const char *base;
	int self, peer;
	uint32_t ring_ref, port;
};

/* XS_SET_PERMS path: owner self with no access for others, read for peer. */
static int set_perms(struct xenbus *xb, xenbus_tx_t tx, const char *path, int self, int peer)
{
	char msg[256], owner[16], reader[16];
	size_t lp = strlen(path) + 1, lo, lr;

	snprintf(owner, sizeof(owner), "n%d", self);
	snprintf(reader, sizeof(reader), "r%d", peer);
	lo = strlen(owner) + 1;
	lr = strlen(reader) + 1;
	if (lp + lo + lr > sizeof(msg))
		return -ENAMETOOLONG;
	memcpy(msg, path, lp);
	memcpy(msg + lp, owner, lo);
	memcpy(msg + lp + lo, reader, lr);
	return xenbus_request(xb, XS_SET_PERMS, tx, msg, (uint32_t)(lp + lo + lr), NULL, NULL);
}

static int publish_key(struct xenbus *xb, xenbus_tx_t tx, const struct publish_args *a,
		       const char *key, uint32_t value)
{
	char path[256], val[16];
	int rc;

	if (snprintf(path, sizeof(path), "%s/%s", a->base, key) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	snprintf(val, sizeof(val), "%u", value);
	rc = xenbus_write(xb, tx, path, val);
	return rc ? rc : set_perms(xb, tx, path, a->self, a->peer);
}

static int publish_tx(struct xenbus *xb, xenbus_tx_t tx, void *arg)
{
	const struct publish_args *a = arg;
	int rc = publish_key(xb, tx, a, "ring-ref", a->ring_ref);

	return rc ? rc : publish_key(xb, tx, a, "event-channel", a->port);
}

int vchan_xs_publish(const char *base, int self, int peer, uint32_t ring_ref, uint32_t port)
{
	struct xenbus *xb = vchan_xenbus();
	struct publish_args a = {base, self, peer, ring_ref, port};
	int rc;

	if (!xb)
		return -1;
	rc = xenbus_transaction_run(xb, publish_tx, &a);
	return rc < 0 ? fail(rc) : 0;
}

int vchan_xs_lookup(const char *base, uint32_t *ring_ref, uint32_t *port)
{
	struct xenbus *xb = vchan_xenbus();
	char path[256];

	if (!xb)
		return -1;
	if (snprintf(path, sizeof(path), "%s/ring-ref", base) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (read_u32(xb, path, ring_ref))
		return -1;
	snprintf(path, sizeof(path), "%s/event-channel", base);
	return read_u32(xb, path, port);
}

void vchan_xs_remove(const char *base)
{
	struct xenbus *xb = vchan_xenbus();

	if (xb)
		xenbus_rm(xb, XBT_NIL, base);
}
