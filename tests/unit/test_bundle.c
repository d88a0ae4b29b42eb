/*
 * The boot bundle: the hypervisor's XXH3 against the host's libxxhash;
 * mkboot's writer round-tripping through the parser; every corruption the
 * parser must name; byte flips and truncations that must never crash; and
 * the boot glue that finds the bundle among the modules.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <tessera/bootbundle.h>
#include <tessera/bundle.h>
#include <tessera/xxhash.h>
#include "bundle_write.h"
#include "fake_mm.h"
#include "unit.h"

UNIT_SUITE(bundle);

static uint8_t kernel_a[100], kernel_b[300], ramdisk[50], module_data[30];

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 131 + seed * 7 + (i >> 3));
}

static const struct bw_module xs_mods[] = {{module_data, sizeof(module_data), "state"}};

/* control (listed first), xenstore with a module, and a guest with a ramdisk. */
static void sample(struct bw_domain d[3])
{
	fill(kernel_a, sizeof(kernel_a), 1);
	fill(kernel_b, sizeof(kernel_b), 2);
	fill(ramdisk, sizeof(ramdisk), 3);
	fill(module_data, sizeof(module_data), 4);
	d[0] = (struct bw_domain){.name = "control",
				  .domid = 0,
				  .roles = BUNDLE_ROLE_CONTROL | BUNDLE_ROLE_HARDWARE,
				  .mode = BUNDLE_MODE_PVH,
				  .vcpus = 2,
				  .memory_kib = 64 << 10,
				  .kernel = kernel_a,
				  .kernel_size = sizeof(kernel_a),
				  .cmdline = "console=hvc0"};
	d[1] = (struct bw_domain){.name = "xenstore",
				  .domid = 1,
				  .roles = BUNDLE_ROLE_XENSTORE,
				  .mode = BUNDLE_MODE_PVH,
				  .vcpus = 1,
				  .memory_kib = 16 << 10,
				  .kernel = kernel_a,
				  .kernel_size = sizeof(kernel_a),
				  .modules = xs_mods,
				  .nr_modules = 1};
	d[2] = (struct bw_domain){.name = "guest",
				  .domid = 5,
				  .roles = BUNDLE_ROLE_GUEST,
				  .mode = BUNDLE_MODE_PVH,
				  .vcpus = 4,
				  .memory_kib = 1000,
				  .kernel = kernel_b,
				  .kernel_size = sizeof(kernel_b),
				  .ramdisk = ramdisk,
				  .ramdisk_size = sizeof(ramdisk),
				  .cmdline = "quiet"};
}

static uint8_t *build(const struct bw_domain *d, unsigned int n, size_t align, size_t *len)
{
	char err[256];
	void *buf;

	if (bundle_build(d, n, align, &buf, len, err, sizeof(err))) {
		fprintf(stderr, "bundle_build: %s\n", err);
		CU_FAIL_FATAL("bundle_build failed");
	}
	return buf;
}

static uint8_t *build_sample(size_t align, size_t *len)
{
	struct bw_domain d[3];

	sample(d);
	return build(d, 3, align, len);
}

static struct bundle_header *hdr(uint8_t *b)
{
	return (struct bundle_header *)b;
}
static struct bundle_domain *dom(uint8_t *b, unsigned int i)
{
	return (struct bundle_domain *)(b + sizeof(struct bundle_header)) + i;
}
static struct bundle_module *mod(uint8_t *b, unsigned int j)
{
	return (struct bundle_module *)(b + sizeof(struct bundle_header) +
					hdr(b)->nr_domains * sizeof(struct bundle_domain)) +
	       j;
}

static struct bundle_view view;

/* The parser rejects buf with a message containing want. */
static void expect_reject(const uint8_t *buf, size_t len, const char *want)
{
	char why[BUNDLE_WHY_LEN];
	int ret = bundle_parse(buf, len, &view, why, sizeof(why));

	CU_ASSERT_EQUAL(ret, -22 /* EINVAL */);
	CU_ASSERT_EQUAL(view.nr_domains, 0);
	if (!strstr(why, want)) {
		fprintf(stderr, "\n  expected \"%s\"\n  got      \"%s\"\n", want, why);
		CU_FAIL("wrong rejection message");
	}
}

