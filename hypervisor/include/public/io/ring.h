/*
 * Tessera public ABI: shared request/response rings.
 *
 * A ring lives in one shared page (or a few).  The frontend produces
 * requests and consumes responses; the backend the reverse.  Indices are
 * free-running 32-bit counters (they wrap; only differences matter) and the
 * number of slots is a power of two, so a slot is index & (size - 1).  Each
 * side also keeps private copies of its indices in a front/back ring struct
 * and publishes them in the shared page when it pushes.
 *
 * req_event / rsp_event implement notification holdoff: the consumer writes
 * "wake me when the producer index passes this value" and the producer only
 * sends an event channel notification when its push crosses it.
 *
 * Layout of the shared page (identical for every ring type):
 *   0  req_prod, 4 req_event, 8 rsp_prod, 12 rsp_event,
 *   16 pvt (4 bytes), 20 __pad (44 bytes), 64 the slots.
 * Names and layout follow Xen 4.17 (make test-abi checks the blkif/netif
 * instantiations); the macro bodies are Tessera's own.
 *
 * Barriers: define xen_mb(), xen_rmb(), xen_wmb() before including this
 * header to use your environment's; otherwise GCC atomic fences are used.
 * DEFINE_XEN_FLEX_RING needs memcpy (string.h or the hypervisor's own).
 */
#ifndef TESSERA_PUBLIC_IO_RING_H
#define TESSERA_PUBLIC_IO_RING_H

#include "../xen-compat.h"

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>
#endif

#ifndef xen_mb
#define xen_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#ifndef xen_rmb
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#endif
#ifndef xen_wmb
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif

#ifndef XEN_FLEX_ARRAY_DIM /* same definition as xen.h */
#ifdef __cplusplus
#define XEN_FLEX_ARRAY_DIM 0
#else
#define XEN_FLEX_ARRAY_DIM
#endif
#endif

typedef unsigned int RING_IDX;

/*
 * Largest power of two not above x, as a constant expression: smear the top
 * set bit into every lower bit, then keep only the top one.
 */
#define XEN_RING_SMEAR1_(x) ((x) | ((x) >> 1))
#define XEN_RING_SMEAR2_(x) (XEN_RING_SMEAR1_(x) | (XEN_RING_SMEAR1_(x) >> 2))
#define XEN_RING_SMEAR4_(x) (XEN_RING_SMEAR2_(x) | (XEN_RING_SMEAR2_(x) >> 4))
#define XEN_RING_SMEAR8_(x) (XEN_RING_SMEAR4_(x) | (XEN_RING_SMEAR4_(x) >> 8))
#define XEN_RING_SMEAR16_(x) (XEN_RING_SMEAR8_(x) | (XEN_RING_SMEAR8_(x) >> 16))
#define XEN_RING_POW2_FLOOR(x)                                                                     \
	((unsigned int)(XEN_RING_SMEAR16_((uint32_t)(x)) - (XEN_RING_SMEAR16_((uint32_t)(x)) >> 1)))

