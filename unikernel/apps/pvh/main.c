/*
 * The PVH test guest: a unikernel application (unikernel/, the uk/ headers) whose
 * command line names one scenario and options:
 *
 *   SCENARIO [name=NAME] [peer=DOMID] [role=...] [delay=MS] [rounds=N]
 *            [hypercall=vmmcall|page] [out=e9|console|ring|both|all] [verbose]
 *
 *   hello         print "pvh: hello from NAME"
 *   version       XENVER_version / extraversion / get_features, checked
 *                 against CPUID leaf base+1
 *   triple-fault  a null IDT, then int3: the hypervisor must crash only us
 *   evtchn-pong   allocate an unbound port for PEER, wait for its event
 *   evtchn-ping   bind to PEER's first port that is unbound for us, send
 *   grant-copy    role=grant: grant a page to PEER as ref 8 and wait for its
 *                 "copied" marker; role=copy: GNTTABOP_copy it from PEER,
 *                 check it, copy the marker back into the grant
 *   timer         a thread blocks on a singleshot timer (delay=MS, default
 *                 50); VIRQ_TIMER must wake it no earlier than asked
 *   console-ring  "console ring: hello from NAME" on the PV console ring,
 *                 then echo each input line as "console echo: TEXT"
 *   threads       two threads ping-pong over a loopback event channel
 *   demo          role=a|b with PEER: ping-pong over an interdomain event
 *                 channel and a grant copy, then a summary line on the
 *                 console ring every second for a few seconds; stays up
 *                 (idle, echoing console input)
 *
 * Each scenario prints one verdict line through console_io (and port 0xE9),
 * "pvh-test: SCENARIO: PASS" (then SCHEDOP_shutdown poweroff, except for
 * console-ring and demo, which stay up) or "pvh-test: SCENARIO: FAIL (why)"
 * (then shutdown crash), so the same image also runs under Xen 4.17.
 *
 * Locking: the unikernel's (one vCPU, cooperative threads; event handlers
 * only bump counters and wake wait queues).
 */
#include <public/sched.h>
#include <public/version.h>
#include <uk/console.h>
#include <uk/events.h>
#include <uk/gnttab.h>
#include <uk/kernel.h>
#include <uk/sched.h>
#include <uk/time.h>

#define GRANT_REF 8
#define WAIT_PEER SECONDS(30) /* how long a peer is waited for */
#define MARKER_OFFSET 2048
#define PAYLOAD_LEN 1024
#define DEMO_ROUNDS 10
#define DEMO_SUMMARIES 5

static const char marker[] = "pvh grant-copy: copied";

static char scenario[32];
static int peer = -1;
static char role[16];

static uint8_t data_page[4096] __attribute__((aligned(4096)));

static void __attribute__((noreturn)) pass(void)
{
	printf("pvh-test: %s: PASS\n", scenario);
	uk_shutdown(SHUTDOWN_poweroff);
}