static void expect_valid(const uint8_t *buf, size_t len)
{
	char why[BUNDLE_WHY_LEN];
	int ret = bundle_parse(buf, len, &view, why, sizeof(why));

	if (ret)
		fprintf(stderr, "\n  unexpected rejection: %s\n", why);
	CU_ASSERT_EQUAL_FATAL(ret, 0);
}

/* Edit a descriptor, fix the header checksum, and expect want. */
#define RESEALED(b, len, edit, want)                                                               \
	do {                                                                                       \
		uint8_t *c_ = malloc(len);                                                         \
		memcpy(c_, b, len);                                                                \
		{                                                                                  \
			uint8_t *b_ = c_;                                                          \
			(void)b_;                                                                  \
			edit;                                                                      \
		}                                                                                  \
		bundle_seal(c_, len);                                                              \
		expect_reject(c_, len, want);                                                      \
		free(c_);                                                                          \
	} while (0)

UNIT_TEST(bundle, xxh3_matches_host_libxxhash_at_size_class_edges)
{
	static const size_t lens[] = {0, 1, 3, 4, 8, 9, 16, 17, 128, 129, 240, 241, 1024, 4096 + 7};
	uint8_t *buf = malloc(4096 + 16);

	fill(buf, 4096 + 16, 9);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		for (size_t off = 0; off < 2; off++) /* aligned and unaligned starts */
			CU_ASSERT_EQUAL(hv_xxh3_64(buf + off, lens[i]),
					XXH3_64bits(buf + off, lens[i]));
	free(buf);
}

UNIT_TEST(bundle, roundtrip_keeps_every_field_and_orders_xenstore_then_control)
{
	size_t len;
	uint8_t *b = build_sample(0, &len);
	const struct bundle_dom *xs, *ctl, *g;

	expect_valid(b, len);
	CU_ASSERT_EQUAL(view.nr_domains, 3);
	CU_ASSERT_EQUAL(view.nr_modules, 1);
	CU_ASSERT_EQUAL(view.size, len);
	CU_ASSERT_EQUAL(view.version, BUNDLE_VERSION);
	xs = &view.domains[0];
	ctl = &view.domains[1];
	g = &view.domains[2];
	CU_ASSERT_STRING_EQUAL(xs->name, "xenstore");
	CU_ASSERT_EQUAL(xs->index, 1);
	CU_ASSERT_STRING_EQUAL(ctl->name, "control");
	CU_ASSERT_EQUAL(ctl->index, 0);
	CU_ASSERT_STRING_EQUAL(g->name, "guest");

	CU_ASSERT_EQUAL(ctl->domid, 0);
	CU_ASSERT_EQUAL(ctl->roles, BUNDLE_ROLE_CONTROL | BUNDLE_ROLE_HARDWARE);
	CU_ASSERT_EQUAL(ctl->mode, BUNDLE_MODE_PVH);
	CU_ASSERT_EQUAL(ctl->vcpus, 2);
	CU_ASSERT_EQUAL(ctl->memory_kib, 64 << 10);
	CU_ASSERT_STRING_EQUAL(ctl->cmdline, "console=hvc0");
	CU_ASSERT_EQUAL(ctl->kernel_size, sizeof(kernel_a));
	CU_ASSERT_EQUAL(memcmp(ctl->kernel, kernel_a, sizeof(kernel_a)), 0);
	CU_ASSERT_EQUAL(ctl->kernel_xxh3, XXH3_64bits(kernel_a, sizeof(kernel_a)));
	CU_ASSERT_PTR_NULL(ctl->ramdisk);
	CU_ASSERT_EQUAL(ctl->nr_modules, 0);
	/* One copy of a file two domains use. */
	CU_ASSERT_PTR_EQUAL(xs->kernel, ctl->kernel);
	CU_ASSERT_EQUAL((uintptr_t)(ctl->kernel - b) % BUNDLE_BLOB_ALIGN, 0);

	CU_ASSERT_EQUAL(xs->nr_modules, 1);
	CU_ASSERT_EQUAL(xs->modules[0].blob.size, sizeof(module_data));
	CU_ASSERT_STRING_EQUAL(xs->modules[0].cmdline, "state");
	CU_ASSERT_EQUAL(
	    memcmp(bundle_blob_data(&view, &xs->modules[0].blob), module_data, sizeof(module_data)),
	    0);
	CU_ASSERT_STRING_EQUAL(xs->cmdline, "");

	CU_ASSERT_EQUAL(g->domid, 5);
	CU_ASSERT_EQUAL(g->vcpus, 4);
	CU_ASSERT_EQUAL(g->memory_kib, 1000);
	CU_ASSERT_EQUAL(g->kernel_size, sizeof(kernel_b));
	CU_ASSERT_EQUAL(memcmp(g->kernel, kernel_b, sizeof(kernel_b)), 0);
	CU_ASSERT_EQUAL(g->ramdisk_size, sizeof(ramdisk));
	CU_ASSERT_EQUAL(memcmp(g->ramdisk, ramdisk, sizeof(ramdisk)), 0);
	CU_ASSERT_EQUAL(g->ramdisk_xxh3, XXH3_64bits(ramdisk, sizeof(ramdisk)));
	free(b);
}

