/*
 * Event channels: ports, their bindings and HYPERVISOR_event_channel_op.
 *
 * A domain's ports live in a table of buckets (event_channel_priv.h); port
 * 0 is reserved. A port is free, unbound (waiting for one named domain to
 * bind to it), interdomain (connected to a port of another, or the same,
 * domain), a VIRQ, an IPI, or bound to a service in the hypervisor (the
 * PV console backend: its send callback runs under the sender's event_lock,
 * its closed callback after the close, with no event lock held). Delivery of a pending port to the
 * guest goes through d's struct evtchn_port_ops: the 2-level ABI (event_2l.c) until the
 * guest's first EVTCHNOP_init_control switches it to FIFO (event_fifo.c), and back on
 * EVTCHNOP_reset. The semantics and error codes follow Xen 4.17's
 * common/event_channel.c; where Tessera differs it says so here and in
 * docs/abi.md.
 *
 * Locking:
 *  - d->event_lock (irqsave: VIRQs are raised from timer and interrupt
 *    context) guards d->evtchn and all of d's ports. It lives in struct
 *    domain, so it stays valid while d's table is torn down; every user
 *    re-reads d->evtchn under it (NULL once d's teardown finished).
 *  - An interdomain port of d1 connected to d2 changes only with both
 *    d1->event_lock and d2->event_lock held. So whoever holds one side's
 *    lock sees the other side's port (and d2 itself, and d2's table) stay
 *    as they are: sending needs only the sender's lock.
 *  - evtchn_all_lock guards evtchn_all_domains (global VIRQ delivery).
 *  - ed->fifo_lock guards the FIFO queues of d (event_fifo.c).
 * Lock order: docs/locking.md (here: evtchn_all_lock -> event_lock, a pair
 * class: the lower address first -> evtchn_fifo -> schedule locks on delivery).
 * evtchn_lock_pair() is the only place two event locks are taken
 * blocking; a close that finds its peer at a lower address only trylocks
 * it and starts over on failure (see evtchn_close_port).
 */
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/guest_access.h>
#include <tessera/hypercall.h>
#include <tessera/mm.h>
#include <tessera/panic.h>
#include <tessera/privilege.h>
#include <tessera/string.h>

#include <public/event_channel.h>
#include <public/xen.h>

#include "event_channel_priv.h"

/* Xen's internal sub-op for a preempted EVTCHNOP_reset (public header, __XEN__ only). */
#define EVTCHNOP_reset_cont 14

static DEFINE_SPINLOCK(evtchn_all_lock, LOCK_LEVEL_EVTCHN_ALL);
static LIST_HEAD(evtchn_all_domains);

/*
 * As Xen's virq_is_global: the timer, debug, xenoprof and PMU VIRQs are
 * per-vCPU; on x86 the arch VIRQs and all others are global (bound on vCPU
 * 0 only, raised for the domain as a whole).
 */
static bool virq_is_global(uint32_t virq)
{
	switch (virq) {
	case VIRQ_TIMER:
	case VIRQ_DEBUG:
	case VIRQ_XENOPROF:
	case VIRQ_XENPMU:
		return false;
	default:
		return true;
	}
}

static struct vcpu *domain_vcpu(const struct domain *d, uint32_t vcpu_id)
{
	if (vcpu_id >= d->max_vcpus)
		return NULL;
	return READ_ONCE(d->vcpu[vcpu_id]);
}

struct vcpu *evtchn_notify_vcpu(const struct domain *d, const struct evtchn *chn)
{
	return domain_vcpu(d, READ_ONCE(chn->notify_vcpu_id));
}

/*
 * d's delivery ABI. Acquire: a sender on a peer's port reads it under its own
 * lock only, and FIFO's state is published before the ops that use it.
 */
static const struct evtchn_port_ops *evtchn_ops(const struct evtchn_domain *ed)
{
	return __atomic_load_n(&ed->ops, __ATOMIC_ACQUIRE);
}

/* The most ports the domain's ABI can name (Xen's max_evtchns). */
static uint32_t evtchn_abi_max_ports(const struct evtchn_domain *ed)
{
	return evtchn_ops(ed) == &evtchn_port_ops_fifo ? EVTCHN_FIFO_MAX_PORTS
						       : EVTCHN_2L_MAX_PORTS;
}

/* Lock two domains' event locks in address order (the same domain once). */
static unsigned long evtchn_lock_pair(struct domain *a, struct domain *b)
{
	struct domain *first = a < b ? a : b, *second = a < b ? b : a;
	unsigned long flags = spin_lock_irqsave(&first->event_lock);

	if (second != first)
		spin_lock(&second->event_lock);
	return flags;
}

static void evtchn_unlock_pair(struct domain *a, struct domain *b, unsigned long flags)
{
	struct domain *first = a < b ? a : b, *second = a < b ? b : a;

	if (second != first)
		spin_unlock(&second->event_lock);
	spin_unlock_irqrestore(&first->event_lock, flags);
}

/* Does port have a table entry (Xen's port_is_valid)? event_lock held. */
static bool port_is_valid(const struct evtchn_domain *ed, uint32_t port)
{
	ASSERT(ed == NULL || spin_is_held_by_me(&ed->d->event_lock));
	return ed != NULL && port < ed->nr_valid;
}

