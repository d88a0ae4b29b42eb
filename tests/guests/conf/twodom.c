/*
 * Conformance across two domains (Tessera only: two boot domains of one
 * bundle; on Xen these would need a toolstack). Each domain boots this
 * kernel with "test=ROLE peer=DOMID"; the pairs:
 *
 *   pingpong_server / pingpong_client   interdomain event channel: the
 *       server opens a port unbound for the client, the client finds and
 *       binds it (there is no xenstore to publish the port: the first
 *       port of the server that is unbound for us is the one), then 64
 *       round trips, then the client closes and the server's end is
 *       unbound again;
 *   grant_provider / grant_consumer     refs 5 (writable) and 6 (read-only)
 *       granted to the consumer, which maps, copies, is refused write
 *       access to ref 6, copies into ref 5 and leaves a marker; the
 *       provider checks what arrived and ends both grants;
 *   dying_granter / dying_mapper        the mapper (the control domain)
 *       maps the granter's ref 5, destroys the granter with
 *       XEN_DOMCTL_destroydomain, and still reads and writes the frame
 *       through its mapping until it unmaps; then the granter is gone.
 *
 * Locking: none (tests run one at a time; handlers count and wake).
 */
#include <public/domctl.h>
#include "conf.h"

#define ROUNDS 64
#define WAIT_MS 20000
#define REF_RW 5
#define REF_RO 6
#define MARK_OFF 2048

static const char marker[] = "conformance: consumer was here";

static domid_t peer(void)
{
	long p = uk_cmdline_long("peer", -1);

	if (p < 0 || p >= DOMID_FIRST_RESERVED)
		uk_panic("twodom: this kernel needs peer=DOMID");
	return (domid_t)p;
}

static void fill(uint8_t *p, uint8_t seed)
{
	unsigned int i;

	for (i = 0; i < PAGE_SIZE; i++)
		p[i] = (uint8_t)(seed + i * 31);
}

static int filled(const volatile uint8_t *p, uint8_t seed, unsigned int from, unsigned int len)
{
	unsigned int i;

	for (i = from; i < from + len; i++)
		if (p[i] != (uint8_t)(seed + i * 31))
			return 0;
	return 1;
}

/* ---- interdomain ping-pong ---- */

static volatile unsigned int pings, pongs;
static struct uk_waitq wq;

static void server_event(evtchn_port_t port, void *data)
{
	(void)data;
	pings++;
	evtchn_notify(port); /* the reply, from the handler */
	waitq_wake_all(&wq);
}

static void client_event(evtchn_port_t port, void *data)
{
	(void)port;
	(void)data;
	pongs++;
	waitq_wake_all(&wq);
}

TEST(pingpong_server)
{
	struct evtchn_status st;
	evtchn_port_t port;
	s_time_t end;

	waitq_init(&wq);
	ASSERT_OK(evtchn_alloc_unbound(peer(), server_event, NULL, &port));
	test_note("port %u unbound for d%u", port, peer());
	end = NOW() + MILLISECS(WAIT_MS);
	EXPECT_OK(uk_wait_event(&wq, pings >= ROUNDS, end));
	EXPECT_EQ(pings, ROUNDS);
	/* The client closes its end: ours is unbound for it again. */
	EXPECT_TRUE(
	    CONF_WAIT(!conf_evtchn_status(DOMID_SELF, port, &st) && st.status == EVTCHNSTAT_unbound,
		      WAIT_MS));
	EXPECT_EQ(st.u.unbound.dom, peer());
	EXPECT_OK(evtchn_close(port));
}

TEST(pingpong_client)
{
	struct evtchn_bind_interdomain bi = {.remote_dom = 0};
	struct evtchn_status st;
	evtchn_port_t rport = 0, lport;
	s_time_t start, end = NOW() + MILLISECS(WAIT_MS);
	long rc = -EINVAL;
	unsigned int i;

	waitq_init(&wq);
	bi.remote_dom = peer();
	while (rc && NOW() < end) {
		for (rport = 1; rport < 64 && rc; rport++) {
			bi.remote_port = rport;
			rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi);
		}
		if (rc)
			thread_sleep_ns(MILLISECS(10));
	}
	ASSERT_OK(rc);
	rport--;
	lport = bi.local_port;
	EXPECT_OK(conf_evtchn_status(DOMID_SELF, lport, &st));
	EXPECT_EQ(st.status, EVTCHNSTAT_interdomain);
	EXPECT_EQ(st.u.interdomain.dom, peer());
	EXPECT_EQ(st.u.interdomain.port, rport);
	/* The peer's end is bound: status of another domain's port is not ours to ask. */
	evtchn_clear_pending(lport); /* made pending by the bind */
	ASSERT_OK(evtchn_bind(lport, client_event, NULL));
	start = NOW();
	for (i = 1; i <= ROUNDS; i++) {
		EXPECT_OK(evtchn_notify(lport));
		if (uk_wait_event(&wq, pongs >= i, NOW() + MILLISECS(2000))) {
			test_fail("no pong %u", i);
			break;
		}
	}
	EXPECT_EQ(pongs, ROUNDS);
	test_note("%u round trips, %ld us each", ROUNDS, (long)((NOW() - start) / 1000 / ROUNDS));
	EXPECT_OK(evtchn_close(lport));
	EXPECT_ERRNO(evtchn_notify(lport), -EINVAL);
}

