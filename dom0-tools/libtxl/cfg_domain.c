/*
 * From a parsed xl.cfg (cfg_parse.c) to a domain config: the keys xl.cfg(5)
 * defines that this toolstack reads, their types, ranges and defaults (as
 * libxl's: memory 32 MiB, maxmem = memory, 1 vCPU, on_poweroff destroy,
 * on_reboot restart, on_crash destroy; type "pvh" when absent, since PVH is
 * the only builder). Keys it does not know are ignored, as Xen's xl does.
 * Every refusal is one line "FILE:LINE: KEY: what". No locking.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "txl.h"

static const char *const txl_action_names[] = {
    [TXL_ACTION_DESTROY] = "destroy",
    [TXL_ACTION_RESTART] = "restart",
    [TXL_ACTION_RENAME_RESTART] = "rename-restart",
    [TXL_ACTION_PRESERVE] = "preserve",
    [TXL_ACTION_COREDUMP_DESTROY] = "coredump-destroy",
    [TXL_ACTION_COREDUMP_RESTART] = "coredump-restart",
    [TXL_ACTION_SOFT_RESET] = "soft-reset",
};

const char *txl_action_name(enum txl_action a)
{
	return (unsigned int)a < sizeof(txl_action_names) / sizeof(txl_action_names[0])
		   ? txl_action_names[a]
		   : "?";
}

struct cfg_ctx {
	const struct txl_cfg *cfg;
	char *why;
	size_t whylen;
};

static int __attribute__((format(printf, 3, 4)))
bad(struct cfg_ctx *c, const struct txl_cfg_entry *e, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->why && c->whylen)
		snprintf(c->why, c->whylen, "%s:%u: %s: %s", c->cfg->file, e->line, e->key, msg);
	return -EINVAL;
}

/* A required-or-optional single string; *out NULL when absent. */
static int get_string(struct cfg_ctx *c, const char *key, char **out)
{
	const struct txl_cfg_entry *e = txl_cfg_find(c->cfg, key);

	*out = NULL;
	if (!e)
		return 0;
	if (e->is_list)
		return bad(c, e, "expected a single value, found a list");
	*out = strdup(e->value);
	return *out ? 0 : -ENOMEM;
}

static int get_number(struct cfg_ctx *c, const char *key, uint64_t min, uint64_t max, uint64_t *out,
		      bool *present)
{
	const struct txl_cfg_entry *e = txl_cfg_find(c->cfg, key);
	unsigned long long v;
	char *end;

	if (present)
		*present = e != NULL;
	if (!e)
		return 0;
	if (e->is_list)
		return bad(c, e, "expected a number, found a list");
	errno = 0;
	v = strtoull(e->value, &end, 0);
	if (!*e->value || *end || errno || e->value[0] == '-')
		return bad(c, e, "expected a number, found \"%s\"", e->value);
	if (v < min || v > max)
		return bad(c, e, "%llu is out of range (%llu to %llu)", v, (unsigned long long)min,
			   (unsigned long long)max);
	*out = v;
	return 0;
}

static int get_action(struct cfg_ctx *c, const char *key, enum txl_action dflt,
		      enum txl_action *out)
{
	const struct txl_cfg_entry *e = txl_cfg_find(c->cfg, key);
	unsigned int i;

	*out = dflt;
	if (!e)
		return 0;
	if (e->is_list)
		return bad(c, e, "expected an action, found a list");
	for (i = 0; i < sizeof(txl_action_names) / sizeof(txl_action_names[0]); i++) {
		if (!strcmp(e->value, txl_action_names[i])) {
			*out = (enum txl_action)i;
			return 0;
		}
	}
	return bad(c, e,
		   "unknown action \"%s\" (destroy, restart, rename-restart, preserve, "
		   "coredump-destroy, coredump-restart, soft-reset)",
		   e->value);
}

const char *txl_device_get(const struct txl_device *d, const char *key)
{
	unsigned int i;

	for (i = 0; i < d->nr_kv; i++)
		if (!strcmp(d->kv[i].key, key))
			return d->kv[i].value;
	return NULL;
}

