/*
 * The PVH test guest's output: a small printf whose lines go to the
 * hypervisor's log through console_io (CONSOLEIO_write, one hypercall per
 * line) and through the 0xE9 debug port (one outb per byte), as selected
 * by print_outputs. Also the few string functions the compiler may call.
 *
 * Locking: none (one vCPU).
 */
#include "pvh.h"

unsigned int print_outputs = OUT_E9;

static char line[256];
static size_t line_len;

static void flush_line(void)
{
	size_t i;

	if (!line_len)
		return;
	if (print_outputs & OUT_E9)
		for (i = 0; i < line_len; i++)
			outb(0xe9, (uint8_t)line[i]);
	if ((print_outputs & OUT_CONSOLE) && hypercalls_ready)
		HYPERCALL3(console_io, CONSOLEIO_write, line_len, line);
	line_len = 0;
}

static void put(char c)
{
	line[line_len++] = c;
	if (c == '\n' || line_len == sizeof(line))
		flush_line();
}

static void put_num(unsigned long v, unsigned int base, int neg, int width, char pad)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		buf[n++] = '-';
	while (width-- > n)
		put(pad);
	while (n)
		put(buf[--n]);
}

/* %s %c %d %u %x %p, with l/ll, a width and a 0 flag. */
void vprintk(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		int lng = 0, width = 0;
		char pad = ' ';

		if (*fmt != '%') {
			put(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			lng = 1;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			int n = (int)strlen(s ? s : "(null)");

			while (width-- > n)
				put(' ');
			for (s = s ? s : "(null)"; *s; s++)
				put(*s);
			break;
		}
		case 'c':
			put((char)va_arg(ap, int));
			break;
		case 'd': {
			long v = lng ? va_arg(ap, long) : va_arg(ap, int);

			put_num(v < 0 ? -(unsigned long)v : (unsigned long)v, 10, v < 0, width,
				pad);
			break;
		}
		case 'u':
			put_num(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int), 10, 0,
				width, pad);
			break;
		case 'x':
			put_num(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int), 16, 0,
				width, pad);
			break;
		case 'p':
			put('0');
			put('x');
			put_num((unsigned long)va_arg(ap, void *), 16, 0, width, pad);
			break;
		case '%':
			put('%');
			break;
		default:
			put('%');
			if (!*fmt)
				return;
			put(*fmt);
		}
	}
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;

	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *pa = a, *pb = b;

	for (; n; n--, pa++, pb++)
		if (*pa != *pb)
			return *pa - *pb;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}
