/*
 * What common/console_backend.c prints, captured for the host tests
 * (tests/unit/unit.mk, section console_backend, renames its log_printf and console_puts_raw
 * to these). The fuzz harness links the same stand-ins.
 */
#ifndef FAKE_CONSOLE_H
#define FAKE_CONSOLE_H

#include <stddef.h>
#include <tessera/console.h>

#define FAKE_CONSOLE_MAX_LINES 2048
/* Formatted log lines, without timestamps or newlines. */
extern char fake_console_lines[FAKE_CONSOLE_MAX_LINES][256];
extern unsigned int fake_console_nr_lines;
/* Raw output (console_puts_raw). */
extern char fake_console_raw[8192];
extern size_t fake_console_raw_len;

void fake_console_backend_log(enum log_level level, const char *fmt, ...) __printf(2, 3);
void fake_console_backend_raw(const char *s, size_t len);
/* Forget everything captured. */
void fake_console_reset(void);

#endif
