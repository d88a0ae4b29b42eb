/*
 * Shared set-up of the evtchn suite (test_evtchn_helpers.c), whose tests
 * are split by concern: test_evtchn_bind.c (allocating and binding ports,
 * status, the hypercall surface), test_evtchn_send.c (sends, 2-level
 * delivery, masking, VIRQ delivery, SCHEDOP_poll support),
 * test_evtchn_close.c (close, domain teardown, reset),
 * test_evtchn_random.c and test_evtchn_fifo.c (the FIFO ABI). Every
 * test runs between ev_setup() and ev_teardown(), which checks that
 * nothing leaked.
 */
#ifndef EVTCHN_TEST_H
#define EVTCHN_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/event_channel.h>
#include <public/sched.h>
#include <public/xen.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/hypercall.h>
#include <tessera/privilege.h>

#include "../../hypervisor/common/event_channel_priv.h"
#include "fake_guest.h"
#include "unit.h"

void ev_setup(void);
void ev_teardown(void);

/* A domain (fake_domain_create) with all its vCPUs; ids below 8. */
struct domain *ev_mkdom(domid_t id, uint32_t roles, unsigned int vcpus);
/* The same from domain_create arguments of the test's choosing. */
struct domain *ev_mkdom_with(domid_t id, const struct domain_create_args *args);
/* A one-vCPU guest with a given port limit. */
struct domain *ev_mkdom_limit(domid_t id, uint32_t max_port);

/* EVTCHNOP cmd by d's vCPU vcpu on *op (up to 64 bytes) in guest memory, the result copied back. */
long evtop_on(struct domain *d, unsigned int vcpu, int cmd, void *op, size_t size);
#define evtop(d, cmd, op) evtop_on((d), 0, (cmd), (op), sizeof(*(op)))

/* One EVTCHNOP each, by the caller's vCPU 0: the hypercall's result, ports through the pointers. */
long ev_alloc_unbound(struct domain *caller, domid_t dom, domid_t remote, uint32_t *port);
long ev_bind_interdomain(struct domain *caller, domid_t rdom, uint32_t rport, uint32_t *lport);
long ev_bind_virq(struct domain *caller, uint32_t virq, uint32_t vcpu, uint32_t *port);
long ev_bind_ipi(struct domain *caller, uint32_t vcpu, uint32_t *port);
long ev_close(struct domain *caller, uint32_t port);
long ev_send(struct domain *caller, uint32_t port);
long ev_unmask(struct domain *caller, uint32_t port);
long ev_bind_vcpu(struct domain *caller, uint32_t port, uint32_t vcpu);
long ev_reset(struct domain *caller, domid_t dom);
long ev_status(struct domain *caller, domid_t dom, uint32_t port, struct evtchn_status *out);
/* The status of a port that must be readable; 0xff on failure. */
uint32_t ev_status_of(struct domain *d, uint32_t port);

/* The guest's view of the 2-level state: pending and mask bits, selector, upcall flag. */
bool ev_pending(struct domain *d, uint32_t port);
void ev_set_mask(struct domain *d, uint32_t port, bool on);
bool ev_sel(struct vcpu *v, uint32_t port);
bool ev_upcall(struct vcpu *v);
/* What a guest's upcall handler does: take everything, clear it. */
void ev_guest_ack_all(struct domain *d);

/* Interdomain pair: b allocates for a, a binds; returns a's port, *bport b's. */
uint32_t ev_connect(struct domain *a, struct domain *b, uint32_t *bport);

#endif
