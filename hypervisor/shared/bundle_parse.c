/*
 * The boot bundle parser and its listing. Portable: the same file is built
 * into the hypervisor, the host unit tests and mkboot --dump.
 *
 * Every byte of the bundle is hostile. Checks go from the outside in, so the
 * message names the first thing wrong: magic, version and sizes; the length
 * against the module (truncation); the header checksum (which covers the
 * domain and module tables); then each field; then every blob's bounds; and
 * last the blob checksums, the only step that reads the blob bytes. A blob
 * checksum mismatch refuses only the domains that use the blob (their
 * bundle_dom.refused says why); the bundle itself stays valid. Offsets
 * and sizes are 64-bit in the file, so every range check is written as
 * "offset <= total && size <= total - offset", never as a sum that can wrap.
 * No state, no locking.
 */
#include <stdarg.h>
#include <tessera/bundle.h>
#include <tessera/errno.h>
#include <tessera/format.h>
#include <tessera/string.h>
#include <tessera/xxhash.h>

typedef unsigned long long ull;

const char *bundle_role_name(uint32_t bit)
{
#define ROLE_NAME_(sym, name, b)                                                                   \
	if (bit == (1u << (b)))                                                                    \
		return name;
	BUNDLE_ROLES(ROLE_NAME_)
#undef ROLE_NAME_
	return NULL;
}

const char *bundle_mode_name(uint32_t mode)
{
#define MODE_NAME_(sym, name, val)                                                                 \
	if (mode == (val))                                                                         \
		return name;
	BUNDLE_MODES(MODE_NAME_)
#undef MODE_NAME_
	return NULL;
}

char *bundle_roles_str(uint32_t roles, char *buf, size_t size)
{
	size_t n = 0;

	if (!size)
		return buf;
	buf[0] = '\0';
	for (unsigned int b = 0; b < 32; b++) {
		const char *name;
		int w;

		if (!(roles & (1u << b)))
			continue;
		name = bundle_role_name(1u << b);
		if (name)
			w = snprintf(buf + n, size - n, "%s%s", n ? "+" : "", name);
		else
			w = snprintf(buf + n, size - n, "%sbit%u", n ? "+" : "", b);
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
	if (!n)
		snprintf(buf, size, "none");
	return buf;
}

/* A string field: NUL-terminated within len bytes, of allowed characters. */
static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

/* Returns NULL, or what is wrong with the field as a static phrase; *bad gets the offending byte.
 */
static const char *check_string(const char *field, size_t len, bool is_name, unsigned int *bad)
{
	size_t n = strnlen(field, len);

	if (n == len)
		return "is not NUL-terminated within its field";
	if (is_name && n == 0)
		return "is empty";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)field[i];

		if (is_name ? !name_char_ok((char)c) : (c < 0x20 || c > 0x7e)) {
			*bad = c;
			return is_name ? "has a byte outside [A-Za-z0-9._-]"
				       : "has a non-printable byte";
		}
	}
	return NULL;
}

/*
 * Bounds of one blob. Writes "<what> ..." into why on error. Blobs may share
 * bytes with each other (mkboot stores one copy of identical files) but never
 * with the header or tables.
 */
static int check_blob(const struct bundle_blob *b, bool required, const char *what,
		      uint64_t tables_end, uint64_t total, char *why, size_t whylen)
{
	if (b->size == 0) {
		if (required) {
			format_why(why, whylen, "%s blob is empty", what);
			return -EINVAL;
		}
		if (b->offset || b->xxh3) {
			format_why(
			    why, whylen,
			    "%s is absent (size 0) but has offset %#llx and checksum %016llx", what,
			    (ull)b->offset, (ull)b->xxh3);
			return -EINVAL;
		}
		return 0;
	}
	if (b->offset < tables_end) {
		format_why(
		    why, whylen,
		    "%s blob at offset %#llx overlaps the header and tables (they end at %#llx)",
		    what, (ull)b->offset, (ull)tables_end);
		return -EINVAL;
	}
	if (b->offset > total || b->size > total - b->offset) {
		format_why(
		    why, whylen,
		    "%s blob runs past the end of the bundle (offset %#llx, size %llu; bundle is "
		    "%llu bytes)",
		    what, (ull)b->offset, (ull)b->size, (ull)total);
		return -EINVAL;
	}
	return 0;
}

static bool blob_same(const struct bundle_blob *a, const struct bundle_blob *b)
{
	return a->size && a->offset == b->offset && a->size == b->size && a->xxh3 == b->xxh3;
}

