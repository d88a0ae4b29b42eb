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

#endif
