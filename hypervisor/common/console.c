/*
 * Console: formats a log line once and hands it to every output.
 * Locking: console_lock (irqsave) serialises whole lines between CPUs; after
 * panic it is no longer waited for, so a CPU that died holding it cannot
 * silence the panic message.
 */
#include <tessera/console.h>
#include <tessera/format.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>

static DEFINE_SPINLOCK(console_lock);
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

static void console_write(const char *s, size_t len)
{
	for (struct console_output *o = outputs; o; o = o->next)
		o->write(s, len);
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