/*
 * The lowest free port, adding a bucket when all valid ones are in use
 * (Xen's get_free_port): -ENOSPC past the domain's limit or its ABI's,
 * -ENOMEM, or -EINVAL once the domain is dying. A free port the guest still
 * has on a FIFO queue is skipped (Xen's evtchn_port_is_busy). event_lock
 * held, unless ed is not yet d's.
 */
static int evtchn_get_free_port(struct evtchn_domain *ed)
{
	const struct evtchn_port_ops *ops = evtchn_ops(ed);
	uint32_t limit = evtchn_abi_max_ports(ed);
	struct evtchn *bucket, *chn;
	uint32_t port;

	ASSERT(spin_is_held_by_me(&ed->d->event_lock) || ed->d->evtchn != ed); /* or ed is new */
	if (ed->dying)
		return -EINVAL;
	for (port = 0; port < ed->nr_valid; port++) {
		if (port > ed->max_port || port >= limit)
			return -ENOSPC;
		chn = evtchn_from_port(ed, port);
		if (chn->state == ECS_FREE &&
		    (ops->is_busy == NULL || !ops->is_busy(ed->d, chn, port)))
			return (int)port;
	}
	if (port >= limit || port > ed->max_port ||
	    port / EVTCHN_PORTS_PER_BUCKET >= ed->nr_buckets)
		return -ENOSPC;
	bucket = xzalloc_array(struct evtchn, EVTCHN_PORTS_PER_BUCKET);
	if (bucket == NULL)
		return -ENOMEM;
	ed->bucket[port / EVTCHN_PORTS_PER_BUCKET] = bucket;
	ed->nr_valid += EVTCHN_PORTS_PER_BUCKET;
	return (int)port;
}

/* Mark a just-allocated port used; event_lock held. */
static struct evtchn *evtchn_take(struct evtchn_domain *ed, uint32_t port, uint8_t state,
				  uint16_t notify_vcpu_id)
{
	struct evtchn *chn = evtchn_from_port(ed, port);

	ASSERT(spin_is_held_by_me(&ed->d->event_lock));
	chn->state = state;
	chn->notify_vcpu_id = notify_vcpu_id;
	evtchn_ops(ed)->init(ed->d, chn);
	ed->nr_active++;
	return chn;
}

/* Return a port to the free pool, as Xen's free_evtchn. event_lock held. */
static void evtchn_free(struct domain *d, struct evtchn_domain *ed, uint32_t port)
{
	struct evtchn *chn = evtchn_from_port(ed, port);
	uint16_t last_vcpu_id = chn->last_vcpu_id;
	uint8_t last_priority = chn->last_priority;

	ASSERT(spin_is_held_by_me(&d->event_lock));
	/* A stale pending bit would fire on whatever binds this port next. */
	evtchn_ops(ed)->clear_pending(d, chn, port);
	memset(chn, 0, sizeof(*chn));
	chn->state = ECS_FREE;
	/* The FIFO queue it was last on may still name it as its tail: keep it, as Xen. */
	chn->last_vcpu_id = last_vcpu_id;
	chn->last_priority = last_priority;
	BUG_ON(ed->nr_active == 0);
	ed->nr_active--;
}

/* Raise chn (port of d) on its notify vCPU. event_lock of d (or of its peer) held. */
static void evtchn_raise(struct domain *d, struct evtchn *chn, uint32_t port)
{
	struct vcpu *v = evtchn_notify_vcpu(d, chn);

	ASSERT(spin_is_held_by_me(&d->event_lock) ||
	       (chn->state == ECS_INTERDOMAIN &&
		spin_is_held_by_me(&chn->u.interdomain.remote_dom->event_lock)));
	/* notify_vcpu_id was checked when set; vCPUs are never removed before teardown. */
	if (v != NULL)
		evtchn_ops(d->evtchn)->set_pending(v, chn, port);
}

int evtchn_domain_init(struct domain *d, uint32_t max_port)
{
	struct evtchn_domain *ed;
	unsigned long flags;
	int port;

	spin_lock_init(&d->event_lock, LOCK_LEVEL_EVENT);
	ed = xzalloc(struct evtchn_domain);
	if (ed == NULL)
		return -ENOMEM;
	ed->d = d;
	ed->ops = &evtchn_port_ops_2l;
	spin_lock_init(&ed->fifo_lock, LOCK_LEVEL_EVTCHN_FIFO);
	/* The FIFO ABI caps what a larger limit could give; the 2-level one caps it further. */
	ed->max_port = max_port == 0 ? EVTCHN_DEFAULT_MAX_PORT : max_port;
	if (ed->max_port > EVTCHN_FIFO_MAX_PORTS - 1)
		ed->max_port = EVTCHN_FIFO_MAX_PORTS - 1;
	ed->nr_buckets = ed->max_port / EVTCHN_PORTS_PER_BUCKET + 1;
	ed->bucket = xzalloc_array(struct evtchn *, ed->nr_buckets);
	if (ed->bucket == NULL) {
		xfree(ed);
		return -ENOMEM;
	}
	port = evtchn_get_free_port(ed);
	if (port < 0) {
		xfree(ed->bucket);
		xfree(ed);
		return port;
	}
	BUG_ON(port != 0);
	evtchn_from_port(ed, 0)->state = ECS_RESERVED;

	flags = spin_lock_irqsave(&evtchn_all_lock);
	list_add_tail(&ed->all_link, &evtchn_all_domains);
	spin_unlock_irqrestore(&evtchn_all_lock, flags);

	d->evtchn = ed;
	return 0;
}

