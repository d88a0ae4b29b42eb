/*
 * Tessera public ABI: the PV console shared page (two byte rings).
 * Follows Xen 4.17 (make test-abi).
 */
#ifndef TESSERA_PUBLIC_IO_CONSOLE_H
#define TESSERA_PUBLIC_IO_CONSOLE_H

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

typedef uint32_t XENCONS_RING_IDX;

/* Ring sizes are powers of two; ring is the array itself. */
#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

struct xencons_interface {
	char in[1024];	/* keyboard input: backend -> guest */
	char out[2048]; /* output: guest -> backend */
	XENCONS_RING_IDX in_cons;
	XENCONS_RING_IDX in_prod;
	XENCONS_RING_IDX out_cons;
	XENCONS_RING_IDX out_prod;
};

#ifdef XEN_WANT_FLEX_CONSOLE_RING
#include "ring.h"
DEFINE_XEN_FLEX_RING(xencons);
#endif

#endif /* TESSERA_PUBLIC_IO_CONSOLE_H */
