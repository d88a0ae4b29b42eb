/*
 * Console log escaping and the detach key (cons_text.h). No state.
 */
#include "cons_text.h"

size_t cons_log_escape(const char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '\r')
			continue;
		if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f && c != '\\')) {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	return o;
}

ssize_t cons_find_detach(const char *in, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)in[i] == CONS_DETACH_KEY)
			return (ssize_t)i;
	return -1;
}