/*
 * Close port1 of d1 (Xen's evtchn_close): an interdomain peer's port goes
 * back to unbound, waiting for d1 again; a VIRQ is unbound from its vCPU.
 * 0, or -EINVAL for a port that is not open.
 */
static int evtchn_close_port(struct domain *d1, uint32_t port1)
{
	const struct evtchn_xen_ops *xen_ops = NULL;
	struct evtchn_domain *ed1, *ed2;
	struct evtchn *chn1, *chn2;
	void *xen_data = NULL;
	struct domain *d2;
	unsigned long flags;
	uint32_t port2;
	int rc = 0;

again:
	flags = spin_lock_irqsave(&d1->event_lock);
	ed1 = d1->evtchn;
	if (!port_is_valid(ed1, port1)) {
		rc = -EINVAL;
		goto out;
	}
	chn1 = evtchn_from_port(ed1, port1);

	switch (chn1->state) {
	case ECS_FREE:
	case ECS_RESERVED:
		rc = -EINVAL;
		goto out;

	case ECS_UNBOUND:
	case ECS_IPI:
	case ECS_PIRQ:
		break;

	case ECS_XEN:
		/* The service hears of it once the port is free (below, unlocked). */
		xen_ops = chn1->u.xen.ops;
		xen_data = chn1->u.xen.data;
		break;

	case ECS_VIRQ:
		for (unsigned int i = 0; i < d1->max_vcpus; i++) {
			struct vcpu *v = domain_vcpu(d1, i);

			if (v != NULL && v->virq_to_evtchn[chn1->u.virq] == port1)
				v->virq_to_evtchn[chn1->u.virq] = 0;
		}
		break;

	case ECS_INTERDOMAIN:
		d2 = chn1->u.interdomain.remote_dom;
		port2 = chn1->u.interdomain.remote_port;
		/*
		 * d2 stays valid while we hold d1's lock (its teardown must close
		 * its end under our lock first). Taking d2's lock in address order
		 * is blocking; against the order, only a trylock, else back off
		 * (releasing d1's lock lets whoever holds d2's lock and waits for
		 * ours go on) and look at the port again.
		 */
		if (d2 != d1) {
			if (d1 < d2) {
				spin_lock(&d2->event_lock);
			} else if (!spin_trylock(&d2->event_lock)) {
				spin_unlock_irqrestore(&d1->event_lock, flags);
				cpu_relax();
				goto again;
			}
		}
		ed2 = d2->evtchn;
		BUG_ON(!port_is_valid(ed2, port2));
		chn2 = evtchn_from_port(ed2, port2);
		BUG_ON(chn2->state != ECS_INTERDOMAIN || chn2->u.interdomain.remote_dom != d1 ||
		       chn2->u.interdomain.remote_port != port1);
		chn2->state = ECS_UNBOUND;
		chn2->u.interdomain.remote_dom = NULL;
		chn2->u.interdomain.remote_port = 0;
		chn2->u.unbound.remote_domid = d1->domain_id;
		if (d2 != d1)
			spin_unlock(&d2->event_lock);
		break;

	default:
		BUG();
	}

	evtchn_free(d1, ed1, port1);
out:
	spin_unlock_irqrestore(&d1->event_lock, flags);
	if (xen_ops != NULL && xen_ops->closed != NULL)
		xen_ops->closed(d1, port1, xen_data);
	return rc;
}

/* The number of ports of d with a table entry right now (0 once torn down). */
static uint32_t evtchn_nr_valid(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&d->event_lock);
	uint32_t n = d->evtchn ? d->evtchn->nr_valid : 0;

	spin_unlock_irqrestore(&d->event_lock, flags);
	return n;
}

void evtchn_domain_destroy(struct domain *d)
{
	struct evtchn_domain *ed;
	unsigned long flags;

	flags = spin_lock_irqsave(&d->event_lock);
	ed = d->evtchn;
	if (ed != NULL)
		ed->dying = true; /* no new ports, no new bindings to d from here on */
	spin_unlock_irqrestore(&d->event_lock, flags);
	if (ed == NULL)
		return;

	/* No port can open any more, so this sees each one at most once open. */
	for (uint32_t port = 1; port < evtchn_nr_valid(d); port++)
		(void)evtchn_close_port(d, port);

	flags = spin_lock_irqsave(&evtchn_all_lock);
	list_del(&ed->all_link);
	spin_unlock_irqrestore(&evtchn_all_lock, flags);

	flags = spin_lock_irqsave(&d->event_lock);
	BUG_ON(ed->nr_active != 0);
	/* No port is open, so no sender can reach the FIFO state any more. */
	if (ed->fifo != NULL) {
		__atomic_store_n(&ed->ops, &evtchn_port_ops_2l, __ATOMIC_RELEASE);
		evtchn_fifo_destroy(d, ed);
	}
	d->evtchn = NULL;
	spin_unlock_irqrestore(&d->event_lock, flags);

	for (unsigned int i = 0; i < ed->nr_buckets; i++)
		xfree(ed->bucket[i]);
	xfree(ed->bucket);
	xfree(ed);
}

