/*
 * mkboot: makes the boot bundle (the hypervisor's list of boot domains)
 * from a JSON plan, and lists an existing bundle the way the hypervisor
 * prints it at boot.
 *
 *   mkboot PLAN.json -o OUT.bundle [--base DIR]
 *   mkboot --dump BUNDLE
 *
 * The plan's schema is in docs/boot-bundle.md. Relative file names in a
 * plan are taken from the plan's directory, or from --base DIR. Every
 * bundle written is first checked with the hypervisor's own parser.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>
#include <tessera/bundle.h>
#include "bundle_write.h"

/* Everything a plan names, kept until the bundle is written. */
struct plan {
	const char *path;
	char base[PATH_MAX];
	struct bw_domain doms[BUNDLE_MAX_DOMAINS];
	struct bw_module mods[BUNDLE_MAX_MODULES];
	unsigned int nr_doms, nr_mods;
	void *files[2 * BUNDLE_MAX_DOMAINS + BUNDLE_MAX_MODULES];
	unsigned int nr_files;
};

static const char *prog = "mkboot";

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s PLAN.json -o OUT.bundle [--base DIR]\n"
		"       %s --dump BUNDLE\n"
		"Makes a Tessera boot bundle from a JSON plan (docs/boot-bundle.md),\n"
		"or lists a bundle as the hypervisor prints it at boot.\n",
		prog, prog);
}

/* Whole file into a malloc'd buffer (16-byte aligned, as the parser wants 8). */
static void *read_file(const char *path, size_t *len, int *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		*err = errno;
		return NULL;
	}
	for (;;) {
		size_t got;

		if (n == cap) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				*err = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		*err = errno ? errno : EIO;
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* ---- the plan ---- */

/* "domain 1 'control'" for messages about a plan entry. */
struct where {
	const struct plan *plan;
	unsigned int index;
	const char *name;
};

static void plan_die(const struct where *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
static void plan_die(const struct where *w, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w->name)
		die("%s: domain %u '%s': %s", w->plan->path, w->index, w->name, msg);
	die("%s: domain %u: %s", w->plan->path, w->index, msg);
}

static void check_keys(yajl_val obj, const char *const *known, const char *what,
		       const struct where *w)
{
	for (size_t i = 0; i < obj->u.object.len; i++) {
		const char *k = obj->u.object.keys[i];
		bool ok = false;
		char list[256] = "";

		for (const char *const *p = known; *p; p++)
			ok |= !strcmp(k, *p);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(k, obj->u.object.keys[j]))
				plan_die(w, "%s key \"%s\" given twice", what, k);
		if (ok)
			continue;
		for (const char *const *p = known; *p; p++) {
			strncat(list, *p, sizeof(list) - strlen(list) - 1);
			if (p[1])
				strncat(list, ", ", sizeof(list) - strlen(list) - 1);
		}
		plan_die(w, "unknown %s key \"%s\" (known: %s)", what, k, list);
	}
}

static yajl_val get(yajl_val obj, const char *key)
{
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (!strcmp(obj->u.object.keys[i], key))
			return obj->u.object.values[i];
	return NULL;
}

static const char *get_string(yajl_val obj, const char *key, bool required, const struct where *w)
{
	yajl_val v = get(obj, key);

	if (!v) {
		if (required)
			plan_die(w, "\"%s\" is required", key);
		return NULL;
	}
	if (!YAJL_IS_STRING(v))
		plan_die(w, "\"%s\" must be a string", key);
	return YAJL_GET_STRING(v);
}

static long long get_int(yajl_val obj, const char *key, long long dflt, long long lo, long long hi,
			 bool required, const struct where *w)
{
	yajl_val v = get(obj, key);
	long long x;

	if (!v) {
		if (required)
			plan_die(w, "\"%s\" is required", key);
		return dflt;
	}
	if (!YAJL_IS_INTEGER(v))
		plan_die(w, "\"%s\" must be an integer", key);
	x = YAJL_GET_INTEGER(v);
	if (x < lo || x > hi)
		plan_die(w, "\"%s\" is %lld, must be %lld..%lld", key, x, lo, hi);
	return x;
}