UNIT_TEST(bundle, listing_prints_summary_then_domains_in_build_order_then_modules)
{
	size_t len;
	uint8_t *b = build_sample(0, &len);
	char line[BUNDLE_LINE_LEN], want[BUNDLE_LINE_LEN];

	expect_valid(b, len);
	CU_ASSERT_TRUE(bundle_listing_line(&view, 0, line, sizeof(line)));
	snprintf(want, sizeof(want),
		 "boot bundle: format version 1, 3 domains, 1 extra module, %zu bytes, header xxh3 "
		 "%016llx",
		 len, (unsigned long long)hdr(b)->header_xxh3);
	CU_ASSERT_STRING_EQUAL(line, want);
	CU_ASSERT_TRUE(bundle_listing_line(&view, 1, line, sizeof(line)));
	snprintf(want, sizeof(want),
		 "  xenstore: domid 1, roles xenstore, PVH, 16 MiB, 1 vCPU, kernel 100 bytes xxh3 "
		 "%016llx, "
		 "1 module, cmdline \"\"",
		 (unsigned long long)XXH3_64bits(kernel_a, sizeof(kernel_a)));
	CU_ASSERT_STRING_EQUAL(line, want);
	CU_ASSERT_TRUE(bundle_listing_line(&view, 2, line, sizeof(line)));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(line, "  control: domid 0, roles control+hardware, PVH, 64 MiB, 2 vCPUs"));
	CU_ASSERT_TRUE(bundle_listing_line(&view, 3, line, sizeof(line)));
	snprintf(
	    want, sizeof(want),
	    "  guest: domid 5, roles guest, PVH, 1000 KiB, 4 vCPUs, kernel 300 bytes xxh3 %016llx, "
	    "ramdisk 50 bytes xxh3 %016llx, 0 modules, cmdline \"quiet\"",
	    (unsigned long long)XXH3_64bits(kernel_b, sizeof(kernel_b)),
	    (unsigned long long)XXH3_64bits(ramdisk, sizeof(ramdisk)));
	CU_ASSERT_STRING_EQUAL(line, want);
	CU_ASSERT_TRUE(bundle_listing_line(&view, 4, line, sizeof(line)));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "xenstore module 0: 30 bytes"));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "cmdline \"state\""));
	CU_ASSERT_FALSE(bundle_listing_line(&view, 5, line, sizeof(line)));
	free(b);
}

UNIT_TEST(bundle, header_damage_is_named)
{
	size_t len;
	uint8_t *b = build_sample(0, &len);

	b[0] ^= 0x20;
	expect_reject(b, len, "bad magic 74 53 52 42");
	b[0] ^= 0x20;
	expect_reject(b, 5, "the module is 5 bytes, too short even for the magic");
	expect_reject(b, 40, "the module is 40 bytes, shorter than the 64-byte header");
	RESEALED(b, len, hdr(b_)->version = 2,
		 "unsupported format version 2 (this build reads version 1)");
	RESEALED(b, len, hdr(b_)->header_size = 72, "header size 72, expected 64");
	RESEALED(b, len, hdr(b_)->domain_size = 1000, "descriptor sizes 1000/128");
	RESEALED(b, len, hdr(b_)->nr_domains = 0, "0 domains (must be 1..64)");
	RESEALED(b, len, hdr(b_)->nr_domains = 65, "65 domains (must be 1..64)");
	RESEALED(b, len, hdr(b_)->nr_modules = 65, "65 extra modules (at most 64)");
	RESEALED(b, len, hdr(b_)->flags = 1, "unknown header flags 0x1");
	RESEALED(b, len, hdr(b_)->reserved[2] = 1, "reserved fields set");
	RESEALED(b, len, hdr(b_)->total_size = 1000,
		 "the header and tables (3624 bytes) run past the end of the bundle (1000 bytes)");
	/* A table byte changed without resealing: the checksum catches it. */
	dom(b, 2)->vcpus = 5;
	expect_reject(b, len, "header checksum mismatch (stored");
	free(b);
}

