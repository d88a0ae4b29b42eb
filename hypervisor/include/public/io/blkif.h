/*
 * Tessera public ABI: the PV block device protocol (blkfront <-> blkback).
 *
 * The frontend grants data pages and puts requests on a one-page ring; each
 * request names up to 11 segments, a segment being sectors first_sect..
 * last_sect (512-byte units) of one granted page.  BLKIF_OP_INDIRECT instead
 * names pages that hold further segment descriptors.  Negotiation happens in
 * xenstore (ring-ref, event-channel, feature-*, sectors, info...): see
 * docs/abi.md.  Follows Xen 4.17 (make test-abi).
 */
#ifndef TESSERA_PUBLIC_IO_BLKIF_H
#define TESSERA_PUBLIC_IO_BLKIF_H

#include "ring.h"
#include "../grant_table.h"

#ifndef blkif_vdev_t
#define blkif_vdev_t uint16_t
#endif
#define blkif_sector_t uint64_t

#define BLKIF_OP_READ 0
#define BLKIF_OP_WRITE 1
#define BLKIF_OP_WRITE_BARRIER 2   /* needs feature-barrier */
#define BLKIF_OP_FLUSH_DISKCACHE 3 /* needs feature-flush-cache */
#define BLKIF_OP_RESERVED_1 4
#define BLKIF_OP_DISCARD 5  /* needs feature-discard; uses blkif_request_discard */
#define BLKIF_OP_INDIRECT 6 /* needs feature-max-indirect-segments */

#define BLKIF_MAX_SEGMENTS_PER_REQUEST 11
#define BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST 8

/* One segment; indirect pages hold an array of these. */
struct blkif_request_segment {
	grant_ref_t gref;
	uint8_t first_sect;
	uint8_t last_sect;
};

struct blkif_request {
	uint8_t operation; /* BLKIF_OP_* */
	uint8_t nr_segments;
	blkif_vdev_t handle;
	uint64_t id; /* echoed in the response */
	blkif_sector_t sector_number;
	struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};
typedef struct blkif_request blkif_request_t;

#define BLKIF_DISCARD_SECURE (1 << 0)
struct blkif_request_discard {
	uint8_t operation; /* BLKIF_OP_DISCARD */
	uint8_t flag;	   /* BLKIF_DISCARD_* */
	blkif_vdev_t handle;
	uint64_t id;
	blkif_sector_t sector_number;
	uint64_t nr_sectors;
};
typedef struct blkif_request_discard blkif_request_discard_t;

struct blkif_request_indirect {
	uint8_t operation;   /* BLKIF_OP_INDIRECT */
	uint8_t indirect_op; /* READ or WRITE */
	uint16_t nr_segments;
	uint64_t id;
	blkif_sector_t sector_number;
	blkif_vdev_t handle;
	grant_ref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
};
typedef struct blkif_request_indirect blkif_request_indirect_t;

struct blkif_response {
	uint64_t id;
	uint8_t operation;
	int16_t status; /* BLKIF_RSP_* */
};
typedef struct blkif_response blkif_response_t;

#define BLKIF_RSP_EOPNOTSUPP -2
#define BLKIF_RSP_ERROR -1
#define BLKIF_RSP_OKAY 0

DEFINE_RING_TYPES(blkif, struct blkif_request, struct blkif_response);

/* Bits of the backend's "info" node. */
#define VDISK_CDROM 0x1
#define VDISK_REMOVABLE 0x2
#define VDISK_READONLY 0x4

#endif /* TESSERA_PUBLIC_IO_BLKIF_H */
