/*
 * The 2-level event channel ABI: how a pending port reaches the guest.
 *
 * shared_info holds one pending and one mask bit per port
 * (evtchn_pending[], evtchn_mask[]); each vcpu_info holds a selector
 * (evtchn_pending_sel: bit w = "scan word w") and evtchn_upcall_pending.
 * The guest (Linux's events_2l.c) clears upcall_pending, exchanges the
 * selector with 0, then scans pending & ~mask of each selected word. So the
 * hypervisor must set bits in the opposite order: pending bit, then (if not
 * masked) the selector bit, then upcall_pending, and only then kick; each
 * step is an atomic read-modify-write (the guest writes the same words), and
 * each later step happens only if the earlier one changed something, as in
 * Xen's evtchn_2l_set_pending.
 *
 * Locking: callers hold d->event_lock (asserted; a sender raising its peer's
 * port holds its own, see event_channel.c), which orders us against the port's
 * state changes; against the guest, the atomic bit operations are enough.
 * These are the ops of struct evtchn_port_ops (event_channel_priv.h); the
 * FIFO ABI (event_fifo.c) replaces them on the guest's first init_control.
 */
#include <tessera/bitmap.h>
#include <tessera/domain.h>
#include <tessera/event.h>
#include <tessera/panic.h>
#include <tessera/sched.h>

#include <public/xen.h>

#include "event_channel_priv.h"

/* The guest's words are xen_ulong_t; on x86-64 that is our unsigned long. */
_Static_assert(sizeof(xen_ulong_t) == sizeof(unsigned long), "2-level words are native words");

static unsigned long *evtchn_2l_pending_words(const struct domain *d)
{
	return (unsigned long *)d->shared_info->evtchn_pending;
}

static unsigned long *evtchn_2l_mask_words(const struct domain *d)
{
	return (unsigned long *)d->shared_info->evtchn_mask;
}

void vcpu_mark_events_pending(struct vcpu *v)
{
	struct vcpu_info *vi = v->vcpu_info;

	if (vi == NULL)
		return;
	/* Already pending: the guest has not yet looked, so it will see this event too. */
	if (__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
		return;
	/* The arch wakes it if blocked (SCHEDOP_block) or interrupts it (Xen's vcpu_kick). */
	arch_vcpu_kick(v);
}

/*
 * Wake vCPUs of d in SCHEDOP_poll on this port (or on several ports), as
 * Xen's evtchn_check_pollers: a poller waits for the pending bit, masked or
 * not. Shared with the FIFO ABI.
 */
void evtchn_check_pollers(struct domain *d, uint32_t port)
{
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];
		int polled;

		if (v == NULL || !test_bit(VPF_polling, &v->pause_flags))
			continue;
		polled = READ_ONCE(v->poll_evtchn);
		if (polled > 0 && (uint32_t)polled != port)
			continue;
		if (test_and_clear_bit(VPF_polling, &v->pause_flags)) {
			v->poll_evtchn = 0;
			vcpu_unblock(v);
		}
	}
}

static void evtchn_2l_init(struct domain *d, struct evtchn *chn) {}

static void evtchn_2l_set_pending(struct vcpu *v, struct evtchn *chn, uint32_t port)
{
	struct domain *d = v->domain;
	unsigned int word = port / EVTCHN_2L_BITS_PER_WORD;

	if (d->shared_info == NULL)
		return;
	/* Already pending: the guest has not consumed the earlier event, nothing new to say. */
	if (test_and_set_bit(port, evtchn_2l_pending_words(d)))
		return;
	if (!test_bit(port, evtchn_2l_mask_words(d)) && v->vcpu_info != NULL &&
	    !test_and_set_bit(word, (unsigned long *)&v->vcpu_info->evtchn_pending_sel))
		vcpu_mark_events_pending(v);
	evtchn_check_pollers(d, port);
	/*
	 * A sender on a peer's port holds only its own lock, so d may be
	 * switching to FIFO right now: the switch publishes the FIFO ops, then
	 * reads the 2-level pending bits (fifo_switch); we set the bit, then read
	 * the ops. All four accesses are sequentially consistent, so one side
	 * sees the other's write: if the ops are FIFO now, the switch may have
	 * read the bit before we set it, and the event is raised there too (at
	 * worst twice; a spurious event is allowed).
	 */
	if (__atomic_load_n(&d->evtchn->ops, __ATOMIC_SEQ_CST) != &evtchn_port_ops_2l)
		evtchn_port_ops_fifo.set_pending(v, chn, port);
}

static void evtchn_2l_clear_pending(struct domain *d, struct evtchn *chn, uint32_t port)
{
	ASSERT(spin_is_held_by_me(&d->event_lock));
	if (d->shared_info != NULL)
		clear_bit(port, evtchn_2l_pending_words(d));
}

static void evtchn_2l_unmask(struct domain *d, struct evtchn *chn, uint32_t port)
{
	struct vcpu *v = evtchn_notify_vcpu(d, chn);
	unsigned int word = port / EVTCHN_2L_BITS_PER_WORD;

	ASSERT(spin_is_held_by_me(&d->event_lock));
	if (d->shared_info == NULL || v == NULL)
		return;
	/*
	 * As Xen's evtchn_2l_unmask: only a port that was masked can have an
	 * undelivered pending event; re-deliver it the way set_pending would.
	 */
	if (test_and_clear_bit(port, evtchn_2l_mask_words(d)) &&
	    test_bit(port, evtchn_2l_pending_words(d)) && v->vcpu_info != NULL &&
	    !test_and_set_bit(word, (unsigned long *)&v->vcpu_info->evtchn_pending_sel))
		vcpu_mark_events_pending(v);
}

bool evtchn_2l_test_pending(const struct domain *d, uint32_t port)
{
	unsigned long w;

	if (d->shared_info == NULL || port >= EVTCHN_2L_MAX_PORTS)
		return false;
	/* Sequentially consistent: fifo_switch relies on it (see evtchn_2l_set_pending). */
	w = __atomic_load_n(&evtchn_2l_pending_words(d)[port / EVTCHN_2L_BITS_PER_WORD],
			    __ATOMIC_SEQ_CST);
	return w & (1UL << (port % EVTCHN_2L_BITS_PER_WORD));
}

static bool evtchn_2l_is_pending(const struct domain *d, const struct evtchn *chn, uint32_t port)
{
	ASSERT(spin_is_held_by_me(&d->event_lock));
	return evtchn_2l_test_pending(d, port);
}

static bool evtchn_2l_is_masked(const struct domain *d, const struct evtchn *chn, uint32_t port)
{
	ASSERT(spin_is_held_by_me(&d->event_lock));
	return d->shared_info == NULL || test_bit(port, evtchn_2l_mask_words(d));
}

const struct evtchn_port_ops evtchn_port_ops_2l = {
    .init = evtchn_2l_init,
    .set_pending = evtchn_2l_set_pending,
    .clear_pending = evtchn_2l_clear_pending,
    .unmask = evtchn_2l_unmask,
    .is_pending = evtchn_2l_is_pending,
    .is_masked = evtchn_2l_is_masked,
    .is_busy = NULL,
    .set_priority = NULL, /* -ENOSYS, as Xen */
};
