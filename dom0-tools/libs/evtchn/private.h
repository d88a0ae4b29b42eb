/*
 * libxenevtchn internals: the handle and the hooks of each environment's
 * backend (linux.c, uk.c). The core (core.c) checks arguments and keeps the
 * Xen return convention; backends return 0/ports or -1 with errno.
 * No locking: one thread per handle.
 */
#ifndef XENEVTCHN_PRIVATE_H
#define XENEVTCHN_PRIVATE_H

#include <xenevtchn.h>

struct xenevtchn_handle {
	int fd;	     /* Linux: /dev/xen/evtchn; unikernel: -1 */
	void *osdep; /* backend state */
};

int xenevtchn_osdep_open(xenevtchn_handle *xce);
void xenevtchn_osdep_close(xenevtchn_handle *xce);
int xenevtchn_osdep_notify(xenevtchn_handle *xce, evtchn_port_t port);
int xenevtchn_osdep_bind_unbound(xenevtchn_handle *xce, uint32_t domid);
int xenevtchn_osdep_bind_interdomain(xenevtchn_handle *xce, uint32_t domid, evtchn_port_t remote);
int xenevtchn_osdep_bind_virq(xenevtchn_handle *xce, unsigned int virq);
int xenevtchn_osdep_unbind(xenevtchn_handle *xce, evtchn_port_t port);
int xenevtchn_osdep_pending(xenevtchn_handle *xce);
int xenevtchn_osdep_unmask(xenevtchn_handle *xce, evtchn_port_t port);

#endif
