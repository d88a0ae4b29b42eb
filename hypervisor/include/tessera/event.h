/*
 * Event channels as the rest of the hypervisor uses them
 * (common/event_channel.c; the 2-level and FIFO delivery ABIs in
 * common/event_2l.c and event_fifo.c). The guest ABI
 * is EVTCHNOP_* in public/event_channel.h.
 */
#ifndef TESSERA_EVENT_H
#define TESSERA_EVENT_H

#include <tessera/arch.h> /* arch_vcpu_kick */
#include <tessera/domain.h>

/* Set up d's ports (0 = default limit); 0 or -ENOMEM. */
int evtchn_domain_init(struct domain *d, uint32_t max_port);
/* Close every port of d (notifying remote ends) and free the table. */
void evtchn_domain_destroy(struct domain *d);
/* Raise VIRQ virq on vCPU v / on d's vCPU 0 / on whichever domain bound a global VIRQ. */
void send_guest_vcpu_virq(struct vcpu *v, uint32_t virq);
void send_guest_global_virq(struct domain *d, uint32_t virq);
void send_global_virq(uint32_t virq);
/* A port of d, unbound, that domain remote may bind (the builder's console/store ports). */
int evtchn_alloc_unbound_port(struct domain *d, domid_t remote, uint32_t *port);
/* Send on d's port as if d did EVTCHNOP_send; 0 or -errno. */
int evtchn_send(struct domain *d, uint32_t port);
/* Is port pending for d (SCHEDOP_poll)? false for a port that is not valid. */
bool evtchn_port_is_pending(struct domain *d, uint32_t port);
/* Does d have a table entry for port (SCHEDOP_poll's -EINVAL check, as Xen's port_is_valid)? */
bool evtchn_port_is_valid(struct domain *d, uint32_t port);
/*
 * Hypervisor-bound ports: the other end is a service inside the hypervisor
 * (the PV console backend, common/console_backend.c). The guest sends on the
 * port as on any other; the hypervisor raises it with evtchn_send_xen.
 * ops->send(d, port, data) runs for each guest send with d->event_lock
 * held and interrupts off: it must be short, take no lock that is ever held
 * around d->event_lock, and not send events (defer work to a softirq).
 * ops->closed(d, port, data) runs once, when the port is closed (the guest's
 * EVTCHNOP_close or reset, or d's destruction), after the port is free and
 * with no event lock held: the service releases data there. EVTCHNOP_status
 * shows such a port as unbound to DOMID_XEN; no domain can bind it.
 */
struct evtchn_xen_ops {
	void (*send)(struct domain *d, uint32_t port, void *data);
	void (*closed)(struct domain *d, uint32_t port, void *data);
};
/* A new hypervisor-bound port of d (notifying vCPU 0): 0, -EINVAL (d dying), -ENOSPC, -ENOMEM. */
int evtchn_alloc_xen_port(struct domain *d, const struct evtchn_xen_ops *ops, void *data,
			  uint32_t *port);
/* Raise d's hypervisor-bound port for the guest: 0, or -EINVAL if port is not one (any more). */
int evtchn_send_xen(struct domain *d, uint32_t port);
/* Mark upcall pending in v's vcpu_info and kick it. */
void vcpu_mark_events_pending(struct vcpu *v);

#endif
