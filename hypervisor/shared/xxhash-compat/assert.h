/* For xxhash.h only: its run-time asserts are off (XXH_DEBUGLEVEL 0); it wants static_assert. */
#ifndef TESSERA_XXHASH_COMPAT_ASSERT_H
#define TESSERA_XXHASH_COMPAT_ASSERT_H

#define assert(c) ((void)0)
#ifndef static_assert
#define static_assert _Static_assert
#endif

#endif
