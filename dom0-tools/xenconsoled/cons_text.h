/*
 * Text handling of the console daemon and client: what goes into a
 * console's log file, and the client's detach key. Portable C (host unit
 * tests: tests/unit/test_xenconsoled.c). No state, no locking.
 */
#ifndef XENCONSOLED_CONS_TEXT_H
#define XENCONSOLED_CONS_TEXT_H

#include <stddef.h>
#include <sys/types.h>

/* Ctrl-]: the client's detach key (as Xen's xenconsole). */
#define CONS_DETACH_KEY 0x1d
/* Worst case of cons_log_escape: every byte becomes "\xNN". */
#define CONS_ESCAPE_MAX(n) ((n)*4)

/*
 * A guest's bytes made safe for a log file: printable ASCII, newline and tab
 * as they are, carriage returns dropped, every other byte (escape sequences,
 * NULs, bytes >= 0x7f, and the backslash itself) written as "\xNN". out must hold
 * CONS_ESCAPE_MAX(n). Returns the bytes written to out.
 */
size_t cons_log_escape(const char *in, size_t n, char *out);
/* Where the detach key is in what the user typed, or -1. */
ssize_t cons_find_detach(const char *in, size_t n);

#endif
