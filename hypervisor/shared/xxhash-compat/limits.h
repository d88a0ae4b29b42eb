/*
 * For xxhash.h only: GCC's own limits.h defines the limits and then looks
 * for a C library's limits.h after itself; this empty one ends that search.
 */
#ifndef TESSERA_XXHASH_COMPAT_LIMITS_H
#define TESSERA_XXHASH_COMPAT_LIMITS_H
#endif