static uint32_t parse_role(const char *s, const struct where *w)
{
#define ROLE_MATCH_(sym, name, bit)                                                                \
	if (!strcasecmp(s, name))                                                                  \
		return BUNDLE_ROLE_##sym;
	BUNDLE_ROLES(ROLE_MATCH_)
#undef ROLE_MATCH_
	plan_die(w, "unknown role \"%s\" (roles: control, xenstore, hardware, guest)", s);
}

/* "roles": ["control", "hardware"] or a single "control". */
static uint32_t get_roles(yajl_val obj, const struct where *w)
{
	yajl_val v = get(obj, "roles");
	uint32_t roles = 0;

	if (!v)
		plan_die(w, "\"roles\" is required (control, xenstore, hardware or guest)");
	if (YAJL_IS_STRING(v))
		return parse_role(YAJL_GET_STRING(v), w);
	if (!YAJL_IS_ARRAY(v) || !v->u.array.len)
		plan_die(w, "\"roles\" must be a role name or a non-empty array of them");
	for (size_t i = 0; i < v->u.array.len; i++) {
		if (!YAJL_IS_STRING(v->u.array.values[i]))
			plan_die(w, "\"roles\" must hold strings");
		roles |= parse_role(YAJL_GET_STRING(v->u.array.values[i]), w);
	}
	return roles;
}

static uint32_t get_mode(yajl_val obj, const struct where *w)
{
	const char *s = get_string(obj, "mode", false, w);

	if (!s)
		return BUNDLE_MODE_PVH;
#define MODE_MATCH_(sym, name, val)                                                                \
	if (!strcasecmp(s, name))                                                                  \
		return BUNDLE_MODE_##sym;
	BUNDLE_MODES(MODE_MATCH_)
#undef MODE_MATCH_
	plan_die(w, "unknown mode \"%s\" (modes: pvh, pv, hvm)", s);
}

/* "memory": MiB as an integer (as xl's memory=), or a string "NNN[K|M|G]". */
static uint64_t get_memory(yajl_val obj, const struct where *w)
{
	yajl_val v = get(obj, "memory");
	unsigned long long n;
	const char *s;
	char *end;

	if (!v)
		plan_die(
		    w, "\"memory\" is required (MiB, or a string like \"512K\", \"64M\", \"1G\")");
	if (YAJL_IS_INTEGER(v)) {
		if (YAJL_GET_INTEGER(v) <= 0 ||
		    YAJL_GET_INTEGER(v) > (long long)(BUNDLE_MAX_MEMORY_KIB >> 10))
			plan_die(w, "\"memory\" %lld MiB is out of range", YAJL_GET_INTEGER(v));
		return (uint64_t)YAJL_GET_INTEGER(v) << 10;
	}
	if (!YAJL_IS_STRING(v))
		plan_die(w, "\"memory\" must be an integer (MiB) or a string like \"64M\"");
	s = v->u.string;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || end == s || n == 0)
		plan_die(w, "\"memory\" \"%s\" is not a size", s);
	switch (*end ? end[0] | 0x20 : 'm') {
	case 'k':
		break;
	case 'm':
		n = n > (BUNDLE_MAX_MEMORY_KIB >> 10) ? ~0ULL : n << 10;
		break;
	case 'g':
		n = n > (BUNDLE_MAX_MEMORY_KIB >> 20) ? ~0ULL : n << 20;
		break;
	default:
		plan_die(w, "\"memory\" \"%s\": unknown unit (K, M or G)", s);
	}
	if (*end && end[1] && strcasecmp(end + 1, "ib") && strcasecmp(end + 1, "b"))
		plan_die(w, "\"memory\" \"%s\": unknown unit (K, M or G)", s);
	if (n > BUNDLE_MAX_MEMORY_KIB || n % 4)
		plan_die(w, "\"memory\" \"%s\" must be a multiple of 4 KiB, at most 4 TiB", s);
	return n;
}

static void *load(struct plan *p, const char *file, size_t *len, const char *what,
		  const struct where *w)
{
	char path[PATH_MAX * 2];
	void *data;
	int err = 0;

	if (file[0] == '/')
		snprintf(path, sizeof(path), "%s", file);
	else
		snprintf(path, sizeof(path), "%s/%s", p->base, file);
	data = read_file(path, len, &err);
	if (!data)
		plan_die(w, "%s \"%s\": %s", what, path, strerror(err));
	p->files[p->nr_files++] = data;
	return data;
}

