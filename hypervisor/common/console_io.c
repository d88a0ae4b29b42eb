/*
 * HYPERVISOR_console_io: a domain writes to the hypervisor console, and the
 * control domain reads what was typed on it. As Xen 4.17's do_console_io:
 *  - CONSOLEIO_write: the control domain's bytes go out as they are (its
 *    console may be interactive); any other domain's output is assembled
 *    into lines, printed as "(dN) text" with non-printable bytes escaped
 *    (Xen strips them), and limited per domain by a token bucket of
 *    CONSOLE_GUEST_RATE bytes/s (burst CONSOLE_GUEST_BURST): excess is
 *    dropped, never waited for, and the drop is logged. Xen lets guests
 *    write only in debug builds; Tessera always does, rate limited.
 *  - CONSOLEIO_read: the control role only; returns bytes of serial input
 *    (the rx ring the console driver fills with console_rx_put()), as Xen
 *    does for the hardware domain's hvc console. The log history is sysctl
 *    readconsole's (console_ring_read in common/console.c).
 *  - anything else: -ENOSYS for the control domain, -EPERM for others (the
 *    permission check comes first, as Xen's XSM hook).
 * Long writes go in chunks and continue themselves (count and buffer
 * advanced), as Xen's guest_console_write.
 *
 * Locking: d->console.lock guards a domain's line and bucket; rx_lock
 * (irqsave: the UART interrupt fills the ring) guards the rx ring. Order:
 * docs/locking.md (d->console.lock -> console_lock).
 */
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/guest_access.h>
#include <tessera/hypercall.h>
#include <tessera/panic.h>
#include <tessera/privilege.h>
#include <tessera/spinlock.h>
#include <tessera/time.h>
#include <public/xen.h>

#define CONSOLE_CHUNK 128
#define CONSOLE_RX_SIZE 128 /* Xen's SERIAL_RX_SIZE */

static DEFINE_SPINLOCK(rx_lock, LOCK_LEVEL_CONSOLE_RX);
static char rx_ring[CONSOLE_RX_SIZE];
static uint32_t rx_prod, rx_cons;

void console_rx_put(const char *s, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&rx_lock);

	/* As Xen: a full ring drops what arrives. */
	for (size_t i = 0; i < len && rx_prod - rx_cons < CONSOLE_RX_SIZE; i++)
		rx_ring[rx_prod++ % CONSOLE_RX_SIZE] = s[i];
	spin_unlock_irqrestore(&rx_lock, flags);
	send_global_virq(VIRQ_CONSOLE);
}

/* CONSOLEIO_read: up to count bytes of serial input; the number read or -errno. */
static long console_read(unsigned int count, XEN_GUEST_HANDLE(char) buf)
{
	unsigned int done = 0;

	/* The result shares its range with negative errors (Xen: -E2BIG). */
	if (count > INT32_MAX)
		return -E2BIG;
	while (done < count) {
		char kbuf[CONSOLE_RX_SIZE];
		unsigned long flags = spin_lock_irqsave(&rx_lock);
		uint32_t c = rx_cons, n = MIN(rx_prod - rx_cons, count - done);

		for (uint32_t i = 0; i < n; i++)
			kbuf[i] = rx_ring[(c + i) % CONSOLE_RX_SIZE];
		spin_unlock_irqrestore(&rx_lock, flags);
		if (!n)
			break;
		/* Copy before consuming: a fault leaves the input for the next read. */
		if (copy_to_guest_offset(buf, done, kbuf, n))
			return -EFAULT;
		flags = spin_lock_irqsave(&rx_lock);
		if (rx_cons == c)
			rx_cons += n;
		spin_unlock_irqrestore(&rx_lock, flags);
		done += n;
	}
	return done;
}

/* Top up d's bucket for the time passed and take up to want bytes; c->lock held. */
static uint32_t console_take_tokens(struct domain_console *c, uint32_t want, s_time_t now)
{
	uint32_t n;

	ASSERT(spin_is_held_by_me(&c->lock));
	if (!c->primed) {
		c->primed = true;
		c->tokens = CONSOLE_GUEST_BURST;
		c->refill_time = now;
	} else if (now > c->refill_time) {
		/* Past a full refill the exact time does not matter: no overflow below. */
		s_time_t elapsed = MIN(now - c->refill_time, (s_time_t)10 * 1000000000);
		uint64_t add = (uint64_t)elapsed * CONSOLE_GUEST_RATE / 1000000000;

		if (add) {
			c->tokens =
			    (uint32_t)MIN((uint64_t)c->tokens + add, (uint64_t)CONSOLE_GUEST_BURST);
			c->refill_time = now;
		}
	}
	n = MIN(want, c->tokens);
	c->tokens -= n;
	return n;
}

