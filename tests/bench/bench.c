/*
 * The benchmark guest (make bench, tests/bench/run.sh): one unikernel image
 * that runs on Tessera and as the PVH dom0 of Xen 4.17 alike. It times
 * loops with the pvclock (NOW(): ns) and prints one machine-readable line
 * per figure,
 *
 *   BENCH NAME VALUE UNIT ITERATIONS
 *
 * VALUE with one decimal. Under QEMU's -icount shift=0 one guest or
 * hypervisor instruction is 1 ns of virtual time, so the ns figures are
 * then instruction counts. The command line picks what runs:
 *
 *   run=single          every single-domain figure (default): entry,
 *                       memory, null hypercall, event send-to-self, grant
 *                       copy (4 KiB and 64 B segments, batches of 1 and
 *                       64), grant map+unmap; then the switch to the FIFO
 *                       event ABI and send-to-self again (evtchn-self-fifo)
 *   run=entry           only the entry line (domain creation plans)
 *   run=pp-server peer=D / run=pp-client peer=D
 *                       interdomain event channel ping-pong (two domains);
 *                       with abi=fifo both switch to the FIFO ABI first and
 *                       the figure is pingpong-fifo
 *   scale=N             multiplies every iteration count (default 1)
 *
 * Then "BENCH done" and SHUTDOWN_poweroff. A figure that could not be
 * measured prints "BENCH-ERROR NAME why" instead.
 *
 * Locking: none; one vCPU, event handlers only count.
 */
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/sysctl.h>
#include <public/version.h>
#include <uk/events.h>
#include <uk/gnttab.h>
#include <uk/kernel.h>
#include <uk/sched.h>
#include <uk/test.h>
#include <uk/time.h>

#define COPY_BATCH 64
#define PP_WAIT_MS 30000

static long scale = 1;

/* VALUE = total / iters with one decimal. */
static void report(const char *name, uint64_t total, const char *unit, unsigned long iters)
{
	uint64_t tenths = iters ? (total * 10 + iters / 2) / iters : 0;

	printf("BENCH %s %lu.%lu %s %lu\n", name, (unsigned long)(tenths / 10),
	       (unsigned long)(tenths % 10), unit, iters);
}

static void bench_error(const char *name, const char *why, long rc)
{
	printf("BENCH-ERROR %s %s (%ld)\n", name, why, rc);
}

/* The TSC as the pvclock scales it (ns), without its offset: time since the TSC's zero. */
static uint64_t tsc_to_ns(uint64_t tsc)
{
	const volatile struct vcpu_time_info *t = &uk_vcpu_info->time;
	int8_t shift = t->tsc_shift;
	uint32_t mul = t->tsc_to_system_mul;

	if (shift < 0)
		tsc >>= -shift;
	else
		tsc <<= shift;
	return (uint64_t)(((unsigned __int128)tsc * mul) >> 32);
}

/*
 * The first instruction: the TSC it read, scaled to ns (entry-tsc: time since
 * the guest TSC's zero; QEMU's TSC counts from the machine's reset and Tessera
 * passes it through, while Xen offsets an HVM guest's TSC), and the same
 * moment in the hypervisor's system time (entry-systime: the pvclock
 * extrapolated to it, as NOW() does).
 */
static void bench_entry(void)
{
	const volatile struct vcpu_time_info *t = &uk_vcpu_info->time;
	uint64_t ts = t->tsc_timestamp, sys = t->system_time;
	/* Signed: Xen's offset guest TSC can put tsc_timestamp before the TSC's zero. */
	int64_t delta = (int64_t)(uk_entry_tsc - ts);
	int64_t at = delta < 0 ? (int64_t)sys - (int64_t)tsc_to_ns((uint64_t)-delta)
			       : (int64_t)sys + (int64_t)tsc_to_ns((uint64_t)delta);

	report("entry-tsc", tsc_to_ns(uk_entry_tsc), "ns", 1);
	report("entry-systime", at > 0 ? (uint64_t)at : 0, "ns", 1);
}

/* ---- memory: physinfo (privileged: dom0 on Xen, control on Tessera) ---- */

