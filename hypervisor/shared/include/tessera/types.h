/* Fixed-width and address-space types for the hypervisor. */
#ifndef TESSERA_TYPES_H
#define TESSERA_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t ssize_t;
typedef uint64_t paddr_t;
typedef uint64_t vaddr_t;
typedef int64_t s_time_t; /* nanoseconds since boot */

/*
 * Distinct types for distinct frame-number spaces, so the compiler catches a
 * machine frame passed where a guest frame is expected.
 */
typedef struct {
	uint64_t mfn;
} mfn_t;
typedef struct {
	uint64_t gfn;
} gfn_t;

static inline mfn_t _mfn(uint64_t n)
{
	return (mfn_t){n};
}
static inline uint64_t mfn_x(mfn_t m)
{
	return m.mfn;
}
static inline gfn_t _gfn(uint64_t n)
{
	return (gfn_t){n};
}
static inline uint64_t gfn_x(gfn_t g)
{
	return g.gfn;
}
static inline bool mfn_eq(mfn_t a, mfn_t b)
{
	return a.mfn == b.mfn;
}

#define INVALID_MFN_RAW (~0UL)
#define INVALID_MFN _mfn(INVALID_MFN_RAW)

#endif