UNIT_TEST(bundle, truncation_and_padding)
{
	size_t len;
	uint8_t *b = build_sample(0, &len);
	char want[128];

	snprintf(want, sizeof(want), "truncated: the header says %zu bytes, the module holds %zu",
		 len, len - 1);
	expect_reject(b, len - 1, want);
	/* Loaders may round a module up: bytes past total_size are ignored. */
	b = realloc(b, len + 4096);
	memset(b + len, 0xcc, 4096);
	expect_valid(b, len + 4096);
	CU_ASSERT_EQUAL(view.size, len);
	free(b);
}

UNIT_TEST(bundle, blob_bounds_are_checked_without_overflow)
{
	size_t len;
	uint8_t *b = build_sample(0, &len);
	char want[200];

	snprintf(want, sizeof(want),
		 "domain 2 'guest': kernel blob runs past the end of the bundle (offset %#zx, size "
		 "300; bundle is %zu bytes)",
		 len - 10, len);
	RESEALED(b, len, dom(b_, 2)->kernel.offset = len - 10, want);
	RESEALED(b, len, dom(b_, 2)->kernel.offset = UINT64_MAX - 10,
		 "kernel blob runs past the end");
	RESEALED(b, len, dom(b_, 2)->kernel.size = UINT64_MAX, "kernel blob runs past the end");
	RESEALED(b, len, dom(b_, 2)->ramdisk.size = UINT64_MAX - 4095,
		 "domain 2 'guest': ramdisk blob runs past the end");
	RESEALED(b, len, dom(b_, 0)->kernel.offset = 64,
		 "domain 0 'control': kernel blob at offset 0x40 overlaps the header and tables "
		 "(they end at 0xe28)");
	RESEALED(b, len, dom(b_, 0)->kernel.size = 0, "domain 0 'control': kernel blob is empty");
	RESEALED(b, len, dom(b_, 0)->ramdisk.offset = 0x2000,
		 "domain 0 'control': ramdisk is absent (size 0) but has offset 0x2000");
	RESEALED(b, len, mod(b_, 0)->blob.offset = len,
		 "module 0 blob runs past the end of the bundle");
	RESEALED(b, len, mod(b_, 0)->blob.size = 0, "module 0 blob is empty");
	RESEALED(b, len, dom(b_, 1)->first_module = 1,
		 "domain 1 'xenstore': modules 1..1+1 lie outside the module table (1 entries)");
	RESEALED(b, len, dom(b_, 1)->nr_modules = UINT32_MAX, "lie outside the module table");
	/* first + nr wraps to 1 in 32 bits: must still be refused. */
	RESEALED(b, len, (dom(b_, 1)->first_module = 2, dom(b_, 1)->nr_modules = UINT32_MAX),
		 "lie outside the module table");
	free(b);
}

/* Parse buf, which must be valid, and give the refusal of the domain named name ("" = none). */
static const char *refusal_of(const uint8_t *buf, size_t len, const char *name)
{
	expect_valid(buf, len);
	for (unsigned int i = 0; i < view.nr_domains; i++)
		if (!strcmp(view.domains[i].name, name))
			return view.domains[i].refused;
	CU_FAIL("no such domain");
	return "";
}

#define EXPECT_REFUSED(b, len, name, want)                                                         \
	CU_ASSERT_PTR_NOT_NULL(strstr(refusal_of(b, len, name), want))
