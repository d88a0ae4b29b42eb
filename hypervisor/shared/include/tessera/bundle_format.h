/*
 * The boot bundle's binary format: the one definition of it, included by
 * the hypervisor's parser (shared/bundle_parse.c) and by the host tool that
 * writes bundles (dom0-tools/mkboot). Nothing else may describe the layout.
 * docs/boot-bundle.md explains it in prose.
 *
 * A bundle is one Multiboot module, little-endian, every structure naturally
 * aligned and of a fixed size (checked below):
 *
 *   0                     struct bundle_header
 *   header_size           nr_domains x struct bundle_domain
 *   ...                   nr_modules x struct bundle_module (extra modules)
 *   tables end            blobs (kernel, ramdisk, module images), anywhere
 *                         between the tables' end and total_size; mkboot
 *                         page-aligns them and stores identical files once
 *
 * header_xxh3 is XXH3-64 (seed 0) of bytes [16, tables end): everything of
 * the header after the checksum, and both tables. Each blob carries its own
 * XXH3-64. Reserved fields and flags are written as zero and must be zero.
 *
 * Roles and modes are X-macro lists, so the enum values, the names the
 * hypervisor prints and the names mkboot accepts in a plan come from here.
 */
#ifndef TESSERA_BUNDLE_FORMAT_H
#define TESSERA_BUNDLE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define BUNDLE_MAGIC "TSRBNDL\x1a" /* 8 bytes, no terminator in the file */
#define BUNDLE_MAGIC_LEN 8
#define BUNDLE_VERSION 1
#define BUNDLE_CSUM_START 16 /* header_xxh3 covers bytes from here */

#define BUNDLE_MAX_DOMAINS 64
#define BUNDLE_MAX_MODULES 64 /* extra modules, all domains together */
#define BUNDLE_MAX_VCPUS 128
#define BUNDLE_DOMID_LIMIT 0x7FF0	   /* Xen's DOMID_FIRST_RESERVED */
#define BUNDLE_MAX_MEMORY_KIB (1ULL << 32) /* 4 TiB, the direct map's reach */
#define BUNDLE_NAME_LEN 32
#define BUNDLE_CMDLINE_LEN 1024 /* Xen's MAX_GUEST_CMDLINE */
#define BUNDLE_MODULE_CMDLINE_LEN 96
#define BUNDLE_BLOB_ALIGN 4096 /* what mkboot does; the parser does not require it */

/* X(enum suffix, plan/console name, bit) */
#define BUNDLE_ROLES(X)                                                                            \
	X(CONTROL, "control", 0)                                                                   \
	X(XENSTORE, "xenstore", 1)                                                                 \
	X(HARDWARE, "hardware", 2)                                                                 \
	X(GUEST, "guest", 3)

#define BUNDLE_ROLE_BIT_(sym, name, bit) BUNDLE_ROLE_##sym = 1u << (bit),
enum bundle_role { BUNDLE_ROLES(BUNDLE_ROLE_BIT_) };
#undef BUNDLE_ROLE_BIT_
#define BUNDLE_ROLE_MASK_(sym, name, bit) | (1u << (bit))
#define BUNDLE_ROLES_KNOWN (0u BUNDLE_ROLES(BUNDLE_ROLE_MASK_))

/* X(enum suffix, plan/console name, value); 0 is never a valid mode. */
#define BUNDLE_MODES(X)                                                                            \
	X(PVH, "PVH", 1)                                                                           \
	X(PV, "PV", 2)                                                                             \
	X(HVM, "HVM", 3)

#define BUNDLE_MODE_VAL_(sym, name, val) BUNDLE_MODE_##sym = (val),
enum bundle_mode { BUNDLE_MODES(BUNDLE_MODE_VAL_) };
#undef BUNDLE_MODE_VAL_

/* A byte range of the bundle holding one file, and its checksum. */
struct bundle_blob {
	uint64_t offset; /* from the start of the bundle */
	uint64_t size;	 /* 0 = absent (ramdisk only); then offset and xxh3 are 0 too */
	uint64_t xxh3;	 /* XXH3-64, seed 0, of the size bytes at offset */
};

struct bundle_header {
	uint8_t magic[BUNDLE_MAGIC_LEN];
	uint64_t header_xxh3;
	uint32_t version;     /* BUNDLE_VERSION */
	uint32_t header_size; /* sizeof(struct bundle_header) */
	uint64_t total_size;  /* the whole bundle; the module may be longer (padding) */
	uint32_t domain_size; /* sizeof(struct bundle_domain) */
	uint32_t nr_domains;  /* 1..BUNDLE_MAX_DOMAINS */
	uint32_t module_size; /* sizeof(struct bundle_module) */
	uint32_t nr_modules;  /* 0..BUNDLE_MAX_MODULES */
	uint32_t flags;	      /* none defined */
	uint32_t reserved[3];
};

struct bundle_domain {
	char name[BUNDLE_NAME_LEN]; /* [A-Za-z0-9._-]+, NUL-terminated, unique */
	uint32_t domid;		    /* < BUNDLE_DOMID_LIMIT, unique */
	uint32_t roles;		    /* BUNDLE_ROLE_* bits, not 0; guest excludes the others */
	uint32_t mode;		    /* BUNDLE_MODE_* */
	uint32_t vcpus;		    /* 1..BUNDLE_MAX_VCPUS */
	uint64_t memory_kib;	    /* > 0, a multiple of 4, <= BUNDLE_MAX_MEMORY_KIB */
	uint32_t first_module;	    /* this domain's extra modules: a slice of the module table */
	uint32_t nr_modules;
	uint32_t flags; /* none defined */
	uint32_t reserved;
	struct bundle_blob kernel;	  /* required */
	struct bundle_blob ramdisk;	  /* optional */
	char cmdline[BUNDLE_CMDLINE_LEN]; /* printable ASCII, NUL-terminated */
};

/* An extra boot module of a domain (e.g. a xenstore domain's initial state). */
struct bundle_module {
	struct bundle_blob blob; /* size > 0 */
	uint32_t flags;		 /* none defined */
	uint32_t reserved;
	char cmdline[BUNDLE_MODULE_CMDLINE_LEN]; /* printable ASCII, NUL-terminated */
};

_Static_assert(sizeof(struct bundle_blob) == 24, "bundle_blob layout");
_Static_assert(sizeof(struct bundle_header) == 64, "bundle_header layout");
_Static_assert(offsetof(struct bundle_header, header_xxh3) == 8, "header_xxh3 offset");
_Static_assert(offsetof(struct bundle_header, version) == BUNDLE_CSUM_START, "csum start");
_Static_assert(offsetof(struct bundle_header, total_size) == 24, "total_size offset");
_Static_assert(sizeof(struct bundle_domain) == 1144, "bundle_domain layout");
_Static_assert(offsetof(struct bundle_domain, kernel) == 72, "bundle_domain kernel offset");
_Static_assert(offsetof(struct bundle_domain, cmdline) == 120, "bundle_domain cmdline offset");
_Static_assert(sizeof(struct bundle_module) == 128, "bundle_module layout");

#endif
