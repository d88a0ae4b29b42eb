/*
 * libFuzzer harness over the xenstored core (dom0-tools/xenstored/): the
 * message parser, the request handlers and the transaction engine, driven by
 * a script of steps over four fake connections (dom0, domains 1 and 2, and a
 * second tool connection).  Each step is one of: raw bytes into a connection
 * (framing, oversize headers, garbage), a well-formed request built from a
 * small dictionary of paths, tokens, permissions and numbers (so the
 * handlers and transactions get deep coverage), draining some or all output,
 * or releasing a domain.  Dead connections are destroyed and reopened.
 *
 * Checked: no crash or sanitizer report; every output message has a known
 * type and len <= XENSTORE_PAYLOAD_MAX; replies echo a request id; after the
 * store is consistent after every step (xs_store_check: children lists,
 * parents, owner counts); after the store is destroyed the allocator has nothing live (no leak).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <public/io/xs_wire.h>
#include "xs_core.h"

#define NCONN 4

static long live;

static void *f_alloc(void *ctx, size_t n)
{
	void *p = malloc(n);

	if (p)
		live++;
	return p;
}

static void f_free(void *ctx, void *p)
{
	live--;
	free(p);
}

static const char *const dict[] = {
    "/",
    "/a",
    "/a/b",
    "/a/b/c",
    "/local",
    "/local/domain",
    "/local/domain/1",
    "/local/domain/2",
    "/local/domain/1/x",
    "/local/domain/2/y",
    "x",
    "y/z",
    "device/vif/0",
    "@introduceDomain",
    "@releaseDomain",
    "@other",
    "//bad",
    "/bad/",
    "",
    "tok",
    "T",
    "F",
    "0",
    "1",
    "2",
    "3",
    "17",
    "4096",
    "n0",
    "r1",
    "w2",
    "b1",
    "n1",
    "b2",
    "q",
    "/a/b/c/d/e/f/g",
    "-1",
    "99999999999999999999",
};

struct fz {
	const uint8_t *p;
	size_t n;
};

static unsigned int take(struct fz *f)
{
	if (!f->n)
		return 0;
	f->n--;
	return *f->p++;
}

struct conn {
	struct xs_conn *c;
	uint32_t domid;
	uint32_t tx; /* last transaction id seen in a TRANSACTION_START reply */
};

static void check_out(struct conn *k, size_t max)
{
	static uint8_t buf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];

	while (max-- && xs_conn_output_pending(k->c) >= sizeof(struct xsd_sockmsg)) {
		struct xsd_sockmsg *h = (struct xsd_sockmsg *)buf;

		if (xs_conn_output(k->c, h, sizeof(*h)) != sizeof(*h))
			abort();
		if (h->len > XENSTORE_PAYLOAD_MAX || h->type >= XS_TYPE_COUNT ||
		    h->type == XS_CONTROL)
			abort();
		if (xs_conn_output(k->c, buf + sizeof(*h), h->len) != h->len)
			abort();
		if (h->type == XS_TRANSACTION_START && h->len)
			k->tx = (uint32_t)strtoul((char *)buf + sizeof(*h), NULL, 10);
	}
}

static void open_conn(struct xs_store *s, struct conn *k, unsigned int i)
{
	static const uint32_t domids[NCONN] = {0, 1, 2, 0};

	k->domid = domids[i];
	k->tx = 0;
	k->c = xs_conn_create(s, k->domid, false, NULL);
	if (!k->c)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct xs_ops ops = {.alloc = f_alloc, .free = f_free};
	static const struct xs_quota q = {.nodes_per_domain = 16,
					  .watches_per_domain = 4,
					  .transactions_per_conn = 3,
					  .outstanding = 6,
					  .trans_nodes = 24,
					  .memory_per_domain = 12000,
					  .outq_events = 12,
					  .outq_events_priv = 20};
	struct fz f = {data, size};
	struct conn k[NCONN];
	struct xs_store *s;
	static uint8_t msg[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX + 8];
	unsigned int steps = 0;

	live = 0;
	s = xs_store_create(&ops, &q);
	if (!s)
		abort();
	for (unsigned int i = 0; i < NCONN; i++)
		open_conn(s, &k[i], i);
	while (f.n && steps++ < 512) {
		unsigned int op = take(&f), ci = op & 3, kind = (op >> 2) & 7;
		struct conn *kc = &k[ci];
		struct xsd_sockmsg *h = (struct xsd_sockmsg *)msg;
		uint32_t len = 0;

		switch (kind) {
		case 0: { /* raw bytes */
			size_t n = take(&f);

			if (n > f.n)
				n = f.n;
			xs_conn_input(kc->c, f.p, n);
			f.p += n;
			f.n -= n;
			break;
		}
		case 6:
			check_out(kc, (size_t)-1);
			break;
		case 7:
			if (op & 0x80)
				xs_domain_release(s, take(&f) % 4);
			else
				check_out(kc, take(&f) % 4);
			break;
		default: { /* a request from the dictionary */
			unsigned int t = take(&f), sel = take(&f), nargs = take(&f);
			bool nonul = nargs & 0x80;

			h->type = t % (XS_TYPE_COUNT + 1);
			h->req_id = steps;
			h->tx_id = (sel & 3) == 1 ? kc->tx : (sel & 3) == 2 ? (sel >> 2) : 0;
			for (unsigned int a = 0; a < (nargs & 7) % 5; a++) {
				unsigned int d = take(&f);
				const char *str = dict[d % (sizeof(dict) / sizeof(dict[0]))];
				size_t l = strlen(str) + 1;

				if (d >= 0xf0) { /* a long value */
					l = (size_t)(d - 0xf0) * 300 + 1;
					if (len + l > XENSTORE_PAYLOAD_MAX)
						break;
					memset(msg + sizeof(*h) + len, 'v', l - 1);
					msg[sizeof(*h) + len + l - 1] = '\0';
				} else {
					memcpy(msg + sizeof(*h) + len, str, l);
				}
				len += (uint32_t)l;
			}
			if (nonul && len)
				len--;
			h->len = len;
			xs_conn_input(kc->c, msg, sizeof(*h) + len);
			break;
		}
		}
		if (xs_store_check(s)) {
			fprintf(stderr, "fuzz-xenstored: store inconsistent after step %u\n",
				steps);
			abort();
		}
		for (unsigned int i = 0; i < NCONN; i++) {
			if (xs_conn_dead(k[i].c)) {
				xs_conn_destroy(k[i].c);
				open_conn(s, &k[i], i);
			}
		}
	}
	for (unsigned int i = 0; i < NCONN; i++)
		if (!xs_conn_dead(k[i].c))
			check_out(&k[i], (size_t)-1);
	xs_store_destroy(s);
	if (live != 0) {
		fprintf(stderr, "fuzz-xenstored: %ld allocations left after xs_store_destroy\n",
			live);
		abort();
	}
	return 0;
}