#define EXPECT_ACCEPTED(b, len, name) CU_ASSERT_STRING_EQUAL(refusal_of(b, len, name), "")

/* A blob checksum mismatch refuses the domains using the blob; the bundle and the rest stand. */
UNIT_TEST(bundle, blob_checksums_refuse_only_their_domains)
{
	size_t len;
	uint8_t *b = build_sample(0, &len);
	char line[BUNDLE_LINE_LEN];

	b[dom(b, 2)->kernel.offset + 299] ^= 1;
	EXPECT_REFUSED(b, len, "guest", "kernel checksum mismatch (stored");
	EXPECT_ACCEPTED(b, len, "control");
	EXPECT_ACCEPTED(b, len, "xenstore");
	/* The listing says so (guest is the third domain in build order: line 3). */
	CU_ASSERT_TRUE(bundle_listing_line(&view, 3, line, sizeof(line)));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "guest: domid 5"));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, ", REFUSED: kernel checksum mismatch (stored"));
	b[dom(b, 2)->kernel.offset + 299] ^= 1;

	b[dom(b, 2)->ramdisk.offset] ^= 0x80;
	EXPECT_REFUSED(b, len, "guest", "ramdisk checksum mismatch");
	EXPECT_ACCEPTED(b, len, "xenstore");
	b[dom(b, 2)->ramdisk.offset] ^= 0x80;

	/* xenstore's module. */
	b[mod(b, 0)->blob.offset + 7] ^= 4;
	EXPECT_REFUSED(b, len, "xenstore", "module 0 checksum mismatch");
	EXPECT_ACCEPTED(b, len, "control");
	EXPECT_ACCEPTED(b, len, "guest");
	b[mod(b, 0)->blob.offset + 7] ^= 4;

	/* The kernel control and xenstore share: both refused, the guest not. */
	b[dom(b, 0)->kernel.offset] ^= 4;
	EXPECT_REFUSED(b, len, "control", "kernel checksum mismatch");
	EXPECT_REFUSED(b, len, "xenstore", "kernel checksum mismatch");
	EXPECT_ACCEPTED(b, len, "guest");
	b[dom(b, 0)->kernel.offset] ^= 4;

	/* A wrong stored checksum in one descriptor: only that domain. */
	uint8_t *c = malloc(len);
	memcpy(c, b, len);
	dom(c, 0)->kernel.xxh3 ^= 1;
	bundle_seal(c, len);
	EXPECT_REFUSED(c, len, "control", "kernel checksum mismatch");
	EXPECT_ACCEPTED(c, len, "xenstore");
	free(c);

	expect_valid(b, len);
	for (unsigned int i = 0; i < view.nr_domains; i++)
		CU_ASSERT_STRING_EQUAL(view.domains[i].refused, "");
	free(b);
}

UNIT_TEST(bundle, string_fields_must_be_terminated_and_clean)
{
	size_t len;
	uint8_t *b = build_sample(0, &len);

	RESEALED(b, len, memset(dom(b_, 1)->name, 'a', BUNDLE_NAME_LEN),
		 "domain 1: name is not NUL-terminated within its field");
	RESEALED(b, len, dom(b_, 1)->name[0] = 0, "domain 1: name is empty");
	RESEALED(b, len, dom(b_, 1)->name[2] = ' ',
		 "domain 1: name has a byte outside [A-Za-z0-9._-] (byte 0x20)");
	RESEALED(b, len, memset(dom(b_, 2)->cmdline, 'x', BUNDLE_CMDLINE_LEN),
		 "domain 2 'guest': command line is not NUL-terminated within its field");
	RESEALED(b, len, dom(b_, 2)->cmdline[1] = 0x1b,
		 "domain 2 'guest': command line has a non-printable byte (byte 0x1b)");
	RESEALED(b, len, memset(mod(b_, 0)->cmdline, 'm', BUNDLE_MODULE_CMDLINE_LEN),
		 "module 0: command line is not NUL-terminated");
	free(b);
}

