/*
 * xl.cfg syntax (Xen's xl.cfg(5), as libxlutil reads it): statements
 * "KEY = VALUE" ended by a newline or ';'; VALUE is a number, a "string"
 * or 'string' (C escapes \n \t \\ \" \'), or a list [ v, v, ... ] that may
 * span lines and end with a comma; '#' starts a comment. Values stay
 * strings here (cfg_domain.c gives them meaning). The first error stops
 * the parse with one line "FILE:LINE: KEY: what" (no KEY when there is
 * none yet). No locking: the parser's state is on the stack.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "txl.h"

struct cfg_lexer {
	const char *file;
	const char *p, *end;
	unsigned int line;
	const char *key; /* the statement being read, for messages */
	char *why;
	size_t whylen;
};

static int __attribute__((format(printf, 2, 3)))
cfg_error(struct cfg_lexer *lx, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (lx->why && lx->whylen) {
		if (lx->key)
			snprintf(lx->why, lx->whylen, "%s:%u: %s: %s", lx->file, lx->line, lx->key,
				 msg);
		else
			snprintf(lx->why, lx->whylen, "%s:%u: %s", lx->file, lx->line, msg);
	}
	return -EINVAL;
}

/* What the next character is, for messages. */
static const char *cfg_near(struct cfg_lexer *lx, char *buf, size_t len)
{
	if (lx->p >= lx->end)
		return "the end of the file";
	if (*lx->p == '\n')
		return "the end of the line";
	snprintf(buf, len, isprint((unsigned char)*lx->p) ? "'%c'" : "byte 0x%02x",
		 isprint((unsigned char)*lx->p) ? *lx->p : (unsigned char)*lx->p);
	return buf;
}

/* Skip blanks and comments; newlines too if nl. */
static void cfg_skip(struct cfg_lexer *lx, bool nl)
{
	while (lx->p < lx->end) {
		char c = *lx->p;

		if (c == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			lx->p++;
		} else if (c == '\n' && nl) {
			lx->line++;
			lx->p++;
		} else {
			break;
		}
	}
}

static bool cfg_is_key_char(char c, bool first)
{
	return isalpha((unsigned char)c) || c == '_' || (!first && isdigit((unsigned char)c));
}

static bool cfg_is_number_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '+' || c == '-';
}

static int cfg_string(struct cfg_lexer *lx, char **out)
{
	char quote = *lx->p++;
	size_t cap = 64, n = 0;
	char *s = malloc(cap);

	if (!s)
		return -ENOMEM;
	for (;;) {
		char c;

		if (lx->p >= lx->end || *lx->p == '\n') {
			free(s);
			return cfg_error(lx, "unterminated string (no closing %c)", quote);
		}
		c = *lx->p++;
		if (c == quote)
			break;
		if (c == '\\' && lx->p < lx->end && *lx->p != '\n') {
			c = *lx->p++;
			c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
		}
		if (n + 2 > cap) {
			char *t = realloc(s, cap *= 2);

			if (!t) {
				free(s);
				return -ENOMEM;
			}
			s = t;
		}
		s[n++] = c;
	}
	s[n] = '\0';
	*out = s;
	return 0;
}

/* A number or a string. */
static int cfg_atom(struct cfg_lexer *lx, char **out, bool *is_number)
{
	const char *start = lx->p;
	char near[16];

	if (lx->p < lx->end && (*lx->p == '"' || *lx->p == '\'')) {
		*is_number = false;
		return cfg_string(lx, out);
	}
	if (lx->p < lx->end && (isdigit((unsigned char)*lx->p) || *lx->p == '-')) {
		while (lx->p < lx->end && cfg_is_number_char(*lx->p))
			lx->p++;
		*out = strndup(start, (size_t)(lx->p - start));
		*is_number = true;
		return *out ? 0 : -ENOMEM;
	}
	if (lx->p < lx->end && cfg_is_key_char(*lx->p, true))
		return cfg_error(
		    lx, "expected a value, found a bare word (strings are quoted: \"...\")");
	return cfg_error(lx, "expected a value (a number, a \"string\" or a [list]), found %s",
			 cfg_near(lx, near, sizeof(near)));
}

static int cfg_list(struct cfg_lexer *lx, struct txl_cfg_entry *e)
{
	unsigned int opened = lx->line, cap = 0;
	char near[16];
	int ret;

	lx->p++; /* '[' */
	for (;;) {
		char *item;
		bool num;

		cfg_skip(lx, true);
		if (lx->p >= lx->end)
			goto unterminated;
		if (*lx->p == ']')
			break;
		ret = cfg_atom(lx, &item, &num);
		if (ret)
			return ret;
		if (e->nr_items == cap) {
			char **t = realloc(e->items, sizeof(char *) * (cap = cap ? cap * 2 : 4));

			if (!t) {
				free(item);
				return -ENOMEM;
			}
			e->items = t;
		}
		e->items[e->nr_items++] = item;
		cfg_skip(lx, true);
		if (lx->p >= lx->end)
			goto unterminated;
		if (*lx->p == ',') {
			lx->p++;
			continue;
		}
		if (*lx->p != ']')
			return cfg_error(lx, "expected ',' or ']' in the list, found %s",
					 cfg_near(lx, near, sizeof(near)));
	}
	lx->p++; /* ']' */
	return 0;
unterminated:
	return cfg_error(lx, "unterminated list (the '[' is on line %u)", opened);
}

