/*
 * HYPERVISOR_console_io (common/console_io.c) and the console's history
 * ring (common/console.c): guest lines with their prefix and escapes, the
 * per-domain rate limit that drops (and says so), the control domain's raw
 * output, serial input for CONSOLEIO_read, permissions and bad handles.
 */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <public/xen.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include "fake_arch.h"
#include "fake_guest.h"
#include "unit.h"

UNIT_SUITE(console_io);

/* console_io.c's log_printf (memory.mk renames it): the lines it logs. */
#define MAX_LINES 512
static char lines[MAX_LINES][256];
static unsigned int nr_lines;

void fake_console_io_log(enum log_level level, const char *fmt, ...) __printf(2, 3);
void fake_console_io_log(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (nr_lines >= MAX_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(lines[nr_lines++], sizeof(lines[0]), fmt, ap);
	va_end(ap);
}

/* console.c's real log_printf, renamed by memory.mk. */
void console_real_log_printf(enum log_level level, const char *fmt, ...);

/* What reaches the console outputs (control domain output, log lines). */
static char out[1 << 18];
static size_t out_len;

static void capture_write(const char *s, size_t len)
{
	if (out_len + len <= sizeof(out)) {
		memcpy(out + out_len, s, len);
		out_len += len;
	}
}

static struct console_output capture = {.name = "test", .write = capture_write};

static struct domain *guest, *ctl;

static void setup(void)
{
	static bool registered;

	if (!registered)
		console_register(&capture);
	registered = true;
	fake_abi_setup(1024);
	fake_now = 1000000000;
	nr_lines = 0;
	out_len = 0;
	ctl = fake_domain_create(0, ROLE_CONTROL, 1);
	guest = fake_domain_create(3, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctl);
	CU_ASSERT_PTR_NOT_NULL_FATAL(guest);
}

static void teardown(void)
{
	fake_preempt_after(-1);
	CU_ASSERT_EQUAL(fake_abi_teardown(), 0);
}

static long cio(struct domain *caller, unsigned long cmd, unsigned long count, uint64_t buf)
{
	fake_set_current(caller->vcpu[0]);
	return fake_hypercall3(__HYPERVISOR_console_io, cmd, count, buf);
}

static long write_str(struct domain *caller, const char *s)
{
	return cio(caller, CONSOLEIO_write, strlen(s), fake_guest_put(caller, s, strlen(s)));
}

/* Bytes of guest text in the captured lines that start with prefix. */
static size_t text_logged(const char *prefix)
{
	size_t n = 0, pl = strlen(prefix);

	for (unsigned int i = 0; i < nr_lines; i++)
		if (!strncmp(lines[i], prefix, pl))
			n += strlen(lines[i]) - pl;
	return n;
}

static bool logged_containing(const char *needle)
{
	for (unsigned int i = 0; i < nr_lines; i++)
		if (strstr(lines[i], needle))
			return true;
	return false;
}

UNIT_TEST(console_io, guest_lines_carry_the_domain_prefix)
{
	setup();
	CU_ASSERT_EQUAL(write_str(guest, "hello\n"), 0);
	CU_ASSERT_EQUAL(nr_lines, 1);
	CU_ASSERT_STRING_EQUAL(lines[0], "(d3) hello");
	/* A line written in pieces comes out once, when its newline arrives. */
	CU_ASSERT_EQUAL(write_str(guest, "par"), 0);
	CU_ASSERT_EQUAL(write_str(guest, "tial"), 0);
	CU_ASSERT_EQUAL(nr_lines, 1);
	CU_ASSERT_EQUAL(write_str(guest, " line\nnext\n"), 0);
	CU_ASSERT_EQUAL(nr_lines, 3);
	CU_ASSERT_STRING_EQUAL(lines[1], "(d3) partial line");
	CU_ASSERT_STRING_EQUAL(lines[2], "(d3) next");
	teardown();
}

UNIT_TEST(console_io, non_printable_bytes_are_escaped)
{
	setup();
	CU_ASSERT_EQUAL(write_str(guest, "a\x01\x1b[31mb\tc\r\xff\n"), 0);
	CU_ASSERT_EQUAL(nr_lines, 1);
	CU_ASSERT_STRING_EQUAL(lines[0], "(d3) a\\x01\\x1b[31mb\tc\\x0d\\xff");
	teardown();
}

UNIT_TEST(console_io, a_long_line_is_split_not_overflowed)
{
	char buf[1000];

	setup();
	memset(buf, 'z', sizeof(buf));
	CU_ASSERT_EQUAL(
	    cio(guest, CONSOLEIO_write, sizeof(buf), fake_guest_put(guest, buf, sizeof(buf))), 0);
	CU_ASSERT(nr_lines >= sizeof(buf) / DOMAIN_CONSOLE_LINE);
	for (unsigned int i = 0; i < nr_lines; i++)
		CU_ASSERT(strlen(lines[i]) < DOMAIN_CONSOLE_LINE + 8);
	CU_ASSERT_EQUAL(write_str(guest, "\n"), 0);
	CU_ASSERT_EQUAL(text_logged("(d3) "), sizeof(buf));
	/* Escapes near the end of the line buffer never overflow it. */
	memset(buf, 0x01, sizeof(buf));
	CU_ASSERT_EQUAL(
	    cio(guest, CONSOLEIO_write, sizeof(buf), fake_guest_put(guest, buf, sizeof(buf))), 0);
	teardown();
}

/* Bytes of c printed for d3: lines "(d3) ccc...", plus what waits in its line buffer. */
static size_t printed(const struct domain *d, char c)
{
	size_t n = 0;

	for (unsigned int i = 0; i < nr_lines; i++) {
		const char *rest = lines[i] + 5;

		if (strncmp(lines[i], "(d3) ", 5) || !*rest ||
		    strspn(rest, (char[]){c, 0}) != strlen(rest))
			continue;
		n += strlen(rest);
	}
	for (unsigned int i = 0; i < d->console.len; i++)
		n += d->console.line[i] == c;
	return n;
}

UNIT_TEST(console_io, rate_limit_drops_excess_and_says_so)
{
	static char buf[CONSOLE_GUEST_BURST + 4000];
	uint64_t gva;
	size_t q;

	setup();
	memset(buf, 'q', sizeof(buf));
	for (size_t i = 99; i < sizeof(buf); i += 100)
		buf[i] = '\n';
	gva = fake_guest_put(guest, buf, sizeof(buf));
	/* One write over the burst returns at once (0), having printed the burst. */
	CU_ASSERT_EQUAL(cio(guest, CONSOLEIO_write, sizeof(buf), gva), 0);
	CU_ASSERT(logged_containing("(d3) console rate limit reached"));
	q = printed(guest, 'q');
	CU_ASSERT(q <= CONSOLE_GUEST_BURST);
	CU_ASSERT(q >= CONSOLE_GUEST_BURST * 98 / 100);
	/* Still limited, no time passed: nothing more, no second warning. */
	nr_lines = 0;
	CU_ASSERT_EQUAL(write_str(guest, "more\n"), 0);
	CU_ASSERT_EQUAL(nr_lines, 0);
	/* A second later the bucket holds RATE bytes again, and the drop is reported. */
	fake_now += 1000000000;
	CU_ASSERT_EQUAL(write_str(guest, "back\n"), 0);
	CU_ASSERT(logged_containing("bytes were dropped"));
	CU_ASSERT(logged_containing("back"));
	CU_ASSERT_FALSE(logged_containing("more"));
	/* Other domains have their own bucket. */
	{
		struct domain *other = fake_domain_create(4, ROLE_GUEST, 1);

		CU_ASSERT_PTR_NOT_NULL_FATAL(other);
		nr_lines = 0;
		CU_ASSERT_EQUAL(write_str(other, "independent\n"), 0);
		CU_ASSERT_STRING_EQUAL(lines[0], "(d4) independent");
	}
	teardown();
}

UNIT_TEST(console_io, bucket_refills_at_the_rate_and_caps_at_the_burst)
{
	static char buf[CONSOLE_GUEST_BURST * 2];
	uint64_t gva;

	setup();
	memset(buf, 'r', sizeof(buf));
	gva = fake_guest_put(guest, buf, sizeof(buf));
	CU_ASSERT_EQUAL(cio(guest, CONSOLEIO_write, CONSOLE_GUEST_BURST, gva), 0);
	CU_ASSERT_EQUAL(printed(guest, 'r'), CONSOLE_GUEST_BURST);
	/* Half a second: RATE/2 more bytes. */
	fake_now += 500000000;
	CU_ASSERT_EQUAL(cio(guest, CONSOLEIO_write, sizeof(buf), gva), 0);
	CU_ASSERT_EQUAL(printed(guest, 'r'), CONSOLE_GUEST_BURST + CONSOLE_GUEST_RATE / 2);
	/* An hour later: no more than the burst. */
	fake_now += 3600LL * 1000000000;
	CU_ASSERT_EQUAL(cio(guest, CONSOLEIO_write, sizeof(buf), gva), 0);
	CU_ASSERT_EQUAL(printed(guest, 'r'), 2 * CONSOLE_GUEST_BURST + CONSOLE_GUEST_RATE / 2);
	teardown();
}

UNIT_TEST(console_io, control_domain_output_is_raw_unlimited_and_in_the_ring)
{
	static char big[CONSOLE_RING_SIZE + CONSOLE_GUEST_BURST * 3];
	static char ring[CONSOLE_RING_SIZE];
	uint32_t idx = 0;
	size_t n;

	setup();
	CU_ASSERT_EQUAL(write_str(ctl, "$ \x1b[0m"), 0);
	CU_ASSERT_EQUAL(out_len, 6);
	CU_ASSERT_EQUAL(memcmp(out, "$ \x1b[0m", 6), 0);
	CU_ASSERT_EQUAL(nr_lines, 0);
	memset(big, 'c', sizeof(big));
	CU_ASSERT_EQUAL(
	    cio(ctl, CONSOLEIO_write, sizeof(big), fake_guest_put(ctl, big, sizeof(big))), 0);
	CU_ASSERT_EQUAL(out_len, 6 + sizeof(big));
	/* The ring keeps the newest CONSOLE_RING_SIZE bytes. */
	n = console_ring_read(ring, sizeof(ring), &idx, false);
	CU_ASSERT_EQUAL(n, CONSOLE_RING_SIZE);
	CU_ASSERT_EQUAL(ring[n - 1], 'c');
	teardown();
}

UNIT_TEST(console_io, long_writes_continue_themselves)
{
	static char big[5000];

	setup();
	memset(big, 'k', sizeof(big));
	out_len = 0;
	fake_preempt_after(2);
	CU_ASSERT_EQUAL(
	    cio(ctl, CONSOLEIO_write, sizeof(big), fake_guest_put(ctl, big, sizeof(big))), 0);
	CU_ASSERT(fake_hypercall_restarts > 0);
	fake_preempt_after(-1);
	CU_ASSERT_EQUAL(out_len, sizeof(big));
	teardown();
}

UNIT_TEST(console_io, bad_buffers_are_efault)
{
	setup();
	CU_ASSERT_EQUAL(cio(guest, CONSOLEIO_write, 10, 0x1000), -EFAULT);
	CU_ASSERT_EQUAL(cio(ctl, CONSOLEIO_write, 10, fake_guest_end(ctl) - 4), -EFAULT);
	CU_ASSERT_EQUAL(cio(guest, CONSOLEIO_write, 0, 0), 0);
	CU_ASSERT_EQUAL(cio(guest, CONSOLEIO_write, 0xffffffffUL, ~0UL - 3), -EFAULT);
	teardown();
}

UNIT_TEST(console_io, read_returns_serial_input_to_the_control_domain_only)
{
	char *buf;
	uint64_t gva;

	setup();
	gva = fake_guest_alloc(ctl, 64, (void **)&buf);
	CU_ASSERT_EQUAL(cio(ctl, CONSOLEIO_read, 64, gva), 0);
	console_rx_put("ls\n", 3);
	CU_ASSERT_EQUAL(cio(guest, CONSOLEIO_read, 64, fake_guest_alloc(guest, 64, NULL)), -EPERM);
	/* A fault leaves the input for the next read. */
	CU_ASSERT_EQUAL(cio(ctl, CONSOLEIO_read, 64, 0x10), -EFAULT);
	CU_ASSERT_EQUAL(cio(ctl, CONSOLEIO_read, 2, gva), 2);
	CU_ASSERT_EQUAL(memcmp(buf, "ls", 2), 0);
	CU_ASSERT_EQUAL(cio(ctl, CONSOLEIO_read, 64, gva), 1);
	CU_ASSERT_EQUAL(buf[0], '\n');
	CU_ASSERT_EQUAL(cio(ctl, CONSOLEIO_read, 0x80000000UL, gva), -E2BIG);
	/* A full ring drops what arrives. */
	for (unsigned int i = 0; i < 300; i++)
		console_rx_put("x", 1);
	CU_ASSERT_EQUAL(cio(ctl, CONSOLEIO_read, 64, gva), 64);
	CU_ASSERT_EQUAL(cio(ctl, CONSOLEIO_read, 64, gva), 64);
	CU_ASSERT_EQUAL(cio(ctl, CONSOLEIO_read, 64, gva), 0);
	teardown();
}

UNIT_TEST(console_io, unknown_commands)
{
	setup();
	CU_ASSERT_EQUAL(cio(ctl, 2, 0, 0), -ENOSYS);
	CU_ASSERT_EQUAL(cio(ctl, ~0UL, 0, 0), -ENOSYS);
	CU_ASSERT_EQUAL(cio(guest, 2, 0, 0), -EPERM); /* the permission check comes first, as Xen */
	teardown();
}

/* ---- the history ring (common/console.c) ---- */

UNIT_TEST(console_io, ring_keeps_log_lines_and_reads_incrementally)
{
	static char buf[CONSOLE_RING_SIZE + 1];
	uint32_t idx = 0, mark;
	size_t n;

	setup();
	console_real_log_printf(LOG_INFO, "first line");
	n = console_ring_read(buf, sizeof(buf) - 1, &idx, false);
	CU_ASSERT(n > 0);
	buf[n] = 0;
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "first line\n"));
	mark = idx;
	console_real_log_printf(LOG_INFO, "second");
	n = console_ring_read(buf, sizeof(buf) - 1, &idx, true);
	buf[n] = 0;
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "second\n"));
	CU_ASSERT_PTR_NULL(strstr(buf, "first"));
	/* In small chunks, incremental reads continue where they stopped. */
	idx = mark;
	{
		char chunk[4], all[64] = "";
		size_t got;

		while ((got = console_ring_read(chunk, sizeof(chunk), &idx, true)) > 0)
			strncat(all, chunk, got);
		CU_ASSERT_PTR_NOT_NULL(strstr(all, "second\n"));
	}
	/* Clear forgets the history up to the index. */
	console_ring_clear(idx);
	idx = 0;
	CU_ASSERT_EQUAL(console_ring_read(buf, sizeof(buf) - 1, &idx, false), 0);
	teardown();
}