/*
 * A blob's checksum into why; skipped when an identical blob already verified
 * good covers the same bytes (a bad one is not remembered, so each of its
 * users is told).
 */
static int verify_blob(const uint8_t *base, const struct bundle_blob *b,
		       const struct bundle_blob *const *seen, unsigned int nr_seen,
		       const char *what, char *why, size_t whylen)
{
	uint64_t got;

	if (!b->size)
		return 0;
	for (unsigned int i = 0; i < nr_seen; i++)
		if (blob_same(seen[i], b))
			return 0;
	got = hv_xxh3_64(base + b->offset, (size_t)b->size);
	if (got != b->xxh3) {
		format_why(why, whylen, "%s checksum mismatch (stored %016llx, computed %016llx)",
			   what, (ull)b->xxh3, (ull)got);
		return -EINVAL;
	}
	return 0;
}

/* Header and table structure, up to and including the header checksum. Returns the tables' end or
 * 0. */
static uint64_t parse_header(const uint8_t *p, size_t len, char *why, size_t whylen)
{
	struct bundle_header h;
	uint64_t tables_end, got;

	if (len < BUNDLE_MAGIC_LEN) {
		format_why(why, whylen,
			   "truncated: the module is %zu bytes, too short even for the magic", len);
		return 0;
	}
	if (memcmp(p, BUNDLE_MAGIC, BUNDLE_MAGIC_LEN)) {
		format_why(why, whylen,
			   "bad magic %02x %02x %02x %02x %02x %02x %02x %02x (not a boot bundle)",
			   p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
		return 0;
	}
	if (len < sizeof(h)) {
		format_why(why, whylen,
			   "truncated: the module is %zu bytes, shorter than the %zu-byte header",
			   len, sizeof(h));
		return 0;
	}
	memcpy(&h, p, sizeof(h));
	if (h.version != BUNDLE_VERSION) {
		format_why(why, whylen,
			   "unsupported format version %u (this build reads version %u)", h.version,
			   BUNDLE_VERSION);
		return 0;
	}
	if (h.header_size != sizeof(h)) {
		format_why(why, whylen, "header size %u, expected %zu for version %u",
			   h.header_size, sizeof(h), BUNDLE_VERSION);
		return 0;
	}
	if (h.total_size > len) {
		format_why(why, whylen,
			   "truncated: the header says %llu bytes, the module holds %zu",
			   (ull)h.total_size, len);
		return 0;
	}
	if (h.domain_size != sizeof(struct bundle_domain) ||
	    h.module_size != sizeof(struct bundle_module)) {
		format_why(why, whylen, "descriptor sizes %u/%u, expected %zu/%zu for version %u",
			   h.domain_size, h.module_size, sizeof(struct bundle_domain),
			   sizeof(struct bundle_module), BUNDLE_VERSION);
		return 0;
	}
	if (h.nr_domains == 0 || h.nr_domains > BUNDLE_MAX_DOMAINS) {
		format_why(why, whylen, "%u domains (must be 1..%u)", h.nr_domains,
			   BUNDLE_MAX_DOMAINS);
		return 0;
	}
	if (h.nr_modules > BUNDLE_MAX_MODULES) {
		format_why(why, whylen, "%u extra modules (at most %u)", h.nr_modules,
			   BUNDLE_MAX_MODULES);
		return 0;
	}
	/* Both counts are bounded, so this cannot overflow. */
	tables_end = sizeof(h) + (uint64_t)h.nr_domains * sizeof(struct bundle_domain) +
		     (uint64_t)h.nr_modules * sizeof(struct bundle_module);
	if (tables_end > h.total_size) {
		format_why(
		    why, whylen,
		    "the header and tables (%llu bytes) run past the end of the bundle (%llu "
		    "bytes)",
		    (ull)tables_end, (ull)h.total_size);
		return 0;
	}
	got = hv_xxh3_64(p + BUNDLE_CSUM_START, (size_t)(tables_end - BUNDLE_CSUM_START));
	if (got != h.header_xxh3) {
		format_why(why, whylen,
			   "header checksum mismatch (stored %016llx, computed %016llx)",
			   (ull)h.header_xxh3, (ull)got);
		return 0;
	}
	if (h.flags || h.reserved[0] || h.reserved[1] || h.reserved[2]) {
		format_why(why, whylen, "unknown header flags %#x or reserved fields set", h.flags);
		return 0;
	}
	return tables_end;
}

/* Everything about domain i that needs no other domain; prefix is "domain I 'NAME': ". */
static int check_domain(const struct bundle_domain *d, const struct bundle_header *h,
			uint64_t tables_end, const char *prefix, char *why, size_t whylen)
{
	char what[BUNDLE_NAME_LEN + 48];
	const char *err;
	unsigned int bad = 0;
	uint32_t r = d->roles;

	if (d->domid >= BUNDLE_DOMID_LIMIT) {
		format_why(why, whylen, "%sdomid %u is reserved (must be below %#x)", prefix,
			   d->domid, BUNDLE_DOMID_LIMIT);
		return -EINVAL;
	}
	if (r & ~BUNDLE_ROLES_KNOWN) {
		format_why(why, whylen, "%sunknown role bits %#x", prefix, r & ~BUNDLE_ROLES_KNOWN);
		return -EINVAL;
	}
	if (!r) {
		format_why(why, whylen, "%sno roles (a plain domain has role guest)", prefix);
		return -EINVAL;
	}
	if ((r & BUNDLE_ROLE_GUEST) && r != BUNDLE_ROLE_GUEST) {
		format_why(why, whylen,
			   "%srole guest cannot be combined with other roles (roles %#x)", prefix,
			   r);
		return -EINVAL;
	}
	if (!bundle_mode_name(d->mode)) {
		format_why(why, whylen, "%sunknown guest mode %u", prefix, d->mode);
		return -EINVAL;
	}
	if (d->vcpus < 1 || d->vcpus > BUNDLE_MAX_VCPUS) {
		format_why(why, whylen, "%s%u vCPUs (must be 1..%u)", prefix, d->vcpus,
			   BUNDLE_MAX_VCPUS);
		return -EINVAL;
	}
	if (d->memory_kib == 0 || d->memory_kib % 4 || d->memory_kib > BUNDLE_MAX_MEMORY_KIB) {
		format_why(why, whylen,
			   "%smemory %llu KiB (must be a multiple of 4 KiB, 4 KiB..%llu KiB)",
			   prefix, (ull)d->memory_kib, (ull)BUNDLE_MAX_MEMORY_KIB);
		return -EINVAL;
	}
	if (d->flags || d->reserved) {
		format_why(why, whylen, "%sunknown flags %#x or reserved field set", prefix,
			   d->flags);
		return -EINVAL;
	}
	err = check_string(d->cmdline, sizeof(d->cmdline), false, &bad);
	if (err) {
		format_why(why, whylen, "%scommand line %s (byte %#x)", prefix, err, bad);
		return -EINVAL;
	}
	if (d->first_module > h->nr_modules || d->nr_modules > h->nr_modules - d->first_module) {
		format_why(why, whylen,
			   "%smodules %u..%u+%u lie outside the module table (%u entries)", prefix,
			   d->first_module, d->first_module, d->nr_modules, h->nr_modules);
		return -EINVAL;
	}
	snprintf(what, sizeof(what), "%skernel", prefix);
	if (check_blob(&d->kernel, true, what, tables_end, h->total_size, why, whylen))
		return -EINVAL;
	snprintf(what, sizeof(what), "%sramdisk", prefix);
	if (check_blob(&d->ramdisk, false, what, tables_end, h->total_size, why, whylen))
		return -EINVAL;
	return 0;
}

static int check_module(const struct bundle_module *m, unsigned int j,
			const struct bundle_header *h, uint64_t tables_end, char *why,
			size_t whylen)
{
	char what[32];
	const char *err;
	unsigned int bad = 0;

	if (m->flags || m->reserved) {
		format_why(why, whylen, "module %u: unknown flags %#x or reserved field set", j,
			   m->flags);
		return -EINVAL;
	}
	err = check_string(m->cmdline, sizeof(m->cmdline), false, &bad);
	if (err) {
		format_why(why, whylen, "module %u: command line %s (byte %#x)", j, err, bad);
		return -EINVAL;
	}
	snprintf(what, sizeof(what), "module %u", j);
	return check_blob(&m->blob, true, what, tables_end, h->total_size, why, whylen);
}

/* The builder's order: the xenstore domain first, then control domains, then the rest. */
static unsigned int build_group(uint32_t roles)
{
	return (roles & BUNDLE_ROLE_XENSTORE) ? 0 : (roles & BUNDLE_ROLE_CONTROL) ? 1 : 2;
}

static void fill_dom(struct bundle_dom *out, const uint8_t *p, const struct bundle_domain *d,
		     unsigned int i, const struct bundle_module *mods)
{
	*out = (struct bundle_dom){
	    .index = i,
	    .name = d->name,
	    .domid = d->domid,
	    .roles = d->roles,
	    .mode = d->mode,
	    .vcpus = d->vcpus,
	    .memory_kib = d->memory_kib,
	    .kernel = p + d->kernel.offset,
	    .kernel_size = d->kernel.size,
	    .kernel_xxh3 = d->kernel.xxh3,
	    .ramdisk = d->ramdisk.size ? p + d->ramdisk.offset : NULL,
	    .ramdisk_size = d->ramdisk.size,
	    .ramdisk_xxh3 = d->ramdisk.xxh3,
	    .cmdline = d->cmdline,
	    .modules = d->nr_modules ? &mods[d->first_module] : NULL,
	    .nr_modules = d->nr_modules,
	};
}

int bundle_parse(const void *buf, size_t len, struct bundle_view *out, char *why, size_t whylen)
{
	static const char none[] = "";
	const uint8_t *p = buf;
	const struct bundle_header *h;
	const struct bundle_domain *doms;
	const struct bundle_module *mods;
	const struct bundle_blob *seen[2 * BUNDLE_MAX_DOMAINS + BUNDLE_MAX_MODULES];
	unsigned int nr_seen = 0, xenstore = BUNDLE_MAX_DOMAINS;
	uint64_t tables_end;

	memset(out, 0, sizeof(*out));
	format_why(why, whylen, "%s", none);
	if (!p) {
		format_why(why, whylen, "no bundle");
		return -EINVAL;
	}
	tables_end = parse_header(p, len, why, whylen);
	if (!tables_end)
		return -EINVAL;
	/* Past the magic and length checks: the descriptors are read in place. */
	if ((uintptr_t)p % 8) {
		format_why(why, whylen, "bundle is not 8-byte aligned in memory (at %p)", buf);
		return -EINVAL;
	}
	h = (const struct bundle_header *)p;
	doms = (const struct bundle_domain *)(p + sizeof(*h));
	mods =
	    (const struct bundle_module *)(p + sizeof(*h) + (size_t)h->nr_domains * sizeof(*doms));

	for (unsigned int i = 0; i < h->nr_domains; i++) {
		const struct bundle_domain *d = &doms[i];
		char prefix[BUNDLE_NAME_LEN + 24];
		unsigned int bad = 0;
		const char *err = check_string(d->name, sizeof(d->name), true, &bad);

		if (err) {
			format_why(why, whylen, "domain %u: name %s (byte %#x)", i, err, bad);
			return -EINVAL;
		}
		snprintf(prefix, sizeof(prefix), "domain %u '%s': ", i, d->name);
		if (check_domain(d, h, tables_end, prefix, why, whylen))
			return -EINVAL;
		for (unsigned int k = 0; k < i; k++) {
			if (!strcmp(doms[k].name, d->name)) {
				format_why(why, whylen, "%sname already used by domain %u", prefix,
					   k);
				return -EINVAL;
			}
			if (doms[k].domid == d->domid) {
				format_why(why, whylen, "%sdomid %u already used by domain %u '%s'",
					   prefix, d->domid, k, doms[k].name);
				return -EINVAL;
			}
		}
		if (d->roles & BUNDLE_ROLE_XENSTORE) {
			if (xenstore < BUNDLE_MAX_DOMAINS) {
				format_why(
				    why, whylen,
				    "%sa second xenstore domain (domain %u '%s' holds the role)",
				    prefix, xenstore, doms[xenstore].name);
				return -EINVAL;
			}
			xenstore = i;
		}
	}
	for (unsigned int j = 0; j < h->nr_modules; j++)
		if (check_module(&mods[j], j, h, tables_end, why, whylen))
			return -EINVAL;

	out->base = p;
	out->size = h->total_size;
	out->version = h->version;
	out->header_xxh3 = h->header_xxh3;
	out->nr_domains = h->nr_domains;
	out->nr_modules = h->nr_modules;
	for (unsigned int group = 0, n = 0; group < 3; group++)
		for (unsigned int i = 0; i < h->nr_domains; i++)
			if (build_group(doms[i].roles) == group)
				fill_dom(&out->domains[n++], p, &doms[i], i, mods);

	/*
	 * Structure is sound: now read the blobs. A mismatch refuses the domains using the
	 * blob (the first reason found is kept), not the bundle.
	 */
	for (unsigned int n = 0; n < h->nr_domains; n++) {
		struct bundle_dom *bd = &out->domains[n];
		const struct bundle_domain *d = &doms[bd->index];

		if (verify_blob(p, &d->kernel, seen, nr_seen, "kernel", bd->refused,
				sizeof(bd->refused)))
			continue;
		seen[nr_seen++] = &d->kernel;
		if (verify_blob(p, &d->ramdisk, seen, nr_seen, "ramdisk", bd->refused,
				sizeof(bd->refused)))
			continue;
		seen[nr_seen++] = &d->ramdisk;
	}
	for (unsigned int j = 0; j < h->nr_modules; j++) {
		char what[32], reason[BUNDLE_REFUSED_LEN];
		bool owned = false;

		snprintf(what, sizeof(what), "module %u", j);
		if (!verify_blob(p, &mods[j].blob, seen, nr_seen, what, reason, sizeof(reason))) {
			seen[nr_seen++] = &mods[j].blob;
			continue;
		}
		for (unsigned int n = 0; n < h->nr_domains; n++) {
			struct bundle_dom *bd = &out->domains[n];
			const struct bundle_domain *d = &doms[bd->index];

			if (j < d->first_module || j - d->first_module >= d->nr_modules)
				continue;
			owned = true;
			if (!bd->refused[0])
				snprintf(bd->refused, sizeof(bd->refused), "%s", reason);
		}
		if (!owned) {
			format_why(why, whylen, "%s", reason);
			memset(out, 0, sizeof(*out));
			return -EINVAL;
		}
	}
	return 0;
}

const uint8_t *bundle_blob_data(const struct bundle_view *v, const struct bundle_blob *b)
{
	return b->size ? v->base + b->offset : NULL;
}

static void format_memory(uint64_t kib, char *buf, size_t size)
{
	if (kib % (1024 * 1024) == 0)
		snprintf(buf, size, "%llu GiB", (ull)(kib >> 20));
	else if (kib % 1024 == 0)
		snprintf(buf, size, "%llu MiB", (ull)(kib >> 10));
	else
		snprintf(buf, size, "%llu KiB", (ull)kib);
}

/* The listing keeps lines within the console's line length: long command lines are cut. */
#define LISTING_CMDLINE_MAX 160

static void domain_line(const struct bundle_dom *d, char *buf, size_t size)
{
	char roles[64], mem[32], ramdisk[64];
	size_t clen = strnlen(d->cmdline, BUNDLE_CMDLINE_LEN);

	format_memory(d->memory_kib, mem, sizeof(mem));
	if (d->ramdisk)
		snprintf(ramdisk, sizeof(ramdisk), ", ramdisk %llu bytes xxh3 %016llx",
			 (ull)d->ramdisk_size, (ull)d->ramdisk_xxh3);
	else
		ramdisk[0] = '\0';
	snprintf(buf, size,
		 "  %s: domid %u, roles %s, %s, %s, %u vCPU%s, kernel %llu bytes xxh3 %016llx%s, "
		 "%u module%s, cmdline \"%.*s%s\"%s%s",
		 d->name, d->domid, bundle_roles_str(d->roles, roles, sizeof(roles)),
		 bundle_mode_name(d->mode), mem, d->vcpus, d->vcpus == 1 ? "" : "s",
		 (ull)d->kernel_size, (ull)d->kernel_xxh3, ramdisk, d->nr_modules,
		 d->nr_modules == 1 ? "" : "s",
		 (int)(clen < LISTING_CMDLINE_MAX ? clen : LISTING_CMDLINE_MAX), d->cmdline,
		 clen > LISTING_CMDLINE_MAX ? "..." : "", d->refused[0] ? ", REFUSED: " : "",
		 d->refused);
}

bool bundle_listing_line(const struct bundle_view *v, unsigned int n, char *buf, size_t size)
{
	if (n == 0) {
		snprintf(buf, size,
			 "boot bundle: format version %u, %u domain%s, %u extra module%s, %llu "
			 "bytes, header xxh3 %016llx",
			 v->version, v->nr_domains, v->nr_domains == 1 ? "" : "s", v->nr_modules,
			 v->nr_modules == 1 ? "" : "s", (ull)v->size, (ull)v->header_xxh3);
		return true;
	}
	n--;
	if (n < v->nr_domains) {
		domain_line(&v->domains[n], buf, size);
		return true;
	}
	n -= v->nr_domains;
	for (unsigned int i = 0; i < v->nr_domains; i++) {
		const struct bundle_dom *d = &v->domains[i];

		if (n < d->nr_modules) {
			const struct bundle_module *m = &d->modules[n];

			snprintf(buf, size,
				 "    %s module %u: %llu bytes xxh3 %016llx, cmdline \"%s\"",
				 d->name, n, (ull)m->blob.size, (ull)m->blob.xxh3, m->cmdline);
			return true;
		}
		n -= d->nr_modules;
	}
	return false;
}