static int device_add_kv(struct txl_device *d, const char *key, const char *value, size_t vlen)
{
	struct txl_kv *t = realloc(d->kv, sizeof(*t) * (d->nr_kv + 1));

	if (!t)
		return -ENOMEM;
	d->kv = t;
	t[d->nr_kv].key = strdup(key);
	t[d->nr_kv].value = strndup(value, vlen);
	if (!t[d->nr_kv].key || !t[d->nr_kv].value) {
		free(t[d->nr_kv].key);
		free(t[d->nr_kv].value);
		return -ENOMEM;
	}
	d->nr_kv++;
	return 0;
}

static void device_free(struct txl_device *d)
{
	unsigned int i;

	for (i = 0; i < d->nr_kv; i++) {
		free(d->kv[i].key);
		free(d->kv[i].value);
	}
	free(d->kv);
	free(d->spec);
}

/*
 * The next item of the comma-separated list at *rest, blanks trimmed: its
 * start, its length in *n; *rest moves past the item and its comma.
 */
static const char *next_item(const char **rest, size_t *n)
{
	const char *p = *rest, *end = strchr(p, ',');

	if (!end)
		end = p + strlen(p);
	*rest = *end ? end + 1 : end;
	while (p < end && isspace((unsigned char)*p))
		p++;
	*n = (size_t)(end - p);
	while (*n && isspace((unsigned char)p[*n - 1]))
		(*n)--;
	return p;
}

/*
 * A disk spec (xl-disk-configuration(5)): KEY=VALUE items, or the
 * positional form TARGET,VDEV,ACCESS[,DEVTYPE] with an optional
 * "FORMAT:" or "phy:"/"file:" prefix on the target.
 */
static int parse_disk(struct cfg_ctx *c, const struct txl_cfg_entry *e, unsigned int idx,
		      struct txl_device *d)
{
	static const char *const positional[] = {"target", "vdev", "access", "devtype"};
	static const char *const prefixes[] = {"phy",	"file", "raw", "qcow",
					       "qcow2", "vhd",	"aio", "tap"};
	const char *rest = e->items[idx], *access;
	unsigned int pos = 0, i;
	int ret;

	while (*rest) {
		size_t n;
		const char *p = next_item(&rest, &n), *eq;

		eq = memchr(p, '=', n);
		if (eq) {
			char key[32];

			if ((size_t)(eq - p) >= sizeof(key) || eq == p)
				return bad(c, e, "entry %u \"%s\": bad item \"%.*s\"", idx + 1,
					   e->items[idx], (int)n, p);
			memcpy(key, p, (size_t)(eq - p));
			key[eq - p] = '\0';
			ret = device_add_kv(d, key, eq + 1, n - (size_t)(eq - p) - 1);
		} else if (n) {
			if (pos >= 4)
				return bad(c, e, "entry %u \"%s\": too many items", idx + 1,
					   e->items[idx]);
			if (pos == 0) {
				const char *colon = memchr(p, ':', n);

				for (i = 0; colon && i < sizeof(prefixes) / sizeof(prefixes[0]);
				     i++) {
					if ((size_t)(colon - p) == strlen(prefixes[i]) &&
					    !strncmp(p, prefixes[i], (size_t)(colon - p))) {
						ret = device_add_kv(d, "format", p,
								    (size_t)(colon - p));
						if (ret)
							return ret;
						n -= (size_t)(colon - p) + 1;
						p = colon + 1;
						break;
					}
				}
			}
			ret = device_add_kv(d, positional[pos++], p, n);
		} else {
			ret = 0;
		}
		if (ret)
			return ret;
	}
	if (!txl_device_get(d, "vdev"))
		return bad(c, e, "entry %u \"%s\": no vdev (e.g. \"file.img,xvda,w\")", idx + 1,
			   e->items[idx]);
	access = txl_device_get(d, "access");
	if (access && strcmp(access, "r") && strcmp(access, "ro") && strcmp(access, "w") &&
	    strcmp(access, "rw"))
		return bad(c, e, "entry %u \"%s\": access \"%s\" is not r, ro, w or rw", idx + 1,
			   e->items[idx], access);
	return 0;
}