int evtchn_alloc_unbound_port(struct domain *d, domid_t remote, uint32_t *port)
{
	unsigned long flags = spin_lock_irqsave(&d->event_lock);
	struct evtchn_domain *ed = d->evtchn;
	struct evtchn *chn;
	int rc;

	rc = ed ? evtchn_get_free_port(ed) : -EINVAL;
	if (rc < 0)
		goto out;
	chn = evtchn_take(ed, (uint32_t)rc, ECS_UNBOUND, 0);
	chn->u.unbound.remote_domid = remote;
	*port = (uint32_t)rc;
	rc = 0;
out:
	spin_unlock_irqrestore(&d->event_lock, flags);
	return rc;
}

int evtchn_alloc_xen_port(struct domain *d, const struct evtchn_xen_ops *ops, void *data,
			  uint32_t *port)
{
	unsigned long flags = spin_lock_irqsave(&d->event_lock);
	struct evtchn_domain *ed = d->evtchn;
	struct evtchn *chn;
	int rc;

	rc = ed ? evtchn_get_free_port(ed) : -EINVAL;
	if (rc < 0)
		goto out;
	chn = evtchn_take(ed, (uint32_t)rc, ECS_XEN, 0);
	chn->u.xen.ops = ops;
	chn->u.xen.data = data;
	*port = (uint32_t)rc;
	rc = 0;
out:
	spin_unlock_irqrestore(&d->event_lock, flags);
	return rc;
}

int evtchn_send_xen(struct domain *d, uint32_t port)
{
	unsigned long flags = spin_lock_irqsave(&d->event_lock);
	struct evtchn_domain *ed = d->evtchn;
	struct evtchn *chn;
	int rc = -EINVAL;

	if (!port_is_valid(ed, port))
		goto out;
	chn = evtchn_from_port(ed, port);
	if (chn->state != ECS_XEN)
		goto out;
	evtchn_raise(d, chn, port);
	rc = 0;
out:
	spin_unlock_irqrestore(&d->event_lock, flags);
	return rc;
}

/*
 * EVTCHNOP_alloc_unbound: a port in dom (the caller, or a domain it may act
 * for) that remote_dom may bind. remote_dom is not looked up, as in Xen: the
 * domain may not exist yet. Tessera checks the privilege before looking for
 * a free port (Xen looks first); only the order of two errors differs.
 */
static long evtchn_op_alloc_unbound(struct evtchn_alloc_unbound *a)
{
	struct domain *self = current->domain, *d;
	domid_t remote = a->remote_dom == DOMID_SELF ? self->domain_id : a->remote_dom;
	uint32_t port = 0;
	long rc;

	d = get_domain_by_any_id(a->dom, self);
	if (d == NULL)
		return -ESRCH;
	rc = priv_target(self, d);
	if (rc)
		goto out;
	rc = evtchn_alloc_unbound_port(d, remote, &port);
	if (rc)
		goto out;
	a->port = port;
out:
	put_domain(d);
	return rc;
}

/*
 * EVTCHNOP_bind_interdomain: connect a new local port to remote_dom's
 * unbound remote_port, which must name the caller as its allowed peer.
 * As Xen, the new local port is set pending at once: events sent to the
 * unbound end before the bind were dropped, so the binder must look.
 */
static long evtchn_op_bind_interdomain(struct evtchn_bind_interdomain *b)
{
	struct domain *ld = current->domain, *rd;
	domid_t rdom = b->remote_dom == DOMID_SELF ? ld->domain_id : b->remote_dom;
	uint32_t rport = b->remote_port;
	struct evtchn_domain *led, *red;
	struct evtchn *lchn, *rchn;
	unsigned long flags;
	int lport;
	long rc = 0;

	rd = get_domain_by_id(rdom);
	if (rd == NULL)
		return -ESRCH;
	flags = evtchn_lock_pair(ld, rd);
	led = ld->evtchn;
	red = rd->evtchn;

	lport = led ? evtchn_get_free_port(led) : -EINVAL;
	if (lport < 0) {
		rc = lport;
		goto out;
	}
	if (!port_is_valid(red, rport) || red->dying) {
		rc = -EINVAL;
		goto out;
	}
	rchn = evtchn_from_port(red, rport);
	if (rchn->state != ECS_UNBOUND || rchn->u.unbound.remote_domid != ld->domain_id) {
		rc = -EINVAL;
		goto out;
	}

	lchn = evtchn_take(led, (uint32_t)lport, ECS_INTERDOMAIN, 0);
	lchn->u.interdomain.remote_dom = rd;
	lchn->u.interdomain.remote_port = rport;
	/* The remote end keeps its notify vCPU (bind_vcpu works on unbound ports too). */
	rchn->state = ECS_INTERDOMAIN;
	rchn->u.interdomain.remote_dom = ld;
	rchn->u.interdomain.remote_port = (uint32_t)lport;

	evtchn_raise(ld, lchn, (uint32_t)lport);
	b->local_port = (uint32_t)lport;
out:
	evtchn_unlock_pair(ld, rd, flags);
	put_domain(rd);
	return rc;
}

/*
 * EVTCHNOP_bind_virq: a new port raised by VIRQ virq on vcpu. A global VIRQ
 * binds on vCPU 0 only (move it with bind_vcpu); each VIRQ binds once per vCPU.
 */
