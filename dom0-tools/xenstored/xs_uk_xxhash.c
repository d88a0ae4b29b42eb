/*
 * XXH3-64 for the xenstored core in the xenstore domain (uk-include/xxhash.h
 * maps XXH3_64bits here): Debian's libxxhash-dev header compiled in at build
 * time, scalar (the unikernel has no SSE), as the hypervisor's
 * common/xxhash.c. The build gives this file alone a link to the header and
 * the hypervisor's libc stand-ins for it (xenstored.mk). No state, no locking.
 */
#define XXH_INLINE_ALL
#define XXH_VECTOR 0 /* XXH_SCALAR */
#define XXH_FORCE_MEMORY_ACCESS 0
#define XXH_DEBUGLEVEL 0
#include <xxhash.h>

uint64_t xsd_uk_xxh3_64(const void *p, size_t len);

uint64_t xsd_uk_xxh3_64(const void *p, size_t len)
{
	return XXH3_64bits(p, len);
}