UNIT_TEST(bundle, domain_fields_are_range_checked)
{
	size_t len;
	uint8_t *b = build_sample(0, &len);

	RESEALED(b, len, dom(b_, 2)->domid = 0x7ff0,
		 "domain 2 'guest': domid 32752 is reserved (must be below 0x7ff0)");
	RESEALED(b, len, dom(b_, 2)->roles = 0x10, "domain 2 'guest': unknown role bits 0x10");
	RESEALED(b, len, dom(b_, 2)->roles = 0, "domain 2 'guest': no roles");
	RESEALED(b, len, dom(b_, 2)->roles = BUNDLE_ROLE_GUEST | BUNDLE_ROLE_HARDWARE,
		 "role guest cannot be combined with other roles");
	RESEALED(b, len, dom(b_, 2)->mode = 0, "domain 2 'guest': unknown guest mode 0");
	RESEALED(b, len, dom(b_, 2)->mode = 4, "unknown guest mode 4");
	RESEALED(b, len, dom(b_, 2)->vcpus = 0, "domain 2 'guest': 0 vCPUs (must be 1..128)");
	RESEALED(b, len, dom(b_, 2)->vcpus = 129, "129 vCPUs (must be 1..128)");
	RESEALED(b, len, dom(b_, 2)->memory_kib = 0, "domain 2 'guest': memory 0 KiB");
	RESEALED(b, len, dom(b_, 2)->memory_kib = 6, "memory 6 KiB (must be a multiple of 4 KiB");
	RESEALED(b, len, dom(b_, 2)->memory_kib = (1ULL << 32) + 4, "memory 4294967300 KiB");
	RESEALED(b, len, dom(b_, 2)->flags = 2, "domain 2 'guest': unknown flags 0x2");
	RESEALED(b, len, mod(b_, 0)->reserved = 2,
		 "module 0: unknown flags 0 or reserved field set");
	free(b);
}

UNIT_TEST(bundle, names_domids_and_xenstore_role_are_unique)
{
	struct bw_domain d[3];
	size_t len;
	uint8_t *b;

	sample(d);
	d[2].name = "control";
	b = build(d, 3, 0, &len);
	expect_reject(b, len, "domain 2 'control': name already used by domain 0");
	free(b);

	sample(d);
	d[2].domid = 1;
	b = build(d, 3, 0, &len);
	expect_reject(b, len, "domain 2 'guest': domid 1 already used by domain 1 'xenstore'");
	free(b);

	sample(d);
	d[0].roles |= BUNDLE_ROLE_XENSTORE;
	b = build(d, 3, 0, &len);
	expect_reject(
	    b, len,
	    "domain 1 'xenstore': a second xenstore domain (domain 0 'control' holds the role)");
	free(b);
}

