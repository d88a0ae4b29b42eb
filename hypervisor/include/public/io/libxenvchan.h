/*
 * Tessera public ABI: the shared control page of a vchan (libxenvchan wire
 * format).  The server grants this page plus the data rings; the client
 * maps them.  Ring orders 10 and 11 mean the data sits inside this page
 * (offsets 1024 and 2048); larger orders use granted pages listed in
 * grants[], left ring's first.  Follows Xen 4.17 (make test-abi).
 */
#ifndef TESSERA_PUBLIC_IO_LIBXENVCHAN_H
#define TESSERA_PUBLIC_IO_LIBXENVCHAN_H

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

#ifndef XEN_FLEX_ARRAY_DIM /* same definition as xen.h */
#ifdef __cplusplus
#define XEN_FLEX_ARRAY_DIM 0
#else
#define XEN_FLEX_ARRAY_DIM
#endif
#endif

/* Free-running byte counters of one direction. */
struct ring_shared {
	uint32_t cons;
	uint32_t prod;
};

/* Bits of cli_notify/srv_notify: notify me when the peer reads/writes. */
#define VCHAN_NOTIFY_WRITE 0x1
#define VCHAN_NOTIFY_READ 0x2

struct vchan_interface {
	struct ring_shared left;  /* written by the client, read by the server */
	struct ring_shared right; /* written by the server, read by the client */
	uint16_t left_order;	  /* log2 of each ring's size in bytes */
	uint16_t right_order;
	uint8_t cli_live; /* 0 gone, 1 connected, 2 client not yet connected */
	uint8_t srv_live;
	uint8_t cli_notify; /* VCHAN_NOTIFY_* the server asked for: the client */
	uint8_t srv_notify; /* signals after that progress, and vice versa */
	__extension__ uint32_t grants[XEN_FLEX_ARRAY_DIM];
};

#endif /* TESSERA_PUBLIC_IO_LIBXENVCHAN_H */
