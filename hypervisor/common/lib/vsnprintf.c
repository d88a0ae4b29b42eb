/* A small C99-conforming subset of vsnprintf for the hypervisor. */
#include <stdbool.h>
#include <stdint.h>
#include <tessera/format.h>

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width, bool left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	if (!left)
		while (fill-- > 0)
			put(o, pad);
	while (n--)
		put(o, *s++);
	if (left)
		while (fill-- > 0)
			put(o, ' ');
}

/* Formats an integer: digits, optional sign/prefix, precision and width. */
static void put_number(struct out *o, uint64_t v, bool negative, unsigned int base, bool upper,
		       int width, int prec, bool left, bool zero, char sign, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, plen = 0, zeros;
	char head[4];

	if (v == 0 && prec == 0)
		n = 0;
	else
		do {
			tmp[n++] = digits[v % base];
			v /= base;
		} while (v);

	if (negative)
		head[plen++] = '-';
	else if (sign)
		head[plen++] = sign;
	for (; prefix && *prefix; prefix++)
		head[plen++] = *prefix;

	zeros = prec > n ? prec - n : 0;
	if (zero && !left && prec < 0 && width > plen + n)
		zeros = width - plen - n;

	int total = plen + zeros + n;
	int fill = width > total ? width - total : 0;

	if (!left)
		while (fill-- > 0)
			put(o, ' ');
	for (int i = 0; i < plen; i++)
		put(o, head[i]);
	while (zeros-- > 0)
		put(o, '0');
	while (n > 0)
		put(o, tmp[--n]);
	if (left)
		while (fill-- > 0)
			put(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {buf, size, 0};

	for (; *fmt; fmt++) {
		bool left = false, zero = false, alt = false;
		char sign = 0;
		int width = -1, prec = -1, lng = 0;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		for (;;) {
			char f = *++fmt;

			if (f == '-')
				left = true;
			else if (f == '0')
				zero = true;
			else if (f == '+')
				sign = '+';
			else if (f == ' ')
				sign = sign ? sign : ' ';
			else if (f == '#')
				alt = true;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = true;
				width = -width;
			}
			fmt++;
		} else {
			for (width = 0; *fmt >= '0' && *fmt <= '9'; fmt++)
				width = width * 10 + (*fmt - '0');
		}
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				for (prec = 0; *fmt >= '0' && *fmt <= '9'; fmt++)
					prec = prec * 10 + (*fmt - '0');
			}
		}
		for (;; fmt++) {
			if (*fmt == 'h')
				lng = lng > 0 ? lng : lng - 1;
			else if (*fmt == 'l')
				lng = lng < 0 ? 1 : lng + 1;
			else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j')
				lng = 2;
			else
				break;
		}

		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v;

			if (lng >= 2)
				v = va_arg(ap, long long);
			else if (lng == 1)
				v = va_arg(ap, long);
			else
				v = va_arg(ap, int);
			if (lng == -1)
				v = (short)v;
			else if (lng <= -2)
				v = (signed char)v;
			put_number(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false, width,
				   prec, left, zero, sign, NULL);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			uint64_t v;
			unsigned int base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
			const char *prefix = NULL;

			if (lng >= 2)
				v = va_arg(ap, unsigned long long);
			else if (lng == 1)
				v = va_arg(ap, unsigned long);
			else
				v = va_arg(ap, unsigned int);
			if (lng == -1)
				v = (unsigned short)v;
			else if (lng <= -2)
				v = (unsigned char)v;
			if (alt && v && base == 16)
				prefix = *fmt == 'X' ? "0X" : "0x";
			else if (alt && base == 8)
				prefix = "0";
			put_number(&o, v, false, base, *fmt == 'X', width, prec, left, zero, 0,
				   prefix);
			break;
		}
		case 'p':
			put_number(&o, (uintptr_t)va_arg(ap, void *), false, 16, false, width, prec,
				   left, zero, 0, "0x");
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			size_t n = 0;

			if (!s)
				s = "(null)";
			while (s[n] && (prec < 0 || n < (size_t)prec))
				n++;
			put_padded(&o, s, n, width, left, ' ');
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);

			put_padded(&o, &c, 1, width, left, ' ');
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (size)
		o.buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
