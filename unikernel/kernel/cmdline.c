/*
 * The command line (start_info cmdline_paddr), as words separated by
 * spaces: "KEY=VALUE" options and bare words (uk/kernel.h).
 *
 * Locking: none (read-only after boot).
 */
#include <uk/kernel.h>

static const char *cmdline = "";

void cmdline_set(const char *cl); /* kernel/start.c */
void cmdline_set(const char *cl)
{
	cmdline = cl ? cl : "";
}

const char *uk_cmdline(void)
{
	return cmdline;
}

/* Calls fn for each word until it returns nonzero; returns that value. */
static const char *next_word(const char *p, size_t *n)
{
	const char *w;

	while (*p == ' ')
		p++;
	w = p;
	while (*p && *p != ' ')
		p++;
	*n = (size_t)(p - w);
	return *n ? w : NULL;
}

static void copy_out(char *buf, size_t size, const char *s, size_t n)
{
	if (!size)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* The value of KEY= (its start and length), or NULL. */
static const char *find_key(const char *key, size_t *vlen)
{
	size_t k = strlen(key), n;
	const char *p = cmdline, *w;

	while ((w = next_word(p, &n))) {
		if (n > k && w[k] == '=' && !strncmp(w, key, k)) {
			*vlen = n - k - 1;
			return w + k + 1;
		}
		p = w + n;
	}
	return NULL;
}

int uk_cmdline_first_word(char *buf, size_t size)
{
	const char *p = cmdline, *w;
	size_t n, i;

	while ((w = next_word(p, &n))) {
		for (i = 0; i < n && w[i] != '='; i++)
			;
		if (i == n) {
			copy_out(buf, size, w, n);
			return 0;
		}
		p = w + n;
	}
	return -ENOENT;
}

int uk_cmdline_str(const char *key, char *buf, size_t size)
{
	size_t n;
	const char *v = find_key(key, &n);

	if (!v)
		return -ENOENT;
	copy_out(buf, size, v, n);
	return 0;
}

long uk_cmdline_long(const char *key, long def)
{
	size_t n, i = 0;
	const char *v = find_key(key, &n);
	unsigned int base = 10;
	long r = 0;

	if (!v || !n)
		return def;
	if (n > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		base = 16;
		i = 2;
	}
	for (; i < n; i++) {
		int d;

		if (v[i] >= '0' && v[i] <= '9')
			d = v[i] - '0';
		else if (base == 16 && v[i] >= 'a' && v[i] <= 'f')
			d = v[i] - 'a' + 10;
		else if (base == 16 && v[i] >= 'A' && v[i] <= 'F')
			d = v[i] - 'A' + 10;
		else
			return def;
		if (r > (0x7fffffffffffffffL - d) / (long)base)
			return def;
		r = r * (long)base + d;
	}
	return r;
}

int uk_cmdline_has(const char *word)
{
	size_t k = strlen(word), n;
	const char *p = cmdline, *w;

	while ((w = next_word(p, &n))) {
		if ((n == k || (n > k && w[k] == '=')) && !strncmp(w, word, k))
			return 1;
		p = w + n;
	}
	return 0;
}
