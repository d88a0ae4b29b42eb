/*
 * The string functions of the unikernel (kernel/string.c); the compiler
 * may also emit calls to memset/memcpy/memmove/memcmp.
 *
 * Locking: none.
 */
#ifndef UK_STRING_H
#define UK_STRING_H

#include <stddef.h>

void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copies at most size-1 bytes and always terminates (size > 0); returns strlen(src). */
size_t strlcpy(char *d, const char *s, size_t size);
/* As C's (the xenstored core uses them in the xenstore domain). */
void *memchr(const void *s, int c, size_t n);
char *strrchr(const char *s, int c);
char *strstr(const char *hay, const char *needle);
char *strcpy(char *d, const char *s);
char *strcat(char *d, const char *s);

#endif /* UK_STRING_H */
