/*
 * libvchan (libvchan/): the ring arithmetic of io.c and the
 * set-up of init.c, with both ends in this process over the real
 * libxengnttab core (its argument checks: suite tools_gnttab) and fake
 * backends: the fake gntshr backend hands out exact-size pages under
 * references, the fake gnttab backend maps a reference to the same memory,
 * the fake event channel
 * counts notifications, the fake store keeps the two keys. Hostile peers
 * are played by writing the shared page directly; ASan checks that no
 * access leaves the ring buffers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "gnttab/private.h"
#include "private.h" /* libvchan/private.h (-Ilibvchan) */
#include "unit.h"

UNIT_SUITE(vchan);
UNIT_SUITE(tools_gnttab);

/* ---- fake grant backend (under the real core): ref i -> ref_pages[i] ---- */
#define FAKE_REFS 64
static void *ref_pages[FAKE_REFS];
static unsigned int ref_count[FAKE_REFS];
static unsigned int next_ref = 1, live_shares, live_maps, backend_calls;
static uint32_t last_count, last_domids[8], last_refs[8];
static int last_writable;
static struct xgt_notify last_notify;

int xengntshr_osdep_open(xengntshr_handle *xgs)
{
	xgs->fd = 4;
	return 0;
}
void xengntshr_osdep_close(xengntshr_handle *xgs)
{
	(void)xgs;
}
void *xengntshr_osdep_share(xengntshr_handle *xgs, uint32_t domid, uint32_t count, uint32_t *refs,
			    int writable, const struct xgt_notify *notify)
{
	void *p = aligned_alloc(4096, count * 4096);

	(void)xgs;
	CU_ASSERT_FATAL(p && next_ref + count <= FAKE_REFS);
	memset(p, 0, count * 4096);
	for (uint32_t i = 0; i < count; i++) {
		refs[i] = next_ref;
		ref_pages[next_ref] = (uint8_t *)p + i * 4096;
		ref_count[next_ref++] = count - i;
	}
	backend_calls++;
	last_count = count;
	last_domids[0] = domid;
	last_writable = writable;
	last_notify = *notify;
	live_shares++;
	return p;
}
int xengntshr_osdep_unshare(xengntshr_handle *xgs, void *addr, uint32_t count)
{
	(void)xgs, (void)count;
	free(addr);
	live_shares--;
	return 0;
}
int xengnttab_osdep_open(xengnttab_handle *xgt)
{
	xgt->fd = 3;
	return 0;
}
void xengnttab_osdep_close(xengnttab_handle *xgt)
{
	(void)xgt;
}
/* Consecutive references of one share map to its memory (as the server shares them). */
void *xengnttab_osdep_map(xengnttab_handle *xgt, uint32_t count, const uint32_t *domids,
			  const uint32_t *refs, int writable, const struct xgt_notify *notify)
{
	(void)xgt;
	backend_calls++;
	last_count = count;
	for (uint32_t i = 0; i < count && i < 8; i++) {
		last_domids[i] = domids[i];
		last_refs[i] = refs[i];
	}
	last_writable = writable;
	last_notify = *notify;
	if (refs[0] == 0 || refs[0] >= FAKE_REFS || !ref_pages[refs[0]] ||
	    ref_count[refs[0]] < count) {
		errno = EINVAL;
		return NULL;
	}
	for (uint32_t i = 1; i < count; i++)
		if (refs[i] != refs[0] + i) {
			errno = EINVAL;
			return NULL;
		}
	live_maps++;
	return ref_pages[refs[0]];
}
int xengnttab_osdep_unmap(xengnttab_handle *xgt, void *addr, uint32_t count)
{
	(void)xgt, (void)addr, (void)count;
	backend_calls++;
	live_maps--;
	return 0;
}
int xengnttab_osdep_set_max_grants(xengnttab_handle *xgt, uint32_t nr)
{
	(void)xgt, (void)nr;
	return 0;
}

/* ---- fake event channel ---- */
struct xenevtchn_handle {
	int unused;
};
static struct xenevtchn_handle fake_evtchn;
static unsigned int notifies, pendings;

