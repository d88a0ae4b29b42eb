/* For xxhash.h only: the streaming API's allocator, which the hypervisor never calls. */
#ifndef TESSERA_XXHASH_COMPAT_STDLIB_H
#define TESSERA_XXHASH_COMPAT_STDLIB_H

#include <stddef.h>

static inline void *malloc(size_t size)
{
	(void)size;
	return NULL;
}
static inline void free(void *p)
{
	(void)p;
}

#endif