/* ---- grants across domains ---- */

TEST(grant_provider)
{
	uint8_t *rw = page_alloc(0), *ro = page_alloc(0);
	grant_entry_v1_t *gt;
	volatile uint8_t *m;

	ASSERT_OK(gnttab_init());
	ASSERT_TRUE(rw && ro);
	gt = gnttab_shared();
	fill(rw, 5);
	fill(ro, 6);
	ASSERT_OK(gnttab_grant_access_ref(REF_RW, peer(), virt_to_gfn(rw), 0));
	ASSERT_OK(gnttab_grant_access_ref(REF_RO, peer(), virt_to_gfn(ro), 1));
	test_note("refs %u (rw) and %u (ro) granted to d%u", REF_RW, REF_RO, peer());
	m = rw + MARK_OFF;
	EXPECT_TRUE(CONF_WAIT(!memcmp((const void *)m, marker, sizeof(marker)), WAIT_MS));
	/* The consumer unmaps: the in-use flags go. */
	EXPECT_TRUE(CONF_WAIT(!(READ_ONCE(gt[REF_RW].flags) & (GTF_reading | GTF_writing)) &&
				  !(READ_ONCE(gt[REF_RO].flags) & (GTF_reading | GTF_writing)),
			      WAIT_MS));
	/* What the consumer copied into ref 5 (bytes 1024..1535 of the ro page's pattern). */
	EXPECT_EQ(memcmp(rw + 1024, ro + 1024, 512), 0);
	/* The read-only page is as we wrote it. */
	EXPECT_TRUE(filled(ro, 6, 0, PAGE_SIZE));
	EXPECT_OK(gnttab_end_access(REF_RW));
	EXPECT_OK(gnttab_end_access(REF_RO));
}

TEST(grant_consumer)
{
	uint8_t *win_rw = conf_hole(), *win_ro = conf_hole(), *local = page_alloc(0);
	grant_handle_t hrw = 0, hro = 0;
	struct gnttab_copy op;
	s_time_t end = NOW() + MILLISECS(WAIT_MS);
	long st = GNTST_general_error;

	ASSERT_TRUE(win_rw && win_ro && local);
	/* Until the provider has granted, the entry is not for us: general_error. */
	while (NOW() < end) {
		st = gnttab_map(peer(), REF_RW, virt_to_gfn(win_rw), 0, &hrw);
		if (st != GNTST_general_error)
			break;
		thread_sleep_ns(MILLISECS(10));
	}
	ASSERT_EQ(st, GNTST_okay);
	EXPECT_TRUE(filled(win_rw, 5, 0, PAGE_SIZE));
	/* Read-only grant: no writable map, a read-only one works. */
	EXPECT_EQ(gnttab_map(peer(), REF_RO, virt_to_gfn(win_ro), 0, &hro), GNTST_general_error);
	ASSERT_EQ(gnttab_map(peer(), REF_RO, virt_to_gfn(win_ro), 1, &hro), GNTST_okay);
	EXPECT_TRUE(filled(win_ro, 6, 0, PAGE_SIZE));
	/* Copies: from ref 6 into our page; never into ref 6; into ref 5. */
	memset(&op, 0, sizeof(op));
	op.flags = GNTCOPY_source_gref;
	op.source.domid = peer();
	op.source.u.ref = REF_RO;
	op.dest.domid = DOMID_SELF;
	op.dest.u.gmfn = virt_to_gfn(local);
	op.len = PAGE_SIZE;
	EXPECT_EQ(gnttab_copy(&op), GNTST_okay);
	EXPECT_TRUE(filled(local, 6, 0, PAGE_SIZE));
	memset(&op, 0, sizeof(op));
	op.flags = GNTCOPY_dest_gref;
	op.source.domid = DOMID_SELF;
	op.source.u.gmfn = virt_to_gfn(local);
	op.dest.domid = peer();
	op.dest.u.ref = REF_RO;
	op.len = 16;
	EXPECT_EQ(gnttab_copy(&op), GNTST_general_error);
	op.dest.u.ref = REF_RW;
	op.source.offset = 1024;
	op.dest.offset = 1024;
	op.len = 512;
	EXPECT_EQ(gnttab_copy(&op), GNTST_okay);
	/* Our mapping of ref 5 is the same frame: the copy shows through it. */
	EXPECT_EQ(memcmp((const void *)(win_rw + 1024), local + 1024, 512), 0);
	memcpy(win_rw + MARK_OFF, marker, sizeof(marker));
	EXPECT_EQ(gnttab_unmap(virt_to_gfn(win_ro), hro), GNTST_okay);
	EXPECT_EQ(gnttab_unmap(virt_to_gfn(win_rw), hrw), GNTST_okay);
	EXPECT_EQ(gnttab_unmap(virt_to_gfn(win_rw), hrw), GNTST_bad_handle);
	EXPECT_OK(conf_hole_fill(win_rw));
	EXPECT_OK(conf_hole_fill(win_ro));
	page_free(local, 0);
}

