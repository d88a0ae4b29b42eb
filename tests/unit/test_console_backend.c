/*
 * The hypervisor's PV console backend (common/console_backend.c) and the
 * hypervisor-bound event channel ports it uses (common/event_channel.c),
 * over the fake guest memory and arch of tests/unit/fake/: ring reading
 * with hostile indices, line buffering, prefixes and escaping, the input
 * ring, the focus key sequence, and the ports' callbacks and teardown.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <public/event_channel.h>
#include <public/io/console.h>
#include <public/xen.h>
#include <tessera/console.h>
#include <tessera/console_backend.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>

#include "fake_arch.h"
#include "fake_console.h"
#include "fake_guest.h"
#include "unit.h"

UNIT_SUITE(console_backend);

#define NR_FRAMES 4096
#define RING_GFN 0x200
#define CTRL_RB 0x1d /* Ctrl-] */
#define MS (1000LL * 1000)

/* ---- captured output (tests/unit/fake/fake_console.c) ---- */

#define lines fake_console_lines
#define nr_lines fake_console_nr_lines
#define raw fake_console_raw
#define raw_len fake_console_raw_len

static unsigned int count_lines(const char *needle)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < nr_lines; i++)
		n += strstr(lines[i], needle) != NULL;
	return n;
}

static bool has_line(const char *exact)
{
	for (unsigned int i = 0; i < nr_lines; i++)
		if (!strcmp(lines[i], exact))
			return true;
	return false;
}

/* ---- fake serial input ---- */

static unsigned char rx[4096];
static size_t rx_head, rx_tail;

static int fake_getc(void)
{
	return rx_head == rx_tail ? -1 : rx[rx_head++];
}

static void type(const void *s, size_t len)
{
	memcpy(rx + rx_tail, s, len);
	rx_tail += len;
}

static void type_str(const char *s)
{
	type(s, strlen(s));
}

/* Type everything queued, poll by poll (CONSOLE_RX_BATCH bytes each). */
static void poll_all(void)
{
	do
		console_backend_poll();
	while (rx_head != rx_tail);
}

/* ---- setup ---- */

static void setup(void)
{
	fake_abi_setup(NR_FRAMES);
	fake_now = 1000 * MS;
	fake_console_reset();
	rx_head = rx_tail = 0;
	console_backend_configure(CTRL_RB, false);
	console_input_register(fake_getc);
}

static void teardown(void)
{
	CU_ASSERT_EQUAL(fake_abi_teardown(), 0);
	CU_ASSERT_EQUAL(console_backend_focus(), DOMID_XEN);
}

struct con {
	struct domain *d;
	struct xencons_interface *intf;
	uint32_t port;
};

/* A domain named name with a console ring at RING_GFN, attached. */
static struct con mkcon(domid_t id, const char *name, uint32_t roles)
{
	struct domain_create_args args = fake_domain_args(name, roles, 1);
	struct page_info *pg;
	struct con c = {0};

	CU_ASSERT_EQUAL_FATAL(domain_create(id, &args, &c.d), 0);
	fake_guest_attach(c.d, 0);
	pg = alloc_domain_pages(c.d, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pg);
	memset(page_to_virt(pg), 0, 4096);
	CU_ASSERT_EQUAL_FATAL(p2m_set_entry(c.d, _gfn(RING_GFN), page_to_mfn(pg), p2m_ram_rw), 0);
	c.intf = page_to_virt(pg);
	CU_ASSERT_EQUAL_FATAL(console_backend_attach(c.d, _gfn(RING_GFN), &c.port), 0);
	CU_ASSERT_NOT_EQUAL(c.port, 0);
	return c;
}

/* The guest writes len bytes to out[] as hvc_xen does (masked, then out_prod). */
static void guest_write(struct con *c, const char *s, size_t len)
{
	uint32_t prod = c->intf->out_prod;

	for (size_t i = 0; i < len; i++)
		c->intf->out[MASK_XENCONS_IDX(prod++, c->intf->out)] = s[i];
	c->intf->out_prod = prod;
}

static void guest_puts(struct con *c, const char *s)
{
	guest_write(c, s, strlen(s));
}

