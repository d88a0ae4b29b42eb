/*
 * XXH3-64 fingerprints (common/xxhash.c): boot bundle checksums now, and
 * later xenstore hashing and save-image checksums. The algorithm comes from
 * Debian's libxxhash-dev header, compiled in at build time.
 */
#ifndef TESSERA_XXHASH_H
#define TESSERA_XXHASH_H

#include <stddef.h>
#include <stdint.h>

/* XXH3_64bits(p, len) with seed 0: the same value as libxxhash on the host. */
uint64_t hv_xxh3_64(const void *p, size_t len);

#endif