xenevtchn_handle *xenevtchn_open(xentoollog_logger *l, unsigned f)
{
	(void)l, (void)f;
	return &fake_evtchn;
}
int xenevtchn_close(xenevtchn_handle *x)
{
	(void)x;
	return 0;
}
int xenevtchn_fd(xenevtchn_handle *x)
{
	(void)x;
	return -1;
}
int xenevtchn_notify(xenevtchn_handle *x, evtchn_port_t p)
{
	(void)x, (void)p;
	notifies++;
	return 0;
}
xenevtchn_port_or_error_t xenevtchn_bind_unbound_port(xenevtchn_handle *x, uint32_t d)
{
	(void)x, (void)d;
	return 7;
}
xenevtchn_port_or_error_t xenevtchn_bind_interdomain(xenevtchn_handle *x, uint32_t d,
						     evtchn_port_t p)
{
	(void)x, (void)d;
	return p == 7 ? 9 : -1;
}
int xenevtchn_unbind(xenevtchn_handle *x, evtchn_port_t p)
{
	(void)x, (void)p;
	return 0;
}
/* Nothing will ever come: a blocking call that would wait fails instead. */
xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle *x)
{
	(void)x;
	pendings++;
	errno = EINTR;
	return -1;
}
int xenevtchn_unmask(xenevtchn_handle *x, evtchn_port_t p)
{
	(void)x, (void)p;
	return 0;
}

/* ---- fake store ---- */
static uint32_t xs_ring_ref, xs_port;
static int xs_published;

int vchan_xs_own_domid(void)
{
	return 2;
}
int vchan_xs_publish(const char *base, int self, int peer, uint32_t ring_ref, uint32_t port)
{
	CU_ASSERT_STRING_EQUAL(base, "/local/domain/2/data/v");
	CU_ASSERT_EQUAL(self, 2);
	CU_ASSERT_EQUAL(peer, 3);
	xs_ring_ref = ring_ref;
	xs_port = port;
	xs_published = 1;
	return 0;
}
int vchan_xs_lookup(const char *base, uint32_t *ring_ref, uint32_t *port)
{
	(void)base;
	if (!xs_published) {
		errno = ENOENT;
		return -1;
	}
	*ring_ref = xs_ring_ref;
	*port = xs_port;
	return 0;
}
void vchan_xs_remove(const char *base)
{
	(void)base;
	xs_published = 0;
}

/* ---- helpers ---- */
static struct libxenvchan *srv, *cli;

static void pair(size_t read_min, size_t write_min)
{
	srv = libxenvchan_server_init(NULL, 3, "/local/domain/2/data/v", read_min, write_min);
	CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
	CU_ASSERT_EQUAL(libxenvchan_is_open(srv), 2);
	cli = libxenvchan_client_init(NULL, 2, "/local/domain/2/data/v");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cli);
	CU_ASSERT_EQUAL(libxenvchan_is_open(srv), 1);
	CU_ASSERT_EQUAL(libxenvchan_is_open(cli), 1);
}

static void unpair(void)
{
	libxenvchan_close(cli);
	libxenvchan_close(srv);
	cli = srv = NULL;
	CU_ASSERT_EQUAL(live_maps, 0);
	CU_ASSERT_EQUAL(live_shares, 0);
	CU_ASSERT_EQUAL(xs_published, 0);
}

static void fill(uint8_t *b, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 8));
}

/* ---- tests ---- */

UNIT_TEST(vchan, small_requests_use_the_in_page_rings_as_xen_lays_them_out)
{
	pair(1000, 2000);
	CU_ASSERT_EQUAL(srv->read.order, 10);
	CU_ASSERT_EQUAL(srv->write.order, 11);
	CU_ASSERT_EQUAL(srv->ring->left_order, 10);
	CU_ASSERT_EQUAL(srv->ring->right_order, 11);
	CU_ASSERT_PTR_EQUAL(srv->read.buffer, (uint8_t *)srv->ring + 1024);
	CU_ASSERT_PTR_EQUAL(srv->write.buffer, (uint8_t *)srv->ring + 2048);
	/* The client writes the left ring, reads the right one. */
	CU_ASSERT_EQUAL(cli->write.order, 10);
	CU_ASSERT_EQUAL(cli->read.order, 11);
	CU_ASSERT_EQUAL(srv->ring->cli_live, 1);
	CU_ASSERT_EQUAL(srv->ring->srv_live, 1);
	CU_ASSERT_EQUAL(srv->ring->srv_notify, VCHAN_NOTIFY_WRITE);
	unpair();
}

