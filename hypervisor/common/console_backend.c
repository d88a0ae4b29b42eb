/*
 * The PV console backend of boot domains, served by the hypervisor itself
 * (no xenconsoled needed to see a boot domain's console). Each attached
 * domain has a console ring (struct xencons_interface, public/io/console.h:
 * out[] guest -> us, in[] us -> guest, free-running 32-bit indices) in a
 * page of its RAM, and a hypervisor-bound event channel port.
 *
 *  - Output: drained when the guest notifies (its send raises
 *    CONSOLE_SOFTIRQ on the sending CPU, so the ring is empty again before
 *    the guest runs on, as Linux's hvc_xen expects of a backend) and every
 *    CONSOLE_POLL_MS (a guest may write without notifying). Printed as
 *    "(name) text" log lines, non-printable bytes as \xNN, '\r' dropped; a
 *    partial line is printed once it has waited CONSOLE_PARTIAL_NS. The
 *    domain whose console has the input focus is printed raw instead, as a
 *    terminal (prompts and echo must show at once). Both go through the
 *    per-domain token bucket of CONSOLEIO_write (console_guest_allow); the
 *    control domain is not limited, as there.
 *  - Input: the serial driver's getc is polled every CONSOLE_POLL_MS; bytes
 *    go to the focused domain's in[] (a full ring drops the rest), then its
 *    port is raised. As Xen gives dom0 the serial line, the focus goes to
 *    the control domain's console when it attaches at boot (conswitch=<c>x,
 *    Xen's form, keeps it with the hypervisor); without a control domain
 *    console it stays with the hypervisor, which drops input except 'h'
 *    (help). Three presses of the switch code (conswitch=, Ctrl-] by
 *    default: QEMU -nographic keeps Ctrl-a) move the focus to the next
 *    console in domid order, then to the hypervisor, then to the first.
 *  - The guest is hostile: indices are read once, checked (more than the
 *    ring's size outstanding: logged once and resynchronised, nothing read),
 *    and only masked offsets inside the page are touched. The ring frame is
 *    held by a reference from attach until the port closes.
 *
 * Locking: cons_lock (irqsave) guards the console list, the focus and every
 * console's state. Order: docs/locking.md (cons_lock -> d->console.lock,
 * the limiter; cons_lock -> d->event_lock, raising a port).
 * The port's send callback runs under d->event_lock and takes no lock; the
 * closed callback runs with no event lock held and takes cons_lock.
 */
#include <tessera/bootinfo.h>
#include <tessera/console.h>
#include <tessera/console_backend.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/format.h>
#include <tessera/list.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include <tessera/page_info.h>
#include <tessera/panic.h>
#include <tessera/privilege.h>
#include <tessera/softirq.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/timer.h>

#include <public/io/console.h>

/* A partial output line is printed after waiting this long for its newline. */
#define CONSOLE_PARTIAL_NS (500LL * 1000 * 1000)
#define CONSOLE_LINE 160
/* Serial bytes taken per poll: the UART FIFO is 16; QEMU refills it as we read. */
#define CONSOLE_RX_BATCH 256
/* Ctrl-] : passes through QEMU's -nographic mux (whose escape is Ctrl-a). */
#define CONSOLE_DEFAULT_SWITCH 0x1d

struct console {
	struct list_head link;	/* on consoles, in domid order */
	struct domain *d;	/* a reference, dropped when the port closes */
	uint32_t port;		/* d's hypervisor-bound port (0 until attach finished) */
	struct page_info *page; /* the ring frame: a reference */
	struct xencons_interface *intf;
	char name[24];		 /* printable form of d's name */
	uint16_t len;		 /* bytes in line */
	char line[CONSOLE_LINE]; /* output waiting for its newline */
	s_time_t line_since;	 /* when line got its first byte */
	bool out_bad_logged;	 /* out[] indices were insane once (logged once) */
	bool in_bad_logged;	 /* in[] indices were insane once */
	bool in_full;		 /* dropping input because in[] is full (logged at the start) */
};

static DEFINE_SPINLOCK(cons_lock, LOCK_LEVEL_CONS_BACKEND);
static LIST_HEAD(consoles);
static domid_t focus = DOMID_XEN;
/* The control domain's console takes the focus when it attaches (until the focus first moves). */
static bool focus_control_pending;
static struct console_keyseq keyseq = {.code = CONSOLE_DEFAULT_SWITCH};
static int (*input_getc)(void);
static bool console_ready; /* console_backend_init ran: the softirq exists */
static struct timer poll_timer;

