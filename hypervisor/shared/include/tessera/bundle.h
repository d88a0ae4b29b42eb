/*
 * The boot bundle parser (shared/bundle_parse.c): portable, compiled into
 * the hypervisor, the host unit tests and mkboot --dump, so all three read
 * bundles the same way. It treats every byte as hostile and, on success,
 * leaves a view whose pointers all lie inside the validated buffer.
 */
#ifndef TESSERA_BUNDLE_H
#define TESSERA_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tessera/bundle_format.h>

/* Room for a domain's refusal reason ("module 12 checksum mismatch (stored ..., computed ...)"). */
#define BUNDLE_REFUSED_LEN 96

/* One validated domain. Pointers point into the bundle. */
struct bundle_dom {
	unsigned int index; /* position in the bundle's domain table */
	const char *name;
	uint32_t domid;
	uint32_t roles;
	uint32_t mode;
	uint32_t vcpus;
	uint64_t memory_kib;
	const uint8_t *kernel;
	uint64_t kernel_size, kernel_xxh3;
	const uint8_t *ramdisk; /* NULL: none */
	uint64_t ramdisk_size, ramdisk_xxh3;
	const char *cmdline;
	const struct bundle_module *modules; /* nr_modules entries of the module table */
	unsigned int nr_modules;
	/* Empty, or why the builder must refuse this domain: one of its blobs (kernel, ramdisk,
	 * modules) fails its checksum. The rest of the bundle stays usable. */
	char refused[BUNDLE_REFUSED_LEN];
};

struct bundle_view {
	const uint8_t *base;
	uint64_t size; /* the header's total_size */
	uint32_t version;
	uint64_t header_xxh3;
	unsigned int nr_domains;
	unsigned int nr_modules;
	/* In build order: the xenstore domain, then control domains, then the rest, each group in
	 * bundle order. */
	struct bundle_dom domains[BUNDLE_MAX_DOMAINS];
};

/* What an error message buffer should hold to never truncate a message. */
#define BUNDLE_WHY_LEN 256

/*
 * Validates the len bytes at buf (8-byte aligned) as a bundle and fills out.
 * Returns 0, or -EINVAL with why (whylen bytes, may be NULL) saying exactly
 * what is wrong; out is then zeroed. A blob whose checksum does not match
 * does not fail the bundle: each domain using it gets a refused reason
 * (the rule: that domain is refused, the rest boot).
 */
int bundle_parse(const void *buf, size_t len, struct bundle_view *out, char *why, size_t whylen);

/* The bundle's blob bytes (blob already validated by bundle_parse). */
const uint8_t *bundle_blob_data(const struct bundle_view *v, const struct bundle_blob *b);

/* Names of one role bit and of a mode; NULL if unknown. */
const char *bundle_role_name(uint32_t bit);
const char *bundle_mode_name(uint32_t mode);
/* "control+xenstore" into buf; returns buf. */
char *bundle_roles_str(uint32_t roles, char *buf, size_t size);

/*
 * The listing both the hypervisor and mkboot --dump print: a summary line,
 * then one line per domain, then one per extra module (line 0 = summary).
 * Writes line number n into buf; returns false past the last line.
 */
bool bundle_listing_line(const struct bundle_view *v, unsigned int n, char *buf, size_t size);
#define BUNDLE_LINE_LEN 480

#endif