static void bench_memory(void)
{
	static struct xen_sysctl sc;
	domid_t self = DOMID_SELF;
	long own, rc;

	memset(&sc, 0, sizeof(sc));
	sc.cmd = XEN_SYSCTL_physinfo;
	sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	rc = HYPERVISOR_sysctl(&sc);
	own = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
	if (rc || own < 0) {
		bench_error("memory", "physinfo or current_reservation failed", rc ? rc : own);
		return;
	}
	/* Pages: the heap's total and free, and ours. */
	printf("BENCH mem-total-pages %lu pages 1\n", (unsigned long)sc.u.physinfo.total_pages);
	printf("BENCH mem-free-pages %lu pages 1\n", (unsigned long)sc.u.physinfo.free_pages);
	printf("BENCH mem-own-pages %ld pages 1\n", own);
}

/* ---- null hypercall ---- */

static void bench_null_hypercall(void)
{
	unsigned long n = 20000 * scale, i;
	s_time_t t0, t1;

	t0 = NOW();
	for (i = 0; i < n; i++)
		HYPERVISOR_xen_version(XENVER_version, NULL);
	t1 = NOW();
	report("null-hypercall", (uint64_t)(t1 - t0), "ns/call", n);
}

/* ---- event channel: send to ourselves (IPI port), upcall delivers it ---- */

static volatile unsigned long self_events;

static void self_event(evtchn_port_t port, void *data)
{
	(void)port;
	(void)data;
	self_events++;
}

static void bench_evtchn_self(const char *name)
{
	unsigned long n = 10000 * scale, i;
	evtchn_port_t port;
	s_time_t t0, t1;
	long rc = evtchn_bind_ipi(0, self_event, NULL, &port);

	if (rc) {
		bench_error(name, "bind_ipi failed", rc);
		return;
	}
	self_events = 0;
	t0 = NOW();
	for (i = 1; i <= n; i++) {
		evtchn_notify(port);
		/* The upcall runs as the hypercall returns (interrupts are on in threads). */
		while (READ_ONCE(self_events) < i)
			asm volatile("pause");
	}
	t1 = NOW();
	report(name, (uint64_t)(t1 - t0), "ns/event", n);
	evtchn_close(port);
}

/* ---- grant copy from a self-grant into our own frames ---- */

static void bench_grant_copy(domid_t me)
{
	static struct gnttab_copy ops[COPY_BATCH];
	static const struct {
		const char *name;
		unsigned int len, batch, iters;
	} cases[] = {
	    {"gcopy-4k-b1", PAGE_SIZE, 1, 2000},
	    {"gcopy-4k-b64", PAGE_SIZE, COPY_BATCH, 100},
	    {"gcopy-64-b1", 64, 1, 4000},
	    {"gcopy-64-b64", 64, COPY_BATCH, 200},
	};
	uint8_t *src = page_alloc(0), *dst = page_alloc(6); /* 64 destination pages */
	long ref;

	if (!src || !dst) {
		bench_error("gcopy", "no memory", -ENOMEM);
		return;
	}
	memset(src, 0x5a, PAGE_SIZE);
	ref = gnttab_grant_access(me, virt_to_gfn(src), 1);
	if (ref < 0) {
		bench_error("gcopy", "grant failed", ref);
		return;
	}
	for (unsigned int c = 0; c < ARRAY_SIZE(cases); c++) {
		unsigned int len = cases[c].len, batch = cases[c].batch;
		unsigned long n = cases[c].iters * scale, i;
		s_time_t t0, t1;
		long rc = 0;

		memset(ops, 0, sizeof(ops));
		for (unsigned int k = 0; k < batch; k++) {
			ops[k].flags = GNTCOPY_source_gref;
			ops[k].source.domid = me;
			ops[k].source.u.ref = (grant_ref_t)ref;
			ops[k].source.offset =
			    (uint16_t)(len < PAGE_SIZE ? (k * len) % PAGE_SIZE : 0);
			ops[k].dest.domid = DOMID_SELF;
			ops[k].dest.u.gmfn = virt_to_gfn(dst + (unsigned long)k * PAGE_SIZE);
			ops[k].dest.offset = ops[k].source.offset;
			ops[k].len = (uint16_t)len;
		}
		t0 = NOW();
		for (i = 0; i < n && !rc; i++)
			rc = HYPERVISOR_grant_table_op(GNTTABOP_copy, ops, batch);
		t1 = NOW();
		for (unsigned int k = 0; k < batch && !rc; k++)
			if (ops[k].status != GNTST_okay)
				rc = ops[k].status;
		if (rc || dst[PAGE_SIZE * (batch - 1) + ops[batch - 1].dest.offset] != 0x5a) {
			bench_error(cases[c].name, "copy failed", rc);
			continue;
		}
		/* ns per call; the script turns it into MB/s with len * batch bytes per call. */
		report(cases[c].name, (uint64_t)(t1 - t0), "ns/call", n);
	}
	gnttab_end_access((grant_ref_t)ref);
}