/* Slots of ring type _s in _sz bytes (a constant expression). */
#define __CONST_RING_SIZE(_s, _sz)                                                                 \
	XEN_RING_POW2_FLOOR(((_sz)-offsetof(struct _s##_sring, ring)) /                            \
			    sizeof(((struct _s##_sring *)0)->ring[0]))

/* Slots of the shared ring at pointer _s if it spans _sz bytes. */
#define __RING_SIZE(_s, _sz)                                                                       \
	XEN_RING_POW2_FLOOR(                                                                       \
	    ((size_t)(_sz) - (size_t)((const char *)&(_s)->ring[0] - (const char *)(_s))) /        \
	    sizeof((_s)->ring[0]))

/*
 * Declares, for ring type __name:
 *   union  __name_sring_entry  one slot (request or response)
 *   struct __name_sring        the shared page
 *   struct __name_front_ring   the frontend's private state
 *   struct __name_back_ring    the backend's private state
 * and a _t typedef for the last three.
 */
#define DEFINE_RING_TYPES(__name, __req_t, __rsp_t)                                                \
	union __name##_sring_entry {                                                               \
		__req_t req;                                                                       \
		__rsp_t rsp;                                                                       \
	};                                                                                         \
	struct __name##_sring {                                                                    \
		RING_IDX req_prod;                                                                 \
		RING_IDX req_event;                                                                \
		RING_IDX rsp_prod;                                                                 \
		RING_IDX rsp_event;                                                                \
		union {                                                                            \
			struct {                                                                   \
				uint8_t smartpoll_active;                                          \
			} netif;                                                                   \
			struct {                                                                   \
				uint8_t msg;                                                       \
			} tapif_user;                                                              \
			uint8_t pvt_pad[4];                                                        \
		} pvt;                                                                             \
		uint8_t __pad[44];                                                                 \
		union __name##_sring_entry ring[1]; /* really as many as fit */                    \
	};                                                                                         \
	struct __name##_front_ring {                                                               \
		RING_IDX req_prod_pvt; /* next request slot to fill */                             \
		RING_IDX rsp_cons;     /* next response to consume */                              \
		unsigned int nr_ents;                                                              \
		struct __name##_sring *sring;                                                      \
	};                                                                                         \
	struct __name##_back_ring {                                                                \
		RING_IDX rsp_prod_pvt; /* next response slot to fill */                            \
		RING_IDX req_cons;     /* next request to consume */                               \
		unsigned int nr_ents;                                                              \
		struct __name##_sring *sring;                                                      \
	};                                                                                         \
	typedef struct __name##_sring __name##_sring_t;                                            \
	typedef struct __name##_front_ring __name##_front_ring_t;                                  \
	typedef struct __name##_back_ring __name##_back_ring_t

#ifndef __ASSEMBLY__
/* Byte clear without depending on the includer's memset. */
static inline void xen_ring_clear_(void *p, size_t n)
{
	volatile unsigned char *b = (volatile unsigned char *)p;

	while (n--)
		*b++ = 0;
}

static inline RING_IDX xen_ring_min_(RING_IDX a, RING_IDX b)
{
	return a < b ? a : b;
}
#endif

/* The frontend initialises the shared page once, before advertising it. */
#define SHARED_RING_INIT(_s)                                                                       \
	do {                                                                                       \
		(_s)->req_prod = 0;                                                                \
		(_s)->rsp_prod = 0;                                                                \
		(_s)->req_event = 1;                                                               \
		(_s)->rsp_event = 1;                                                               \
		xen_ring_clear_((_s)->pvt.pvt_pad, sizeof((_s)->pvt.pvt_pad));                     \
		xen_ring_clear_((_s)->__pad, sizeof((_s)->__pad));                                 \
	} while (0)

/* Attach private state to a shared ring whose indices are at _i. */
#define FRONT_RING_ATTACH(_r, _s, _i, __size)                                                      \
	do {                                                                                       \
		(_r)->req_prod_pvt = (_i);                                                         \
		(_r)->rsp_cons = (_i);                                                             \
		(_r)->nr_ents = __RING_SIZE(_s, __size);                                           \
		(_r)->sring = (_s);                                                                \
	} while (0)
#define FRONT_RING_INIT(_r, _s, __size) FRONT_RING_ATTACH(_r, _s, 0, __size)

#define XEN_FRONT_RING_INIT(r, s, size)                                                            \
	do {                                                                                       \
		SHARED_RING_INIT(s);                                                               \
		FRONT_RING_INIT(r, s, size);                                                       \
	} while (0)

#define BACK_RING_ATTACH(_r, _s, _i, __size)                                                       \
	do {                                                                                       \
		(_r)->rsp_prod_pvt = (_i);                                                         \
		(_r)->req_cons = (_i);                                                             \
		(_r)->nr_ents = __RING_SIZE(_s, __size);                                           \
		(_r)->sring = (_s);                                                                \
	} while (0)
#define BACK_RING_INIT(_r, _s, __size) BACK_RING_ATTACH(_r, _s, 0, __size)

#define RING_SIZE(_r) ((_r)->nr_ents)

/* Request slots the frontend may still fill (responses not yet consumed count as used). */
#define RING_FREE_REQUESTS(_r) (RING_SIZE(_r) - ((_r)->req_prod_pvt - (_r)->rsp_cons))
#define RING_FULL(_r) (RING_FREE_REQUESTS(_r) == 0)

#define XEN_RING_NR_UNCONSUMED_RESPONSES(_r) ((_r)->sring->rsp_prod - (_r)->rsp_cons)

/*
 * Requests the backend may consume: what the frontend published, but never
 * more than the slots not still holding our own unconsumed responses (a
 * hostile frontend can publish any req_prod).
 */
#define XEN_RING_NR_UNCONSUMED_REQUESTS(_r)                                                        \
	xen_ring_min_((_r)->sring->req_prod - (_r)->req_cons,                                      \
		      RING_SIZE(_r) - ((_r)->req_cons - (_r)->rsp_prod_pvt))

#ifdef XEN_RING_HAS_UNCONSUMED_IS_BOOL
#define RING_HAS_UNCONSUMED_RESPONSES(_r) (!!XEN_RING_NR_UNCONSUMED_RESPONSES(_r))
#define RING_HAS_UNCONSUMED_REQUESTS(_r) (!!XEN_RING_NR_UNCONSUMED_REQUESTS(_r))
#else
#define RING_HAS_UNCONSUMED_RESPONSES(_r) XEN_RING_NR_UNCONSUMED_RESPONSES(_r)
#define RING_HAS_UNCONSUMED_REQUESTS(_r) XEN_RING_NR_UNCONSUMED_REQUESTS(_r)
#endif

#define RING_GET_REQUEST(_r, _idx) (&((_r)->sring->ring[(_idx) & (RING_SIZE(_r) - 1)].req))
#define RING_GET_RESPONSE(_r, _idx) (&((_r)->sring->ring[(_idx) & (RING_SIZE(_r) - 1)].rsp))

/*
 * Copy a slot out of shared memory before looking at it, so the other side
 * cannot change a field between our check and our use.  The compiler
 * barrier keeps the compiler from re-reading the shared slot instead of
 * the copy.
 */
#define RING_COPY_(type, r, idx, dest)                                                             \
	do {                                                                                       \
		*(dest) = *RING_GET_##type(r, idx);                                                \
		__asm__ __volatile__("" ::: "memory");                                             \
	} while (0)
#define RING_COPY_REQUEST(r, idx, req) RING_COPY_(REQUEST, r, idx, req)
#define RING_COPY_RESPONSE(r, idx, rsp) RING_COPY_(RESPONSE, r, idx, rsp)

/* Sanity checks on indices read from the other side. */
#define RING_REQUEST_CONS_OVERFLOW(_r, _cons) (((_cons) - (_r)->rsp_prod_pvt) >= RING_SIZE(_r))
#define RING_REQUEST_PROD_OVERFLOW(_r, _prod) (((_prod) - (_r)->rsp_prod_pvt) > RING_SIZE(_r))
#define RING_RESPONSE_PROD_OVERFLOW(_r, _prod) (((_prod) - (_r)->rsp_cons) > RING_SIZE(_r))

/* Publish: slot contents must be visible before the index. */
#define RING_PUSH_REQUESTS(_r)                                                                     \
	do {                                                                                       \
		xen_wmb();                                                                         \
		(_r)->sring->req_prod = (_r)->req_prod_pvt;                                        \
	} while (0)
#define RING_PUSH_RESPONSES(_r)                                                                    \
	do {                                                                                       \
		xen_wmb();                                                                         \
		(_r)->sring->rsp_prod = (_r)->rsp_prod_pvt;                                        \
	} while (0)

/*
 * Publish and decide whether the consumer asked to be woken: notify when
 * the event threshold lies in (old, new].  Index arithmetic is modulo 2^32.
 */
#define RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(_r, _notify)                                           \
	do {                                                                                       \
		RING_IDX xr_was_ = (_r)->sring->req_prod;                                          \
		RING_IDX xr_now_ = (_r)->req_prod_pvt;                                             \
		xen_wmb();                                                                         \
		(_r)->sring->req_prod = xr_now_;                                                   \
		xen_mb();                                                                          \
		(_notify) = ((RING_IDX)(xr_now_ - (_r)->sring->req_event) <                        \
			     (RING_IDX)(xr_now_ - xr_was_));                                       \
	} while (0)
#define RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(_r, _notify)                                          \
	do {                                                                                       \
		RING_IDX xr_was_ = (_r)->sring->rsp_prod;                                          \
		RING_IDX xr_now_ = (_r)->rsp_prod_pvt;                                             \
		xen_wmb();                                                                         \
		(_r)->sring->rsp_prod = xr_now_;                                                   \
		xen_mb();                                                                          \
		(_notify) = ((RING_IDX)(xr_now_ - (_r)->sring->rsp_event) <                        \
			     (RING_IDX)(xr_now_ - xr_was_));                                       \
	} while (0)

/*
 * Before going idle: if nothing is queued, ask for an event on the next
 * item, then look again to close the race with a producer that pushed
 * before seeing the new threshold.
 */
#define RING_FINAL_CHECK_FOR_REQUESTS(_r, _work_to_do)                                             \
	do {                                                                                       \
		(_work_to_do) = RING_HAS_UNCONSUMED_REQUESTS(_r);                                  \
		if (!(_work_to_do)) {                                                              \
			(_r)->sring->req_event = (_r)->req_cons + 1;                               \
			xen_mb();                                                                  \
			(_work_to_do) = RING_HAS_UNCONSUMED_REQUESTS(_r);                          \
		}                                                                                  \
	} while (0)
#define RING_FINAL_CHECK_FOR_RESPONSES(_r, _work_to_do)                                            \
	do {                                                                                       \
		(_work_to_do) = RING_HAS_UNCONSUMED_RESPONSES(_r);                                 \
		if (!(_work_to_do)) {                                                              \
			(_r)->sring->rsp_event = (_r)->rsp_cons + 1;                               \
			xen_mb();                                                                  \
			(_work_to_do) = RING_HAS_UNCONSUMED_RESPONSES(_r);                         \
		}                                                                                  \
	} while (0)

/*
 * Byte-stream ("flex") rings: two power-of-two byte arrays with free-running
 * indices, used by pvcalls, 9pfs and the console's flex variant.
 */
#ifndef XEN_PAGE_SHIFT
#define XEN_PAGE_SHIFT 12
#endif
/* Bytes of each direction when the data area is 2^order pages. */
#define XEN_FLEX_RING_SIZE(order) (1UL << ((order) + XEN_PAGE_SHIFT - 1))

#define DEFINE_XEN_FLEX_RING(name)                                                                 \
	static inline RING_IDX name##_mask(RING_IDX idx, RING_IDX ring_size)                       \
	{                                                                                          \
		return idx & (ring_size - 1);                                                      \
	}                                                                                          \
	static inline unsigned char *name##_get_ring_ptr(unsigned char *buf, RING_IDX idx,         \
							 RING_IDX ring_size)                       \
	{                                                                                          \
		return buf + name##_mask(idx, ring_size);                                          \
	}                                                                                          \
	static inline void name##_read_packet(void *opaque, const unsigned char *buf, size_t size, \
					      RING_IDX masked_prod, RING_IDX *masked_cons,         \
					      RING_IDX ring_size)                                  \
	{                                                                                          \
		size_t tail = ring_size - *masked_cons;                                            \
                                                                                                   \
		if (*masked_cons < masked_prod || size <= tail) {                                  \
			memcpy(opaque, buf + *masked_cons, size);                                  \
		} else {                                                                           \
			memcpy(opaque, buf + *masked_cons, tail);                                  \
			memcpy((unsigned char *)opaque + tail, buf, size - tail);                  \
		}                                                                                  \
		*masked_cons = name##_mask(*masked_cons + (RING_IDX)size, ring_size);              \
	}                                                                                          \
	static inline void name##_write_packet(unsigned char *buf, const void *opaque,             \
					       size_t size, RING_IDX *masked_prod,                 \
					       RING_IDX masked_cons, RING_IDX ring_size)           \
	{                                                                                          \
		size_t tail = ring_size - *masked_prod;                                            \
                                                                                                   \
		if (*masked_prod < masked_cons || size <= tail) {                                  \
			memcpy(buf + *masked_prod, opaque, size);                                  \
		} else {                                                                           \
			memcpy(buf + *masked_prod, opaque, tail);                                  \
			memcpy(buf, (const unsigned char *)opaque + tail, size - tail);            \
		}                                                                                  \
		*masked_prod = name##_mask(*masked_prod + (RING_IDX)size, ring_size);              \
	}                                                                                          \
	/* Bytes between cons and prod; equal masked indices mean full unless equal raw. */        \
	static inline RING_IDX name##_queued(RING_IDX prod, RING_IDX cons, RING_IDX ring_size)     \
	{                                                                                          \
		RING_IDX p, c;                                                                     \
                                                                                                   \
		if (prod == cons)                                                                  \
			return 0;                                                                  \
		p = name##_mask(prod, ring_size);                                                  \
		c = name##_mask(cons, ring_size);                                                  \
		if (p == c)                                                                        \
			return ring_size;                                                          \
		return p > c ? p - c : ring_size - (c - p);                                        \
	}                                                                                          \
	struct name##_data {                                                                       \
		unsigned char *in;  /* the half this end reads */                                  \
		unsigned char *out; /* the half this end writes */                                 \
	}

/* The shared page of a flex ring: index pairs on separate cache lines, then the grant list. */
#define DEFINE_XEN_FLEX_RING_AND_INTF(name)                                                        \
	struct name##_data_intf {                                                                  \
		RING_IDX in_cons;                                                                  \
		RING_IDX in_prod;                                                                  \
		uint8_t pad1[56];                                                                  \
		RING_IDX out_cons;                                                                 \
		RING_IDX out_prod;                                                                 \
		uint8_t pad2[56];                                                                  \
		RING_IDX ring_order;                                                               \
		__extension__ grant_ref_t ref[XEN_FLEX_ARRAY_DIM];                                 \
	};                                                                                         \
	DEFINE_XEN_FLEX_RING(name)

#endif /* TESSERA_PUBLIC_IO_RING_H */
