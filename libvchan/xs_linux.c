/*
 * The store access of libvchan (private.h: vchan_xs_*) in a Linux domain:
 * libxenstore (xenstore.h), one connection per call, as Xen's libxenvchan.
 * Values the store returns were written by others: numbers are parsed
 * strictly (decimal, no sign, fits in 32 bits).
 * No locking: each call has its own store handle.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>
#include "private.h"

static int read_u32(struct xs_handle *xs, const char *path, uint32_t *out)
{
	unsigned int len;
	char *val = xs_read(xs, XBT_NULL, path, &len);
	int rc;

	if (!val)
		return -1;
	rc = vchan_xs_parse_u32(val, out);
	free(val);
	return rc;
}

static int with_store(struct xs_handle **xs)
{
	*xs = xs_open(0);
	return *xs ? 0 : -1;
}

static void done_store(struct xs_handle *xs)
{
	int saved = errno;

	xs_close(xs);
	errno = saved;
}

int vchan_xs_own_domid(void)
{
	struct xs_handle *xs;
	uint32_t id;
	int rc;

	if (with_store(&xs))
		return -1;
	rc = read_u32(xs, "domid", &id);
	done_store(xs);
	if (rc)
		return -1;
	if (id >= DOMID_FIRST_RESERVED) {
		errno = EINVAL;
		return -1;
	}
	return (int)id;
}

static bool publish_key(struct xs_handle *xs, xs_transaction_t t, const char *base, const char *key,
			uint32_t value, struct xs_permissions *perms)
{
	char path[256], val[16];

	if (snprintf(path, sizeof(path), "%s/%s", base, key) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return false;
	}
	snprintf(val, sizeof(val), "%u", value);
	return xs_write(xs, t, path, val, (unsigned int)strlen(val)) &&
	       xs_set_permissions(xs, t, path, perms, 2);
}

int vchan_xs_publish(const char *base, int self, int peer, uint32_t ring_ref, uint32_t port)
{
	/* Owner self, nobody else but peer, which may read. */
	struct xs_permissions perms[2] = {{(unsigned int)self, XS_PERM_NONE},
					  {(unsigned int)peer, XS_PERM_READ}};
	struct xs_handle *xs;
	int rc = -1;

	if (with_store(&xs))
		return -1;
	for (;;) {
		xs_transaction_t t = xs_transaction_start(xs);

		if (!t)
			break;
		if (!publish_key(xs, t, base, "ring-ref", ring_ref, perms) ||
		    !publish_key(xs, t, base, "event-channel", port, perms)) {
			int saved = errno;

			xs_transaction_end(xs, t, true);
			errno = saved;
			break;
		}
		if (xs_transaction_end(xs, t, false)) {
			rc = 0;
			break;
		}
		if (errno != EAGAIN)
			break;
	}
	done_store(xs);
	return rc;
}

int vchan_xs_lookup(const char *base, uint32_t *ring_ref, uint32_t *port)
{
	struct xs_handle *xs;
	char path[256];
	int rc = -1;

	if (snprintf(path, sizeof(path), "%s/ring-ref", base) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (with_store(&xs))
		return -1;
	if (!read_u32(xs, path, ring_ref)) {
		snprintf(path, sizeof(path), "%s/event-channel", base);
		rc = read_u32(xs, path, port);
	}
	done_store(xs);
	return rc;
}

void vchan_xs_remove(const char *base)
{
	struct xs_handle *xs;

	if (with_store(&xs))
		return;
	xs_rm(xs, XBT_NULL, base);
	done_store(xs);
}
