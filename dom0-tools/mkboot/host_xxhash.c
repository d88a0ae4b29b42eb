/* mkboot's XXH3-64: the host's libxxhash, behind the name the shared parser calls. */
#include <xxhash.h>
#include <tessera/xxhash.h>

uint64_t hv_xxh3_64(const void *p, size_t len)
{
	return XXH3_64bits(p, len);
}