static long evtchn_op_bind_virq(struct evtchn_bind_virq *b)
{
	struct domain *d = current->domain;
	uint32_t virq = b->virq;
	struct evtchn *chn;
	unsigned long flags;
	struct vcpu *v;
	long rc = 0;
	int port;

	if (virq >= NR_VIRQS)
		return -EINVAL;
	if (virq_is_global(virq) && b->vcpu != 0)
		return -EINVAL;
	v = domain_vcpu(d, b->vcpu);
	if (v == NULL)
		return -ENOENT;

	flags = spin_lock_irqsave(&d->event_lock);
	if (v->virq_to_evtchn[virq] != 0) {
		rc = -EEXIST;
		goto out;
	}
	port = d->evtchn ? evtchn_get_free_port(d->evtchn) : -EINVAL;
	if (port < 0) {
		rc = port;
		goto out;
	}
	chn = evtchn_take(d->evtchn, (uint32_t)port, ECS_VIRQ, (uint16_t)v->vcpu_id);
	chn->u.virq = virq;
	v->virq_to_evtchn[virq] = (uint16_t)port;
	b->port = (uint32_t)port;
out:
	spin_unlock_irqrestore(&d->event_lock, flags);
	return rc;
}

/* EVTCHNOP_bind_ipi: a new port that, when sent on, raises itself on vcpu. */
static long evtchn_op_bind_ipi(struct evtchn_bind_ipi *b)
{
	struct domain *d = current->domain;
	unsigned long flags;
	struct vcpu *v;
	long rc = 0;
	int port;

	v = domain_vcpu(d, b->vcpu);
	if (v == NULL)
		return -ENOENT;
	flags = spin_lock_irqsave(&d->event_lock);
	port = d->evtchn ? evtchn_get_free_port(d->evtchn) : -EINVAL;
	if (port < 0) {
		rc = port;
		goto out;
	}
	evtchn_take(d->evtchn, (uint32_t)port, ECS_IPI, (uint16_t)v->vcpu_id);
	b->port = (uint32_t)port;
out:
	spin_unlock_irqrestore(&d->event_lock, flags);
	return rc;
}

/*
 * EVTCHNOP_send / the hypervisor sending as d: an interdomain port raises
 * its peer, an IPI port itself; an unbound port drops the event (0, as
 * Xen); anything else is -EINVAL.
 */
int evtchn_send(struct domain *ld, uint32_t lport)
{
	unsigned long flags = spin_lock_irqsave(&ld->event_lock);
	struct evtchn_domain *led = ld->evtchn;
	struct evtchn *lchn, *rchn;
	struct domain *rd;
	uint32_t rport;
	int rc = 0;

	if (!port_is_valid(led, lport)) {
		rc = -EINVAL;
		goto out;
	}
	lchn = evtchn_from_port(led, lport);
	switch (lchn->state) {
	case ECS_INTERDOMAIN:
		/* The peer's port cannot change under our lock (see the header). */
		rd = lchn->u.interdomain.remote_dom;
		rport = lchn->u.interdomain.remote_port;
		rchn = evtchn_from_port(rd->evtchn, rport);
		evtchn_raise(rd, rchn, rport);
		break;
	case ECS_IPI:
		evtchn_raise(ld, lchn, lport);
		break;
	case ECS_XEN:
		/* Under our lock: the port (and the service's data) cannot close meanwhile. */
		lchn->u.xen.ops->send(ld, lport, lchn->u.xen.data);
		break;
	case ECS_UNBOUND:
		break;
	default:
		rc = -EINVAL;
		break;
	}
out:
	spin_unlock_irqrestore(&ld->event_lock, flags);
	return rc;
}

/*
 * EVTCHNOP_status of <dom, port>, for the caller or a domain it may act for.
 * As with alloc_unbound, the privilege is checked before the port.
 */
static long evtchn_op_status(struct evtchn_status *s)
{
	struct domain *self = current->domain, *d;
	struct evtchn_domain *ed;
	struct evtchn *chn;
	unsigned long flags;
	long rc;

	d = get_domain_by_any_id(s->dom, self);
	if (d == NULL)
		return -ESRCH;
	rc = priv_target(self, d);
	if (rc)
		goto out_put;

	flags = spin_lock_irqsave(&d->event_lock);
	ed = d->evtchn;
	if (!port_is_valid(ed, s->port)) {
		rc = -EINVAL;
		goto out;
	}
	chn = evtchn_from_port(ed, s->port);
	memset(&s->u, 0, sizeof(s->u));
	switch (chn->state) {
	case ECS_FREE:
	case ECS_RESERVED:
		s->status = EVTCHNSTAT_closed;
		break;
	case ECS_UNBOUND:
		s->status = EVTCHNSTAT_unbound;
		s->u.unbound.dom = chn->u.unbound.remote_domid;
		break;
	case ECS_XEN:
		/* Waiting, as far as the guest can tell, for the hypervisor itself. */
		s->status = EVTCHNSTAT_unbound;
		s->u.unbound.dom = DOMID_XEN;
		break;
	case ECS_INTERDOMAIN:
		s->status = EVTCHNSTAT_interdomain;
		s->u.interdomain.dom = chn->u.interdomain.remote_dom->domain_id;
		s->u.interdomain.port = chn->u.interdomain.remote_port;
		break;
	case ECS_PIRQ:
		s->status = EVTCHNSTAT_pirq;
		break;
	case ECS_VIRQ:
		s->status = EVTCHNSTAT_virq;
		s->u.virq = chn->u.virq;
		break;
	case ECS_IPI:
		s->status = EVTCHNSTAT_ipi;
		break;
	default:
		BUG();
	}
	s->vcpu = chn->notify_vcpu_id;
out:
	spin_unlock_irqrestore(&d->event_lock, flags);
out_put:
	put_domain(d);
	return rc;
}