static void parse_domain(struct plan *p, yajl_val o, unsigned int i)
{
	static const char *const keys[] = {"name",    "domid",	 "roles",  "mode",
					   "memory",  "vcpus",	 "kernel", "ramdisk",
					   "cmdline", "modules", NULL};
	static const char *const mod_keys[] = {"file", "cmdline", NULL};
	struct where w = {p, i, NULL};
	struct bw_domain *d = &p->doms[i];
	const char *file;
	yajl_val mods;

	if (!YAJL_IS_OBJECT(o))
		plan_die(&w, "must be an object");
	w.name = get_string(o, "name", false, &w);
	check_keys(o, keys, "domain", &w);
	d->name = get_string(o, "name", true, &w);
	d->domid = (uint32_t)get_int(o, "domid", 0, 0, BUNDLE_DOMID_LIMIT - 1, true, &w);
	d->roles = get_roles(o, &w);
	d->mode = get_mode(o, &w);
	d->memory_kib = get_memory(o, &w);
	d->vcpus = (uint32_t)get_int(o, "vcpus", 1, 1, BUNDLE_MAX_VCPUS, false, &w);
	d->cmdline = get_string(o, "cmdline", false, &w);
	file = get_string(o, "kernel", true, &w);
	d->kernel = load(p, file, &d->kernel_size, "kernel", &w);
	if (!d->kernel_size)
		plan_die(&w, "kernel \"%s\" is empty", file);
	file = get_string(o, "ramdisk", false, &w);
	if (file)
		d->ramdisk = load(p, file, &d->ramdisk_size, "ramdisk", &w);

	mods = get(o, "modules");
	if (!mods)
		return;
	if (!YAJL_IS_ARRAY(mods))
		plan_die(&w, "\"modules\" must be an array of {\"file\": ..., \"cmdline\": ...}");
	if (mods->u.array.len > BUNDLE_MAX_MODULES - p->nr_mods)
		plan_die(&w, "more than %u extra modules in the plan", BUNDLE_MAX_MODULES);
	d->modules = &p->mods[p->nr_mods];
	for (size_t k = 0; k < mods->u.array.len; k++) {
		yajl_val m = mods->u.array.values[k];
		struct bw_module *bm = &p->mods[p->nr_mods++];

		if (!YAJL_IS_OBJECT(m))
			plan_die(&w, "module %zu must be an object", k);
		check_keys(m, mod_keys, "module", &w);
		file = get_string(m, "file", true, &w);
		bm->data = load(p, file, &bm->size, "module", &w);
		if (!bm->size)
			plan_die(&w, "module \"%s\" is empty", file);
		bm->cmdline = get_string(m, "cmdline", false, &w);
		d->nr_modules++;
	}
}

static yajl_val parse_plan(struct plan *p, const char *path, const char *base)
{
	static const char *const keys[] = {"format", "domains", NULL};
	char errbuf[512];
	size_t len;
	int err = 0;
	char *text = read_file(path, &len, &err);
	yajl_val root, doms, fmt;

	p->path = path;
	if (!text)
		die("%s: %s", path, strerror(err));
	text = realloc(text, len + 1);
	if (!text)
		die("out of memory");
	text[len] = '\0';
	if (strlen(text) != len)
		die("%s: the plan holds a NUL byte", path);
	root = yajl_tree_parse(text, errbuf, sizeof(errbuf));
	free(text);
	if (!root) {
		errbuf[strcspn(errbuf, "\n")] = '\0';
		die("%s: not valid JSON: %s", path, errbuf);
	}
	if (!YAJL_IS_OBJECT(root))
		die("%s: the plan must be a JSON object with \"domains\"", path);
	for (size_t i = 0; i < root->u.object.len; i++) {
		bool ok = false;

		for (const char *const *k = keys; *k; k++)
			ok |= !strcmp(root->u.object.keys[i], *k);
		if (!ok)
			die("%s: unknown key \"%s\" (known: format, domains)", path,
			    root->u.object.keys[i]);
	}
	fmt = get(root, "format");
	if (fmt && (!YAJL_IS_INTEGER(fmt) || YAJL_GET_INTEGER(fmt) != BUNDLE_VERSION))
		die("%s: \"format\" must be %d", path, BUNDLE_VERSION);
	doms = get(root, "domains");
	if (!YAJL_IS_ARRAY(doms) || !doms->u.array.len)
		die("%s: \"domains\" must be a non-empty array", path);
	if (doms->u.array.len > BUNDLE_MAX_DOMAINS)
		die("%s: %zu domains, at most %u", path, doms->u.array.len, BUNDLE_MAX_DOMAINS);

	if (base) {
		snprintf(p->base, sizeof(p->base), "%s", base);
	} else {
		const char *slash = strrchr(path, '/');

		if (slash)
			snprintf(p->base, sizeof(p->base), "%.*s", (int)(slash - path), path);
		else
			snprintf(p->base, sizeof(p->base), ".");
		if (!p->base[0])
			snprintf(p->base, sizeof(p->base), "/");
	}
	p->nr_doms = (unsigned int)doms->u.array.len;
	for (unsigned int i = 0; i < p->nr_doms; i++)
		parse_domain(p, doms->u.array.values[i], i);
	return root;
}

