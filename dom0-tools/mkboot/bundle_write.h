/*
 * Writing boot bundles (the format is tessera/bundle_format.h). Portable C
 * with malloc: used by mkboot and by the host unit tests, which build valid
 * bundles with it and then damage them.
 */
#ifndef MKBOOT_BUNDLE_WRITE_H
#define MKBOOT_BUNDLE_WRITE_H

#include <stddef.h>
#include <stdint.h>
#include <tessera/bundle_format.h>

struct bw_module {
	const void *data;
	size_t size;
	const char *cmdline; /* NULL = "" */
};

struct bw_domain {
	const char *name;
	uint32_t domid;
	uint32_t roles; /* BUNDLE_ROLE_* */
	uint32_t mode;	/* BUNDLE_MODE_* */
	uint32_t vcpus;
	uint64_t memory_kib;
	const void *kernel;
	size_t kernel_size;
	const void *ramdisk; /* NULL or size 0 = none */
	size_t ramdisk_size;
	const char *cmdline; /* NULL = "" */
	const struct bw_module *modules;
	unsigned int nr_modules;
};

/*
 * Lays out nr domains as a bundle in a new malloc'd buffer (*out, *out_len):
 * blobs aligned to align bytes (0 = BUNDLE_BLOB_ALIGN), identical files
 * stored once, every checksum filled. Checks only what the layout needs
 * (counts, string lengths); the meaning is the parser's to judge, so callers
 * run bundle_parse() on the result. Returns 0, or -1 with err set.
 */
int bundle_build(const struct bw_domain *doms, unsigned int nr, size_t align, void **out,
		 size_t *out_len, char *err, size_t errlen);

/* Recomputes header_xxh3 of the bundle in buf (len bytes), e.g. after editing a descriptor. */
void bundle_seal(void *buf, size_t len);

#endif
