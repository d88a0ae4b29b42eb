/* printf-style formatting into a buffer (common/lib/vsnprintf.c). */
#ifndef TESSERA_FORMAT_H
#define TESSERA_FORMAT_H

#include <stdarg.h>
#include <stddef.h>
#include <tessera/compiler.h>

/*
 * Supports %d %i %u %x %X %o %p %s %c %%, the flags '-' '0' '+' ' ',
 * a width and a precision (also as '*'), and the length modifiers
 * hh h l ll z t j. Returns the length the full output would have (C99).
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/*
 * The reason beside an error, for parsers and builders that take (why, whylen): formatted
 * into why, truncated to whylen; nothing when why is NULL or whylen 0.
 */
static inline void __printf(3, 4) format_why(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (!why || !whylen)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

#endif