static void write_out(const char *out, const void *buf, size_t len)
{
	char tmp[PATH_MAX + 16];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp%ld", out, (long)getpid());
	f = fopen(tmp, "wb");
	if (!f)
		die("%s: %s", tmp, strerror(errno));
	if (fwrite(buf, 1, len, f) != len || fclose(f)) {
		int e = errno;

		remove(tmp);
		die("%s: %s", out, strerror(e));
	}
	if (rename(tmp, out)) {
		int e = errno;

		remove(tmp);
		die("%s: %s", out, strerror(e));
	}
}

static int make_bundle(const char *plan_path, const char *out, const char *base)
{
	static struct plan plan;
	struct bundle_view *view = malloc(sizeof(*view));
	char err[BUNDLE_WHY_LEN];
	yajl_val root = parse_plan(&plan, plan_path, base);
	void *buf;
	size_t len;

	if (!view)
		die("out of memory");
	if (bundle_build(plan.doms, plan.nr_doms, 0, &buf, &len, err, sizeof(err)))
		die("%s: %s", plan_path, err);
	/* The hypervisor's own checks (unique names and domids, one xenstore domain...). */
	if (bundle_parse(buf, len, view, err, sizeof(err)))
		die("%s: the hypervisor would reject this bundle: %s", plan_path, err);
	write_out(out, buf, len);
	free(buf);
	free(view);
	for (unsigned int i = 0; i < plan.nr_files; i++)
		free(plan.files[i]);
	yajl_tree_free(root);
	return 0;
}

static int dump_bundle(const char *path)
{
	struct bundle_view *view = malloc(sizeof(*view));
	char why[BUNDLE_WHY_LEN], line[BUNDLE_LINE_LEN];
	size_t len;
	int err = 0;
	void *buf = read_file(path, &len, &err);

	if (!view)
		die("out of memory");
	if (!buf)
		die("%s: %s", path, strerror(err));
	if (bundle_parse(buf, len, view, why, sizeof(why))) {
		fprintf(stderr, "%s: %s: boot bundle rejected: %s\n", prog, path, why);
		return 1;
	}
	for (unsigned int n = 0; bundle_listing_line(view, n, line, sizeof(line)); n++)
		printf("%s\n", line);
	free(buf);
	free(view);
	return 0;
}

int main(int argc, char **argv)
{
	const char *plan = NULL, *out = NULL, *dump = NULL, *base = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--dump") || !strcmp(a, "--base")) {
			if (i + 1 == argc)
				die("%s needs an argument", a);
			if (a[1] == 'o')
				out = argv[++i];
			else if (a[2] == 'd')
				dump = argv[++i];
			else
				base = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			usage(stderr);
			die("unknown option %s", a);
		} else if (!plan) {
			plan = a;
		} else {
			usage(stderr);
			die("one plan at a time (%s and %s)", plan, a);
		}
	}
	if (dump) {
		if (plan || out)
			die("--dump takes only the bundle");
		return dump_bundle(dump);
	}
	if (!plan || !out) {
		usage(stderr);
		return 2;
	}
	return make_bundle(plan, out, base);
}
