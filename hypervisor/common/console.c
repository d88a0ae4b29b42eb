/*
 * Console: formats a log line once and hands it to every output, and keeps
 * the last CONSOLE_RING_SIZE bytes in a ring (Xen's conring) for sysctl
 * readconsole.
 * Locking: console_lock (irqsave) serialises whole lines between CPUs and
 * guards the ring; after panic it is no longer waited for, so a CPU that
 * died holding it cannot silence the panic message.
 */
#include <tessera/console.h>
#include <tessera/format.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>

static DEFINE_SPINLOCK(console_lock, LOCK_LEVEL_CONSOLE);
static struct console_output *outputs;
static enum log_level console_level = LOG_INFO;
static bool console_unlocked;

static const char *const level_names[] = {
    [LOG_ERR] = "err",
    [LOG_WARN] = "warn",
    [LOG_INFO] = "info",
    [LOG_DEBUG] = "debug",
};

void console_register(struct console_output *out)
{
	out->next = outputs;
	outputs = out;
}

void console_set_level(enum log_level level)
{
	console_level = level;
}

int console_parse_level(const char *name, enum log_level *level)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(level_names); i++) {
		if (!strcmp(name, level_names[i])) {
			*level = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

void console_force_unlock(void)
{
	console_unlocked = true;
}

/* The history ring: free-running indexes, bytes [ring_cons, ring_prod) kept. */
static char console_ring[CONSOLE_RING_SIZE];
static uint32_t ring_prod, ring_cons;

static void console_write(const char *s, size_t len)
{
	for (struct console_output *o = outputs; o; o = o->next)
		o->write(s, len);
	for (size_t i = 0; i < len; i++)
		console_ring[ring_prod++ % CONSOLE_RING_SIZE] = s[i];
	if (ring_prod - ring_cons > CONSOLE_RING_SIZE)
		ring_cons = ring_prod - CONSOLE_RING_SIZE;
}

size_t console_ring_read(char *buf, size_t len, uint32_t *index, bool incremental)
{
	unsigned long flags = spin_lock_irqsave(&console_lock);
	uint32_t c = ring_cons, p = ring_prod;
	size_t done = 0;

	/* Resume at *index only while it is still inside [c, p] (as Xen, wrap-aware). */
	if (incremental && (uint32_t)(*index - c) <= (uint32_t)(p - c))
		c = *index;
	while (c != p && done < len)
		buf[done++] = console_ring[c++ % CONSOLE_RING_SIZE];
	*index = c;
	spin_unlock_irqrestore(&console_lock, flags);
	return done;
}

void console_ring_clear(uint32_t index)
{
	unsigned long flags = spin_lock_irqsave(&console_lock);

	if ((uint32_t)(index - ring_cons) <= (uint32_t)(ring_prod - ring_cons))
		ring_cons = index;
	spin_unlock_irqrestore(&console_lock, flags);
}

void console_puts_raw(const char *s, size_t len)
{
	unsigned long flags = 0;
	bool locked = !console_unlocked;

	if (locked)
		flags = spin_lock_irqsave(&console_lock);
	console_write(s, len);
	if (locked)
		spin_unlock_irqrestore(&console_lock, flags);
}

void vlog_printf(enum log_level level, const char *fmt, va_list ap)
{
	char line[512];
	s_time_t now;
	int n;
	unsigned long flags = 0;
	bool locked = false;

	if (level > console_level)
		return;

	now = console_timestamp();
	n = snprintf(line, sizeof(line), "[%5lu.%06lu] ", (unsigned long)(now / 1000000000),
		     (unsigned long)(now % 1000000000) / 1000);
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (n >= (int)sizeof(line) - 1)
		n = sizeof(line) - 2;
	if (n > 0 && line[n - 1] != '\n')
		line[n++] = '\n';
	line[n] = '\0';

	if (!console_unlocked) {
		flags = spin_lock_irqsave(&console_lock);
		locked = true;
	}
	console_write(line, n);
	if (locked)
		spin_unlock_irqrestore(&console_lock, flags);
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_printf(level, fmt, ap);
	va_end(ap);
}