/*
 * EVTCHNOP_bind_vcpu: notify another vCPU. As Xen: allowed for unbound and
 * interdomain ports (and hypervisor-bound ones) and global VIRQs; per-vCPU
 * VIRQs and IPIs are tied to their vCPU (-EINVAL). The pending state is not moved.
 */
static long evtchn_op_bind_vcpu(uint32_t port, uint32_t vcpu_id)
{
	struct domain *d = current->domain;
	struct evtchn_domain *ed;
	struct evtchn *chn;
	unsigned long flags;
	struct vcpu *v;
	long rc = 0;

	v = domain_vcpu(d, vcpu_id);
	if (v == NULL)
		return -ENOENT;
	flags = spin_lock_irqsave(&d->event_lock);
	ed = d->evtchn;
	if (!port_is_valid(ed, port)) {
		rc = -EINVAL;
		goto out;
	}
	chn = evtchn_from_port(ed, port);
	switch (chn->state) {
	case ECS_VIRQ:
		if (virq_is_global(chn->u.virq))
			WRITE_ONCE(chn->notify_vcpu_id, (uint16_t)v->vcpu_id);
		else
			rc = -EINVAL;
		break;
	case ECS_UNBOUND:
	case ECS_INTERDOMAIN:
	case ECS_XEN:
		WRITE_ONCE(chn->notify_vcpu_id, (uint16_t)v->vcpu_id);
		break;
	default:
		rc = -EINVAL;
		break;
	}
out:
	spin_unlock_irqrestore(&d->event_lock, flags);
	return rc;
}

/*
 * EVTCHNOP_unmask: clear the mask bit and deliver a pending event. As Xen,
 * any valid port may be unmasked, whatever its state.
 */
static long evtchn_op_unmask(uint32_t port)
{
	struct domain *d = current->domain;
	unsigned long flags = spin_lock_irqsave(&d->event_lock);
	struct evtchn_domain *ed = d->evtchn;
	long rc = 0;

	if (!port_is_valid(ed, port)) {
		rc = -EINVAL;
		goto out;
	}
	evtchn_ops(ed)->unmask(d, evtchn_from_port(ed, port), port);
out:
	spin_unlock_irqrestore(&d->event_lock, flags);
	return rc;
}

/*
 * EVTCHNOP_set_priority (Xen's evtchn_set_priority): -EINVAL for a port
 * without a table entry, -ENOSYS under the 2-level ABI, -EINVAL for a
 * priority past EVTCHN_FIFO_PRIORITY_MIN.
 */
static long evtchn_op_set_priority(uint32_t port, uint32_t priority)
{
	struct domain *d = current->domain;
	unsigned long flags = spin_lock_irqsave(&d->event_lock);
	struct evtchn_domain *ed = d->evtchn;
	const struct evtchn_port_ops *ops;
	long rc;

	if (!port_is_valid(ed, port)) {
		rc = -EINVAL;
		goto out;
	}
	ops = evtchn_ops(ed);
	rc = ops->set_priority ? ops->set_priority(d, evtchn_from_port(ed, port), priority)
			       : -ENOSYS;
out:
	spin_unlock_irqrestore(&d->event_lock, flags);
	return rc;
}

/*
 * Close every port of d (Xen's evtchn_reset, used for kexec and soft reset).
 * Only d itself, or a controller while d holds a domctl pause (-EINVAL
 * otherwise). Preemptible: -ERESTART continues at reset_next; a second
 * reset while one is under way is -EBUSY; -EAGAIN if ports were opened
 * meanwhile.
 */
static long evtchn_reset(struct domain *d, bool resuming)
{
	struct evtchn_domain *ed;
	unsigned long flags;
	uint32_t i;
	long rc = 0;

	if (d != current->domain && !READ_ONCE(d->controller_pause_count))
		return -EINVAL;

	flags = spin_lock_irqsave(&d->event_lock);
	ed = d->evtchn;
	if (ed == NULL) {
		i = 0;
	} else {
		i = resuming ? ed->reset_next : !ed->reset_next;
		if (i > ed->reset_next)
			ed->reset_next = i;
	}
	spin_unlock_irqrestore(&d->event_lock, flags);
	if (i == 0)
		return ed == NULL ? -EINVAL : -EBUSY;

	for (; i < evtchn_nr_valid(d); i++) {
		(void)evtchn_close_port(d, i);
		if ((i & 0x3f) == 0 && hypercall_preempt_check()) {
			flags = spin_lock_irqsave(&d->event_lock);
			if (d->evtchn)
				d->evtchn->reset_next = i + 1;
			spin_unlock_irqrestore(&d->event_lock, flags);
			return -ERESTART;
		}
	}

	flags = spin_lock_irqsave(&d->event_lock);
	ed = d->evtchn;
	if (ed != NULL) {
		ed->reset_next = 0;
		if (ed->nr_active != 0) {
			rc = -EAGAIN;
		} else if (ed->fifo != NULL) {
			/*
			 * As Xen: back to the 2-level ABI, every control block and
			 * array page released. No port is open, so no sender is
			 * inside the FIFO code (a new binding needs our lock).
			 */
			__atomic_store_n(&ed->ops, &evtchn_port_ops_2l, __ATOMIC_RELEASE);
			evtchn_fifo_destroy(d, ed);
		}
	}
	spin_unlock_irqrestore(&d->event_lock, flags);
	return rc;
}

