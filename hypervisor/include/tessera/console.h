/*
 * The hypervisor console: leveled, timestamped log lines to every registered
 * output (the 16550 UART at boot). Lines look like "(XEN)" in Xen; ours are
 * "[    1.234567] text", seconds since boot.
 */
#ifndef TESSERA_CONSOLE_H
#define TESSERA_CONSOLE_H

#include <stdarg.h>
#include <tessera/compiler.h>
#include <tessera/types.h>

enum log_level {
	LOG_ERR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

/* An output device: write() must work with interrupts off and in panic. */
struct console_output {
	const char *name;
	void (*write)(const char *s, size_t len);
	struct console_output *next;
};

void console_register(struct console_output *out);
/* Messages above this level are dropped; set from "loglvl=" on the command line. */
void console_set_level(enum log_level level);
int console_parse_level(const char *name, enum log_level *level);
/* Called by panic(): from now on the console lock is not waited for. */
void console_force_unlock(void);

void vlog_printf(enum log_level level, const char *fmt, va_list ap);
void log_printf(enum log_level level, const char *fmt, ...) __printf(2, 3);

#define pr_err(...) log_printf(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) log_printf(LOG_WARN, __VA_ARGS__)
#define pr_info(...) log_printf(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)
#define printk(...) log_printf(LOG_INFO, __VA_ARGS__)

/* Nanoseconds since boot for timestamps; 0 until the time source is calibrated. */
s_time_t console_timestamp(void);

#endif
