/*
 * Tessera public ABI: the PV network protocol (netfront <-> netback).
 *
 * Two rings: tx (guest sends; a packet is one or more netif_tx_request
 * slots, optionally followed by netif_extra_info slots) and rx (guest posts
 * empty granted pages, the backend fills them).  An optional control ring
 * configures hashing.  Negotiation is in xenstore: see docs/abi.md.
 * Follows Xen 4.17 (make test-abi).
 */
#ifndef TESSERA_PUBLIC_IO_NETIF_H
#define TESSERA_PUBLIC_IO_NETIF_H

#include "ring.h"
#include "../grant_table.h"

/* A backend must accept packets spread over at least this many tx slots. */
#define XEN_NETIF_NR_SLOTS_MIN 18

/* Hash types and algorithms for the control ring. */
#define _XEN_NETIF_CTRL_HASH_TYPE_IPV4 0
#define XEN_NETIF_CTRL_HASH_TYPE_IPV4 (1 << _XEN_NETIF_CTRL_HASH_TYPE_IPV4)
#define _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP 1
#define XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP (1 << _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP)
#define _XEN_NETIF_CTRL_HASH_TYPE_IPV6 2
#define XEN_NETIF_CTRL_HASH_TYPE_IPV6 (1 << _XEN_NETIF_CTRL_HASH_TYPE_IPV6)
#define _XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP 3
#define XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP (1 << _XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP)

#define XEN_NETIF_CTRL_HASH_ALGORITHM_NONE 0
#define XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ 1

#ifdef XEN_NETIF_DEFINE_TOEPLITZ
/*
 * Toeplitz hash (as in RSS): for every input bit that is set, XOR in the 32
 * key bits starting at that bit position.  A sliding 64-bit window over the
 * key supplies them; key bytes past keylen count as zero.
 */
static uint32_t xen_netif_toeplitz_hash(const uint8_t *key, unsigned int keylen, const uint8_t *buf,
					unsigned int buflen)
{
	uint64_t window = 0;
	uint32_t hash = 0;
	unsigned int next = 0; /* next key byte to shift into the window */
	unsigned int i, bit;

	while (next < 8) {
		window = (window << 8) | (next < keylen ? key[next] : 0);
		next++;
	}
	for (i = 0; i < buflen; i++) {
		for (bit = 0; bit < 8; bit++) {
			if (buf[i] & (0x80u >> bit))
				hash ^= (uint32_t)(window >> (32 - bit));
		}
		window = (window << 8) | (next < keylen ? key[next] : 0);
		next++;
	}
	return hash;
}
#endif

/* Control ring request: type XEN_NETIF_CTRL_TYPE_*, meaning of data per type. */
#define XEN_NETIF_CTRL_TYPE_INVALID 0
#define XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS 1
#define XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS 2
#define XEN_NETIF_CTRL_TYPE_SET_HASH_KEY 3
#define XEN_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE 4
#define XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE 5
#define XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING 6
#define XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM 7
#define XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE 8
#define XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING 9
#define XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING 10
struct xen_netif_ctrl_request {
	uint16_t id;
	uint16_t type;
	uint32_t data[3];
};

#define XEN_NETIF_CTRL_STATUS_SUCCESS 0
#define XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED 1
#define XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER 2
#define XEN_NETIF_CTRL_STATUS_BUFFER_OVERFLOW 3
struct xen_netif_ctrl_response {
	uint16_t id;
	uint16_t type;
	uint32_t status; /* XEN_NETIF_CTRL_STATUS_* */
	uint32_t data;
};

/* Entry of the grant list passed with ADD_GREF_MAPPING. */
#define _XEN_NETIF_CTRLF_GREF_readonly 0
#define XEN_NETIF_CTRLF_GREF_readonly (1U << _XEN_NETIF_CTRLF_GREF_readonly)
struct xen_netif_gref {
	grant_ref_t ref;
	uint16_t flags;	 /* XEN_NETIF_CTRLF_GREF_* */
	uint16_t status; /* OUT: XEN_NETIF_CTRL_STATUS_* */
};

DEFINE_RING_TYPES(xen_netif_ctrl, struct xen_netif_ctrl_request, struct xen_netif_ctrl_response);