/* ---- a granter that dies while mapped ---- */

TEST(dying_granter)
{
	uint8_t *page = page_alloc(0);

	ASSERT_OK(gnttab_init());
	ASSERT_TRUE(page != NULL);
	fill(page, 8);
	ASSERT_OK(gnttab_grant_access_ref(REF_RW, peer(), virt_to_gfn(page), 0));
	test_note("ref %u granted to d%u; waiting to be destroyed", REF_RW, peer());
	for (;;)
		thread_sleep_ns(SECONDS(1));
}

static long domctl(uint32_t cmd, domid_t dom, struct xen_domctl *dc)
{
	memset(dc, 0, sizeof(*dc));
	dc->cmd = cmd;
	dc->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	dc->domain = dom;
	return HYPERVISOR_domctl(dc);
}

/* 1: d is still there and dying; 0: gone; -1: alive (or an error). */
static int dying_state(domid_t d)
{
	static struct xen_domctl dc;
	long rc = domctl(XEN_DOMCTL_getdomaininfo, d, &dc);

	if (rc == -ESRCH || (!rc && dc.u.getdomaininfo.domain != d))
		return 0;
	if (!rc && (dc.u.getdomaininfo.flags & XEN_DOMINF_dying))
		return 1;
	return -1;
}

TEST(dying_mapper)
{
	static struct xen_domctl dc;
	volatile uint8_t *win = conf_hole();
	void *win2 = conf_hole();
	grant_handle_t h = 0, h2;
	s_time_t end = NOW() + MILLISECS(WAIT_MS);
	long st = GNTST_general_error;
	int state;

	ASSERT_TRUE(win && win2);
	if (domctl(XEN_DOMCTL_getdomaininfo, peer(), &dc)) {
		test_error("getdomaininfo of d%u failed: the mapper must be the control domain",
			   peer());
		return;
	}
	while (NOW() < end) {
		st = gnttab_map(peer(), REF_RW, virt_to_gfn((void *)win), 0, &h);
		if (st != GNTST_general_error)
			break;
		thread_sleep_ns(MILLISECS(10));
	}
	ASSERT_EQ(st, GNTST_okay);
	EXPECT_TRUE(filled(win, 8, 0, PAGE_SIZE));
	EXPECT_EQ(dying_state(peer()), -1);
	ASSERT_OK(domctl(XEN_DOMCTL_destroydomain, peer(), &dc));
	/* Our mapping holds the frame: still there, still the granter's data, still writable. */
	EXPECT_TRUE(filled(win, 8, 0, PAGE_SIZE));
	win[100] = 0x42;
	EXPECT_EQ(win[100], 0x42);
	/*
	 * Xen keeps it as a dying "zombie" while we hold its frame; Tessera
	 * frees the domain at once and only the frame lives on (docs/abi.md).
	 * Either way it is no longer alive.
	 */
	state = dying_state(peer());
	EXPECT_TRUE(state == 1 || state == 0);
	test_note("d%u after destroydomain, still mapped: %s", peer(),
		  state == 1   ? "dying"
		  : state == 0 ? "gone"
			       : "alive");
	/* Nothing new from a dying domain. */
	EXPECT_NE(gnttab_map(peer(), REF_RW, virt_to_gfn(win2), 0, &h2), GNTST_okay);
	EXPECT_EQ(gnttab_unmap(virt_to_gfn((void *)win), h), GNTST_okay);
	/* With the last reference gone, so is the domain. */
	EXPECT_TRUE(CONF_WAIT(dying_state(peer()) == 0, WAIT_MS));
	EXPECT_ERRNO(domctl(XEN_DOMCTL_destroydomain, peer(), &dc), -ESRCH);
	EXPECT_OK(conf_hole_fill((void *)win));
	EXPECT_OK(conf_hole_fill(win2));
}