static void cfg_entry_free(struct txl_cfg_entry *e)
{
	unsigned int i;

	for (i = 0; i < e->nr_items; i++)
		free(e->items[i]);
	free(e->items);
	free(e->value);
	free(e->key);
	free(e);
}

/* One statement; *e is NULL for an empty one. */
static int cfg_statement(struct cfg_lexer *lx, struct txl_cfg_entry **out)
{
	struct txl_cfg_entry *e;
	const char *start;
	char near[16];
	int ret;

	*out = NULL;
	lx->key = NULL;
	cfg_skip(lx, false);
	if (lx->p >= lx->end || *lx->p == '\n' || *lx->p == ';')
		return 0;
	if (!cfg_is_key_char(*lx->p, true))
		return cfg_error(lx, "syntax error: expected a key, found %s",
				 cfg_near(lx, near, sizeof(near)));
	start = lx->p;
	while (lx->p < lx->end && cfg_is_key_char(*lx->p, false))
		lx->p++;
	e = calloc(1, sizeof(*e));
	if (!e || !(e->key = strndup(start, (size_t)(lx->p - start)))) {
		free(e);
		return -ENOMEM;
	}
	e->line = lx->line;
	lx->key = e->key;
	cfg_skip(lx, false);
	if (lx->p >= lx->end || *lx->p != '=') {
		ret = cfg_error(lx, "expected '=' after the key, found %s",
				cfg_near(lx, near, sizeof(near)));
		goto fail;
	}
	lx->p++;
	cfg_skip(lx, false);
	if (lx->p < lx->end && *lx->p == '[') {
		e->is_list = true;
		ret = cfg_list(lx, e);
	} else {
		ret = cfg_atom(lx, &e->value, &e->is_number);
	}
	if (ret)
		goto fail;
	cfg_skip(lx, false);
	if (lx->p < lx->end && *lx->p != '\n' && *lx->p != ';') {
		ret = cfg_error(lx, "unexpected %s after the value (one statement per line or ';')",
				cfg_near(lx, near, sizeof(near)));
		goto fail;
	}
	*out = e;
	return 0;
fail:
	lx->key = NULL;
	cfg_entry_free(e);
	return ret;
}

int txl_cfg_parse(const char *file, const char *text, size_t len, struct txl_cfg *cfg, char *why,
		  size_t whylen)
{
	struct cfg_lexer lx = {
	    .file = file, .p = text, .end = text + len, .line = 1, .why = why, .whylen = whylen};
	struct txl_cfg_entry **tail;
	int ret = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->file = strdup(file);
	if (!cfg->file)
		return -ENOMEM;
	tail = &cfg->entries;
	while (lx.p < lx.end) {
		struct txl_cfg_entry *e;

		if (memchr(lx.p, '\0', 1)) {
			ret = cfg_error(&lx, "a NUL byte in the file");
			break;
		}
		ret = cfg_statement(&lx, &e);
		if (ret)
			break;
		if (e) {
			*tail = e;
			tail = &e->next;
		}
		if (lx.p < lx.end) {
			if (*lx.p == '\n')
				lx.line++;
			lx.p++; /* the '\n' or ';' */
		}
	}
	if (ret == -ENOMEM && why && whylen)
		snprintf(why, whylen, "%s: out of memory", file);
	if (ret)
		txl_cfg_free(cfg);
	return ret;
}

int txl_cfg_parse_file(const char *path, struct txl_cfg *cfg, char *why, size_t whylen)
{
	FILE *fp = fopen(path, "r");
	size_t cap = 4096, len = 0, n;
	char *buf;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	if (!fp) {
		ret = -errno;
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return ret;
	}
	buf = malloc(cap);
	while (buf && (n = fread(buf + len, 1, cap - len, fp)) > 0) {
		char *t;

		len += n;
		if (len < cap)
			continue;
		if (cap >= (1u << 20)) { /* an xl.cfg is a few hundred bytes */
			free(buf);
			fclose(fp);
			snprintf(why, whylen, "%s: larger than 1 MiB: not a domain config", path);
			return -EFBIG;
		}
		t = realloc(buf, cap *= 2);
		if (!t) {
			free(buf);
			buf = NULL;
		}
		buf = t;
	}
	fclose(fp);
	if (!buf) {
		snprintf(why, whylen, "%s: out of memory", path);
		return -ENOMEM;
	}
	ret = txl_cfg_parse(path, buf, len, cfg, why, whylen);
	free(buf);
	return ret;
}

void txl_cfg_free(struct txl_cfg *cfg)
{
	struct txl_cfg_entry *e, *next;

	for (e = cfg->entries; e; e = next) {
		next = e->next;
		cfg_entry_free(e);
	}
	free(cfg->file);
	memset(cfg, 0, sizeof(*cfg));
}

const struct txl_cfg_entry *txl_cfg_find(const struct txl_cfg *cfg, const char *key)
{
	const struct txl_cfg_entry *e, *found = NULL;

	for (e = cfg->entries; e; e = e->next)
		if (!strcmp(e->key, key))
			found = e;
	return found;
}