/* ---- grant map+unmap of a self-grant at a hole of our physmap ---- */

static long reservation(unsigned int cmd, unsigned long gfn)
{
	xen_pfn_t frame = gfn;
	struct xen_memory_reservation r = {.nr_extents = 1, .extent_order = 0, .domid = DOMID_SELF};

	set_xen_guest_handle(r.extent_start, &frame);
	return HYPERVISOR_memory_op(cmd, &r);
}

/*
 * Xen keeps one gfn per frame of a domain: mapping a grant of our own frame
 * at another gfn takes it from its first gfn (tests/guests/conf/conf.h,
 * conf_renew), and the grant's gfn is then empty. Where that happens a pair
 * is followed by a fresh frame at the data gfn, outside the timed part.
 */
static long renew(unsigned long gfn)
{
	reservation(XENMEM_decrease_reservation, gfn);
	return reservation(XENMEM_populate_physmap, gfn) == 1 ? 0 : -ENOMEM;
}

static void bench_grant_map(domid_t me)
{
	unsigned long n = 1000 * scale, i, renewed = 0;
	uint8_t *data = page_alloc(0), *win = page_alloc(0);
	uint64_t total = 0, clock_cost;
	grant_handle_t h;
	s_time_t t0, t1;
	long ref, rc = 0;

	if (!data || !win || reservation(XENMEM_decrease_reservation, virt_to_gfn(win)) != 1) {
		bench_error("gmap", "no hole", -ENOMEM);
		return;
	}
	ref = gnttab_grant_access(me, virt_to_gfn(data), 0);
	if (ref < 0) {
		bench_error("gmap", "grant failed", ref);
		return;
	}
	/* What two NOW() reads cost, taken off each timed pair. */
	t0 = NOW();
	for (i = 0; i < 1000; i++)
		t1 = NOW();
	clock_cost = (uint64_t)(t1 - t0) / 1000;
	for (i = 0; i < n; i++) {
		t0 = NOW();
		rc = gnttab_map(me, (grant_ref_t)ref, virt_to_gfn(win), 0, &h);
		if (rc)
			break;
		rc = gnttab_unmap(virt_to_gfn(win), h);
		t1 = NOW();
		if (rc)
			break;
		total += (uint64_t)(t1 - t0) > clock_cost ? (uint64_t)(t1 - t0) - clock_cost : 0;
		/* Is the data frame still at its gfn? A zero-length copy from the grant says. */
		{
			struct gnttab_copy probe = {.flags = GNTCOPY_source_gref};

			probe.source.domid = me;
			probe.source.u.ref = (grant_ref_t)ref;
			probe.dest.domid = DOMID_SELF;
			probe.dest.u.gmfn = virt_to_gfn(data);
			probe.len = 1;
			if (gnttab_copy(&probe) != GNTST_okay) {
				rc = renew(virt_to_gfn(data));
				if (rc)
					break;
				renewed++;
			}
		}
	}
	if (rc) {
		bench_error("gmap-unmap", "map or unmap failed", rc);
		return;
	}
	report("gmap-unmap", total, "ns/pair", n);
	printf("BENCH gmap-renewed %lu frames 1\n", renewed);
	gnttab_end_access((grant_ref_t)ref);
}

/* ---- interdomain ping-pong (two domains) ---- */

static volatile unsigned long pings, pongs;
static struct uk_waitq wq;

static void server_event(evtchn_port_t port, void *data)
{
	(void)data;
	pings++;
	evtchn_notify(port); /* the reply, straight from the upcall */
	waitq_wake_all(&wq);
}

