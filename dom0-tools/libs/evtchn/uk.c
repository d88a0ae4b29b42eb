/*
 * libxenevtchn backend for the unikernel: ports bound through the
 * unikernel's event channels (uk/events.h) with a handler that masks the
 * port and records it as fired, as Linux's evtchn device does;
 * xenevtchn_pending takes the lowest fired port, waiting for one if none
 * has fired; xenevtchn_unmask unmasks it again.
 * Locking: the fired bitmap is written by handlers (interrupt context) and
 * read by the handle's thread with interrupts off.
 */
#include <errno.h>
#include <stdlib.h>
#include <uk/arch.h>
#include <uk/events.h>
#include <uk/sched.h>
#include "private.h"

#define UK_EVTCHN_WORDS (UK_NR_EVTCHNS / 64)

struct uk_evtchn_state {
	uint64_t bound[UK_EVTCHN_WORDS]; /* ports this handle bound */
	uint64_t fired[UK_EVTCHN_WORDS]; /* ports that fired and wait for pending() */
	struct uk_waitq wq;
};

static struct uk_evtchn_state *st(xenevtchn_handle *xce)
{
	return xce->osdep;
}

static void on_event(evtchn_port_t port, void *data)
{
	struct uk_evtchn_state *s = data;

	evtchn_mask(port);
	s->fired[port / 64] |= 1ULL << (port % 64);
	waitq_wake_all(&s->wq);
}

int xenevtchn_osdep_open(xenevtchn_handle *xce)
{
	struct uk_evtchn_state *s = calloc(1, sizeof(*s));

	if (!s) {
		errno = ENOMEM;
		return -1;
	}
	waitq_init(&s->wq);
	xce->osdep = s;
	xce->fd = -1;
	return 0;
}

void xenevtchn_osdep_close(xenevtchn_handle *xce)
{
	struct uk_evtchn_state *s = st(xce);

	/* As closing Linux's device: every port the handle bound is closed. */
	for (evtchn_port_t p = 1; p < UK_NR_EVTCHNS; p++)
		if (s->bound[p / 64] & (1ULL << (p % 64)))
			evtchn_close(p);
	free(s);
	xce->osdep = NULL;
}

static int result(long ret)
{
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return (int)ret;
}

static int bound(xenevtchn_handle *xce, long ret, evtchn_port_t port)
{
	if (ret < 0)
		return result(ret);
	st(xce)->bound[port / 64] |= 1ULL << (port % 64);
	return (int)port;
}

static int is_bound(xenevtchn_handle *xce, evtchn_port_t port)
{
	if (st(xce)->bound[port / 64] & (1ULL << (port % 64)))
		return 1;
	errno = EINVAL; /* not ours: Linux's device says the same */
	return 0;
}

int xenevtchn_osdep_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
	return is_bound(xce, port) ? result(evtchn_notify(port)) : -1;
}

int xenevtchn_osdep_bind_unbound(xenevtchn_handle *xce, uint32_t domid)
{
	evtchn_port_t port = 0;
	long ret = evtchn_alloc_unbound((domid_t)domid, on_event, st(xce), &port);

	return bound(xce, ret, port);
}

int xenevtchn_osdep_bind_interdomain(xenevtchn_handle *xce, uint32_t domid, evtchn_port_t remote)
{
	evtchn_port_t port = 0;
	long ret = evtchn_bind_interdomain((domid_t)domid, remote, on_event, st(xce), &port);

	return bound(xce, ret, port);
}

int xenevtchn_osdep_bind_virq(xenevtchn_handle *xce, unsigned int virq)
{
	evtchn_port_t port = 0;
	long ret = evtchn_bind_virq(virq, on_event, st(xce), &port);

	return bound(xce, ret, port);
}

int xenevtchn_osdep_unbind(xenevtchn_handle *xce, evtchn_port_t port)
{
	struct uk_evtchn_state *s = st(xce);
	unsigned long flags;

	if (!is_bound(xce, port))
		return -1;
	flags = irq_save();
	s->bound[port / 64] &= ~(1ULL << (port % 64));
	s->fired[port / 64] &= ~(1ULL << (port % 64));
	irq_restore(flags);
	return result(evtchn_close(port));
}

/* The lowest fired port, taken off the set, or 0; interrupts off. */
static evtchn_port_t take_fired(struct uk_evtchn_state *s)
{
	for (unsigned int w = 0; w < UK_EVTCHN_WORDS; w++) {
		if (s->fired[w]) {
			unsigned int b = (unsigned int)__builtin_ctzll(s->fired[w]);

			s->fired[w] &= ~(1ULL << b);
			return w * 64 + b;
		}
	}
	return 0;
}

int xenevtchn_osdep_pending(xenevtchn_handle *xce)
{
	struct uk_evtchn_state *s = st(xce);
	/* Interrupts off from the check to the sleep, so no event slips between them. */
	unsigned long flags = irq_save();
	evtchn_port_t port;

	while (!(port = take_fired(s)))
		waitq_wait(&s->wq, 0);
	irq_restore(flags);
	return (int)port;
}

int xenevtchn_osdep_unmask(xenevtchn_handle *xce, evtchn_port_t port)
{
	if (!is_bound(xce, port))
		return -1;
	evtchn_unmask(port);
	return 0;
}
