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

/*
 * The history ring (common/console.c, Xen's conring): every byte written to
 * the console, the last CONSOLE_RING_SIZE kept (64 KiB: a Linux control
 * domain's boot log and the hypervisor's banner fit for xl dmesg; Xen's
 * conring is 16 KiB unless conring_size= says more). Indexes are free-running.
 */
#define CONSOLE_RING_SIZE 65536
/*
 * Copy up to len bytes of history into buf (sysctl readconsole): from the
 * oldest byte kept, or from *index if incremental and it is still in the
 * ring. *index is set past the last byte copied; returns the bytes copied.
 * Call again with incremental to read on in chunks.
 */
size_t console_ring_read(char *buf, size_t len, uint32_t *index, bool incremental);
/* Forget the history before index (readconsole's clear); ignored if index is outside the ring. */
void console_ring_clear(uint32_t index);
/* Write s as it is (no timestamp, no newline added) to the outputs and the ring: a control domain's
 * console. */
void console_puts_raw(const char *s, size_t len);

/*
 * Guest console (common/console_io.c). A domain without the control role may
 * print CONSOLE_GUEST_RATE bytes/s through CONSOLEIO_write, in bursts of up
 * to CONSOLE_GUEST_BURST; the rest is dropped (and the drop logged).
 */
#define CONSOLE_GUEST_RATE 8192
#define CONSOLE_GUEST_BURST 16384
struct domain;
/*
 * Of want bytes of d's output (a write of total bytes), how many d's bucket
 * lets through now; the caller drops the rest. Logs when dropping starts and
 * how much was dropped when it ends. Takes d->console.lock.
 */
uint32_t console_guest_allow(struct domain *d, uint32_t want, unsigned int total);
/* Serial input for the control domain's CONSOLEIO_read: the console driver hands received
 * bytes here (a full ring drops them), which raises VIRQ_CONSOLE. */
void console_rx_put(const char *s, size_t len);

/* Nanoseconds since boot for timestamps; 0 until the time source is calibrated. */
s_time_t console_timestamp(void);

#endif