UNIT_TEST(vchan, large_rings_get_their_own_pages_left_grants_first)
{
	pair(16384, 8192);
	CU_ASSERT_EQUAL(srv->read.order, 14);
	CU_ASSERT_EQUAL(srv->write.order, 13);
	CU_ASSERT_EQUAL(srv->ring->grants[0] + 4, srv->ring->grants[4]);
	CU_ASSERT_PTR_EQUAL(cli->write.buffer, srv->read.buffer);
	CU_ASSERT_PTR_EQUAL(cli->read.buffer, srv->write.buffer);
	unpair();
	/* Over 1 MiB is refused, as Xen's. */
	CU_ASSERT_PTR_NULL(libxenvchan_server_init(NULL, 3, "/local/domain/2/data/v", 1 << 21, 1));
}

UNIT_TEST(vchan, bytes_cross_the_end_of_the_ring_intact)
{
	uint8_t out[1024], in[1024];

	pair(1024, 1024);
	for (unsigned int round = 0; round < 20; round++) {
		size_t n = 300 + round * 37;

		fill(out, n, round);
		CU_ASSERT_EQUAL(libxenvchan_send(cli, out, n), (int)n);
		CU_ASSERT_EQUAL(libxenvchan_data_ready(srv), (int)n);
		memset(in, 0, sizeof(in));
		CU_ASSERT_EQUAL(libxenvchan_recv(srv, in, n), (int)n);
		CU_ASSERT_EQUAL(memcmp(in, out, n), 0);
	}
	CU_ASSERT(cli->ring->left.prod > 1024 * 5); /* wrapped several times */
	unpair();
}

UNIT_TEST(vchan, free_running_counters_wrap_at_two_to_the_32)
{
	uint8_t out[900], in[900];

	pair(1024, 1024);
	srv->ring->left.prod = srv->ring->left.cons = 0xffffff00u;
	fill(out, sizeof(out), 1);
	CU_ASSERT_EQUAL(libxenvchan_send(cli, out, sizeof(out)), (int)sizeof(out));
	CU_ASSERT_EQUAL(srv->ring->left.prod, 0xffffff00u + 900);
	CU_ASSERT_EQUAL(libxenvchan_recv(srv, in, sizeof(in)), (int)sizeof(in));
	CU_ASSERT_EQUAL(memcmp(in, out, sizeof(in)), 0);
	unpair();
}

UNIT_TEST(vchan, partial_reads_and_writes_take_what_there_is)
{
	uint8_t out[2048], in[2048];

	pair(1024, 1024);
	fill(out, sizeof(out), 2);
	/* write: as much as fits (non-blocking), send: all or nothing. */
	CU_ASSERT_EQUAL(libxenvchan_write(cli, out, 1500), 1024);
	CU_ASSERT_EQUAL(libxenvchan_buffer_space(cli), 0);
	CU_ASSERT_EQUAL(libxenvchan_write(cli, out, 10), 0);
	CU_ASSERT_EQUAL(libxenvchan_send(cli, out, 1), 0);
	/* read: what is there; recv: exactly size or nothing, leaving the data. */
	CU_ASSERT_EQUAL(libxenvchan_read(srv, in, 100), 100);
	CU_ASSERT_EQUAL(libxenvchan_recv(srv, in + 100, 1000), 0);
	CU_ASSERT_EQUAL(libxenvchan_data_ready(srv), 924);
	CU_ASSERT_EQUAL(libxenvchan_read(srv, in + 100, 2000), 924);
	CU_ASSERT_EQUAL(memcmp(in, out, 1024), 0);
	CU_ASSERT_EQUAL(libxenvchan_read(srv, in, 10), 0);
	CU_ASSERT_EQUAL(libxenvchan_buffer_space(cli), 1024);
	unpair();
}