/* What the guest reads from in[] (consuming it). */
static size_t guest_read(struct con *c, char *buf, size_t size)
{
	size_t n = 0;

	while (c->intf->in_cons != c->intf->in_prod && n < size)
		buf[n++] = c->intf->in[MASK_XENCONS_IDX(c->intf->in_cons++, c->intf->in)];
	return n;
}

static long guest_evtop(struct domain *d, int cmd, void *op, size_t size)
{
	void *host;
	uint64_t gva = fake_guest_alloc(d, size, &host);
	long rc;

	memcpy(host, op, size);
	fake_set_current(d->vcpu[0]);
	rc = fake_hypercall2(__HYPERVISOR_event_channel_op, (unsigned long)cmd, gva);
	memcpy(op, host, size);
	return rc;
}

static long guest_send(struct domain *d, uint32_t port)
{
	struct evtchn_send op = {.port = port};

	return guest_evtop(d, EVTCHNOP_send, &op, sizeof(op));
}

/* ---- attach ---- */

UNIT_TEST(console_backend, attach_refuses_frames_the_domain_does_not_own_as_ram)
{
	struct con a;
	struct domain *b;
	struct page_info *pg;
	uint32_t port = 0xdead;

	setup();
	a = mkcon(1, "a", ROLE_GUEST);
	b = fake_domain_create(2, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	/* Nothing mapped there. */
	CU_ASSERT_EQUAL(console_backend_attach(b, _gfn(0x300), &port), -EINVAL);
	/* A's frame, even if b's p2m named it (the p2m may refuse that itself), is not b's. */
	(void)p2m_set_entry(b, _gfn(0x300), page_to_mfn(virt_to_page(a.intf)), p2m_ram_rw);
	CU_ASSERT_EQUAL(console_backend_attach(b, _gfn(0x300), &port), -EINVAL);
	/* b's own frame, but not writable RAM. */
	pg = alloc_domain_pages(b, 0);
	CU_ASSERT_EQUAL(p2m_set_entry(b, _gfn(0x301), page_to_mfn(pg), p2m_ram_ro), 0);
	CU_ASSERT_EQUAL(console_backend_attach(b, _gfn(0x301), &port), -EINVAL);
	/* Beyond any gfn. */
	CU_ASSERT_EQUAL(console_backend_attach(b, _gfn(~0ULL), &port), -EINVAL);
	/* One console per domain. */
	CU_ASSERT_EQUAL(console_backend_attach(a.d, _gfn(RING_GFN), &port), -EEXIST);
	CU_ASSERT_EQUAL(port, 0xdead);
	teardown();
}

/* ---- output ---- */

UNIT_TEST(console_backend, output_is_line_buffered_and_prefixed_with_the_name)
{
	struct con c;

	setup();
	c = mkcon(1, "xenstore", ROLE_GUEST);
	guest_puts(&c, "hello world\nsecond ");
	console_backend_poll();
	CU_ASSERT_TRUE(has_line("(xenstore) hello world"));
	CU_ASSERT_EQUAL(count_lines("second"), 0);
	CU_ASSERT_EQUAL(c.intf->out_cons, c.intf->out_prod);
	/* The rest of the line, in another chunk. */
	guest_puts(&c, "line\r\n");
	console_backend_poll();
	CU_ASSERT_TRUE(has_line("(xenstore) second line"));
	/* A partial line is printed once it waited long enough. */
	guest_puts(&c, "login: ");
	console_backend_poll();
	CU_ASSERT_EQUAL(count_lines("login"), 0);
	fake_now += 600 * MS;
	console_backend_poll();
	CU_ASSERT_TRUE(has_line("(xenstore) login: "));
	CU_ASSERT_EQUAL(raw_len, 0);
	teardown();
}

UNIT_TEST(console_backend, non_printable_bytes_are_escaped_and_cr_dropped)
{
	struct con c;

	setup();
	c = mkcon(1, "g", ROLE_GUEST);
	guest_write(&c, "a\x1b[31mb\tc\x7f\xff\r\n", 13);
	console_backend_poll();
	CU_ASSERT_TRUE(has_line("(g) a\\x1b[31mb\tc\\x7f\\xff"));
	teardown();
}

UNIT_TEST(console_backend, long_lines_are_split_not_overflowed)
{
	char big[1000];
	struct con c;
	unsigned int n;

	setup();
	c = mkcon(1, "g", ROLE_GUEST);
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	guest_write(&c, big, sizeof(big));
	console_backend_poll();
	n = count_lines("(g) xxx");
	CU_ASSERT_TRUE(n >= 6 && n <= 8);
	for (unsigned int i = 0; i < nr_lines; i++)
		CU_ASSERT_TRUE(strlen(lines[i]) <= 4 + 160);
	teardown();
}

UNIT_TEST(console_backend, names_are_sanitised)
{
	struct con c;

	setup();
	c = mkcon(1, "bad\x1bname)", ROLE_GUEST);
	guest_puts(&c, "hi\n");
	console_backend_poll();
	CU_ASSERT_TRUE(has_line("(bad?name?) hi"));
	teardown();
}

UNIT_TEST(console_backend, hostile_out_indices_are_resynchronised_and_logged_once)
{
	struct con c;

	setup();
	c = mkcon(1, "evil", ROLE_GUEST);
	/* Producer far ahead of the consumer. */
	c.intf->out_prod = 5000;
	console_backend_poll();
	CU_ASSERT_EQUAL(c.intf->out_cons, 5000);
	CU_ASSERT_EQUAL(count_lines("resynchronised"), 1);
	CU_ASSERT_EQUAL(count_lines("(evil) "), 1); /* only the warning */
	/* Producer behind the consumer (a huge unsigned distance). */
	c.intf->out_cons = 100;
	c.intf->out_prod = 90;
	console_backend_poll();
	CU_ASSERT_EQUAL(c.intf->out_cons, 90);
	CU_ASSERT_EQUAL(count_lines("resynchronised"), 1); /* logged once */
	/* Exactly a full ring is legal. */
	c.intf->out_cons = 0;
	c.intf->out_prod = 0;
	for (unsigned int i = 0; i < 2047; i++)
		guest_puts(&c, "z");
	guest_puts(&c, "\n");
	console_backend_poll();
	CU_ASSERT_EQUAL(c.intf->out_cons, 2048);
	CU_ASSERT_TRUE(count_lines("(evil) zzz") >= 1);
	teardown();
}

UNIT_TEST(console_backend, indices_wrap_at_2_32)
{
	struct con c;

	setup();
	c = mkcon(1, "w", ROLE_GUEST);
	c.intf->out_cons = c.intf->out_prod = 0xfffffffeu;
	guest_puts(&c, "wrap!\n");
	CU_ASSERT_EQUAL(c.intf->out_prod, 4);
	console_backend_poll();
	CU_ASSERT_TRUE(has_line("(w) wrap!"));
	CU_ASSERT_EQUAL(c.intf->out_cons, 4);
	teardown();
}

UNIT_TEST(console_backend, guest_output_is_rate_limited_per_domain)
{
	char line[101];
	struct con g, ctl;
	unsigned int printed;

	setup();
	g = mkcon(1, "g", ROLE_GUEST);
	ctl = mkcon(2, "ctl", ROLE_CONTROL);
	memset(line, 'a', 100);
	line[100] = '\n';
	/* 40 KiB at one instant: more than the burst. */
	for (unsigned int i = 0; i < 20; i++) {
		for (unsigned int j = 0; j < 20; j++) {
			guest_write(&g, line, sizeof(line));
			guest_write(&ctl, line, sizeof(line));
		}
		console_backend_poll();
	}
	printed = count_lines("(g) aaa");
	CU_ASSERT_TRUE(printed < 400);
	CU_ASSERT_TRUE(printed * 101 <= CONSOLE_GUEST_BURST + 101);
	CU_ASSERT_EQUAL(g.intf->out_cons, g.intf->out_prod); /* dropped, never waited for */
	/* The control domain is not limited, as with CONSOLEIO_write. */
	CU_ASSERT_EQUAL(count_lines("(ctl) aaa"), 400);
	teardown();
}

UNIT_TEST(console_backend, a_send_on_the_port_and_the_poll_both_drain)
{
	struct con c;

	setup();
	c = mkcon(1, "g", ROLE_GUEST);
	guest_puts(&c, "notified\n");
	CU_ASSERT_EQUAL(guest_send(c.d, c.port), 0);
	console_backend_poll();
	CU_ASSERT_TRUE(has_line("(g) notified"));
	/* Space was handed back: the guest's port is raised. */
	CU_ASSERT_TRUE(evtchn_port_is_pending(c.d, c.port));
	teardown();
}

/* ---- input and focus ---- */

UNIT_TEST(console_backend, three_presses_switch_the_focus_in_domid_order)
{
	const char sw[3] = {CTRL_RB, CTRL_RB, CTRL_RB};

	setup();
	mkcon(2, "second", ROLE_GUEST);
	mkcon(1, "first", ROLE_GUEST);
	CU_ASSERT_EQUAL(console_backend_focus(), DOMID_XEN);
	type(sw, 3);
	poll_all();
	CU_ASSERT_EQUAL(console_backend_focus(), 1);
	CU_ASSERT_TRUE(has_line("*** console input: d1 'first' ***"));
	type(sw, 3);
	poll_all();
	CU_ASSERT_EQUAL(console_backend_focus(), 2);
	CU_ASSERT_TRUE(has_line("*** console input: d2 'second' ***"));
	type(sw, 3);
	poll_all();
	CU_ASSERT_EQUAL(console_backend_focus(), DOMID_XEN);
	CU_ASSERT_EQUAL(count_lines("*** console input: hypervisor"), 1);
	teardown();
}

UNIT_TEST(console_backend, the_control_domain_takes_the_focus_at_boot)
{
	const char sw[3] = {CTRL_RB, CTRL_RB, CTRL_RB};

	setup();
	console_backend_configure(CTRL_RB, true);
	mkcon(2, "guest", ROLE_GUEST);
	CU_ASSERT_EQUAL(console_backend_focus(), DOMID_XEN);
	mkcon(0, "ctl", ROLE_CONTROL);
	CU_ASSERT_EQUAL(console_backend_focus(), 0);
	CU_ASSERT_TRUE(has_line("*** console input: d0 'ctl' ***"));
	/* Control domain -> the next consoles -> the hypervisor -> the control domain. */
	type(sw, 3);
	poll_all();
	CU_ASSERT_EQUAL(console_backend_focus(), 2);
	type(sw, 3);
	poll_all();
	CU_ASSERT_EQUAL(console_backend_focus(), DOMID_XEN);
	type(sw, 3);
	poll_all();
	CU_ASSERT_EQUAL(console_backend_focus(), 0);
	teardown();
}

UNIT_TEST(console_backend, conswitch_x_or_a_moved_focus_keeps_the_hypervisor_focused)
{
	const char sw[3] = {CTRL_RB, CTRL_RB, CTRL_RB};

	setup();
	/* conswitch=]x: configure(..., false), as console_backend_init does. */
	mkcon(0, "ctl", ROLE_CONTROL);
	CU_ASSERT_EQUAL(console_backend_focus(), DOMID_XEN);
	teardown();

	/* The user moved the focus before the control domain attached: it stays where it is. */
	setup();
	console_backend_configure(CTRL_RB, true);
	mkcon(1, "guest", ROLE_GUEST);
	type(sw, 3);
	poll_all();
	CU_ASSERT_EQUAL(console_backend_focus(), 1);
	type(sw, 3);
	poll_all();
	mkcon(0, "ctl", ROLE_CONTROL);
	CU_ASSERT_EQUAL(console_backend_focus(), DOMID_XEN);
	teardown();
}

UNIT_TEST(console_backend, typed_bytes_reach_the_focused_ring_and_raise_its_port)
{
	const char sw[3] = {CTRL_RB, CTRL_RB, CTRL_RB};
	char buf[64];
	struct con c;

	setup();
	c = mkcon(1, "g", ROLE_GUEST);
	/* With the hypervisor focused, nothing reaches the guest. */
	type_str("ls\n");
	poll_all();
	CU_ASSERT_EQUAL(c.intf->in_prod, 0);
	type(sw, 3);
	type_str("ls\n");
	poll_all();
	CU_ASSERT_EQUAL(guest_read(&c, buf, sizeof(buf)), 3);
	CU_ASSERT_EQUAL(memcmp(buf, "ls\n", 3), 0);
	CU_ASSERT_TRUE(evtchn_port_is_pending(c.d, c.port));
	/* One press then another key: both delivered. */
	type_str("\x1dq");
	poll_all();
	CU_ASSERT_EQUAL(guest_read(&c, buf, sizeof(buf)), 2);
	CU_ASSERT_EQUAL(memcmp(buf, "\x1dq", 2), 0);
	/* Two presses then another key: all three. */
	type_str("\x1d\x1dz");
	poll_all();
	CU_ASSERT_EQUAL(guest_read(&c, buf, sizeof(buf)), 3);
	CU_ASSERT_EQUAL(memcmp(buf, "\x1d\x1dz", 3), 0);
	/* A press left alone goes through after the hold time. */
	type_str("\x1d");
	poll_all();
	CU_ASSERT_EQUAL(guest_read(&c, buf, sizeof(buf)), 0);
	fake_now += CONSOLE_KEYSEQ_HOLD_NS;
	console_backend_poll();
	CU_ASSERT_EQUAL(guest_read(&c, buf, sizeof(buf)), 1);
	CU_ASSERT_EQUAL(buf[0], CTRL_RB);
	/* The focused domain's output is a terminal: raw, at once. */
	guest_puts(&c, "# ");
	console_backend_poll();
	CU_ASSERT_EQUAL(raw_len, 2);
	CU_ASSERT_EQUAL(memcmp(raw, "# ", 2), 0);
	CU_ASSERT_EQUAL(count_lines("(g) #"), 0);
	teardown();
}

UNIT_TEST(console_backend, a_full_input_ring_drops_the_rest)
{
	const char sw[3] = {CTRL_RB, CTRL_RB, CTRL_RB};
	char many[1500], buf[2048];
	struct con c;

	setup();
	c = mkcon(1, "g", ROLE_GUEST);
	type(sw, 3);
	for (unsigned int i = 0; i < sizeof(many); i++)
		many[i] = (char)('a' + i % 26);
	type(many, sizeof(many));
	poll_all();
	CU_ASSERT_EQUAL(c.intf->in_prod - c.intf->in_cons, 1024);
	CU_ASSERT_EQUAL(count_lines("input ring full"), 1);
	CU_ASSERT_EQUAL(guest_read(&c, buf, sizeof(buf)), 1024);
	CU_ASSERT_EQUAL(memcmp(buf, many, 1024), 0);
	/* Room again: input flows. */
	type_str("ok");
	poll_all();
	CU_ASSERT_EQUAL(guest_read(&c, buf, sizeof(buf)), 2);
	CU_ASSERT_EQUAL(memcmp(buf, "ok", 2), 0);
	/* Hostile input indices: resynchronised, the input still lands in the page. */
	c.intf->in_cons = 7;
	c.intf->in_prod = 7 + 5000;
	type_str("x");
	poll_all();
	CU_ASSERT_EQUAL(c.intf->in_prod, 8);
	CU_ASSERT_EQUAL(c.intf->in[7], 'x');
	CU_ASSERT_EQUAL(count_lines("input indices resynchronised"), 1);
	teardown();
}

UNIT_TEST(console_backend, a_dying_focused_domain_returns_the_focus)
{
	const char sw[3] = {CTRL_RB, CTRL_RB, CTRL_RB};
	struct con c;

	setup();
	c = mkcon(1, "g", ROLE_GUEST);
	type(sw, 3);
	poll_all();
	CU_ASSERT_EQUAL(console_backend_focus(), 1);
	fake_domain_kill(c.d);
	CU_ASSERT_EQUAL(console_backend_focus(), DOMID_XEN);
	/* Input goes nowhere now; the poll still runs. */
	type_str("after");
	poll_all();
	teardown();
}

UNIT_TEST(console_backend, the_guest_closing_its_port_detaches_the_console)
{
	struct evtchn_close op;
	struct con c;
	uint32_t port2;

	setup();
	c = mkcon(1, "g", ROLE_GUEST);
	op.port = c.port;
	CU_ASSERT_EQUAL(guest_evtop(c.d, EVTCHNOP_close, &op, sizeof(op)), 0);
	guest_puts(&c, "unheard\n");
	console_backend_poll();
	CU_ASSERT_EQUAL(count_lines("unheard"), 0);
	/* It may be attached again (the builder's frame is still d's). */
	CU_ASSERT_EQUAL(console_backend_attach(c.d, _gfn(RING_GFN), &port2), 0);
	console_backend_poll();
	CU_ASSERT_TRUE(has_line("(g) unheard"));
	teardown();
}

/* ---- the key sequence and conswitch= ---- */

UNIT_TEST(console_backend, keyseq_state_machine)
{
	struct console_keyseq k = {.code = 0x14};
	uint8_t out[3];
	bool sw;

	CU_ASSERT_EQUAL(console_keyseq_feed(&k, 'a', 0, out, &sw), 1);
	CU_ASSERT_EQUAL(out[0], 'a');
	CU_ASSERT_FALSE(sw);
	CU_ASSERT_EQUAL(console_keyseq_feed(&k, 0x14, 0, out, &sw), 0);
	CU_ASSERT_EQUAL(console_keyseq_feed(&k, 0x14, 0, out, &sw), 0);
	CU_ASSERT_FALSE(sw);
	CU_ASSERT_EQUAL(console_keyseq_feed(&k, 0x14, 0, out, &sw), 0);
	CU_ASSERT_TRUE(sw);
	CU_ASSERT_EQUAL(k.held, 0);
	/* Two presses and a key. */
	console_keyseq_feed(&k, 0x14, 0, out, &sw);
	console_keyseq_feed(&k, 0x14, 0, out, &sw);
	CU_ASSERT_EQUAL(console_keyseq_feed(&k, 'b', 0, out, &sw), 3);
	CU_ASSERT_EQUAL(out[0], 0x14);
	CU_ASSERT_EQUAL(out[1], 0x14);
	CU_ASSERT_EQUAL(out[2], 'b');
	CU_ASSERT_FALSE(sw);
	/* Expiry only after the hold time, counted from the first press. */
	console_keyseq_feed(&k, 0x14, 100, out, &sw);
	console_keyseq_feed(&k, 0x14, 200, out, &sw);
	CU_ASSERT_EQUAL(console_keyseq_expire(&k, 100 + CONSOLE_KEYSEQ_HOLD_NS - 1, out), 0);
	CU_ASSERT_EQUAL(console_keyseq_expire(&k, 100 + CONSOLE_KEYSEQ_HOLD_NS, out), 2);
	CU_ASSERT_EQUAL(k.held, 0);
	CU_ASSERT_EQUAL(console_keyseq_expire(&k, 1LL << 60, out), 0);
}

UNIT_TEST(console_backend, conswitch_values_as_xen_parses_them)
{
	uint8_t code = 0;

	CU_ASSERT_EQUAL(console_parse_conswitch("a", &code), 0);
	CU_ASSERT_EQUAL(code, 0x01);
	CU_ASSERT_EQUAL(console_parse_conswitch("ax", &code), 0);
	CU_ASSERT_EQUAL(code, 0x01);
	CU_ASSERT_EQUAL(console_parse_conswitch("]", &code), 0);
	CU_ASSERT_EQUAL(code, 0x1d);
	CU_ASSERT_EQUAL(console_parse_conswitch("T", &code), 0);
	CU_ASSERT_EQUAL(code, 0x14);
	CU_ASSERT_EQUAL(console_parse_conswitch("\\", &code), 0);
	CU_ASSERT_EQUAL(code, 0x1c);
	code = 0x55;
	CU_ASSERT_EQUAL(console_parse_conswitch("", &code), -EINVAL);
	CU_ASSERT_EQUAL(console_parse_conswitch("ab", &code), -EINVAL);
	CU_ASSERT_EQUAL(console_parse_conswitch("1", &code), -EINVAL);
	CU_ASSERT_EQUAL(console_parse_conswitch("m", &code), -EINVAL); /* carriage return */
	CU_ASSERT_EQUAL(console_parse_conswitch("j", &code), -EINVAL); /* newline */
	CU_ASSERT_EQUAL(console_parse_conswitch("[", &code), -EINVAL); /* escape */
	CU_ASSERT_EQUAL(console_parse_conswitch("@", &code), -EINVAL); /* NUL */
	CU_ASSERT_EQUAL(code, 0x55);
}

/* ---- hypervisor-bound event channel ports ---- */

static unsigned int sends, closes;
static struct domain *last_d;
static uint32_t last_port;
static void *last_data;
static int notify_back_rc;

static void xen_send(struct domain *d, uint32_t port, void *data)
{
	sends++;
	last_d = d;
	last_port = port;
	last_data = data;
}

static void xen_closed(struct domain *d, uint32_t port, void *data)
{
	closes++;
	last_d = d;
	last_port = port;
	last_data = data;
	/* No event lock is held here: raising the (now closed) port is safe and refused. */
	notify_back_rc = evtchn_send_xen(d, port);
}

static const struct evtchn_xen_ops test_ops = {.send = xen_send, .closed = xen_closed};

UNIT_TEST(console_backend, xen_port_send_calls_the_handler_and_can_be_raised_back)
{
	struct domain *d, *other;
	struct evtchn_status st;
	struct evtchn_bind_interdomain bi;
	int cookie;
	uint32_t port;

	setup();
	sends = closes = 0;
	d = fake_domain_create(1, ROLE_GUEST, 1);
	other = fake_domain_create(2, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL_FATAL(evtchn_alloc_xen_port(d, &test_ops, &cookie, &port), 0);
	CU_ASSERT_FALSE(evtchn_port_is_pending(d, port));

	CU_ASSERT_EQUAL(guest_send(d, port), 0);
	CU_ASSERT_EQUAL(sends, 1);
	CU_ASSERT_PTR_EQUAL(last_d, d);
	CU_ASSERT_EQUAL(last_port, port);
	CU_ASSERT_PTR_EQUAL(last_data, &cookie);
	/* A guest's send does not raise its own port... */
	CU_ASSERT_FALSE(evtchn_port_is_pending(d, port));
	/* ...the hypervisor does. */
	CU_ASSERT_EQUAL(evtchn_send_xen(d, port), 0);
	CU_ASSERT_TRUE(evtchn_port_is_pending(d, port));
	/* Not on an ordinary port, nor on a free one. */
	CU_ASSERT_EQUAL(evtchn_send_xen(d, port + 1), -EINVAL);

	/* The guest sees it as unbound to the hypervisor; nobody may bind it. */
	memset(&st, 0, sizeof(st));
	st.dom = DOMID_SELF;
	st.port = port;
	CU_ASSERT_EQUAL(guest_evtop(d, EVTCHNOP_status, &st, sizeof(st)), 0);
	CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_unbound);
	CU_ASSERT_EQUAL(st.u.unbound.dom, DOMID_XEN);
	bi.remote_dom = 1;
	bi.remote_port = port;
	CU_ASSERT_EQUAL(guest_evtop(other, EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), -EINVAL);
	CU_ASSERT_EQUAL(closes, 0);
	teardown();
	/* Destroying the domain closed it: once. */
	CU_ASSERT_EQUAL(closes, 1);
	CU_ASSERT_EQUAL(last_port, port);
	CU_ASSERT_EQUAL(notify_back_rc, -EINVAL);
}

UNIT_TEST(console_backend, xen_port_closed_by_the_guest_unregisters_the_handler)
{
	struct evtchn_close op;
	struct evtchn_reset rs = {.dom = DOMID_SELF};
	struct domain *d;
	int cookie;
	uint32_t port, port2;

	setup();
	sends = closes = 0;
	d = fake_domain_create(1, ROLE_GUEST, 1);
	CU_ASSERT_EQUAL_FATAL(evtchn_alloc_xen_port(d, &test_ops, &cookie, &port), 0);
	op.port = port;
	CU_ASSERT_EQUAL(guest_evtop(d, EVTCHNOP_close, &op, sizeof(op)), 0);
	CU_ASSERT_EQUAL(closes, 1);
	CU_ASSERT_PTR_EQUAL(last_data, &cookie);
	/* Sending on the closed port no longer reaches the handler. */
	CU_ASSERT_EQUAL(guest_send(d, port), -EINVAL);
	CU_ASSERT_EQUAL(sends, 0);
	CU_ASSERT_EQUAL(evtchn_send_xen(d, port), -EINVAL);
	/* EVTCHNOP_reset closes it too. */
	CU_ASSERT_EQUAL_FATAL(evtchn_alloc_xen_port(d, &test_ops, &cookie, &port2), 0);
	CU_ASSERT_EQUAL(guest_evtop(d, EVTCHNOP_reset, &rs, sizeof(rs)), 0);
	CU_ASSERT_EQUAL(closes, 2);
	CU_ASSERT_EQUAL(guest_send(d, port2), -EINVAL);
	CU_ASSERT_EQUAL(sends, 0);
	teardown();
	CU_ASSERT_EQUAL(closes, 2);
}
