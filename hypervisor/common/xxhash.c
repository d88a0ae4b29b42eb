/*
 * XXH3-64 for the hypervisor, from Debian's libxxhash-dev header compiled
 * in at build time (the algorithm's source is not copied into this tree).
 * The hypervisor is built -mgeneral-regs-only, so the scalar code path is
 * forced; the build gives this file alone a private include directory
 * holding xxhash.h and the libc stand-ins it includes (hypervisor/build.mk).
 * In host unit tests the same file compiles against the real libc, and its
 * result is compared with the host's libxxhash. No state, no locking.
 */
#define XXH_INLINE_ALL
#define XXH_VECTOR 0 /* XXH_SCALAR */
#define XXH_FORCE_MEMORY_ACCESS 0
#define XXH_DEBUGLEVEL 0
#include <xxhash.h>

#include <tessera/xxhash.h>
#ifndef TESSERA_HOST_TEST
#include <tessera/errno.h>
#include <tessera/types.h> /* selftest.h needs bool */
#include <tessera/selftest.h>
#endif

_Static_assert(XXH_VERSION_NUMBER >= 800, "XXH3 is stable from xxHash 0.8.0");

uint64_t hv_xxh3_64(const void *p, size_t len)
{
	return XXH3_64bits(p, len);
}

#ifndef TESSERA_HOST_TEST
/* Known answers (from the host's libxxhash) across XXH3's size classes. */
SELFTEST(xxh3)
{
	static const struct {
		size_t len;
		uint64_t hash;
	} known[] = {
	    {0, 0x2d06800538d394c2ULL},	  {3, 0x5c83885a0fb5d516ULL},
	    {17, 0x2bf6f66973a6179dULL},  {129, 0x8433489056750b32ULL},
	    {241, 0xbff7215089202d8fULL}, {1031, 0x34526b9973d6dd02ULL},
	};
	static uint8_t buf[1031];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (hv_xxh3_64(buf, known[i].len) != known[i].hash)
			return -EIO;
	return 0;
}
#endif
