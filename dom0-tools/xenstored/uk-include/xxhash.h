/*
 * The xenstored core's <xxhash.h> in the xenstore domain: XXH3-64 from
 * xs_uk_xxhash.c (Debian's header compiled there, scalar, as the
 * hypervisor's common/xxhash.c), so the core's hash is the host build's.
 */
#ifndef XSD_UK_XXHASH_H
#define XSD_UK_XXHASH_H
#include <stddef.h>
#include <stdint.h>
uint64_t xsd_uk_xxh3_64(const void *p, size_t len);
#define XXH3_64bits(p, len) xsd_uk_xxh3_64((p), (len))
#endif
