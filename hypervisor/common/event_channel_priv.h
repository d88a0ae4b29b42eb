/*
 * Event channels, private to common/event_channel.c, event_2l.c and
 * event_fifo.c (and the unit tests that check their invariants): the
 * per-domain port table and the delivery ABIs behind struct evtchn_port_ops.
 *
 * Locking: every field here, and every port of d, is guarded by
 * d->event_lock (see the top of event_channel.c; order: docs/locking.md),
 * except the FIFO queue state, guarded by ed->fifo_lock (event_fifo.c). The
 * pending/mask bits and event words live in guest memory and change by
 * atomic operations, as the guest changes them concurrently.
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
/* The FIFO ABI's limit: what the 17-bit LINK field can name. */
#define EVTCHN_FIFO_MAX_PORTS ((uint32_t)EVTCHN_FIFO_NR_CHANNELS)
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
	uint8_t state;	  /* enum evtchn_state */
	uint8_t priority; /* FIFO: the queue its next event goes to (EVTCHN_FIFO_PRIORITY_*) */
	uint16_t notify_vcpu_id; /* the vCPU whose selector and upcall a pending event raises */
	/* FIFO, under ed->fifo_lock: the queue it was last linked on (Xen's fifo_lastq). */
	uint16_t last_vcpu_id;
	uint8_t last_priority;
	/* FIFO: pending while its event word had no array page yet (replayed by expand_array). */
	bool fifo_pending;
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

/*
 * How a pending port reaches the guest: the 2-level ABI (event_2l.c) until the
 * guest's first EVTCHNOP_init_control, then FIFO (event_fifo.c), as Xen's
 * evtchn_port_ops. Called with the port's domain's event_lock held, except
 * set_pending, which a sender runs on its interdomain peer's port under the
 * sender's lock only (evtchn_raise).
 */
struct evtchn_port_ops {
	/* A new binding of chn (Xen's evtchn_port_init): FIFO resets its priority. */
	void (*init)(struct domain *d, struct evtchn *chn);
	/* Mark port pending; if unmasked and newly pending, raise it on v. */
	void (*set_pending)(struct vcpu *v, struct evtchn *chn, uint32_t port);
	/* Clear port's pending state (a freed port must not fire when reused). */
	void (*clear_pending)(struct domain *d, struct evtchn *chn, uint32_t port);
	/* Unmask port; if it is pending, deliver it to its notify vCPU. */
	void (*unmask)(struct domain *d, struct evtchn *chn, uint32_t port);
	bool (*is_pending)(const struct domain *d, const struct evtchn *chn, uint32_t port);
	bool (*is_masked)(const struct domain *d, const struct evtchn *chn, uint32_t port);
	/* Still on a guest queue, so not to be reused yet (NULL: never). */
	bool (*is_busy)(const struct domain *d, const struct evtchn *chn, uint32_t port);
	/* EVTCHNOP_set_priority (NULL: -ENOSYS, as Xen's 2-level ABI). */
	int (*set_priority)(struct domain *d, struct evtchn *chn, uint32_t priority);
};

struct evtchn_fifo_domain;

struct evtchn_domain {
	struct domain *d;
	uint32_t max_port;   /* highest port the creator allows (<= 131071; the ABI may cap it) */
	uint32_t nr_valid;   /* ports with a table entry: whole buckets */
	uint32_t nr_active;  /* ports in use (neither free nor reserved) */
	uint32_t reset_next; /* EVTCHNOP_reset progress (0: none running; Xen's next_evtchn) */
	bool dying;	     /* teardown started: no new ports, no new bindings to it */
	struct list_head all_link; /* on evtchn_all_domains (global VIRQ delivery) */
	/* The delivery ABI; changes (2-level -> FIFO -> 2-level on reset) under event_lock. */
	const struct evtchn_port_ops *ops;
	/* FIFO state (event_fifo.c): set before ops switches to FIFO, freed after it switches back.
	 */
	struct evtchn_fifo_domain *fifo;
	spinlock_t fifo_lock;	/* the FIFO queues (event_fifo.c) */
	uint32_t nr_buckets;	/* entries of bucket[]: enough for max_port */
	struct evtchn **bucket; /* EVTCHN_PORTS_PER_BUCKET ports each */
};

static inline struct evtchn *evtchn_from_port(struct evtchn_domain *ed, uint32_t port)
{
	return &ed->bucket[port / EVTCHN_PORTS_PER_BUCKET][port % EVTCHN_PORTS_PER_BUCKET];
}

/* The notify vCPU of chn, or NULL (checked when set; vCPUs are never removed before teardown). */
struct vcpu *evtchn_notify_vcpu(const struct domain *d, const struct evtchn *chn);

/* Wake vCPUs of d polling port (SCHEDOP_poll), as Xen's evtchn_check_pollers. */
void evtchn_check_pollers(struct domain *d, uint32_t port);

/* The 2-level ABI (event_2l.c): every domain starts with it. */
extern const struct evtchn_port_ops evtchn_port_ops_2l;
/* The 2-level pending bit of port (FIFO copies it at the switch). */
bool evtchn_2l_test_pending(const struct domain *d, uint32_t port);

/* --- The FIFO ABI (event_fifo.c) --- */
extern const struct evtchn_port_ops evtchn_port_ops_fifo;
/* EVTCHNOP_init_control by current's domain: 0 or -errno; fills link_bits. */
long evtchn_fifo_init_control(struct evtchn_init_control *ic);
/* EVTCHNOP_expand_array by current's domain. */
long evtchn_fifo_expand_array(const struct evtchn_expand_array *ea);
/* Drop d's FIFO state and every guest page it maps; ops must no longer be FIFO. event_lock held. */
void evtchn_fifo_destroy(struct domain *d, struct evtchn_domain *ed);

#endif
