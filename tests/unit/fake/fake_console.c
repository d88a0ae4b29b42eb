/* Capture of the console backend's output for host tests (fake_console.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "fake_console.h"

char fake_console_lines[FAKE_CONSOLE_MAX_LINES][256];
unsigned int fake_console_nr_lines;
char fake_console_raw[8192];
size_t fake_console_raw_len;

void fake_console_backend_log(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (fake_console_nr_lines >= FAKE_CONSOLE_MAX_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(fake_console_lines[fake_console_nr_lines++], sizeof(fake_console_lines[0]), fmt,
		  ap);
	va_end(ap);
}

void fake_console_backend_raw(const char *s, size_t len)
{
	if (fake_console_raw_len + len <= sizeof(fake_console_raw)) {
		memcpy(fake_console_raw + fake_console_raw_len, s, len);
		fake_console_raw_len += len;
	}
}

void fake_console_reset(void)
{
	fake_console_nr_lines = 0;
	fake_console_raw_len = 0;
}