static bool valid_mac(const char *s)
{
	unsigned int i;

	for (i = 0; i < 17; i++) {
		if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return s[17] == '\0';
}

/* A vif spec (xl-network-configuration(5)): KEY=VALUE items only. */
static int parse_vif(struct cfg_ctx *c, const struct txl_cfg_entry *e, unsigned int idx,
		     struct txl_device *d)
{
	const char *rest = e->items[idx], *mac;
	int ret;

	while (*rest) {
		size_t n;
		const char *p = next_item(&rest, &n), *eq;
		char key[32];

		if (n) {
			eq = memchr(p, '=', n);
			if (!eq || eq == p || (size_t)(eq - p) >= sizeof(key))
				return bad(c, e, "entry %u \"%s\": \"%.*s\" is not KEY=VALUE",
					   idx + 1, e->items[idx], (int)n, p);
			memcpy(key, p, (size_t)(eq - p));
			key[eq - p] = '\0';
			ret = device_add_kv(d, key, eq + 1, n - (size_t)(eq - p) - 1);
			if (ret)
				return ret;
		}
	}
	mac = txl_device_get(d, "mac");
	if (mac && !valid_mac(mac))
		return bad(c, e, "entry %u \"%s\": mac \"%s\" is not XX:XX:XX:XX:XX:XX", idx + 1,
			   e->items[idx], mac);
	return 0;
}

static int get_devices(struct cfg_ctx *c, const char *key,
		       int (*parse)(struct cfg_ctx *, const struct txl_cfg_entry *, unsigned int,
				    struct txl_device *),
		       struct txl_device **out, unsigned int *nr)
{
	const struct txl_cfg_entry *e = txl_cfg_find(c->cfg, key);
	unsigned int i;
	int ret;

	*out = NULL;
	*nr = 0;
	if (!e)
		return 0;
	if (!e->is_list)
		return bad(c, e, "expected a list [ \"...\", ... ]");
	if (!e->nr_items)
		return 0;
	*out = calloc(e->nr_items, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < e->nr_items; i++) {
		(*out)[i].spec = strdup(e->items[i]);
		*nr = i + 1;
		if (!(*out)[i].spec)
			return -ENOMEM;
		ret = parse(c, e, i, &(*out)[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static int check_name(struct cfg_ctx *c, const char *name)
{
	const struct txl_cfg_entry *e = txl_cfg_find(c->cfg, "name");
	const char *p;
	bool digits = true;

	if (!*name || strlen(name) > 63)
		return bad(c, e, "a name is 1 to 63 characters");
	for (p = name; *p; p++) {
		if (!isprint((unsigned char)*p) || *p == '/')
			return bad(c, e, "\"%s\": no '/' or control characters in a name", name);
		digits &= isdigit((unsigned char)*p) != 0;
	}
	if (digits)
		return bad(c, e, "\"%s\": a name cannot be a number (it would read as a domain id)",
			   name);
	return 0;
}

static int build_cmdline(struct cfg_ctx *c, struct txl_domain_config *dc)
{
	char *root, *extra;
	int ret;

	ret = get_string(c, "cmdline", &dc->cmdline);
	if (ret || dc->cmdline)
		return ret;
	ret = get_string(c, "root", &root);
	if (!ret)
		ret = get_string(c, "extra", &extra);
	else
		extra = NULL;
	if (!ret && (root || extra) &&
	    asprintf(&dc->cmdline, "%s%s%s%s", root ? "root=" : "", root ? root : "",
		     root && extra ? " " : "", extra ? extra : "") < 0) {
		dc->cmdline = NULL;
		ret = -ENOMEM;
	}
	free(root);
	free(extra);
	return ret;
}

int txl_domain_config_from_cfg(const struct txl_cfg *cfg, struct txl_domain_config *dc, char *why,
			       size_t whylen)
{
	struct cfg_ctx c = {.cfg = cfg, .why = why, .whylen = whylen};
	const struct txl_cfg_entry *e;
	uint64_t v;
	bool has_maxmem;
	int ret;

	memset(dc, 0, sizeof(*dc));
	dc->memory_mib = 32;
	dc->vcpus = 1;
	ret = get_string(&c, "name", &dc->name);
	if (!ret && !dc->name) {
		snprintf(why, whylen, "%s: name: missing (every domain needs name = \"...\")",
			 cfg->file);
		ret = -EINVAL;
	}
	if (!ret)
		ret = check_name(&c, dc->name);
	if (!ret)
		ret = get_string(&c, "type", &dc->type);
	if (!ret && dc->type && strcmp(dc->type, "pvh")) {
		e = txl_cfg_find(cfg, "type");
		ret = !strcmp(dc->type, "pv") || !strcmp(dc->type, "hvm")
			  ? bad(&c, e, "type \"%s\" is not supported yet (only \"pvh\")", dc->type)
			  : bad(&c, e, "unknown type \"%s\" (pvh, pv or hvm)", dc->type);
	}
	if (!ret && !dc->type && !(dc->type = strdup("pvh")))
		ret = -ENOMEM;
	if (!ret)
		ret = get_number(&c, "memory", 1, 1ULL << 30, &dc->memory_mib, NULL);
	dc->maxmem_mib = dc->memory_mib;
	if (!ret)
		ret = get_number(&c, "maxmem", 1, 1ULL << 30, &dc->maxmem_mib, &has_maxmem);
	if (!ret && has_maxmem && dc->maxmem_mib < dc->memory_mib)
		ret = bad(&c, txl_cfg_find(cfg, "maxmem"), "%llu MiB is below memory (%llu MiB)",
			  (unsigned long long)dc->maxmem_mib, (unsigned long long)dc->memory_mib);
	v = 1;
	if (!ret)
		ret = get_number(&c, "vcpus", 1, TXL_MAX_VCPUS, &v, NULL);
	dc->vcpus = (unsigned int)v;
	if (!ret)
		ret = get_string(&c, "kernel", &dc->kernel);
	if (!ret && !dc->kernel) {
		snprintf(why, whylen, "%s: kernel: missing (a PVH domain boots kernel = \"...\")",
			 cfg->file);
		ret = -EINVAL;
	}
	if (!ret)
		ret = get_string(&c, "ramdisk", &dc->ramdisk);
	if (!ret)
		ret = build_cmdline(&c, dc);
	if (!ret)
		ret = get_action(&c, "on_poweroff", TXL_ACTION_DESTROY, &dc->on_poweroff);
	if (!ret)
		ret = get_action(&c, "on_reboot", TXL_ACTION_RESTART, &dc->on_reboot);
	if (!ret)
		ret = get_action(&c, "on_crash", TXL_ACTION_DESTROY, &dc->on_crash);
	if (!ret)
		ret = get_devices(&c, "disk", parse_disk, &dc->disks, &dc->nr_disks);
	if (!ret)
		ret = get_devices(&c, "vif", parse_vif, &dc->vifs, &dc->nr_vifs);
	if (ret == -ENOMEM && why && whylen)
		snprintf(why, whylen, "%s: out of memory", cfg->file);
	if (ret)
		txl_domain_config_free(dc);
	return ret;
}

void txl_domain_config_free(struct txl_domain_config *dc)
{
	unsigned int i;

	for (i = 0; i < dc->nr_disks; i++)
		device_free(&dc->disks[i]);
	for (i = 0; i < dc->nr_vifs; i++)
		device_free(&dc->vifs[i]);
	free(dc->disks);
	free(dc->vifs);
	free(dc->name);
	free(dc->type);
	free(dc->kernel);
	free(dc->ramdisk);
	free(dc->cmdline);
	memset(dc, 0, sizeof(*dc));
}
