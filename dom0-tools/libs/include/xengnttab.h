/*
 * libxengnttab (Xen 4.17's xengnttab.h API, the subset in docs/abi.md):
 * two handles over one type, as Xen's:
 *   xengnttab_*  the consumer side: map pages other domains granted us;
 *   xengntshr_*  the producer side: allocate pages and grant them to a peer.
 * Returns as Xen's: addresses or NULL, 0 or -1, with errno. The _notify
 * variants arm an unmap notification: when the mapping or share goes (unmap,
 * unshare, close, or the process dying on Linux), the byte at notify_offset
 * in the first page is zeroed and notify_port (a port of ours) is signalled;
 * -1 in either means none. A handle is used by one thread at a time.
 * Linux: /dev/xen/gntdev and /dev/xen/gntalloc; unikernel: the unikernel's
 * grant table client (uk/gnttab.h), mappings in the shared gfn window.
 */
#ifndef TESSERA_XENGNTTAB_H
#define TESSERA_XENGNTTAB_H

#include <stdint.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include "xentoollog.h"

typedef struct xengntdev_handle xengnttab_handle;
typedef struct xengntdev_handle xengntshr_handle;

/* ---- consumer ---- */
xengnttab_handle *xengnttab_open(struct xentoollog_logger *logger, unsigned open_flags);
/* Unmaps whatever the handle still maps, then frees it. */
int xengnttab_close(xengnttab_handle *xgt);
/* Linux: the gntdev file descriptor; unikernel: -1. */
int xengnttab_fd(xengnttab_handle *xgt);
/* prot: PROT_READ, PROT_READ | PROT_WRITE (mmap's bits). */
void *xengnttab_map_grant_ref(xengnttab_handle *xgt, uint32_t domid, uint32_t ref, int prot);
/* count pages at one contiguous address; all or nothing (partial work undone). */
void *xengnttab_map_grant_refs(xengnttab_handle *xgt, uint32_t count, uint32_t *domids,
			       uint32_t *refs, int prot);
void *xengnttab_map_domain_grant_refs(xengnttab_handle *xgt, uint32_t count, uint32_t domid,
				      uint32_t *refs, int prot);
void *xengnttab_map_grant_ref_notify(xengnttab_handle *xgt, uint32_t domid, uint32_t ref, int prot,
				     uint32_t notify_offset, evtchn_port_t notify_port);
/* count must be the count the mapping at start_address was made with. */
int xengnttab_unmap(xengnttab_handle *xgt, void *start_address, uint32_t count);
/* Before any mapping: at most nr_grants pages mapped at once (then ENOMEM). */
int xengnttab_set_max_grants(xengnttab_handle *xgt, uint32_t nr_grants);

/* ---- producer ---- */
xengntshr_handle *xengntshr_open(struct xentoollog_logger *logger, unsigned open_flags);
/* Unshares whatever the handle still shares, then frees it. */
int xengntshr_close(xengntshr_handle *xgs);
/* Linux: the gntalloc file descriptor; unikernel: -1. */
int xengntshr_fd(xengntshr_handle *xgs);
/* count zeroed pages granted to domid (refs[] filled), at one address, or NULL. */
void *xengntshr_share_pages(xengntshr_handle *xgs, uint32_t domid, int count, uint32_t *refs,
			    int writable);
void *xengntshr_share_page_notify(xengntshr_handle *xgs, uint32_t domid, uint32_t *ref,
				  int writable, uint32_t notify_offset, evtchn_port_t notify_port);
/*
 * Ends the grants and frees the pages; a page the peer still maps is freed
 * only once it unmaps it (as Linux's gntalloc).
 */
int xengntshr_unshare(xengntshr_handle *xgs, void *start_address, uint32_t count);

#endif
