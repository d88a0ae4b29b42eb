/*
 * The unikernel's printf family: one formatter (%s %c %d %i %u %x %X %p
 * %%, with l/ll/z/h, a width, '-' and '0') feeding either a buffer
 * (vsnprintf) or the console's line buffer (printf, kernel/console.c).
 *
 * Locking: vsnprintf is reentrant; printf's line buffer is the console's
 * (interrupts off while a line is assembled and written).
 */
#include <uk/console.h>
#include <uk/kernel.h>

struct out {
	void (*put)(struct out *o, char c);
	char *buf;
	size_t size, len;
};

static void pad_n(struct out *o, int n, char c)
{
	while (n-- > 0)
		o->put(o, c);
}

static void put_num(struct out *o, unsigned long v, unsigned int base, int upper, int neg,
		    int width, int left, char pad)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int n = 0, len;

	do {
		buf[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + neg;
	if (neg && pad == '0')
		o->put(o, '-');
	if (!left)
		pad_n(o, width - len, pad);
	if (neg && pad != '0')
		o->put(o, '-');
	while (n)
		o->put(o, buf[--n]);
	if (left)
		pad_n(o, width - len, ' ');
}

static void format(struct out *o, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		int lng = 0, width = 0, left = 0, half = 0;
		char pad = ' ';

		if (*fmt != '%') {
			o->put(o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		for (;; fmt++) {
			if (*fmt == 'l' || *fmt == 'z')
				lng = 1;
			else if (*fmt == 'h')
				half = 1;
			else
				break;
		}
		if (left)
			pad = ' ';
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			int n;

			if (!s)
				s = "(null)";
			n = (int)strlen(s);
			if (!left)
				pad_n(o, width - n, ' ');
			while (*s)
				o->put(o, *s++);
			if (left)
				pad_n(o, width - n, ' ');
			break;
		}
		case 'c':
			o->put(o, (char)va_arg(ap, int));
			break;
		case 'd':
		case 'i': {
			long v = lng ? va_arg(ap, long) : va_arg(ap, int);

			if (half)
				v = (short)v;
			put_num(o, v < 0 ? -(unsigned long)v : (unsigned long)v, 10, 0, v < 0,
				width, left, pad);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			unsigned long v =
			    lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);

			if (half)
				v = (unsigned short)v;
			put_num(o, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', 0, width, left, pad);
			break;
		}
		case 'p':
			o->put(o, '0');
			o->put(o, 'x');
			put_num(o, (unsigned long)va_arg(ap, void *), 16, 0, 0, width, left, pad);
			break;
		case '%':
			o->put(o, '%');
			break;
		case '\0':
			o->put(o, '%');
			return;
		default:
			o->put(o, '%');
			o->put(o, *fmt);
		}
	}
}

static void put_buf(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {.put = put_buf, .buf = buf, .size = size};

	format(&o, fmt, ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
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

void console_putc(char c); /* kernel/console.c: the line buffer */

static void put_console(struct out *o, char c)
{
	o->len++;
	console_putc(c);
}

int vprintf(const char *fmt, va_list ap)
{
	struct out o = {.put = put_console};
	unsigned long flags = irq_save();

	format(&o, fmt, ap);
	irq_restore(flags);
	return (int)o.len;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
