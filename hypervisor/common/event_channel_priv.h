/*
 * Event channels, private to common/event_channel.c and common/event_2l.c
 * (and the unit tests that check their invariants): the per-domain port
 * table and the 2-level delivery primitives.
 *
 * Locking: every field here, and every port of d, is guarded by
 * d->event_lock (see the top of event_channel.c; order: docs/locking.md). The
 * pending/mask bits live in the guest's shared_info and change by atomic bit
 * operations, as the guest changes them concurrently.
 */
#ifndef TESSERA_EVENT_CHANNEL_PRIV_H
#define TESSERA_EVENT_CHANNEL_PRIV_H

#include <public/event_channel.h>
#include <tessera/domain.h>
#include <tessera/list.h>

/* Ports are allocated in buckets (Xen's EVTCHNS_PER_BUCKET); only whole buckets are "valid". */
#define EVTCHN_PORTS_PER_BUCKET 64u
/* The 2-level ABI's limit on 64-bit guests: 64 words of 64 bits. */
#define EVTCHN_2L_MAX_PORTS ((uint32_t)EVTCHN_2L_NR_CHANNELS)
#define EVTCHN_NR_BUCKETS (EVTCHN_2L_MAX_PORTS / EVTCHN_PORTS_PER_BUCKET)
/* A domain's highest port when its creator gives none (Xen/xl: max_event_channels = 1023). */
#define EVTCHN_DEFAULT_MAX_PORT 1023u
/* Bits per evtchn_pending word, and so per selector bit (xen_ulong_t of a 64-bit guest). */
#define EVTCHN_2L_BITS_PER_WORD (sizeof(xen_ulong_t) * 8)

/* Port states (Xen's ECS_*). */
enum evtchn_state {
	ECS_FREE = 0,	 /* not in use; may be allocated */
	ECS_RESERVED,	 /* port 0: never allocated */
	ECS_UNBOUND,	 /* waiting for remote_domid to bind_interdomain to it */
	ECS_INTERDOMAIN, /* connected to <remote_dom, remote_port> */
	ECS_PIRQ,	 /* physical IRQ (not provided yet) */
	ECS_VIRQ,	 /* a virtual IRQ of the hypervisor */
	ECS_IPI,	 /* a vCPU-to-vCPU notification within the domain */
	ECS_XEN,	 /* bound to a service in the hypervisor (evtchn_alloc_xen_port) */
};

struct evtchn {
	uint8_t state;		 /* enum evtchn_state */
	uint16_t notify_vcpu_id; /* the vCPU whose selector and upcall a pending event raises */
	union {
		struct {
			domid_t remote_domid; /* who may bind (any value the allocator gave) */
		} unbound;
		struct {
			/* Valid while interdomain: the peer's teardown closes it first. */
			struct domain *remote_dom;
			uint32_t remote_port;
		} interdomain;
		uint32_t virq;
		struct {
			const struct evtchn_xen_ops *ops;
			void *data;
		} xen;
	} u;
};

struct evtchn_domain {
	struct domain *d;
	uint32_t max_port;   /* highest port that may be allocated (<= 4095) */
	uint32_t nr_valid;   /* ports with a table entry: whole buckets */
	uint32_t nr_active;  /* ports in use (neither free nor reserved) */
	uint32_t reset_next; /* EVTCHNOP_reset progress (0: none running; Xen's next_evtchn) */
	bool dying;	     /* teardown started: no new ports, no new bindings to it */
	struct list_head all_link; /* on evtchn_all_domains (global VIRQ delivery) */
	struct evtchn *bucket[EVTCHN_NR_BUCKETS];
};

static inline struct evtchn *evtchn_from_port(struct evtchn_domain *ed, uint32_t port)
{
	return &ed->bucket[port / EVTCHN_PORTS_PER_BUCKET][port % EVTCHN_PORTS_PER_BUCKET];
}

/*
 * --- 2-level delivery (common/event_2l.c), called with d->event_lock held (asserted);
 * set_pending also from the sender's side of an interdomain port, under the
 * sender's lock only (evtchn_raise asserts one of the two) ---
 */
/* Set port pending; if unmasked and newly pending, raise v's selector and upcall. */
void evtchn_2l_set_pending(struct vcpu *v, uint32_t port);
/* Clear port's pending bit (a freed port must not fire when reused). */
void evtchn_2l_clear_pending(struct domain *d, uint32_t port);
/* Clear port's mask bit; if it was masked and the port is pending, deliver to v. */
void evtchn_2l_unmask(struct vcpu *v, uint32_t port);
bool evtchn_2l_is_pending(const struct domain *d, uint32_t port);
bool evtchn_2l_is_masked(const struct domain *d, uint32_t port);

#endif