void console_input_register(int (*getc)(void))
{
	input_getc = getc;
}

/* ---- key sequence ---- */

unsigned int console_keyseq_feed(struct console_keyseq *k, uint8_t c, s_time_t now, uint8_t out[3],
				 bool *do_switch)
{
	unsigned int n = 0;

	*do_switch = false;
	if (c == k->code) {
		if (k->held == 2) {
			k->held = 0;
			*do_switch = true;
			return 0;
		}
		if (k->held++ == 0)
			k->held_at = now;
		return 0;
	}
	/* Not the sequence after all: what was held goes first, then c. */
	while (k->held) {
		out[n++] = k->code;
		k->held--;
	}
	out[n++] = c;
	return n;
}

unsigned int console_keyseq_expire(struct console_keyseq *k, s_time_t now, uint8_t out[2])
{
	unsigned int n = 0;

	if (!k->held || now - k->held_at < CONSOLE_KEYSEQ_HOLD_NS)
		return 0;
	while (k->held) {
		out[n++] = k->code;
		k->held--;
	}
	return n;
}

/* Ctrl-x as the user types it: letters in lower case, as Xen names them. */
static char keyseq_key_char(uint8_t code)
{
	char ch = (char)(code | 0x40);

	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

int console_parse_conswitch(const char *val, uint8_t *code)
{
	char ch = val[0];
	uint8_t c;

	/* Xen's form: <switch char>[x]; the x (input stays with the hypervisor at boot) is read by
	 * console_backend_init. */
	if (ch == '\0' || (val[1] != '\0' && !(val[1] == 'x' && val[2] == '\0')))
		return -EINVAL;
	if (ch >= 'a' && ch <= 'z')
		ch = (char)(ch - 'a' + 'A');
	if (ch < 0x40 || ch > 0x5f)
		return -EINVAL;
	c = (uint8_t)(ch & 0x1f);
	/* NUL, newline, carriage return and escape would take keys every terminal sends. */
	if (c == 0 || c == '\n' || c == '\r' || c == 0x1b)
		return -EINVAL;
	*code = c;
	return 0;
}

/* ---- output ---- */

/* Print c's assembled line as "(name) text"; cons_lock held. */
static void console_line_flush(struct console *c)
{
	ASSERT(spin_is_held_by_me(&cons_lock));
	log_printf(LOG_INFO, "(%s) %.*s", c->name, (int)c->len, c->line);
	c->len = 0;
}

/* Add output bytes to c's line, escaping what is not printable; cons_lock held. */
static void console_line_add(struct console *c, const char *s, size_t len, s_time_t now)
{
	static const char hex[] = "0123456789abcdef";

	ASSERT(spin_is_held_by_me(&cons_lock));
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\n') {
			console_line_flush(c);
			continue;
		}
		if (ch == '\r')
			continue; /* tty output ends lines with "\r\n" */
		/* Room for the longest form ("\xNN"). */
		if (c->len + 4 > CONSOLE_LINE)
			console_line_flush(c);
		if (c->len == 0)
			c->line_since = now;
		if ((ch >= 0x20 && ch < 0x7f) || ch == '\t') {
			c->line[c->len++] = (char)ch;
		} else {
			c->line[c->len++] = '\\';
			c->line[c->len++] = 'x';
			c->line[c->len++] = hex[ch >> 4];
			c->line[c->len++] = hex[ch & 15];
		}
	}
}

/*
 * Take what the guest wrote to out[] into buf (at least sizeof(out[]));
 * the bytes taken. Indices more than a ring apart are hostile or corrupt:
 * log once, skip to the producer (out_cons = out_prod) and take nothing.
 * cons_lock held.
 */
