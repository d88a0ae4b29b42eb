/*
 * libxenevtchn core (Xen's tools/libs/evtchn/core.c): handle life cycle and
 * argument checks; the environment's backend does the binding. Returns as
 * Xen's: ports or 0, -1 with errno. No locking: one thread per handle.
 */
#include <errno.h>
#include <stdlib.h>
#include "private.h"

/* Highest port number of the 2-level ABI (64 x 64 bits). */
#define EVTCHN_2L_PORTS 4096

xenevtchn_handle *xenevtchn_open(xentoollog_logger *logger, unsigned open_flags)
{
	xenevtchn_handle *xce;

	(void)logger;
	(void)open_flags;
	xce = calloc(1, sizeof(*xce));
	if (!xce) {
		errno = ENOMEM;
		return NULL;
	}
	xce->fd = -1;
	if (xenevtchn_osdep_open(xce)) {
		int saved = errno;

		free(xce);
		errno = saved;
		return NULL;
	}
	return xce;
}

int xenevtchn_close(xenevtchn_handle *xce)
{
	if (!xce)
		return 0;
	xenevtchn_osdep_close(xce);
	free(xce);
	return 0;
}

int xenevtchn_fd(xenevtchn_handle *xce)
{
	return xce->fd;
}

static int port_ok(evtchn_port_t port)
{
	if (port == 0 || port >= EVTCHN_2L_PORTS) {
		errno = EINVAL;
		return 0;
	}
	return 1;
}

int xenevtchn_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
	return port_ok(port) ? xenevtchn_osdep_notify(xce, port) : -1;
}

xenevtchn_port_or_error_t xenevtchn_bind_unbound_port(xenevtchn_handle *xce, uint32_t domid)
{
	if (domid >= DOMID_FIRST_RESERVED && domid != DOMID_SELF) {
		errno = EINVAL;
		return -1;
	}
	return xenevtchn_osdep_bind_unbound(xce, domid);
}

xenevtchn_port_or_error_t xenevtchn_bind_interdomain(xenevtchn_handle *xce, uint32_t domid,
						     evtchn_port_t remote_port)
{
	if ((domid >= DOMID_FIRST_RESERVED && domid != DOMID_SELF) || !port_ok(remote_port)) {
		errno = EINVAL;
		return -1;
	}
	return xenevtchn_osdep_bind_interdomain(xce, domid, remote_port);
}

xenevtchn_port_or_error_t xenevtchn_bind_virq(xenevtchn_handle *xce, unsigned int virq)
{
	if (virq >= NR_VIRQS) {
		errno = EINVAL;
		return -1;
	}
	return xenevtchn_osdep_bind_virq(xce, virq);
}

int xenevtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port)
{
	return port_ok(port) ? xenevtchn_osdep_unbind(xce, port) : -1;
}

xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle *xce)
{
	return xenevtchn_osdep_pending(xce);
}

int xenevtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port)
{
	return port_ok(port) ? xenevtchn_osdep_unmask(xce, port) : -1;
}