/* Print d's assembled line and start a new one; d->console.lock held. */
static void console_flush_line(struct domain *d)
{
	struct domain_console *c = &d->console;

	ASSERT(spin_is_held_by_me(&c->lock));
	log_printf(LOG_INFO, "(d%u) %.*s", d->domain_id, (int)c->len, c->line);
	c->len = 0;
}

/* Add guest bytes to d's line: newline ends it, others printable or escaped; d->console.lock
 * held. */
static void console_guest_emit(struct domain *d, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	struct domain_console *c = &d->console;

	ASSERT(spin_is_held_by_me(&c->lock));
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\n') {
			console_flush_line(d);
			continue;
		}
		/* Room for the longest form ("\xNN") and a terminating byte. */
		if (c->len + 4 >= DOMAIN_CONSOLE_LINE)
			console_flush_line(d);
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
 * A guest's chunk of want bytes at buf: how many may be printed now (rest
 * dropped), reporting the start and the end of a dropping episode. Also the
 * PV console backend's limiter (common/console_backend.c): one bucket per
 * domain for both ways out.
 */
uint32_t console_guest_allow(struct domain *d, uint32_t want, unsigned int total)
{
	struct domain_console *c = &d->console;
	uint32_t n;

	spin_lock(&c->lock);
	n = console_take_tokens(c, want, NOW());
	if (n && c->dropped) {
		log_printf(LOG_WARN, "(d%u) console rate limit: %lu bytes were dropped",
			   d->domain_id, (unsigned long)c->dropped);
		c->dropped = 0;
	}
	if (n < want) {
		if (!c->dropped)
			log_printf(LOG_WARN, "(d%u) console rate limit reached: dropping output",
				   d->domain_id);
		c->dropped += total - n;
	}
	spin_unlock(&c->lock);
	return n;
}

/* CONSOLEIO_write of count bytes at buf for the current domain; 0 or -errno. */
static long console_write(unsigned int count, XEN_GUEST_HANDLE(char) buf)
{
	struct domain *d = current->domain;
	bool raw = is_control_domain(d);
	bool first = true;

	while (count > 0) {
		char kbuf[CONSOLE_CHUNK];
		const uint32_t n = MIN(count, (uint32_t)CONSOLE_CHUNK);
		uint32_t allowed = n;
		bool cut = false; /* the bucket ran dry: the rest of this write is dropped */

		if (!first && hypercall_preempt_check())
			return hypercall_create_continuation(__HYPERVISOR_console_io, "iih",
							     CONSOLEIO_write, count, buf.p);
		first = false;
		/* Decide before copying: a dropped write costs no guest access. */
		if (!raw) {
			allowed = console_guest_allow(d, n, count);
			if (!allowed)
				return 0;
			cut = allowed != n;
		}
		if (copy_from_guest(kbuf, buf, allowed))
			return -EFAULT;
		if (raw) {
			console_puts_raw(kbuf, allowed);
		} else {
			spin_lock(&d->console.lock);
			console_guest_emit(d, kbuf, allowed);
			spin_unlock(&d->console.lock);
			if (cut)
				return 0;
		}
		guest_handle_add_offset(buf, n);
		count -= n;
	}
	return 0;
}

long do_console_io(const struct hypercall_args *args)
{
	unsigned int cmd = (unsigned int)args->a[0];
	unsigned int count = (unsigned int)args->a[1];
	XEN_GUEST_HANDLE(char) buf = guest_handle_from_arg(args->a[2], char);
	struct domain *d = current->domain;

	if (cmd == CONSOLEIO_write)
		return console_write(count, buf);
	if (!is_control_domain(d))
		return -EPERM;
	if (cmd == CONSOLEIO_read)
		return console_read(count, buf);
	return -ENOSYS;
}
