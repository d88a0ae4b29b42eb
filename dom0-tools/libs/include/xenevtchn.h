/*
 * libxenevtchn (Xen 4.17's xenevtchn.h API): event channels bound by this
 * domain, with notifications collected per handle. Returns as Xen's: ports
 * or 0 on success, -1 with errno on failure. A handle is used by one thread
 * at a time. Linux: /dev/xen/evtchn; unikernel: the unikernel's event
 * channels (xenevtchn_pending waits for the next event on the handle).
 */
#ifndef TESSERA_XENEVTCHN_H
#define TESSERA_XENEVTCHN_H

#include <stdint.h>
#include <public/event_channel.h>
#include "xentoollog.h"

typedef struct xenevtchn_handle xenevtchn_handle;
typedef int xenevtchn_port_or_error_t;

xenevtchn_handle *xenevtchn_open(xentoollog_logger *logger, unsigned open_flags);
int xenevtchn_close(xenevtchn_handle *xce);
/* Linux: the file descriptor to poll; unikernel: -1 (use xenevtchn_pending). */
int xenevtchn_fd(xenevtchn_handle *xce);
int xenevtchn_notify(xenevtchn_handle *xce, evtchn_port_t port);
xenevtchn_port_or_error_t xenevtchn_bind_unbound_port(xenevtchn_handle *xce, uint32_t domid);
xenevtchn_port_or_error_t xenevtchn_bind_interdomain(xenevtchn_handle *xce, uint32_t domid,
						     evtchn_port_t remote_port);
xenevtchn_port_or_error_t xenevtchn_bind_virq(xenevtchn_handle *xce, unsigned int virq);
int xenevtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port);
/* The next port that fired (masked until xenevtchn_unmask), or -1. Blocks. */
xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle *xce);
int xenevtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port);

#endif
