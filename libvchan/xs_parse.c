/*
 * Numbers libvchan reads from the store (both store backends, xs_linux.c and
 * xs_uk.c): written by others, so parsed strictly: decimal, no sign, fits in
 * 32 bits. No state.
 */
#include <errno.h>
#include "private.h"

int vchan_xs_parse_u32(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		goto bad;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			goto bad;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > 0xffffffffULL)
			goto bad;
	}
	*out = (uint32_t)v;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}
