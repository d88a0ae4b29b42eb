/*
 * Event channels, 2-level ABI (Xen public/event_channel.h, public/xen.h
 * shared_info evtchn_pending/evtchn_mask and vcpu_info
 * evtchn_pending_sel), or FIFO after events_use_fifo() (event words and a
 * control block, EVTCHNOP_init_control): kernel/events.c. The calls below
 * work the same in both modes.
 *
 * Upcalls arrive as an interrupt at UK_EVTCHN_VECTOR (HVM_PARAM_CALLBACK_IRQ
 * of type vector: no local APIC EOI needed). The upcall clears each pending
 * bit, then calls the port's handler in interrupt context (interrupts off):
 * a handler must not block; it may wake threads, arm timers, print, notify.
 * A pending port with no handler is masked and reported once.
 *
 * Locking: the handler table is changed with interrupts off.
 */
#ifndef UK_EVENTS_H
#define UK_EVENTS_H

#include <public/event_channel.h>
#include <stdint.h>

#define UK_EVTCHN_VECTOR 0xf3
#define UK_NR_EVTCHNS (sizeof(xen_ulong_t) * 8 * sizeof(xen_ulong_t) * 8) /* 4096 */

typedef void (*evtchn_handler_t)(evtchn_port_t port, void *data);

/* Maps shared_info, registers the callback vector, enables upcalls: 0 or -Exxx. */
int events_init(void);

/*
 * Switch to the FIFO ABI, as Linux's xen_evtchn_fifo_init: a control block
 * for vCPU 0, event array pages for all UK_NR_EVTCHNS ports (every word
 * masked), then ports with a handler are unmasked again. 0, or the
 * hypervisor's error (-ENOSYS: no FIFO; the 2-level ABI stays).
 */
long events_use_fifo(void);
/* 1 once events_use_fifo succeeded. */
int events_fifo_active(void);
/* EVTCHNOP_set_priority (FIFO only: -ENOSYS under 2-level, as Xen). */
long evtchn_set_priority(evtchn_port_t port, uint32_t priority);

/* Attaches a handler (and unmasks the port); -EINVAL for a port out of range. */
int evtchn_bind(evtchn_port_t port, evtchn_handler_t fn, void *data);
/* Masks the port and forgets its handler (the port stays open). */
void evtchn_unbind(evtchn_port_t port);

void evtchn_mask(evtchn_port_t port);
/* Clears the mask with EVTCHNOP_unmask, which re-raises a pending event (Xen evtchn_unmask). */
void evtchn_unmask(evtchn_port_t port);
int evtchn_is_pending(evtchn_port_t port);
int evtchn_is_masked(evtchn_port_t port);
void evtchn_clear_pending(evtchn_port_t port);

/* EVTCHNOP_send: 0 or -Exxx. */
long evtchn_notify(evtchn_port_t port);
/* EVTCHNOP_close (and unbind): 0 or -Exxx. */
long evtchn_close(evtchn_port_t port);

/*
 * Open a port and attach fn (NULL: leave it masked, no handler); 0 or -Exxx, *port set on 0.
 * As Xen, bind_interdomain leaves the new local port pending (a sender may have notified
 * the unbound end): bind with fn NULL, evtchn_clear_pending, then evtchn_bind to drop it.
 */
long evtchn_alloc_unbound(domid_t remote, evtchn_handler_t fn, void *data, evtchn_port_t *port);
long evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_handler_t fn,
			     void *data, evtchn_port_t *local_port);
long evtchn_bind_virq(uint32_t virq, evtchn_handler_t fn, void *data, evtchn_port_t *port);
long evtchn_bind_ipi(uint32_t vcpu, evtchn_handler_t fn, void *data, evtchn_port_t *port);

/* Our domain id (found once through an unbound port and EVTCHNOP_status), or -Exxx. */
long uk_domid(void);

/* Upcalls taken so far (for tests). */
extern unsigned long evtchn_upcall_count;

#endif /* UK_EVENTS_H */