UNIT_TEST(bundle, writer_refuses_what_does_not_fit)
{
	struct bw_domain d[3];
	char err[256], longname[40];
	void *buf;
	size_t len;

	sample(d);
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	d[1].name = longname;
	CU_ASSERT_EQUAL(bundle_build(d, 3, 0, &buf, &len, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "the name is 39 bytes, at most 31 fit"));
	CU_ASSERT_EQUAL(bundle_build(d, 0, 0, &buf, &len, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NULL(buf);
}

UNIT_TEST(bundle, misaligned_buffer_is_rejected)
{
	size_t len;
	uint8_t *b = build_sample(0, &len);
	uint8_t *m = malloc(len + 8);

	memcpy(m + 4, b, len);
	expect_reject(m + 4, len, "not 8-byte aligned");
	free(m);
	free(b);
}

/* Every pointer of an accepted view lies inside the bundle. */
static void check_view_in_bounds(const uint8_t *b, size_t len)
{
	const uint8_t *end = b + len;

	CU_ASSERT_TRUE_FATAL(view.size <= len);
	for (unsigned int i = 0; i < view.nr_domains; i++) {
		const struct bundle_dom *d = &view.domains[i];

		CU_ASSERT_TRUE_FATAL(d->kernel >= b && d->kernel + d->kernel_size <= end);
		CU_ASSERT_TRUE_FATAL(!d->ramdisk ||
				     (d->ramdisk >= b && d->ramdisk + d->ramdisk_size <= end));
		CU_ASSERT_TRUE_FATAL(strlen(d->name) < BUNDLE_NAME_LEN);
		CU_ASSERT_TRUE_FATAL(d->nr_modules <= view.nr_modules);
	}
}

UNIT_TEST(bundle, every_byte_flip_and_truncation_is_rejected_or_valid)
{
	static const uint8_t flips[] = {0x01, 0x80, 0xff};
	size_t len;
	uint8_t *ref = build_sample(8, &len); /* compact: few padding bytes */
	uint8_t *b = malloc(len);
	char why[BUNDLE_WHY_LEN];
	unsigned int rejected = 0, accepted = 0;
	size_t tables_end = sizeof(struct bundle_header) + 3 * sizeof(struct bundle_domain) +
			    sizeof(struct bundle_module);

	for (size_t i = 0; i < len; i++)
		for (size_t f = 0; f < sizeof(flips); f++)
			for (int reseal = 0; reseal < 2; reseal++) {
				memcpy(b, ref, len);
				b[i] ^= flips[f];
				if (reseal)
					bundle_seal(b, len);
				why[0] = 0;
				if (bundle_parse(b, len, &view, why, sizeof(why))) {
					CU_ASSERT_TRUE_FATAL(why[0] != 0);
					rejected++;
					continue;
				}
				accepted++;
				check_view_in_bounds(b, len);
				/* Without resealing, any change before the blobs is caught. */
				if (!reseal && i < tables_end)
					CU_FAIL_FATAL("a changed table byte was accepted");
			}
	CU_ASSERT_TRUE(rejected > len);
	CU_ASSERT_TRUE(accepted > 0); /* e.g. bytes after a string's NUL, resealed */

	for (size_t n = 0; n <= len; n++) {
		uint8_t *t = malloc(n ? n : 1);

		memcpy(t, ref, n);
		CU_ASSERT_EQUAL(bundle_parse(t, n, &view, why, sizeof(why)) == 0, n == len);
		free(t);
	}
	free(b);
	free(ref);
}

/* bootbundle_find_module: peek at a module's bytes from a test table. */
static const void *peek_bytes[4];
static const void *peek(const struct boot_module *m)
{
	return peek_bytes[paddr_x(m->start)];
}

UNIT_TEST(bundle, module_named_bundle_wins_else_first_with_magic)
{
	static const char other[16] = "ELF-not-bundle";
	struct boot_info bi = {.nr_modules = 3};

	for (unsigned int i = 0; i < 3; i++) {
		bi.modules[i].start = _paddr(i);
		bi.modules[i].size = 16;
		peek_bytes[i] = other;
	}
	CU_ASSERT_EQUAL(bootbundle_find_module(&bi, peek), -1);
	peek_bytes[2] = BUNDLE_MAGIC "xxxxxxxx";
	CU_ASSERT_EQUAL(bootbundle_find_module(&bi, peek), 2);
	bi.modules[2].size = 4; /* too short to hold the magic: not looked at */
	CU_ASSERT_EQUAL(bootbundle_find_module(&bi, peek), -1);
	strcpy(bi.modules[1].cmdline, "/boot/plan.bin bundle");
	CU_ASSERT_EQUAL(bootbundle_find_module(&bi, peek), 1);
	strcpy(bi.modules[1].cmdline, "/boot/bundle.bin"); /* a file name is not the word */
	CU_ASSERT_EQUAL(bootbundle_find_module(&bi, peek), -1);
}

UNIT_TEST(bundle, load_keeps_a_valid_bundle_and_drops_a_rejected_one)
{
	struct boot_info *bi = calloc(1, sizeof(*bi));
	size_t len;
	uint8_t *b = build_sample(0, &len);
	const struct bundle_view *v;

	fake_mm_setup(64);
	bootbundle_load_from(bi);
	CU_ASSERT_PTR_NULL(bootbundle_get());

	memcpy(fake_mm_base + 0x10000, b, len);
	bi->nr_modules = 1;
	bi->modules[0].start = _paddr(0x10000);
	bi->modules[0].size = len;
	bootbundle_load_from(bi);
	v = bootbundle_get();
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->nr_domains, 3);
	CU_ASSERT_PTR_EQUAL(v->base, fake_mm_base + 0x10000);
	CU_ASSERT_STRING_EQUAL(v->domains[0].name, "xenstore");

	bi->modules[0].size = len - 1;
	bootbundle_load_from(bi);
	CU_ASSERT_PTR_NULL(bootbundle_get());
	fake_mm_teardown();
	free(b);
	free(bi);
}
