/*
 * For xxhash.h only. -ffreestanding turns off the builtins, so spell them out:
 * the 8-byte little-endian reads then compile to plain loads, not calls.
 */
#ifndef TESSERA_XXHASH_COMPAT_STRING_H
#define TESSERA_XXHASH_COMPAT_STRING_H

#include <tessera/string.h>

#define memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define memcmp(a, b, n) __builtin_memcmp((a), (b), (n))

#endif