static void __attribute__((noreturn, format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	printf("pvh-test: %s: FAIL (", scenario[0] ? scenario : "boot");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(")\n");
	uk_shutdown(SHUTDOWN_crash);
}

static int has_char(const char *w, size_t n, char c)
{
	while (n--)
		if (*w++ == c)
			return 1;
	return 0;
}

/* Every word must be known: an unknown option is a typo in a plan. */
static void check_cmdline(void)
{
	static const char *const keys[] = {"name",   "peer",	  "role", "delay",
					   "rounds", "hypercall", "out",  "verbose"};
	const char *p = uk_cmdline();
	int first = 1;

	while (*p) {
		const char *w;
		size_t n, i, k;
		int ok = 0;

		while (*p == ' ')
			p++;
		w = p;
		while (*p && *p != ' ')
			p++;
		n = (size_t)(p - w);
		if (!n)
			break;
		for (i = 0; i < ARRAY_SIZE(keys) && !ok; i++) {
			k = strlen(keys[i]);
			ok = n >= k && !strncmp(w, keys[i], k) && (n == k || w[k] == '=');
		}
		if (!ok && first) /* the scenario: the first word, without '=' */
			ok = !has_char(w, n, '=');
		first = 0;
		if (!ok) {
			char word[32];

			memcpy(word, w, n < sizeof(word) ? n : sizeof(word) - 1);
			word[n < sizeof(word) ? n : sizeof(word) - 1] = '\0';
			strlcpy(scenario, "cmdline", sizeof(scenario));
			fail("unexpected word '%s'", word);
		}
	}
}

static void need_peer(void)
{
	if (peer < 0)
		fail("this scenario needs peer=DOMID");
}

static void scenario_version(void)
{
	xen_extraversion_t extra;
	struct xen_feature_info fi = {.submap_idx = 0};
	long ver, rc;

	ver = HYPERVISOR_xen_version(XENVER_version, NULL);
	if (ver < 0)
		fail("XENVER_version: %ld", ver);
	memset(extra, 0, sizeof(extra));
	rc = HYPERVISOR_xen_version(XENVER_extraversion, extra);
	if (rc < 0)
		fail("XENVER_extraversion: %ld", rc);
	extra[sizeof(extra) - 1] = '\0';
	rc = HYPERVISOR_xen_version(XENVER_get_features, &fi);
	if (rc < 0)
		fail("XENVER_get_features: %ld", rc);
	printf("pvh: Xen %lu.%lu%s, features[0] 0x%x, CPUID says %u.%u\n", (unsigned long)ver >> 16,
	       (unsigned long)ver & 0xffff, extra, fi.submap, uk_xen.version >> 16,
	       uk_xen.version & 0xffff);
	if ((uint32_t)ver != uk_xen.version)
		fail("XENVER_version 0x%lx differs from CPUID's 0x%x", (unsigned long)ver,
		     uk_xen.version);
	if ((ver >> 16) < 4)
		fail("version %lu.%lu is older than the Xen 4 ABI", (unsigned long)ver >> 16,
		     (unsigned long)ver & 0xffff);
	pass();
}

static void scenario_triple_fault(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = {0, 0};

	/* int3 -> #GP (vector past the limit) -> #DF -> shutdown: AMD APM vol. 2 8.2.9. */
	printf("pvh: loading a null IDT, then int3: this domain should be crashed now\n");
	irq_disable();
	asm volatile("lidt %0; int3" : : "m"(idtr) : "memory");
	fail("still running after the triple fault");
}

/* An event counter that wakes its waiters (handlers run in interrupt context). */
struct counter {
	volatile unsigned long n;
	struct uk_waitq wq;
};

static void count_event(evtchn_port_t port, void *data)
{
	struct counter *c = data;

	(void)port;
	c->n++;
	waitq_wake_all(&c->wq);
}

static void counter_init(struct counter *c)
{
	c->n = 0;
	waitq_init(&c->wq);
}

static int counter_wait(struct counter *c, unsigned long n, s_time_t timeout)
{
	return uk_wait_event(&c->wq, c->n >= n, NOW() + timeout);
}

static void scenario_evtchn_pong(void)
{
	static struct counter events;
	evtchn_port_t port;
	long rc;

	need_peer();
	counter_init(&events);
	rc = evtchn_alloc_unbound((domid_t)peer, count_event, &events, &port);
	if (rc)
		fail("EVTCHNOP_alloc_unbound for d%d: %ld", peer, rc);
	printf("pong: port %u unbound for d%d, waiting\n", port, peer);
	if (counter_wait(&events, 1, WAIT_PEER))
		fail("no event on port %u in %lld s", port, (long long)(WAIT_PEER / SECONDS(1)));
	printf("pong: got event on port %u\n", port);
	pass();
}

/*
 * Xen's EVTCHNOP_bind_interdomain sets the new local port pending (in case
 * the remote end sent before the bind): drop that event before counting.
 */
static long bind_counted(domid_t dom, evtchn_port_t rport, evtchn_handler_t fn, void *data,
			 evtchn_port_t *lport)
{
	long rc = evtchn_bind_interdomain(dom, rport, NULL, NULL, lport);

	if (rc || !fn)
		return rc;
	evtchn_clear_pending(*lport);
	return evtchn_bind(*lport, fn, data);
}

/* No xenstore: the peer's first port unbound for us is the one (others refuse the bind). */
static long bind_to_peer(evtchn_handler_t fn, void *data, evtchn_port_t *lport,
			 evtchn_port_t *rport)
{
	s_time_t end = NOW() + WAIT_PEER;
	long rc = -ENOENT;

	do {
		for (*rport = 1; *rport < 64; (*rport)++) {
			rc = bind_counted((domid_t)peer, *rport, fn, data, lport);
			if (!rc)
				return 0;
		}
		thread_sleep_ns(MILLISECS(1));
	} while (NOW() < end);
	return rc;
}

static void scenario_evtchn_ping(void)
{
	evtchn_port_t lport, rport;
	long rc;

	need_peer();
	rc = bind_to_peer(NULL, NULL, &lport, &rport);
	if (rc)
		fail("no port of d%d unbound for us (last error %ld)", peer, rc);
	printf("ping: port %u bound to d%d port %u, sending\n", lport, peer, rport);
	rc = evtchn_notify(lport);
	if (rc)
		fail("EVTCHNOP_send on port %u: %ld", lport, rc);
	pass();
}

static uint8_t payload_byte(unsigned int i)
{
	return (uint8_t)(i * 7 + 3);
}

static void grant_side(void)
{
	volatile uint8_t *m = data_page + MARKER_OFFSET;
	s_time_t end;
	unsigned int i;
	int rc;

	for (i = 0; i < PAYLOAD_LEN; i++)
		data_page[i] = payload_byte(i);
	rc = gnttab_init();
	if (rc)
		fail("XENMEM_add_to_physmap(grant_table 0): %d", rc);
	rc = gnttab_grant_access_ref(GRANT_REF, (domid_t)peer, virt_to_gfn(data_page), 0);
	if (rc)
		fail("granting ref %u: %d", GRANT_REF, rc);
	printf("grant: ref %u -> gfn 0x%lx for d%d, waiting for the copy\n", GRANT_REF,
	       virt_to_gfn(data_page), peer);
	for (end = NOW() + WAIT_PEER; NOW() < end; thread_sleep_ns(MILLISECS(1)))
		if (m[0] == (uint8_t)marker[0] && !memcmp((const void *)m, marker, sizeof(marker)))
			break;
	if (memcmp((const void *)m, marker, sizeof(marker)))
		fail("d%d never copied its marker into our grant", peer);
	printf("grant: d%d copied its marker into ref %u\n", peer, GRANT_REF);
	pass();
}

/* Copies len bytes from the peer's ref at offset off into our page, retrying while not granted. */
static long copy_from_peer(unsigned int off, unsigned int len)
{
	struct gnttab_copy op;
	s_time_t end = NOW() + WAIT_PEER;
	long st;

	do {
		memset(&op, 0, sizeof(op));
		op.source.u.ref = GRANT_REF;
		op.source.domid = (domid_t)peer;
		op.source.offset = (uint16_t)off;
		op.dest.u.gmfn = virt_to_gfn(data_page);
		op.dest.domid = DOMID_SELF;
		op.dest.offset = (uint16_t)off;
		op.len = (uint16_t)len;
		op.flags = GNTCOPY_source_gref;
		st = gnttab_copy(&op);
		if (st == GNTST_okay || st > 0)
			return st;
		/*
		 * The peer may not exist or have granted yet: as Xen's
		 * acquire_grant_for_copy, an entry not (yet) granted to us is
		 * GNTST_general_error ("bad flags or dom").
		 */
		if (st != GNTST_bad_domain && st != GNTST_permission_denied &&
		    st != GNTST_bad_gntref && st != GNTST_general_error)
			return st;
		thread_sleep_ns(MILLISECS(1));
	} while (NOW() < end);
	return st;
}

static long copy_to_peer(unsigned int off, unsigned int len)
{
	struct gnttab_copy op;

	memset(&op, 0, sizeof(op));
	op.source.u.gmfn = virt_to_gfn(data_page);
	op.source.domid = DOMID_SELF;
	op.source.offset = (uint16_t)off;
	op.dest.u.ref = GRANT_REF;
	op.dest.domid = (domid_t)peer;
	op.dest.offset = (uint16_t)off;
	op.len = (uint16_t)len;
	op.flags = GNTCOPY_dest_gref;
	return gnttab_copy(&op);
}

static void copy_side(void)
{
	unsigned int i;
	long st;

	st = copy_from_peer(0, PAYLOAD_LEN);
	if (st)
		fail("GNTTABOP_copy from d%d ref %u: %ld", peer, GRANT_REF, st);
	for (i = 0; i < PAYLOAD_LEN; i++)
		if (data_page[i] != payload_byte(i))
			fail("byte %u is 0x%x, expected 0x%x", i, data_page[i], payload_byte(i));
	printf("copy: %u bytes from d%d ref %u are right, copying the marker back\n", PAYLOAD_LEN,
	       peer, GRANT_REF);
	memcpy(data_page + MARKER_OFFSET, marker, sizeof(marker));
	st = copy_to_peer(MARKER_OFFSET, sizeof(marker));
	if (st)
		fail("GNTTABOP_copy of the marker to d%d: %ld", peer, st);
	pass();
}

static void scenario_grant_copy(void)
{
	need_peer();
	if (!strcmp(role, "grant"))
		grant_side();
	if (!strcmp(role, "copy"))
		copy_side();
	fail("grant-copy needs role=grant or role=copy");
}

static s_time_t timer_delay, timer_slept;

static void timer_thread(void *arg)
{
	s_time_t t0 = NOW();

	(void)arg;
	thread_sleep_ns(timer_delay);
	timer_slept = NOW() - t0;
}

static void scenario_timer(void)
{
	unsigned long virqs = timer_virq_count;
	struct thread *t;

	timer_delay = MILLISECS(uk_cmdline_long("delay", 50));
	if (timer_delay <= 0)
		fail("delay= must be a positive number of ms");
	t = thread_create("sleeper", timer_thread, NULL);
	if (!t)
		fail("no memory for a thread");
	thread_join(t);
	printf("timer: slept %lld ns for a %lld ns request (%lu VIRQ_TIMER events)\n",
	       (long long)timer_slept, (long long)timer_delay, timer_virq_count - virqs);
	if (timer_slept < timer_delay)
		fail("woken %lld ns early", (long long)(timer_delay - timer_slept));
	if (timer_virq_count == virqs)
		fail("no VIRQ_TIMER event");
	pass();
}

/* Console input, echoed one line at a time as "console echo: TEXT" on the ring. */
static struct uk_waitq input_wq;

static void input_ready(void *data)
{
	(void)data;
	waitq_wake_all(&input_wq);
}

static void __attribute__((noreturn)) echo_forever(void)
{
	char line[128], buf[64];
	size_t len = 0, n, i;

	waitq_init(&input_wq);
	console_ring_set_input_handler(input_ready, NULL);
	for (;;) {
		n = console_ring_read(buf, sizeof(buf));
		if (!n) {
			waitq_wait(&input_wq, NOW() + SECONDS(1));
			continue;
		}
		for (i = 0; i < n; i++) {
			char c = buf[i];

			if (c != '\r' && c != '\n' && len < sizeof(line) - 1) {
				line[len++] = c;
				continue;
			}
			if (c != '\r' && c != '\n')
				line[len++] = c; /* a full line: echo what we have */
			if (!len)
				continue;
			line[len] = '\0';
			console_ring_printf("console echo: %s\n", line);
			len = 0;
		}
	}
}

static void scenario_console_ring(void)
{
	if (!console_ring_present())
		fail("no PV console ring (HVM_PARAM_CONSOLE_PFN/EVTCHN)");
	if (console_ring_printf("console ring: hello from %s\n", uk_name) < 0)
		fail("writing the console ring");
	printf("pvh-test: %s: PASS\n", scenario);
	echo_forever();
}

/* threads: "ping" sends on a, "pong" on b; a's event wakes pong, b's wakes ping. */
static struct counter ping_got, pong_got;
static evtchn_port_t port_a, port_b;
static long rounds;
static int thread_err;

static void ping_thread(void *arg)
{
	long i;

	(void)arg;
	for (i = 1; i <= rounds && !thread_err; i++) {
		if (evtchn_notify(port_a) || counter_wait(&ping_got, (unsigned long)i, SECONDS(5)))
			thread_err = 1;
	}
}

static void pong_thread(void *arg)
{
	long i;

	(void)arg;
	for (i = 1; i <= rounds && !thread_err; i++) {
		if (counter_wait(&pong_got, (unsigned long)i, SECONDS(5)) || evtchn_notify(port_b))
			thread_err = 2;
	}
}

static void scenario_threads(void)
{
	struct thread *a, *b;
	s_time_t t0;
	long rc;

	rounds = uk_cmdline_long("rounds", 100);
	counter_init(&ping_got);
	counter_init(&pong_got);
	/* Loopback: a is unbound for ourselves, b binds to it; a send on one fires the other. */
	rc = evtchn_alloc_unbound(DOMID_SELF, count_event, &ping_got, &port_a);
	if (rc)
		fail("EVTCHNOP_alloc_unbound(DOMID_SELF): %ld", rc);
	rc = bind_counted(DOMID_SELF, port_a, count_event, &pong_got, &port_b);
	if (rc)
		fail("EVTCHNOP_bind_interdomain(DOMID_SELF, %u): %ld", port_a, rc);
	t0 = NOW();
	a = thread_create("ping", ping_thread, NULL);
	b = thread_create("pong", pong_thread, NULL);
	if (!a || !b)
		fail("no memory for threads");
	thread_join(a);
	thread_join(b);
	if (thread_err)
		fail("thread %s timed out after %lu/%lu events", thread_err == 1 ? "ping" : "pong",
		     ping_got.n, pong_got.n);
	printf("threads: %ld round trips between 'ping' and 'pong' over ports %u<->%u in %lld us\n",
	       rounds, port_a, port_b, (long long)((NOW() - t0) / 1000));
	if ((long)ping_got.n != rounds || (long)pong_got.n != rounds)
		fail("%lu and %lu events for %ld rounds", ping_got.n, pong_got.n, rounds);
	evtchn_close(port_b);
	evtchn_close(port_a);
	pass();
}

/* demo: a grants and waits for pings; b binds, pings, copies. */
static void scenario_demo(void)
{
	static struct counter got;
	static const char hello[] = "hello from the other domain";
	static const char reply[] = "greetings back";
	evtchn_port_t port, rport = 0;
	s_time_t t0 = NOW();
	unsigned long i;
	int a = !strcmp(role, "a");
	long rc;

	need_peer();
	if (!a && strcmp(role, "b"))
		fail("demo needs role=a or role=b");
	if (!console_ring_present())
		fail("no PV console ring");
	counter_init(&got);
	if (a) {
		strlcpy((char *)data_page, hello, PAYLOAD_LEN);
		if ((rc = gnttab_init()) ||
		    (rc = gnttab_grant_access_ref(GRANT_REF, (domid_t)peer, virt_to_gfn(data_page),
						  0)))
			fail("granting ref %u: %ld", GRANT_REF, rc);
		rc = evtchn_alloc_unbound((domid_t)peer, count_event, &got, &port);
		if (rc)
			fail("EVTCHNOP_alloc_unbound for d%d: %ld", peer, rc);
		console_ring_printf("demo: granted ref %u, port %u waits for d%d\n", GRANT_REF,
				    port, peer);
		for (i = 1; i <= DEMO_ROUNDS; i++) {
			if (counter_wait(&got, i, WAIT_PEER))
				fail("ping %lu from d%d never came", i, peer);
			evtchn_notify(port);
		}
		for (i = 0; i < 3000 && memcmp(data_page + MARKER_OFFSET, reply, sizeof(reply));
		     i++)
			thread_sleep_ns(MILLISECS(10));
		if (memcmp(data_page + MARKER_OFFSET, reply, sizeof(reply)))
			fail("d%d never wrote its reply into ref %u", peer, GRANT_REF);
	} else {
		rc = bind_to_peer(count_event, &got, &port, &rport);
		if (rc)
			fail("no port of d%d unbound for us (last error %ld)", peer, rc);
		console_ring_printf("demo: port %u bound to d%d port %u\n", port, peer, rport);
		for (i = 1; i <= DEMO_ROUNDS; i++) {
			evtchn_notify(port);
			if (counter_wait(&got, i, WAIT_PEER))
				fail("pong %lu from d%d never came", i, peer);
		}
		rc = copy_from_peer(0, sizeof(hello));
		if (rc || memcmp(data_page, hello, sizeof(hello)))
			fail("grant copy from d%d ref %u: %ld", peer, GRANT_REF, rc);
		memcpy(data_page + MARKER_OFFSET, reply, sizeof(reply));
		rc = copy_to_peer(MARKER_OFFSET, sizeof(reply));
		if (rc)
			fail("grant copy to d%d ref %u: %ld", peer, GRANT_REF, rc);
	}
	printf("pvh-test: %s: PASS\n", scenario);
	for (i = 1; i <= DEMO_SUMMARIES; i++) {
		console_ring_printf("demo summary %lu/%u: %lu event round trips with d%d over port "
				    "%u; grant copy: \"%s\"; up %lld ms\n",
				    i, DEMO_SUMMARIES, got.n, peer, port,
				    (const char *)data_page + (a ? MARKER_OFFSET : 0),
				    (long long)((NOW() - t0) / 1000000));
		thread_sleep_ns(SECONDS(1));
	}
	console_ring_printf("demo: idle (type to echo; Ctrl-] three times switches consoles)\n");
	echo_forever();
}

void app_main(void)
{
	char hc[16];

	check_cmdline();
	if (uk_cmdline_first_word(scenario, sizeof(scenario))) {
		strlcpy(scenario, "boot", sizeof(scenario));
		fail("no scenario in the command line");
	}
	if (!uk_xen.base)
		fail("no XenVMMXenVMM CPUID leaves");
	peer = (int)uk_cmdline_long("peer", -1);
	if (uk_cmdline_has("peer") && (peer < 0 || peer >= (int)DOMID_FIRST_RESERVED))
		fail("bad peer= in the command line");
	uk_cmdline_str("role", role, sizeof(role));
	if (!uk_cmdline_str("hypercall", hc, sizeof(hc)) && strcmp(hc, "page") &&
	    strcmp(hc, "vmmcall"))
		fail("hypercall= takes vmmcall or page");
	printf("pvh: %s: Xen CPUID leaves at 0x%x (version %u.%u), hypercalls via %s", uk_name,
	       uk_xen.base, uk_xen.version >> 16, uk_xen.version & 0xffff,
	       uk_hypercall_via_page() ? "the hypercall page, MSR 0x" : "vmmcall");
	if (uk_hypercall_via_page())
		printf("%x", uk_hypercall_page_msr());
	printf(", scenario %s\n", scenario);

	if (!strcmp(scenario, "hello")) {
		printf("pvh: hello from %s\n", uk_name);
		pass();
	}
	if (!strcmp(scenario, "version"))
		scenario_version();
	if (!strcmp(scenario, "triple-fault"))
		scenario_triple_fault();
	if (!strcmp(scenario, "evtchn-pong"))
		scenario_evtchn_pong();
	if (!strcmp(scenario, "evtchn-ping"))
		scenario_evtchn_ping();
	if (!strcmp(scenario, "grant-copy"))
		scenario_grant_copy();
	if (!strcmp(scenario, "timer"))
		scenario_timer();
	if (!strcmp(scenario, "console-ring"))
		scenario_console_ring();
	if (!strcmp(scenario, "threads"))
		scenario_threads();
	if (!strcmp(scenario, "demo"))
		scenario_demo();
	fail("unknown scenario");
}