UNIT_TEST(console_io, ring_wraps_and_drops_the_oldest)
{
	static char buf[CONSOLE_RING_SIZE];
	uint32_t idx = 0, stale = 0;
	char last[16];
	size_t n;

	setup();
	console_ring_read(buf, sizeof(buf), &stale, false);
	console_ring_clear(stale);
	/* Each line is more than 8 bytes: these overfill the ring. */
	for (unsigned int i = 0; i < CONSOLE_RING_SIZE / 8; i++)
		console_real_log_printf(LOG_INFO, "line %05u", i);
	n = console_ring_read(buf, sizeof(buf), &idx, false);
	CU_ASSERT_EQUAL(n, CONSOLE_RING_SIZE);
	CU_ASSERT_EQUAL(buf[n - 1], '\n');
	snprintf(last, sizeof(last), "line %05u\n", CONSOLE_RING_SIZE / 8 - 1);
	CU_ASSERT(memmem(buf, n, last, strlen(last)) != NULL);
	CU_ASSERT(memmem(buf, n, "line 00000", 10) == NULL);
	/* An index that has been overwritten restarts from the oldest byte. */
	idx = stale;
	CU_ASSERT_EQUAL(console_ring_read(buf, sizeof(buf), &idx, true), CONSOLE_RING_SIZE);
	/* A clear outside the ring is ignored. */
	console_ring_clear(stale);
	idx = 0;
	CU_ASSERT_EQUAL(console_ring_read(buf, sizeof(buf), &idx, false), CONSOLE_RING_SIZE);
	teardown();
}

