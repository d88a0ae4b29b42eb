/*
 * Boot bundle writer: header, domain table, module table, then the blobs.
 * The layout rules are the ones tessera/bundle_format.h states; the parser
 * (hypervisor/shared/bundle_parse.c) is the judge of the result.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/xxhash.h>
#include "bundle_write.h"

static void fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* One file to store: where its bytes come from and where they go. */
struct blob_slot {
	const void *data;
	size_t size;
	uint64_t offset;
};

/* Offset for a blob: shares an identical earlier one, or takes the next aligned place. */
static uint64_t place_blob(struct blob_slot *slots, unsigned int *nr, const void *data, size_t size,
			   uint64_t *cursor, size_t align)
{
	if (!size)
		return 0;
	for (unsigned int i = 0; i < *nr; i++)
		if (slots[i].size == size &&
		    (slots[i].data == data || !memcmp(slots[i].data, data, size)))
			return slots[i].offset;
	*cursor = (*cursor + align - 1) / align * align;
	slots[*nr] = (struct blob_slot){data, size, *cursor};
	(*nr)++;
	*cursor += size;
	return slots[*nr - 1].offset;
}

static int set_string(char *field, size_t cap, const char *s, const char *what, const char *name,
		      char *err, size_t errlen)
{
	size_t n = s ? strlen(s) : 0;

	if (n >= cap) {
		fail(err, errlen, "domain '%s': %s is %zu bytes, at most %zu fit", name, what, n,
		     cap - 1);
		return -1;
	}
	if (n)
		memcpy(field, s, n);
	return 0;
}

static void set_blob(struct bundle_blob *b, const uint8_t *base, uint64_t offset, size_t size)
{
	b->offset = size ? offset : 0;
	b->size = size;
	b->xxh3 = size ? hv_xxh3_64(base + offset, size) : 0;
}

int bundle_build(const struct bw_domain *doms, unsigned int nr, size_t align, void **out,
		 size_t *out_len, char *err, size_t errlen)
{
	struct blob_slot slots[2 * BUNDLE_MAX_DOMAINS + BUNDLE_MAX_MODULES];
	uint64_t kernel_off[BUNDLE_MAX_DOMAINS], ramdisk_off[BUNDLE_MAX_DOMAINS],
	    module_off[BUNDLE_MAX_MODULES];
	unsigned int nr_slots = 0, nr_modules = 0;
	uint64_t cursor;
	struct bundle_header *h;
	struct bundle_domain *dt;
	struct bundle_module *mt;
	uint8_t *buf;

	*out = NULL;
	*out_len = 0;
	if (!align)
		align = BUNDLE_BLOB_ALIGN;
	if (nr == 0 || nr > BUNDLE_MAX_DOMAINS) {
		fail(err, errlen, "%u domains: a bundle holds 1..%u", nr, BUNDLE_MAX_DOMAINS);
		return -1;
	}
	for (unsigned int i = 0; i < nr; i++) {
		if (doms[i].nr_modules > BUNDLE_MAX_MODULES - nr_modules) {
			fail(err, errlen, "more than %u extra modules in all", BUNDLE_MAX_MODULES);
			return -1;
		}
		nr_modules += doms[i].nr_modules;
	}

	cursor = sizeof(*h) + (uint64_t)nr * sizeof(*dt) + (uint64_t)nr_modules * sizeof(*mt);
	for (unsigned int i = 0, m = 0; i < nr; i++) {
		kernel_off[i] = place_blob(slots, &nr_slots, doms[i].kernel, doms[i].kernel_size,
					   &cursor, align);
		ramdisk_off[i] =
		    place_blob(slots, &nr_slots, doms[i].ramdisk,
			       doms[i].ramdisk ? doms[i].ramdisk_size : 0, &cursor, align);
		for (unsigned int k = 0; k < doms[i].nr_modules; k++, m++)
			module_off[m] = place_blob(slots, &nr_slots, doms[i].modules[k].data,
						   doms[i].modules[k].size, &cursor, align);
	}

	buf = calloc(1, cursor);
	if (!buf) {
		fail(err, errlen, "out of memory for a %llu-byte bundle",
		     (unsigned long long)cursor);
		return -1;
	}
	for (unsigned int s = 0; s < nr_slots; s++)
		memcpy(buf + slots[s].offset, slots[s].data, slots[s].size);

	h = (struct bundle_header *)buf;
	dt = (struct bundle_domain *)(buf + sizeof(*h));
	mt = (struct bundle_module *)(buf + sizeof(*h) + (size_t)nr * sizeof(*dt));
	memcpy(h->magic, BUNDLE_MAGIC, BUNDLE_MAGIC_LEN);
	h->version = BUNDLE_VERSION;
	h->header_size = sizeof(*h);
	h->total_size = cursor;
	h->domain_size = sizeof(*dt);
	h->nr_domains = nr;
	h->module_size = sizeof(*mt);
	h->nr_modules = nr_modules;

	for (unsigned int i = 0, m = 0; i < nr; i++) {
		const struct bw_domain *s = &doms[i];
		struct bundle_domain *d = &dt[i];
		const char *name = s->name ? s->name : "";

		if (set_string(d->name, sizeof(d->name), name, "the name", name, err, errlen) ||
		    set_string(d->cmdline, sizeof(d->cmdline), s->cmdline, "the command line", name,
			       err, errlen))
			goto fail;
		d->domid = s->domid;
		d->roles = s->roles;
		d->mode = s->mode;
		d->vcpus = s->vcpus;
		d->memory_kib = s->memory_kib;
		d->first_module = m;
		d->nr_modules = s->nr_modules;
		set_blob(&d->kernel, buf, kernel_off[i], s->kernel_size);
		set_blob(&d->ramdisk, buf, ramdisk_off[i], s->ramdisk ? s->ramdisk_size : 0);
		for (unsigned int k = 0; k < s->nr_modules; k++, m++) {
			if (set_string(mt[m].cmdline, sizeof(mt[m].cmdline), s->modules[k].cmdline,
				       "a module's command line", name, err, errlen))
				goto fail;
			set_blob(&mt[m].blob, buf, module_off[m], s->modules[k].size);
		}
	}
	bundle_seal(buf, cursor);
	*out = buf;
	*out_len = cursor;
	return 0;
fail:
	free(buf);
	return -1;
}

void bundle_seal(void *buf, size_t len)
{
	struct bundle_header *h = buf;
	uint64_t end;

	if (len < sizeof(*h) || h->nr_domains > BUNDLE_MAX_DOMAINS ||
	    h->nr_modules > BUNDLE_MAX_MODULES)
		return;
	end = sizeof(*h) + (uint64_t)h->nr_domains * sizeof(struct bundle_domain) +
	      (uint64_t)h->nr_modules * sizeof(struct bundle_module);
	if (end > len)
		return;
	h->header_xxh3 = hv_xxh3_64((uint8_t *)buf + BUNDLE_CSUM_START, end - BUNDLE_CSUM_START);
}