UNIT_TEST(vchan, the_writer_signals_only_a_reader_that_asked)
{
	uint8_t b[16] = {0};
	unsigned int before;

	pair(1024, 1024);
	/* The client connected with srv_notify = WRITE: the first write signals, once. */
	before = notifies;
	CU_ASSERT_EQUAL(libxenvchan_write(srv, b, 4), 4);
	CU_ASSERT_EQUAL(notifies, before + 1);
	CU_ASSERT_EQUAL(libxenvchan_write(srv, b, 4), 4);
	CU_ASSERT_EQUAL(notifies, before + 1);
	/* The reader drains, then asks again by finding the ring empty. */
	CU_ASSERT_EQUAL(libxenvchan_read(cli, b, 16), 8);
	CU_ASSERT_EQUAL(libxenvchan_read(cli, b, 16), 0);
	CU_ASSERT(srv->ring->srv_notify & VCHAN_NOTIFY_WRITE);
	before = notifies;
	CU_ASSERT_EQUAL(libxenvchan_write(srv, b, 1), 1);
	CU_ASSERT_EQUAL(notifies, before + 1);
	CU_ASSERT_FALSE(srv->ring->srv_notify & VCHAN_NOTIFY_WRITE);
	unpair();
}

UNIT_TEST(vchan, blocking_calls_wait_for_the_peer)
{
	uint8_t b[8] = {0};

	pair(1024, 1024);
	srv->blocking = 1;
	pendings = 0;
	/* Nothing to read: the call waits (the fake wait fails, so it returns -1). */
	CU_ASSERT_EQUAL(libxenvchan_read(srv, b, 8), -1);
	CU_ASSERT_EQUAL(pendings, 1);
	/* More than the ring can ever hold: refused without waiting. */
	CU_ASSERT_EQUAL(libxenvchan_recv(srv, b, 4096), -1);
	CU_ASSERT_EQUAL(pendings, 1);
	unpair();
}

UNIT_TEST(vchan, a_closed_peer_ends_the_stream_after_its_last_bytes)
{
	uint8_t b[8] = {1, 2, 3};

	pair(1024, 1024);
	CU_ASSERT_EQUAL(libxenvchan_write(cli, b, 3), 3);
	srv->ring->cli_live = 0; /* what the client's close (or its unmap notification) does */
	CU_ASSERT_EQUAL(libxenvchan_is_open(srv), 0);
	CU_ASSERT_EQUAL(libxenvchan_read(srv, b, 8), 3);
	CU_ASSERT_EQUAL(libxenvchan_read(srv, b, 8), -1);
	CU_ASSERT_EQUAL(libxenvchan_write(srv, b, 1), -1);
	srv->server_persist = 1;
	CU_ASSERT_EQUAL(libxenvchan_is_open(srv), 1);
	unpair();
}

UNIT_TEST(vchan, hostile_indices_never_move_an_access_outside_the_ring)
{
	uint8_t buf[8192];
	unsigned int seed = 12345;

	/* Rings in their own exact-size pages: ASan fails the test on any stray access. */
	pair(4096, 4096);
	for (int i = 0; i < 20000; i++) {
		uint32_t r[4];
		size_t n;
		int got;

		for (int j = 0; j < 4; j++) {
			seed = seed * 1103515245u + 12345u;
			r[j] = seed;
		}
		/* The peer writes any index, ours too. */
		switch (r[0] % 4) {
		case 0:
			cli->ring->left.prod = r[1];
			break;
		case 1:
			cli->ring->left.cons = r[1];
			break;
		case 2:
			cli->ring->left.prod = cli->ring->left.cons + (r[1] % 8192);
			break;
		default:
			cli->ring->left.cons = cli->ring->left.prod - (r[1] % 8192);
			break;
		}
		n = r[2] % sizeof(buf);
		got = (r[3] & 1) ? libxenvchan_read(srv, buf, n) : libxenvchan_write(cli, buf, n);
		CU_ASSERT(got >= 0 && (size_t)got <= n && got <= 4096);
		CU_ASSERT(libxenvchan_data_ready(srv) <= 4096);
		CU_ASSERT(libxenvchan_buffer_space(cli) <= 4096);
	}
	/* An amount above the ring size counts as nothing in both directions. */
	cli->ring->left.cons = 100;
	cli->ring->left.prod = 100 + 4097;
	CU_ASSERT_EQUAL(libxenvchan_data_ready(srv), 0);
	CU_ASSERT_EQUAL(libxenvchan_buffer_space(cli), 0);
	CU_ASSERT_EQUAL(libxenvchan_read(srv, buf, 10), 0);
	CU_ASSERT_EQUAL(libxenvchan_write(cli, buf, 10), 0);
	cli->ring->left.prod = 99; /* consumer ahead of the producer */
	CU_ASSERT_EQUAL(libxenvchan_data_ready(srv), 0);
	CU_ASSERT_EQUAL(libxenvchan_buffer_space(cli), 0);
	unpair();
}

