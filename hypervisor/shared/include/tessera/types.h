/* Fixed-width and address-space types for the hypervisor. */
#ifndef TESSERA_TYPES_H
#define TESSERA_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t ssize_t;
typedef int64_t s_time_t; /* nanoseconds since boot */

/*
 * Physical and virtual addresses. With TESSERA_TYPE_SAFE (the host unit
 * tests and the fuzz harness define it) each is a one-member struct, so
 * passing one where the other, or a plain integer, is expected does not
 * compile; otherwise each is a plain integer with the same helpers, so the
 * hypervisor's code is what it was. Convert with _paddr()/paddr_x() and
 * _vaddr()/vaddr_x(), at the boundary (a value from firmware, a table or the
 * ABI) and where arithmetic needs the number.
 */
#ifdef TESSERA_TYPE_SAFE
typedef struct {
	uint64_t paddr;
} paddr_t;
typedef struct {
	uint64_t vaddr;
} vaddr_t;

static inline paddr_t _paddr(uint64_t a)
{
	return (paddr_t){a};
}
static inline uint64_t paddr_x(paddr_t a)
{
	return a.paddr;
}
static inline vaddr_t _vaddr(uint64_t a)
{
	return (vaddr_t){a};
}
static inline uint64_t vaddr_x(vaddr_t a)
{
	return a.vaddr;
}
#else
typedef uint64_t paddr_t;
typedef uint64_t vaddr_t;

static inline paddr_t _paddr(uint64_t a)
{
	return a;
}
static inline uint64_t paddr_x(paddr_t a)
{
	return a;
}
static inline vaddr_t _vaddr(uint64_t a)
{
	return a;
}
static inline uint64_t vaddr_x(vaddr_t a)
{
	return a;
}
#endif

/* The address off bytes after a. */
static inline paddr_t paddr_add(paddr_t a, uint64_t off)
{
	return _paddr(paddr_x(a) + off);
}
static inline vaddr_t vaddr_add(vaddr_t a, uint64_t off)
{
	return _vaddr(vaddr_x(a) + off);
}

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
static inline bool gfn_eq(gfn_t a, gfn_t b)
{
	return a.gfn == b.gfn;
}
/* The frame i after m (a run of contiguous frames). */
static inline mfn_t mfn_add(mfn_t m, uint64_t i)
{
	return _mfn(m.mfn + i);
}
static inline gfn_t gfn_add(gfn_t g, uint64_t i)
{
	return _gfn(g.gfn + i);
}

#define INVALID_MFN_RAW (~0UL)
#define INVALID_MFN _mfn(INVALID_MFN_RAW)
#define INVALID_GFN_RAW (~0UL)
#define INVALID_GFN _gfn(INVALID_GFN_RAW)

/* Machine addresses and frames (4 KiB pages). */
static inline mfn_t paddr_to_mfn(paddr_t a)
{
	return _mfn(paddr_x(a) >> 12);
}
static inline paddr_t mfn_to_paddr(mfn_t m)
{
	return _paddr(mfn_x(m) << 12);
}

#endif
