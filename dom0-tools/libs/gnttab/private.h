/*
 * libxengnttab internals: the one handle type of both sides (as Xen's
 * struct xengntdev_handle) and the hooks of each environment's backend
 * (linux.c, uk.c). The core (core.c) checks arguments and keeps Xen's
 * return convention; backends return addresses or NULL, 0 or -1, with errno.
 * No locking: one thread per handle.
 */
#ifndef XENGNTTAB_PRIVATE_H
#define XENGNTTAB_PRIVATE_H

#include <xengnttab.h>

#define XGT_PAGE_SIZE 4096UL
#define XGT_NO_NOTIFY_OFFSET ((uint32_t)-1)
#define XGT_NO_NOTIFY_PORT ((evtchn_port_t)-1)

struct xengntdev_handle {
	int fd;		     /* Linux: /dev/xen/gntdev or /dev/xen/gntalloc; unikernel: -1 */
	uint32_t max_grants; /* set_max_grants (0: the backend's default) */
	void *osdep;	     /* backend state */
};

/* An unmap notification: offset XGT_NO_NOTIFY_OFFSET and/or port XGT_NO_NOTIFY_PORT = none. */
struct xgt_notify {
	uint32_t offset;
	evtchn_port_t port;
};

int xengnttab_osdep_open(xengnttab_handle *xgt);
void xengnttab_osdep_close(xengnttab_handle *xgt);
/* count >= 1 grants (domids[i], refs[i]); all or nothing. */
void *xengnttab_osdep_map(xengnttab_handle *xgt, uint32_t count, const uint32_t *domids,
			  const uint32_t *refs, int writable, const struct xgt_notify *notify);
int xengnttab_osdep_unmap(xengnttab_handle *xgt, void *addr, uint32_t count);
int xengnttab_osdep_set_max_grants(xengnttab_handle *xgt, uint32_t nr);

int xengntshr_osdep_open(xengntshr_handle *xgs);
void xengntshr_osdep_close(xengntshr_handle *xgs);
void *xengntshr_osdep_share(xengntshr_handle *xgs, uint32_t domid, uint32_t count, uint32_t *refs,
			    int writable, const struct xgt_notify *notify);
int xengntshr_osdep_unshare(xengntshr_handle *xgs, void *addr, uint32_t count);

#endif