static void client_event(evtchn_port_t port, void *data)
{
	(void)port;
	(void)data;
	pongs++;
	waitq_wake_all(&wq);
}

static unsigned long pingpong_rounds(void)
{
	return 2000 * scale;
}

static void pp_server(domid_t peer)
{
	evtchn_port_t port;
	long rc = evtchn_alloc_unbound(peer, server_event, NULL, &port);

	if (rc) {
		bench_error("pingpong", "alloc_unbound failed", rc);
		return;
	}
	uk_wait_event(&wq, pings >= pingpong_rounds(), NOW() + MILLISECS(PP_WAIT_MS));
	printf("BENCH pingpong-served %lu pings 1\n", (unsigned long)pings);
}

static void pp_client(domid_t peer)
{
	struct evtchn_bind_interdomain bi = {.remote_dom = peer};
	s_time_t t0, t1, end = NOW() + MILLISECS(PP_WAIT_MS);
	unsigned long n = pingpong_rounds(), i;
	long rc = -EINVAL;

	/* The server's port: the first one unbound for us (no xenstore to publish it). */
	while (rc && NOW() < end) {
		for (bi.remote_port = 1; bi.remote_port < 64 && rc; bi.remote_port++)
			rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi);
		if (rc)
			thread_sleep_ns(MILLISECS(1));
	}
	if (rc) {
		bench_error("pingpong", "bind_interdomain failed", rc);
		return;
	}
	evtchn_clear_pending(bi.local_port); /* made pending by the bind */
	evtchn_bind(bi.local_port, client_event, NULL);
	t0 = NOW();
	for (i = 1; i <= n; i++) {
		evtchn_notify(bi.local_port);
		if (uk_wait_event(&wq, pongs >= i, NOW() + MILLISECS(2000))) {
			bench_error("pingpong", "no pong", (long)i);
			return;
		}
	}
	t1 = NOW();
	report(events_fifo_active() ? "pingpong-fifo" : "pingpong", (uint64_t)(t1 - t0),
	       "ns/roundtrip", n);
	evtchn_close(bi.local_port);
}

/* Our domid: Xen records DOMID_SELF as the caller's id in an unbound port (EVTCHNOP_status). */
static domid_t self_domid(void)
{
	long d = uk_domid();

	if (d < 0)
		uk_panic("bench: no domid (%ld)", d);
	return (domid_t)d;
}

void app_main(void)
{
	char run[24] = "single", abi[8] = "2l";
	long peer = uk_cmdline_long("peer", -1);
	domid_t me;
	long rc;

	scale = uk_cmdline_long("scale", 1);
	if (scale < 1)
		scale = 1;
	uk_cmdline_str("run", run, sizeof(run));
	uk_cmdline_str("abi", abi, sizeof(abi));
	waitq_init(&wq);
	if (!strcmp(abi, "fifo") && (rc = events_use_fifo()))
		bench_error("abi", "events_use_fifo failed", rc);
	printf("BENCH-START %s on %s\n", run, test_on_xen() ? "Xen" : "Tessera");
	bench_entry();
	if (!strcmp(run, "single")) {
		if (gnttab_init()) {
			bench_error("gnttab", "gnttab_init failed", -1);
		} else {
			me = self_domid();
			bench_memory();
			bench_null_hypercall();
			bench_evtchn_self(events_fifo_active() ? "evtchn-self-fifo"
							       : "evtchn-self");
			bench_grant_copy(me);
			bench_grant_map(me);
			/* The switch is for good: the FIFO figure comes last. */
			if (!events_fifo_active()) {
				rc = events_use_fifo();
				if (rc)
					bench_error("evtchn-self-fifo", "events_use_fifo failed",
						    rc);
				else
					bench_evtchn_self("evtchn-self-fifo");
			}
		}
	} else if (!strcmp(run, "pp-server") && peer >= 0) {
		pp_server((domid_t)peer);
	} else if (!strcmp(run, "pp-client") && peer >= 0) {
		pp_client((domid_t)peer);
	} else if (strcmp(run, "entry")) {
		bench_error("run", "unknown run= (single, entry, pp-server, pp-client with peer=)",
			    0);
	}
	printf("BENCH done\n");
	uk_shutdown(SHUTDOWN_poweroff);
}