UNIT_TEST(vchan, changing_the_orders_after_set_up_changes_nothing)
{
	uint8_t out[1024], in[1024];

	pair(1024, 1024);
	srv->ring->left_order = 20;
	srv->ring->right_order = 20;
	fill(out, sizeof(out), 3);
	CU_ASSERT_EQUAL(libxenvchan_send(cli, out, 1024), 1024);
	CU_ASSERT_EQUAL(libxenvchan_send(cli, out, 1), 0); /* still a 1 KiB ring */
	CU_ASSERT_EQUAL(libxenvchan_recv(srv, in, 1024), 1024);
	CU_ASSERT_EQUAL(memcmp(in, out, sizeof(in)), 0);
	unpair();
}

/* A server whose page says: orders, then the client must refuse or accept. */
static int client_accepts(uint16_t left, uint16_t right)
{
	struct libxenvchan *c;

	srv = libxenvchan_server_init(NULL, 3, "/local/domain/2/data/v", 1024, 2048);
	CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
	srv->ring->left_order = left;
	srv->ring->right_order = right;
	c = libxenvchan_client_init(NULL, 2, "/local/domain/2/data/v");
	libxenvchan_close(c);
	libxenvchan_close(srv);
	srv = NULL;
	CU_ASSERT_EQUAL(live_maps, 0);
	CU_ASSERT_EQUAL(live_shares, 0);
	return c != NULL;
}

UNIT_TEST(vchan, the_client_refuses_a_hostile_servers_layout)
{
	CU_ASSERT_TRUE(client_accepts(10, 11));
	CU_ASSERT_TRUE(client_accepts(11, 10));
	CU_ASSERT_FALSE(client_accepts(9, 11));	 /* below the smallest ring */
	CU_ASSERT_FALSE(client_accepts(11, 21)); /* above 1 MiB */
	CU_ASSERT_FALSE(client_accepts(10, 10)); /* both rings in one place */
	CU_ASSERT_FALSE(client_accepts(11, 11));
	CU_ASSERT_FALSE(client_accepts(10, 20)); /* 256 grants run into the ring at 1024 */
	CU_ASSERT_FALSE(client_accepts(65535, 0));
	/* 12: a grant reference the server never made: the mapping fails cleanly. */
	CU_ASSERT_FALSE(client_accepts(12, 11));
	/* No keys in the store: no client. */
	CU_ASSERT_PTR_NULL(libxenvchan_client_init(NULL, 2, "/local/domain/2/data/v"));
}

/* ---- libxengnttab core ---- */