/* netif_tx_request.flags */
#define _NETTXF_csum_blank (0) /* checksum still to be filled in */
#define NETTXF_csum_blank (1U << _NETTXF_csum_blank)
#define _NETTXF_data_validated (1)
#define NETTXF_data_validated (1U << _NETTXF_data_validated)
#define _NETTXF_more_data (2) /* another slot of this packet follows */
#define NETTXF_more_data (1U << _NETTXF_more_data)
#define _NETTXF_extra_info (3) /* a netif_extra_info slot follows */
#define NETTXF_extra_info (1U << _NETTXF_extra_info)

#define XEN_NETIF_MAX_TX_SIZE 0xFFFF

struct netif_tx_request {
	grant_ref_t gref;
	uint16_t offset; /* within the granted page */
	uint16_t flags;	 /* NETTXF_* */
	uint16_t id;	 /* echoed in the response */
	uint16_t size;	 /* first slot: whole packet; later slots: this slot */
};
typedef struct netif_tx_request netif_tx_request_t;

/* Extra info slots. */
#define XEN_NETIF_EXTRA_TYPE_NONE (0)
#define XEN_NETIF_EXTRA_TYPE_GSO (1)
#define XEN_NETIF_EXTRA_TYPE_MCAST_ADD (2)
#define XEN_NETIF_EXTRA_TYPE_MCAST_DEL (3)
#define XEN_NETIF_EXTRA_TYPE_HASH (4)
#define XEN_NETIF_EXTRA_TYPE_MAX (5)

#define _XEN_NETIF_EXTRA_FLAG_MORE (0)
#define XEN_NETIF_EXTRA_FLAG_MORE (1U << _XEN_NETIF_EXTRA_FLAG_MORE)

#define XEN_NETIF_GSO_TYPE_NONE (0)
#define XEN_NETIF_GSO_TYPE_TCPV4 (1)
#define XEN_NETIF_GSO_TYPE_TCPV6 (2)

struct netif_extra_info {
	uint8_t type;  /* XEN_NETIF_EXTRA_TYPE_* */
	uint8_t flags; /* XEN_NETIF_EXTRA_FLAG_* */
	union {
		struct {
			uint16_t size; /* MSS */
			uint8_t type;  /* XEN_NETIF_GSO_TYPE_* */
			uint8_t pad;
			uint16_t features;
		} gso;
		struct {
			uint8_t addr[6];
		} mcast;
		struct {
			uint8_t type; /* _XEN_NETIF_CTRL_HASH_TYPE_* */
			uint8_t algorithm;
			uint8_t value[4];
		} hash;
		uint16_t pad[3];
	} u;
};
typedef struct netif_extra_info netif_extra_info_t;

struct netif_tx_response {
	uint16_t id;
	int16_t status; /* NETIF_RSP_* */
};
typedef struct netif_tx_response netif_tx_response_t;

struct netif_rx_request {
	uint16_t id;
	uint16_t pad;
	grant_ref_t gref; /* page the backend may fill */
};
typedef struct netif_rx_request netif_rx_request_t;

/* netif_rx_response.flags */
#define _NETRXF_data_validated (0)
#define NETRXF_data_validated (1U << _NETRXF_data_validated)
#define _NETRXF_csum_blank (1)
#define NETRXF_csum_blank (1U << _NETRXF_csum_blank)
#define _NETRXF_more_data (2)
#define NETRXF_more_data (1U << _NETRXF_more_data)
#define _NETRXF_extra_info (3)
#define NETRXF_extra_info (1U << _NETRXF_extra_info)
#define _NETRXF_gso_prefix (4)
#define NETRXF_gso_prefix (1U << _NETRXF_gso_prefix)

struct netif_rx_response {
	uint16_t id;
	uint16_t offset;
	uint16_t flags; /* NETRXF_* */
	int16_t status; /* bytes received, or NETIF_RSP_* if negative */
};
typedef struct netif_rx_response netif_rx_response_t;

DEFINE_RING_TYPES(netif_tx, struct netif_tx_request, struct netif_tx_response);
DEFINE_RING_TYPES(netif_rx, struct netif_rx_request, struct netif_rx_response);

#define NETIF_RSP_DROPPED -2
#define NETIF_RSP_ERROR -1
#define NETIF_RSP_OKAY 0
#define NETIF_RSP_NULL 1 /* a slot that carries no status (extra info) */

#endif /* TESSERA_PUBLIC_IO_NETIF_H */
