/*
 * libxenevtchn backend for a Linux domain: /dev/xen/evtchn (Linux's
 * drivers/xen/evtchn.c; ioctl layouts from include/uapi/xen/evtchn.h,
 * declared here by their facts). A read returns ports that fired (the
 * driver masks each), a write of a port unmasks it. Compiled on the host;
 * runs only in a Linux domain. No locking: one thread per handle.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "private.h"

struct evtchn_ioctl_virq {
	unsigned int virq;
};
struct evtchn_ioctl_interdomain {
	unsigned int remote_domain, remote_port;
};
struct evtchn_ioctl_unbound {
	unsigned int remote_domain;
};
struct evtchn_ioctl_port {
	unsigned int port;
};
#define EVTCHN_IOCTL_BIND_VIRQ _IOC(_IOC_NONE, 'E', 0, sizeof(struct evtchn_ioctl_virq))
#define EVTCHN_IOCTL_BIND_INTERDOMAIN                                                              \
	_IOC(_IOC_NONE, 'E', 1, sizeof(struct evtchn_ioctl_interdomain))
#define EVTCHN_IOCTL_BIND_UNBOUND_PORT _IOC(_IOC_NONE, 'E', 2, sizeof(struct evtchn_ioctl_unbound))
#define EVTCHN_IOCTL_UNBIND _IOC(_IOC_NONE, 'E', 3, sizeof(struct evtchn_ioctl_port))
#define EVTCHN_IOCTL_NOTIFY _IOC(_IOC_NONE, 'E', 4, sizeof(struct evtchn_ioctl_port))

int xenevtchn_osdep_open(xenevtchn_handle *xce)
{
	xce->fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
	return xce->fd < 0 ? -1 : 0;
}

void xenevtchn_osdep_close(xenevtchn_handle *xce)
{
	if (xce->fd >= 0)
		close(xce->fd);
	xce->fd = -1;
}

int xenevtchn_osdep_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
	struct evtchn_ioctl_port n = {.port = port};

	return ioctl(xce->fd, EVTCHN_IOCTL_NOTIFY, &n);
}

int xenevtchn_osdep_bind_unbound(xenevtchn_handle *xce, uint32_t domid)
{
	struct evtchn_ioctl_unbound b = {.remote_domain = domid};

	return ioctl(xce->fd, EVTCHN_IOCTL_BIND_UNBOUND_PORT, &b);
}

int xenevtchn_osdep_bind_interdomain(xenevtchn_handle *xce, uint32_t domid, evtchn_port_t remote)
{
	struct evtchn_ioctl_interdomain b = {.remote_domain = domid, .remote_port = remote};

	return ioctl(xce->fd, EVTCHN_IOCTL_BIND_INTERDOMAIN, &b);
}

int xenevtchn_osdep_bind_virq(xenevtchn_handle *xce, unsigned int virq)
{
	struct evtchn_ioctl_virq b = {.virq = virq};

	return ioctl(xce->fd, EVTCHN_IOCTL_BIND_VIRQ, &b);
}

int xenevtchn_osdep_unbind(xenevtchn_handle *xce, evtchn_port_t port)
{
	struct evtchn_ioctl_port u = {.port = port};

	return ioctl(xce->fd, EVTCHN_IOCTL_UNBIND, &u);
}

int xenevtchn_osdep_pending(xenevtchn_handle *xce)
{
	evtchn_port_t port;

	if (read(xce->fd, &port, sizeof(port)) != sizeof(port))
		return -1;
	return (int)port;
}

int xenevtchn_osdep_unmask(xenevtchn_handle *xce, evtchn_port_t port)
{
	return write(xce->fd, &port, sizeof(port)) == sizeof(port) ? 0 : -1;
}
