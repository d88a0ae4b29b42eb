/*
 * libxengnttab core (Xen's tools/libs/gnttab/gnttab_core.c): handle life
 * cycle and argument checks for both sides; the environment's backend does
 * the mapping and sharing. Returns as Xen's: an address or NULL, 0 or -1,
 * with errno. No locking: one thread per handle.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "private.h"

/* Larger requests are refused with EINVAL before reaching a backend. */
#define XGT_MAX_COUNT (1U << 20)

static struct xengntdev_handle *handle_new(void)
{
	struct xengntdev_handle *h = calloc(1, sizeof(*h));

	if (!h) {
		errno = ENOMEM;
		return NULL;
	}
	h->fd = -1;
	return h;
}

static void *handle_failed(struct xengntdev_handle *h)
{
	int saved = errno;

	free(h);
	errno = saved;
	return NULL;
}

xengnttab_handle *xengnttab_open(struct xentoollog_logger *logger, unsigned open_flags)
{
	xengnttab_handle *xgt = handle_new();

	(void)logger;
	(void)open_flags;
	if (xgt && xengnttab_osdep_open(xgt))
		return handle_failed(xgt);
	return xgt;
}

int xengnttab_close(xengnttab_handle *xgt)
{
	if (!xgt)
		return 0;
	xengnttab_osdep_close(xgt);
	free(xgt);
	return 0;
}

int xengnttab_fd(xengnttab_handle *xgt)
{
	return xgt->fd;
}

static int notify_ok(const struct xgt_notify *n)
{
	if (n->offset != XGT_NO_NOTIFY_OFFSET && n->offset >= XGT_PAGE_SIZE) {
		errno = EINVAL;
		return 0;
	}
	return 1;
}

static void *map_common(xengnttab_handle *xgt, uint32_t count, const uint32_t *domids,
			const uint32_t *refs, int prot, const struct xgt_notify *notify)
{
	if (!count || count > XGT_MAX_COUNT || !domids || !refs || !(prot & PROT_READ) ||
	    (prot & ~(PROT_READ | PROT_WRITE)) || !notify_ok(notify)) {
		errno = EINVAL;
		return NULL;
	}
	for (uint32_t i = 0; i < count; i++) {
		if (domids[i] >= DOMID_FIRST_RESERVED) {
			errno = EINVAL;
			return NULL;
		}
	}
	return xengnttab_osdep_map(xgt, count, domids, refs, !!(prot & PROT_WRITE), notify);
}

static const struct xgt_notify no_notify = {XGT_NO_NOTIFY_OFFSET, XGT_NO_NOTIFY_PORT};

void *xengnttab_map_grant_ref(xengnttab_handle *xgt, uint32_t domid, uint32_t ref, int prot)
{
	return map_common(xgt, 1, &domid, &ref, prot, &no_notify);
}

void *xengnttab_map_grant_refs(xengnttab_handle *xgt, uint32_t count, uint32_t *domids,
			       uint32_t *refs, int prot)
{
	return map_common(xgt, count, domids, refs, prot, &no_notify);
}

void *xengnttab_map_domain_grant_refs(xengnttab_handle *xgt, uint32_t count, uint32_t domid,
				      uint32_t *refs, int prot)
{
	uint32_t *domids;
	void *addr;

	if (!count || count > XGT_MAX_COUNT) {
		errno = EINVAL;
		return NULL;
	}
	domids = malloc(count * sizeof(*domids));
	if (!domids) {
		errno = ENOMEM;
		return NULL;
	}
	for (uint32_t i = 0; i < count; i++)
		domids[i] = domid;
	addr = map_common(xgt, count, domids, refs, prot, &no_notify);
	if (addr) {
		free(domids);
	} else {
		int saved = errno;

		free(domids);
		errno = saved;
	}
	return addr;
}

void *xengnttab_map_grant_ref_notify(xengnttab_handle *xgt, uint32_t domid, uint32_t ref, int prot,
				     uint32_t notify_offset, evtchn_port_t notify_port)
{
	struct xgt_notify n = {notify_offset, notify_port};

	return map_common(xgt, 1, &domid, &ref, prot, &n);
}

int xengnttab_unmap(xengnttab_handle *xgt, void *start_address, uint32_t count)
{
	if (!start_address || !count || count > XGT_MAX_COUNT ||
	    ((uintptr_t)start_address & (XGT_PAGE_SIZE - 1))) {
		errno = EINVAL;
		return -1;
	}
	return xengnttab_osdep_unmap(xgt, start_address, count);
}

int xengnttab_set_max_grants(xengnttab_handle *xgt, uint32_t nr_grants)
{
	if (xengnttab_osdep_set_max_grants(xgt, nr_grants))
		return -1;
	xgt->max_grants = nr_grants;
	return 0;
}

xengntshr_handle *xengntshr_open(struct xentoollog_logger *logger, unsigned open_flags)
{
	xengntshr_handle *xgs = handle_new();

	(void)logger;
	(void)open_flags;
	if (xgs && xengntshr_osdep_open(xgs))
		return handle_failed(xgs);
	return xgs;
}

int xengntshr_close(xengntshr_handle *xgs)
{
	if (!xgs)
		return 0;
	xengntshr_osdep_close(xgs);
	free(xgs);
	return 0;
}

int xengntshr_fd(xengntshr_handle *xgs)
{
	return xgs->fd;
}

static void *share_common(xengntshr_handle *xgs, uint32_t domid, int count, uint32_t *refs,
			  int writable, const struct xgt_notify *notify)
{
	if (count <= 0 || (uint32_t)count > XGT_MAX_COUNT || !refs ||
	    domid >= DOMID_FIRST_RESERVED || !notify_ok(notify)) {
		errno = EINVAL;
		return NULL;
	}
	return xengntshr_osdep_share(xgs, domid, (uint32_t)count, refs, !!writable, notify);
}

void *xengntshr_share_pages(xengntshr_handle *xgs, uint32_t domid, int count, uint32_t *refs,
			    int writable)
{
	return share_common(xgs, domid, count, refs, writable, &no_notify);
}

void *xengntshr_share_page_notify(xengntshr_handle *xgs, uint32_t domid, uint32_t *ref,
				  int writable, uint32_t notify_offset, evtchn_port_t notify_port)
{
	struct xgt_notify n = {notify_offset, notify_port};

	return share_common(xgs, domid, 1, ref, writable, &n);
}

int xengntshr_unshare(xengntshr_handle *xgs, void *start_address, uint32_t count)
{
	if (!start_address || !count || count > XGT_MAX_COUNT ||
	    ((uintptr_t)start_address & (XGT_PAGE_SIZE - 1))) {
		errno = EINVAL;
		return -1;
	}
	return xengntshr_osdep_unshare(xgs, start_address, count);
}