static long evtchn_op_reset(struct evtchn_reset *r, bool resuming)
{
	struct domain *self = current->domain;
	struct domain *d = get_domain_by_any_id(r->dom, self);
	long rc;

	if (d == NULL)
		return -ESRCH;
	rc = priv_target(self, d);
	if (!rc)
		rc = evtchn_reset(d, resuming);
	put_domain(d);
	return rc;
}

bool evtchn_port_is_valid(struct domain *d, uint32_t port)
{
	unsigned long flags = spin_lock_irqsave(&d->event_lock);
	bool valid = port_is_valid(d->evtchn, port);

	spin_unlock_irqrestore(&d->event_lock, flags);
	return valid;
}

bool evtchn_port_is_pending(struct domain *d, uint32_t port)
{
	unsigned long flags = spin_lock_irqsave(&d->event_lock);
	struct evtchn_domain *ed = d->evtchn;
	bool pending = port_is_valid(ed, port) &&
		       evtchn_ops(ed)->is_pending(d, evtchn_from_port(ed, port), port);

	spin_unlock_irqrestore(&d->event_lock, flags);
	return pending;
}

void send_guest_vcpu_virq(struct vcpu *v, uint32_t virq)
{
	struct domain *d = v->domain;
	unsigned long flags;
	uint32_t port;

	ASSERT(virq < NR_VIRQS && !virq_is_global(virq));
	flags = spin_lock_irqsave(&d->event_lock);
	port = v->virq_to_evtchn[virq];
	if (port != 0 && d->evtchn != NULL)
		evtchn_ops(d->evtchn)->set_pending(v, evtchn_from_port(d->evtchn, port), port);
	spin_unlock_irqrestore(&d->event_lock, flags);
}

void send_guest_global_virq(struct domain *d, uint32_t virq)
{
	unsigned long flags;
	struct vcpu *v0;
	uint32_t port;

	ASSERT(virq < NR_VIRQS && virq_is_global(virq));
	if (d == NULL || d->vcpu == NULL || (v0 = domain_vcpu(d, 0)) == NULL)
		return;
	flags = spin_lock_irqsave(&d->event_lock);
	port = v0->virq_to_evtchn[virq];
	if (port != 0 && d->evtchn != NULL)
		evtchn_raise(d, evtchn_from_port(d->evtchn, port), port);
	spin_unlock_irqrestore(&d->event_lock, flags);
}

/*
 * Which domains a global VIRQ goes to. Xen sends each to one handler
 * domain (the hardware domain unless domctl set_virq_handler chose
 * another); Tessera has no single dom0, so it goes to every domain holding
 * a role that needs it: VIRQ_DOM_EXC to the control and xenstore domains
 * (both track domain deaths), the rest to the control domain. A domain of
 * another role may bind them, as on Xen, but is never raised.
 */
static uint32_t global_virq_roles(uint32_t virq)
{
	return virq == VIRQ_DOM_EXC ? (ROLE_CONTROL | ROLE_XENSTORE) : ROLE_CONTROL;
}

void send_global_virq(uint32_t virq)
{
	uint32_t roles = global_virq_roles(virq);
	struct evtchn_domain *ed;
	unsigned long flags;

	ASSERT(virq < NR_VIRQS && virq_is_global(virq));
	flags = spin_lock_irqsave(&evtchn_all_lock);
	list_for_each_entry(ed, &evtchn_all_domains, all_link)
	{
		if (has_role(ed->d, roles) && !ed->dying)
			send_guest_global_virq(ed->d, virq);
	}
	spin_unlock_irqrestore(&evtchn_all_lock, flags);
}

/* Handles on the per-op argument structures (the ABI defines only evtchn_op_t's). */
DEFINE_XEN_GUEST_HANDLE(evtchn_alloc_unbound_t);
DEFINE_XEN_GUEST_HANDLE(evtchn_bind_interdomain_t);
DEFINE_XEN_GUEST_HANDLE(evtchn_bind_virq_t);
DEFINE_XEN_GUEST_HANDLE(evtchn_bind_ipi_t);
DEFINE_XEN_GUEST_HANDLE(evtchn_close_t);
DEFINE_XEN_GUEST_HANDLE(evtchn_send_t);
DEFINE_XEN_GUEST_HANDLE(evtchn_status_t);
DEFINE_XEN_GUEST_HANDLE(evtchn_bind_vcpu_t);
DEFINE_XEN_GUEST_HANDLE(evtchn_unmask_t);
DEFINE_XEN_GUEST_HANDLE(evtchn_reset_t);
DEFINE_XEN_GUEST_HANDLE(evtchn_init_control_t);
DEFINE_XEN_GUEST_HANDLE(evtchn_expand_array_t);
DEFINE_XEN_GUEST_HANDLE(evtchn_set_priority_t);