UNIT_TEST(tools_gnttab, shares_and_maps_reach_the_backend_with_their_grants)
{
	xengntshr_handle *xgs = xengntshr_open(NULL, 0);
	xengnttab_handle *xgt = xengnttab_open(NULL, 0);
	uint32_t refs[3], ref;
	void *shared, *mapped;

	CU_ASSERT_PTR_NOT_NULL_FATAL(xgs);
	CU_ASSERT_PTR_NOT_NULL_FATAL(xgt);
	CU_ASSERT_EQUAL(xengntshr_fd(xgs), 4);
	CU_ASSERT_EQUAL(xengnttab_fd(xgt), 3);
	shared = xengntshr_share_pages(xgs, 5, 3, refs, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(shared);
	CU_ASSERT_EQUAL(last_count, 3);
	CU_ASSERT_EQUAL(last_domids[0], 5);
	CU_ASSERT_EQUAL(last_writable, 1);
	mapped = xengnttab_map_domain_grant_refs(xgt, 3, 5, refs, PROT_READ);
	CU_ASSERT_PTR_EQUAL(mapped, shared);
	CU_ASSERT_EQUAL(last_count, 3);
	CU_ASSERT_EQUAL(last_domids[2], 5);
	CU_ASSERT_EQUAL(last_refs[2], refs[2]);
	CU_ASSERT_EQUAL(last_writable, 0);
	CU_ASSERT_EQUAL(last_notify.offset, XGT_NO_NOTIFY_OFFSET);
	CU_ASSERT_EQUAL(last_notify.port, XGT_NO_NOTIFY_PORT);
	CU_ASSERT_EQUAL(xengnttab_unmap(xgt, mapped, 3), 0);
	mapped = xengnttab_map_grant_ref_notify(xgt, 5, refs[0], PROT_READ | PROT_WRITE, 33, 7);
	CU_ASSERT_PTR_EQUAL(mapped, shared);
	CU_ASSERT_EQUAL(last_writable, 1);
	CU_ASSERT_EQUAL(last_notify.offset, 33);
	CU_ASSERT_EQUAL(last_notify.port, 7);
	CU_ASSERT_EQUAL(xengnttab_unmap(xgt, mapped, 1), 0);
	CU_ASSERT_EQUAL(xengntshr_unshare(xgs, shared, 3), 0);
	shared = xengntshr_share_page_notify(xgs, 6, &ref, 0, 25, 9);
	CU_ASSERT_PTR_NOT_NULL(shared);
	CU_ASSERT_EQUAL(last_writable, 0);
	CU_ASSERT_EQUAL(last_notify.offset, 25);
	CU_ASSERT_EQUAL(last_notify.port, 9);
	CU_ASSERT_EQUAL(xengntshr_unshare(xgs, shared, 1), 0);
	CU_ASSERT_EQUAL(live_maps, 0);
	CU_ASSERT_EQUAL(live_shares, 0);
	xengnttab_close(xgt);
	xengntshr_close(xgs);
}

UNIT_TEST(tools_gnttab, bad_arguments_are_einval_before_the_backend)
{
	xengnttab_handle *xgt = xengnttab_open(NULL, 0);
	xengntshr_handle *xgs = xengntshr_open(NULL, 0);
	uint32_t ref = 8, dom = 5, bad_dom = DOMID_SELF;
	static char page[4096] __attribute__((aligned(4096)));

	backend_calls = 0;
	errno = 0;
	CU_ASSERT_PTR_NULL(xengnttab_map_grant_refs(xgt, 0, &dom, &ref, PROT_READ));
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_PTR_NULL(xengnttab_map_grant_ref(xgt, 5, 8, PROT_WRITE)); /* no PROT_READ */
	CU_ASSERT_PTR_NULL(xengnttab_map_grant_ref(xgt, 5, 8, PROT_READ | 0x4));
	CU_ASSERT_PTR_NULL(xengnttab_map_grant_refs(xgt, 1, &bad_dom, &ref, PROT_READ));
	CU_ASSERT_PTR_NULL(xengnttab_map_grant_ref_notify(xgt, 5, 8, PROT_READ, 4096, 7));
	CU_ASSERT_EQUAL(xengnttab_unmap(xgt, page + 1, 1), -1);
	CU_ASSERT_EQUAL(xengnttab_unmap(xgt, page, 0), -1);
	CU_ASSERT_PTR_NULL(xengntshr_share_pages(xgs, 5, 0, &ref, 1));
	CU_ASSERT_PTR_NULL(xengntshr_share_pages(xgs, 5, -1, &ref, 1));
	CU_ASSERT_PTR_NULL(xengntshr_share_pages(xgs, DOMID_SELF, 1, &ref, 1));
	CU_ASSERT_PTR_NULL(xengntshr_share_page_notify(xgs, 5, &ref, 1, 5000, 7));
	CU_ASSERT_EQUAL(xengntshr_unshare(xgs, NULL, 1), -1);
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_EQUAL(backend_calls, 0);
	xengntshr_close(xgs);
	xengnttab_close(xgt);
}
