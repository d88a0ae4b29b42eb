/*
 * Tessera public ABI: event channels (HYPERVISOR_event_channel_op).
 *
 * An event channel is a port in a domain that another domain, a VIRQ, a
 * PIRQ or an IPI can raise.  The 2-level ABI keeps pending and mask bits in
 * shared_info; the FIFO ABI (EVTCHNOP_init_control) uses per-port event
 * words and per-vCPU queues.  Layouts follow Xen 4.17 (make test-abi).
 */
#ifndef TESSERA_PUBLIC_EVENT_CHANNEL_H
#define TESSERA_PUBLIC_EVENT_CHANNEL_H

#include "xen.h"

/* Commands (first argument of the hypercall). */
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq 1
#define EVTCHNOP_bind_pirq 2
#define EVTCHNOP_close 3
#define EVTCHNOP_send 4
#define EVTCHNOP_status 5
#define EVTCHNOP_alloc_unbound 6
#define EVTCHNOP_bind_ipi 7
#define EVTCHNOP_bind_vcpu 8
#define EVTCHNOP_unmask 9
#define EVTCHNOP_reset 10
#define EVTCHNOP_init_control 11
#define EVTCHNOP_expand_array 12
#define EVTCHNOP_set_priority 13

typedef uint32_t evtchn_port_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_port_t);

/* Allocate a port in dom that remote_dom may later bind to.  OUT: port. */
struct evtchn_alloc_unbound {
	domid_t dom;
	domid_t remote_dom;
	evtchn_port_t port;
};
typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;

/* Connect a new local port to remote_dom's unbound remote_port.  OUT: local_port. */
struct evtchn_bind_interdomain {
	domid_t remote_dom;
	evtchn_port_t remote_port;
	evtchn_port_t local_port;
};
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;

/* Deliver VIRQ virq (for vcpu, if per-vCPU) on a new port.  OUT: port. */
struct evtchn_bind_virq {
	uint32_t virq;
	uint32_t vcpu;
	evtchn_port_t port;
};
typedef struct evtchn_bind_virq evtchn_bind_virq_t;

/* Deliver physical IRQ pirq on a new port.  OUT: port. */
#define BIND_PIRQ__WILL_SHARE 1
struct evtchn_bind_pirq {
	uint32_t pirq;
	uint32_t flags; /* BIND_PIRQ__* */
	evtchn_port_t port;
};
typedef struct evtchn_bind_pirq evtchn_bind_pirq_t;

/* A port that signals vcpu of the same domain.  OUT: port. */
struct evtchn_bind_ipi {
	uint32_t vcpu;
	evtchn_port_t port;
};
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;

struct evtchn_close {
	evtchn_port_t port;
};
typedef struct evtchn_close evtchn_close_t;

/* Raise the other end of port. */
struct evtchn_send {
	evtchn_port_t port;
};
typedef struct evtchn_send evtchn_send_t;

/* What <dom, port> is bound to. */
#define EVTCHNSTAT_closed 0
#define EVTCHNSTAT_unbound 1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq 3
#define EVTCHNSTAT_virq 4
#define EVTCHNSTAT_ipi 5
struct evtchn_status {
	domid_t dom;
	evtchn_port_t port;
	uint32_t status; /* OUT: EVTCHNSTAT_* */
	uint32_t vcpu;	 /* OUT: vCPU notified */
	union {
		struct {
			domid_t dom;
		} unbound;
		struct {
			domid_t dom;
			evtchn_port_t port;
		} interdomain;
		uint32_t pirq;
		uint32_t virq;
	} u;
};
typedef struct evtchn_status evtchn_status_t;

/* Move notification of port to another vCPU. */
struct evtchn_bind_vcpu {
	evtchn_port_t port;
	uint32_t vcpu;
};
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;

/* Clear the mask bit and deliver the event if it is pending. */
struct evtchn_unmask {
	evtchn_port_t port;
};
typedef struct evtchn_unmask evtchn_unmask_t;

/* Close every port of dom (back to the 2-level ABI). */
struct evtchn_reset {
	domid_t dom;
};
typedef struct evtchn_reset evtchn_reset_t;

/* FIFO ABI: register vcpu's control block at control_gfn + offset. */
struct evtchn_init_control {
	uint64_t control_gfn;
	uint32_t offset;
	uint32_t vcpu;
	uint8_t link_bits; /* OUT */
	uint8_t _pad[7];
};
typedef struct evtchn_init_control evtchn_init_control_t;

/* FIFO ABI: add one page of event words. */
struct evtchn_expand_array {
	uint64_t array_gfn;
};
typedef struct evtchn_expand_array evtchn_expand_array_t;

/* FIFO ABI: queue priority of port (EVTCHN_FIFO_PRIORITY_*). */
struct evtchn_set_priority {
	evtchn_port_t port;
	uint32_t priority;
};
typedef struct evtchn_set_priority evtchn_set_priority_t;

/* Argument of the old event_channel_op_compat hypercall. */
struct evtchn_op {
	uint32_t cmd;
	union {
		evtchn_alloc_unbound_t alloc_unbound;
		evtchn_bind_interdomain_t bind_interdomain;
		evtchn_bind_virq_t bind_virq;
		evtchn_bind_pirq_t bind_pirq;
		evtchn_bind_ipi_t bind_ipi;
		evtchn_close_t close;
		evtchn_send_t send;
		evtchn_status_t status;
		evtchn_bind_vcpu_t bind_vcpu;
		evtchn_unmask_t unmask;
	} u;
};
typedef struct evtchn_op evtchn_op_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_op_t);

/* 2-level ABI: one bit per port, a word of words in shared_info. */
#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

/* FIFO ABI. Priority 0 is served first. */
#define EVTCHN_FIFO_PRIORITY_MAX 0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN 15
#define EVTCHN_FIFO_MAX_QUEUES (EVTCHN_FIFO_PRIORITY_MIN + 1)

/* An event word: flag bits at the top, link to the next port at the bottom. */
typedef uint32_t event_word_t;
#define EVTCHN_FIFO_PENDING 31
#define EVTCHN_FIFO_MASKED 30
#define EVTCHN_FIFO_LINKED 29
#define EVTCHN_FIFO_BUSY 28
#define EVTCHN_FIFO_LINK_BITS 17
#define EVTCHN_FIFO_LINK_MASK ((1 << EVTCHN_FIFO_LINK_BITS) - 1)
#define EVTCHN_FIFO_NR_CHANNELS (1 << EVTCHN_FIFO_LINK_BITS)

struct evtchn_fifo_control_block {
	uint32_t ready; /* bit per queue with work */
	uint32_t _rsvd;
	uint32_t head[EVTCHN_FIFO_MAX_QUEUES]; /* first port of each queue */
};
typedef struct evtchn_fifo_control_block evtchn_fifo_control_block_t;

#endif /* TESSERA_PUBLIC_EVENT_CHANNEL_H */