long do_event_channel_op(const struct hypercall_args *args)
{
	int cmd = (int)args->a[0];
	XEN_GUEST_HANDLE(void) arg = guest_handle_from_arg(args->a[1], void);
	long rc;

	switch (cmd) {
	case EVTCHNOP_alloc_unbound: {
		struct evtchn_alloc_unbound op;

		if (copy_from_guest(&op, guest_handle_cast(arg, evtchn_alloc_unbound_t), 1))
			return -EFAULT;
		rc = evtchn_op_alloc_unbound(&op);
		/* As Xen: a port allocated before a failed copy-out stays (the guest closes it). */
		if (!rc && copy_to_guest(guest_handle_cast(arg, evtchn_alloc_unbound_t), &op, 1))
			rc = -EFAULT;
		break;
	}
	case EVTCHNOP_bind_interdomain: {
		struct evtchn_bind_interdomain op;

		if (copy_from_guest(&op, guest_handle_cast(arg, evtchn_bind_interdomain_t), 1))
			return -EFAULT;
		rc = evtchn_op_bind_interdomain(&op);
		if (!rc && copy_to_guest(guest_handle_cast(arg, evtchn_bind_interdomain_t), &op, 1))
			rc = -EFAULT;
		break;
	}
	case EVTCHNOP_bind_virq: {
		struct evtchn_bind_virq op;

		if (copy_from_guest(&op, guest_handle_cast(arg, evtchn_bind_virq_t), 1))
			return -EFAULT;
		rc = evtchn_op_bind_virq(&op);
		if (!rc && copy_to_guest(guest_handle_cast(arg, evtchn_bind_virq_t), &op, 1))
			rc = -EFAULT;
		break;
	}
	case EVTCHNOP_bind_ipi: {
		struct evtchn_bind_ipi op;

		if (copy_from_guest(&op, guest_handle_cast(arg, evtchn_bind_ipi_t), 1))
			return -EFAULT;
		rc = evtchn_op_bind_ipi(&op);
		if (!rc && copy_to_guest(guest_handle_cast(arg, evtchn_bind_ipi_t), &op, 1))
			rc = -EFAULT;
		break;
	}
	case EVTCHNOP_close: {
		struct evtchn_close op;

		if (copy_from_guest(&op, guest_handle_cast(arg, evtchn_close_t), 1))
			return -EFAULT;
		rc = evtchn_close_port(current->domain, op.port);
		break;
	}
	case EVTCHNOP_send: {
		struct evtchn_send op;

		if (copy_from_guest(&op, guest_handle_cast(arg, evtchn_send_t), 1))
			return -EFAULT;
		rc = evtchn_send(current->domain, op.port);
		break;
	}
	case EVTCHNOP_status: {
		struct evtchn_status op;

		if (copy_from_guest(&op, guest_handle_cast(arg, evtchn_status_t), 1))
			return -EFAULT;
		rc = evtchn_op_status(&op);
		if (!rc && copy_to_guest(guest_handle_cast(arg, evtchn_status_t), &op, 1))
			rc = -EFAULT;
		break;
	}
	case EVTCHNOP_bind_vcpu: {
		struct evtchn_bind_vcpu op;

		if (copy_from_guest(&op, guest_handle_cast(arg, evtchn_bind_vcpu_t), 1))
			return -EFAULT;
		rc = evtchn_op_bind_vcpu(op.port, op.vcpu);
		break;
	}
	case EVTCHNOP_unmask: {
		struct evtchn_unmask op;

		if (copy_from_guest(&op, guest_handle_cast(arg, evtchn_unmask_t), 1))
			return -EFAULT;
		rc = evtchn_op_unmask(op.port);
		break;
	}
	case EVTCHNOP_reset:
	case EVTCHNOP_reset_cont: {
		struct evtchn_reset op;

		if (copy_from_guest(&op, guest_handle_cast(arg, evtchn_reset_t), 1))
			return -EFAULT;
		rc = evtchn_op_reset(&op, cmd == EVTCHNOP_reset_cont);
		if (rc == -ERESTART)
			rc = hypercall_create_continuation(__HYPERVISOR_event_channel_op, "ih",
							   EVTCHNOP_reset_cont, arg.p);
		break;
	}
	case EVTCHNOP_bind_pirq:
		/* No physical IRQs are given to guests yet (docs/abi.md). */
		rc = -ENOSYS;
		break;
	case EVTCHNOP_init_control: {
		struct evtchn_init_control op;

		if (copy_from_guest(&op, guest_handle_cast(arg, evtchn_init_control_t), 1))
			return -EFAULT;
		rc = evtchn_fifo_init_control(&op);
		/* As Xen: link_bits is copied out on success only. */
		if (!rc && copy_to_guest(guest_handle_cast(arg, evtchn_init_control_t), &op, 1))
			rc = -EFAULT;
		break;
	}
	case EVTCHNOP_expand_array: {
		struct evtchn_expand_array op;

		if (copy_from_guest(&op, guest_handle_cast(arg, evtchn_expand_array_t), 1))
			return -EFAULT;
		rc = evtchn_fifo_expand_array(&op);
		break;
	}
	case EVTCHNOP_set_priority: {
		struct evtchn_set_priority op;

		if (copy_from_guest(&op, guest_handle_cast(arg, evtchn_set_priority_t), 1))
			return -EFAULT;
		rc = evtchn_op_set_priority(op.port, op.priority);
		break;
	}
	default:
		rc = -ENOSYS;
		break;
	}
	return rc;
}