static uint32_t console_ring_take(struct console *c, char *buf, bool *moved)
{
	struct xencons_interface *intf = c->intf;
	uint32_t cons = READ_ONCE(intf->out_cons);
	uint32_t prod = READ_ONCE(intf->out_prod);
	uint32_t avail = prod - cons;

	ASSERT(spin_is_held_by_me(&cons_lock));
	*moved = false;
	if (avail == 0)
		return 0;
	if (avail > sizeof(intf->out)) {
		if (!c->out_bad_logged)
			log_printf(LOG_WARN,
				   "(%s) console ring: out_prod %u is %u bytes past out_cons %u "
				   "(ring %zu): "
				   "output skipped, indices resynchronised",
				   c->name, prod, avail, cons, sizeof(intf->out));
		c->out_bad_logged = true;
		WRITE_ONCE(intf->out_cons, prod);
		*moved = true;
		return 0;
	}
	/* The bytes are read after the index that published them. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	for (uint32_t i = 0; i < avail; i++)
		buf[i] = READ_ONCE(intf->out[MASK_XENCONS_IDX(cons + i, intf->out)]);
	/* ...and before the space is handed back. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	WRITE_ONCE(intf->out_cons, cons + avail);
	*moved = true;
	return avail;
}

/* Drain c's out[] to the serial line; true if the guest should be told (space freed). cons_lock
 * held. */
static bool console_drain(struct console *c, s_time_t now)
{
	char buf[sizeof(((struct xencons_interface *)0)->out)];
	bool moved;
	uint32_t n = console_ring_take(c, buf, &moved);
	uint32_t allowed = n;

	ASSERT(spin_is_held_by_me(&cons_lock));
	if (n == 0)
		return moved;
	if (!is_control_domain(c->d))
		allowed = console_guest_allow(c->d, n, n);
	if (c->d->domain_id == focus)
		console_puts_raw(buf, allowed);
	else
		console_line_add(c, buf, allowed, now);
	return true;
}

/* ---- input ---- */

/* Put len bytes into c's in[]; a full ring drops the rest. cons_lock held. */
static void console_input(struct console *c, const uint8_t *s, unsigned int len)
{
	struct xencons_interface *intf = c->intf;
	uint32_t cons = READ_ONCE(intf->in_cons);
	uint32_t prod = READ_ONCE(intf->in_prod);
	unsigned int i = 0;

	ASSERT(spin_is_held_by_me(&cons_lock));
	if (prod - cons > sizeof(intf->in)) {
		if (!c->in_bad_logged)
			log_printf(LOG_WARN,
				   "(%s) console ring: in_cons %u is %u bytes behind in_prod %u "
				   "(ring %zu): "
				   "input indices resynchronised",
				   c->name, cons, prod - cons, prod, sizeof(intf->in));
		c->in_bad_logged = true;
		prod = cons;
	}
	while (i < len && prod - cons < sizeof(intf->in))
		WRITE_ONCE(intf->in[MASK_XENCONS_IDX(prod++, intf->in)], (char)s[i++]);
	/* The bytes are visible before the index that publishes them. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	WRITE_ONCE(intf->in_prod, prod);
	if (i < len && !c->in_full)
		log_printf(LOG_WARN, "(%s) console input ring full: dropping input", c->name);
	c->in_full = i < len;
	(void)evtchn_send_xen(c->d, c->port);
}

static struct console *console_find(domid_t domid)
{
	struct console *c;

	list_for_each_entry(c, &consoles, link) if (c->d->domain_id == domid) return c;
	return NULL;
}

static void console_say_focus(void)
{
	struct console *c = console_find(focus);

	if (c)
		log_printf(LOG_INFO, "*** console input: d%u '%s' ***", c->d->domain_id, c->name);
	else
		log_printf(LOG_INFO,
			   "*** console input: hypervisor (Ctrl-%c three times to switch) ***",
			   keyseq_key_char(keyseq.code));
}

/* Next focus: the console after the focused one in domid order, then the hypervisor. cons_lock
 * held. */
static void console_switch_focus(void)
{
	struct console *c, *next = NULL;

	ASSERT(spin_is_held_by_me(&cons_lock));
	list_for_each_entry(c, &consoles, link)
	{
		if (focus == DOMID_XEN || c->d->domain_id > focus) {
			next = c;
			break;
		}
	}
	focus = next ? next->d->domain_id : DOMID_XEN;
	focus_control_pending = false;
	/* What the new focus printed so far goes out as a line before it turns raw. */
	if (next && next->len)
		console_line_flush(next);
	console_say_focus();
}

/* The hypervisor's own keys while it has the focus. cons_lock held. */
static void console_hypervisor_key(uint8_t ch)
{
	struct console *c;

	ASSERT(spin_is_held_by_me(&cons_lock));
	if (ch != 'h' && ch != '?')
		return;
	log_printf(LOG_INFO, "Console: Ctrl-%c three times moves the input to the next of:",
		   keyseq_key_char(keyseq.code));
	list_for_each_entry(c, &consoles, link)
	    log_printf(LOG_INFO, "  d%u '%s'", c->d->domain_id, c->name);
	log_printf(LOG_INFO, "  then back to the hypervisor");
}

/* Deliver typed bytes to the focus. cons_lock held. */
static void console_deliver(const uint8_t *s, unsigned int n)
{
	struct console *c;

	ASSERT(spin_is_held_by_me(&cons_lock));
	if (n == 0)
		return;
	c = focus == DOMID_XEN ? NULL : console_find(focus);
	if (c) {
		console_input(c, s, n);
		return;
	}
	for (unsigned int i = 0; i < n; i++)
		console_hypervisor_key(s[i]);
}

/* ---- polling ---- */

/* Drain every ring; print partial lines that waited too long. cons_lock held. */
static void console_drain_all(s_time_t now, bool flush_stale)
{
	struct console *c;

	ASSERT(spin_is_held_by_me(&cons_lock));
	list_for_each_entry(c, &consoles, link)
	{
		if (console_drain(c, now))
			(void)evtchn_send_xen(c->d, c->port);
		if (flush_stale && c->len && now - c->line_since >= CONSOLE_PARTIAL_NS)
			console_line_flush(c);
	}
}

void console_backend_poll(void)
{
	unsigned long flags = spin_lock_irqsave(&cons_lock);
	s_time_t now = NOW();
	uint8_t out[3];
	unsigned int n;

	for (unsigned int i = 0; input_getc && i < CONSOLE_RX_BATCH; i++) {
		int ch = input_getc();
		bool sw;

		if (ch < 0)
			break;
		n = console_keyseq_feed(&keyseq, (uint8_t)ch, now, out, &sw);
		console_deliver(out, n);
		if (sw)
			console_switch_focus();
	}
	n = console_keyseq_expire(&keyseq, now, out);
	console_deliver(out, n);
	console_drain_all(now, true);
	spin_unlock_irqrestore(&cons_lock, flags);
}

domid_t console_backend_focus(void)
{
	return READ_ONCE(focus);
}

static void console_softirq(void)
{
	unsigned long flags = spin_lock_irqsave(&cons_lock);

	console_drain_all(NOW(), false);
	spin_unlock_irqrestore(&cons_lock, flags);
}

static void console_poll_timer_fn(void *data)
{
	console_backend_poll();
	set_timer(&poll_timer, NOW() + CONSOLE_POLL_MS * 1000000LL);
}

/* ---- the event channel ---- */

/* A guest notified: drain on this CPU before it returns to the guest. Under d->event_lock. */
static void console_evtchn_send(struct domain *d, uint32_t port, void *data)
{
	if (READ_ONCE(console_ready))
		raise_softirq(CONSOLE_SOFTIRQ);
}

/* The port closed (by the guest, or d's teardown): the console goes. No event lock held. */
static void console_evtchn_closed(struct domain *d, uint32_t port, void *data)
{
	struct console *c = data, *it;
	bool found = false;
	unsigned long flags = spin_lock_irqsave(&cons_lock);

	list_for_each_entry(it, &consoles, link) found |= it == c;
	if (found) {
		if (c->len)
			console_line_flush(c);
		list_del(&c->link);
		if (focus == d->domain_id) {
			focus = DOMID_XEN;
			console_say_focus();
		}
	}
	spin_unlock_irqrestore(&cons_lock, flags);
	if (!found)
		return;
	put_page(c->page);
	put_domain(c->d);
	xfree(c);
}

static const struct evtchn_xen_ops console_evtchn_ops = {
    .send = console_evtchn_send,
    .closed = console_evtchn_closed,
};

/* ---- attach ---- */

/* A reference on the frame behind d's ring_gfn, if d owns it as writable RAM; NULL otherwise. */
static struct page_info *console_get_ring_page(struct domain *d, gfn_t ring_gfn)
{
	enum p2m_type t = p2m_ram_rw;
	struct page_info *pg;
	mfn_t mfn;

	if (d->auto_translated) {
		if (!p2m_gfn_ok(ring_gfn) || !d->p2m)
			return NULL;
		mfn = p2m_lookup(d, ring_gfn, &t);
	} else {
		mfn = _mfn(gfn_x(ring_gfn));
	}
	if (t != p2m_ram_rw || !mfn_valid(mfn))
		return NULL;
	pg = mfn_to_page(mfn);
	return get_page(pg, d) ? pg : NULL;
}

/* d's name as printed: printable ASCII only (a boot plan could hold anything), else "dN". */
static void console_set_name(struct console *c, const struct domain *d)
{
	size_t i;

	for (i = 0; i < sizeof(c->name) - 1 && i < sizeof(d->name) && d->name[i]; i++) {
		char ch = d->name[i];

		c->name[i] = (ch > 0x20 && ch < 0x7f && ch != '(' && ch != ')') ? ch : '?';
	}
	c->name[i] = '\0';
	if (i == 0)
		snprintf(c->name, sizeof(c->name), "d%u", d->domain_id);
}

int console_backend_attach(struct domain *d, gfn_t ring_gfn, uint32_t *port_out)
{
	struct console *c = xzalloc(struct console), *it;
	bool took_domain = false;
	unsigned long flags;
	uint32_t port = 0;
	int rc;

	if (!c)
		return -ENOMEM;
	rc = -EINVAL;
	c->page = console_get_ring_page(d, ring_gfn);
	if (!c->page)
		goto out;
	if (!get_domain(d))
		goto out;
	took_domain = true;
	c->d = d;
	c->intf = page_to_virt(c->page);
	console_set_name(c, d);

	/* Listed before the port exists: its closed callback must find it. */
	flags = spin_lock_irqsave(&cons_lock);
	if (console_find(d->domain_id)) {
		rc = -EEXIST;
	} else {
		struct list_head *pos = &consoles;

		list_for_each_entry(it, &consoles, link)
		{
			if (it->d->domain_id > d->domain_id) {
				pos = &it->link;
				break;
			}
		}
		list_add_tail(&c->link, pos);
		rc = 0;
	}
	spin_unlock_irqrestore(&cons_lock, flags);
	if (rc)
		goto out;

	rc = evtchn_alloc_xen_port(d, &console_evtchn_ops, c, &port);
	flags = spin_lock_irqsave(&cons_lock);
	if (rc) {
		list_del(&c->link);
	} else {
		/* Unless the port closed already (then c is gone with it). */
		bool still = false;

		list_for_each_entry(it, &consoles, link) still |= it == c;
		if (still) {
			c->port = port;
			if (focus_control_pending && focus == DOMID_XEN && is_control_domain(d)) {
				focus = d->domain_id;
				focus_control_pending = false;
				console_say_focus();
			}
		} else {
			rc = -EINVAL;
		}
		c = NULL; /* from here the port owns c */
	}
	spin_unlock_irqrestore(&cons_lock, flags);
	if (rc)
		goto out;
	*port_out = port;
	log_printf(LOG_DEBUG, "d%u: console ring at gfn %#lx, port %u", d->domain_id,
		   (unsigned long)gfn_x(ring_gfn), port);
out:
	if (c) {
		if (c->page)
			put_page(c->page);
		if (took_domain)
			put_domain(d);
		xfree(c);
	}
	return rc;
}

/* ---- boot ---- */

void console_backend_configure(uint8_t switch_code, bool focus_control)
{
	unsigned long flags = spin_lock_irqsave(&cons_lock);

	keyseq.code = switch_code;
	keyseq.held = 0;
	focus = DOMID_XEN;
	focus_control_pending = focus_control;
	spin_unlock_irqrestore(&cons_lock, flags);
}

void console_backend_init(const char *cmdline)
{
	uint8_t code = CONSOLE_DEFAULT_SWITCH;
	bool focus_control = true;
	char val[8];

	if (cmdline_get(cmdline, "conswitch", val, sizeof(val))) {
		if (console_parse_conswitch(val, &code) != 0) {
			log_printf(LOG_WARN,
				   "conswitch=%s: not a switch key (a letter or one of [\\]^_); "
				   "keeping Ctrl-%c",
				   val, keyseq_key_char(CONSOLE_DEFAULT_SWITCH));
			code = CONSOLE_DEFAULT_SWITCH;
		} else {
			focus_control = val[1] != 'x';
		}
	}
	console_backend_configure(code, focus_control);
	open_softirq(CONSOLE_SOFTIRQ, console_softirq);
	if (init_timer(&poll_timer, console_poll_timer_fn, NULL, 0) != 0) {
		log_printf(LOG_ERR,
			   "console: no poll timer: no serial input, rings drained on notify only");
	} else {
		set_timer(&poll_timer, NOW() + CONSOLE_POLL_MS * 1000000LL);
	}
	WRITE_ONCE(console_ready, true);
	log_printf(LOG_INFO, "Console: input to %s; Ctrl-%c three times switches",
		   focus_control ? "the control domain once it attaches" : "the hypervisor",
		   keyseq_key_char(code));
}