/* ---- randomized ---- */

UNIT_TEST(console_io, randomized_arguments_never_crash)
{
	uint64_t s = 12345, base[2];
	struct domain *doms[2];
	unsigned char *host[2];

	setup();
	doms[0] = guest;
	doms[1] = ctl;
	for (unsigned int k = 0; k < 2; k++) {
		base[k] = fake_guest_alloc(doms[k], 8192, (void **)&host[k]);
		for (unsigned int i = 0; i < 8192; i++)
			host[k][i] = (unsigned char)(i * 7 + k);
	}
	for (unsigned int iter = 0; iter < 5000; iter++) {
		unsigned int k;
		unsigned long cmd, count, buf;

		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		k = s & 1;
		cmd = (s >> 1) % 4 == 3 ? s >> 8 : (s >> 1) % 3;
		count = (s >> 3) % 5 == 0 ? s >> 20 : (s >> 3) % 9000;
		buf = (s >> 7) % 4 == 0 ? s >> 9 : base[k] + (s >> 11) % 8192;
		if ((s >> 13) % 8 == 0)
			fake_preempt_after((long)((s >> 17) % 3));
		if ((s >> 19) % 16 == 0)
			console_rx_put("in", 2);
		fake_now += (s >> 23) % 2000000;
		cio(doms[k], cmd, count, buf);
		fake_preempt_after(-1);
		CU_ASSERT(guest->console.len < DOMAIN_CONSOLE_LINE);
	}
	teardown();
}
