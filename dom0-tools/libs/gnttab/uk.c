/*
 * libxengnttab backend for the unikernel, over its grant table client
 * (uk/gnttab.h):
 *  - xengnttab: each grant is mapped (GNTTABOP_map_grant_ref, host_addr =
 *    the gfn's address) at consecutive gfns of the window above our RAM that
 *    the unikernel backends share (uk_gfn_window.h); all or nothing;
 *  - xengntshr: zeroed pages from page_alloc, each granted to the peer with
 *    a reference of ours (gnttab_grant_access).
 * Each handle keeps a list of what it mapped or shared; unmap/unshare/close
 * run the unmap notification (zero the byte, signal the port) as Linux's
 * gntdev and gntalloc do. A shared page the peer still maps cannot be taken
 * back (gnttab_end_access says -EBUSY): it waits on a list of pages retried
 * at every later share or unshare, and is freed once the peer let it go.
 *
 * Locking: none; the unikernel's threads are cooperative and nothing here
 * yields.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <uk/events.h>
#include <uk/gnttab.h>
#include <uk/mm.h>
#include "../uk_gfn_window.h"
#include "private.h"

/* Default for set_max_grants, as Linux's gntdev limit. */
#define UK_GNTTAB_DEFAULT_MAX 1024

struct uk_grant_map {
	struct uk_grant_map *next;
	unsigned long gfn;
	uint32_t count;
	struct xgt_notify notify;
	grant_handle_t handles[];
};

struct uk_grant_share {
	struct uk_grant_share *next;
	void *addr;
	uint32_t count;
	unsigned int order;
	uint32_t ended; /* refs[0..ended) have been taken back */
	struct xgt_notify notify;
	grant_ref_t refs[];
};

struct uk_gnttab_state {
	struct uk_grant_map *maps;
	uint32_t mapped;
};

struct uk_gntshr_state {
	struct uk_grant_share *shares;
};

/* Shares unshared while the peer still mapped a page (all handles). */
static struct uk_grant_share *held_back;

static void run_notify(void *page, const struct xgt_notify *n)
{
	if (n->offset != XGT_NO_NOTIFY_OFFSET)
		((volatile uint8_t *)page)[n->offset] = 0;
	if (n->port != XGT_NO_NOTIFY_PORT)
		evtchn_notify(n->port);
}

static int gnttab_ready(void)
{
	int rc = gnttab_init();

	if (rc) {
		errno = -rc;
		return -1;
	}
	return 0;
}

/* ---- xengnttab ---- */

int xengnttab_osdep_open(xengnttab_handle *xgt)
{
	struct uk_gnttab_state *s;

	if (gnttab_ready() || uk_gfn_window_init())
		return -1;
	s = calloc(1, sizeof(*s));
	if (!s) {
		errno = ENOMEM;
		return -1;
	}
	xgt->osdep = s;
	return 0;
}

static void unmap_range(unsigned long gfn, const grant_handle_t *handles, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		gnttab_unmap(gfn + i, handles[i]);
	uk_gfn_window_free(gfn, n);
}

static void map_release(struct uk_gnttab_state *s, struct uk_grant_map *m)
{
	run_notify(gfn_to_virt(m->gfn), &m->notify);
	unmap_range(m->gfn, m->handles, m->count);
	s->mapped -= m->count;
	free(m);
}

void xengnttab_osdep_close(xengnttab_handle *xgt)
{
	struct uk_gnttab_state *s = xgt->osdep;

	while (s->maps) {
		struct uk_grant_map *m = s->maps;

		s->maps = m->next;
		map_release(s, m);
	}
	free(s);
	xgt->osdep = NULL;
}

void *xengnttab_osdep_map(xengnttab_handle *xgt, uint32_t count, const uint32_t *domids,
			  const uint32_t *refs, int writable, const struct xgt_notify *notify)
{
	struct uk_gnttab_state *s = xgt->osdep;
	uint32_t limit = xgt->max_grants ? xgt->max_grants : UK_GNTTAB_DEFAULT_MAX;
	struct uk_grant_map *m;
	uint32_t i;

	if (count > limit - s->mapped) {
		errno = ENOMEM;
		return NULL;
	}
	m = calloc(1, sizeof(*m) + count * sizeof(m->handles[0]));
	if (!m) {
		errno = ENOMEM;
		return NULL;
	}
	m->gfn = uk_gfn_window_alloc(count);
	if (!m->gfn) {
		free(m);
		return NULL;
	}
	for (i = 0; i < count; i++) {
		long rc =
		    gnttab_map((domid_t)domids[i], refs[i], m->gfn + i, !writable, &m->handles[i]);

		if (rc) {
			/* A hypercall error or a GNTST_* status: undo what was mapped. */
			unmap_range(m->gfn, m->handles, i);
			uk_gfn_window_free(m->gfn + i, count - i);
			free(m);
			errno = rc == GNTST_no_device_space ? ENOMEM : EINVAL;
			return NULL;
		}
	}
	m->count = count;
	m->notify = *notify;
	m->next = s->maps;
	s->maps = m;
	s->mapped += count;
	return gfn_to_virt(m->gfn);
}

int xengnttab_osdep_unmap(xengnttab_handle *xgt, void *addr, uint32_t count)
{
	struct uk_gnttab_state *s = xgt->osdep;
	struct uk_grant_map **pm;

	for (pm = &s->maps; *pm; pm = &(*pm)->next) {
		struct uk_grant_map *m = *pm;

		if (gfn_to_virt(m->gfn) != addr)
			continue;
		if (m->count != count)
			break;
		*pm = m->next;
		map_release(s, m);
		return 0;
	}
	errno = EINVAL;
	return -1;
}

int xengnttab_osdep_set_max_grants(xengnttab_handle *xgt, uint32_t nr)
{
	struct uk_gnttab_state *s = xgt->osdep;

	(void)nr;	 /* the core records it; xengnttab_osdep_map enforces it */
	if (s->mapped) { /* as Linux's gntdev: only before the first mapping */
		errno = EBUSY;
		return -1;
	}
	return 0;
}

/* ---- xengntshr ---- */

int xengntshr_osdep_open(xengntshr_handle *xgs)
{
	struct uk_gntshr_state *s;

	if (gnttab_ready())
		return -1;
	s = calloc(1, sizeof(*s));
	if (!s) {
		errno = ENOMEM;
		return -1;
	}
	xgs->osdep = s;
	return 0;
}

/* Takes back the grants not yet ended; frees the pages when all are: 1, or 0 if some are busy. */
static int share_end(struct uk_grant_share *sh)
{
	while (sh->ended < sh->count) {
		if (gnttab_end_access(sh->refs[sh->ended]))
			return 0;
		sh->ended++;
	}
	page_free(sh->addr, sh->order);
	free(sh);
	return 1;
}

static void retry_held_back(void)
{
	struct uk_grant_share **p = &held_back;

	while (*p) {
		struct uk_grant_share *sh = *p;
		struct uk_grant_share *next = sh->next;

		if (share_end(sh))
			*p = next;
		else
			p = &sh->next;
	}
}

static void share_release(struct uk_grant_share *sh)
{
	run_notify(sh->addr, &sh->notify);
	if (!share_end(sh)) {
		sh->next = held_back;
		held_back = sh;
	}
}

void xengntshr_osdep_close(xengntshr_handle *xgs)
{
	struct uk_gntshr_state *s = xgs->osdep;

	while (s->shares) {
		struct uk_grant_share *sh = s->shares;

		s->shares = sh->next;
		share_release(sh);
	}
	free(s);
	xgs->osdep = NULL;
}

void *xengntshr_osdep_share(xengntshr_handle *xgs, uint32_t domid, uint32_t count, uint32_t *refs,
			    int writable, const struct xgt_notify *notify)
{
	struct uk_gntshr_state *s = xgs->osdep;
	struct uk_grant_share *sh;
	unsigned int order = 0;
	uint32_t i;

	retry_held_back();
	while ((1U << order) < count)
		order++;
	sh = calloc(1, sizeof(*sh) + count * sizeof(sh->refs[0]));
	if (!sh || !(sh->addr = page_alloc(order))) {
		free(sh);
		errno = ENOMEM;
		return NULL;
	}
	sh->order = order;
	for (i = 0; i < count; i++) {
		long ref = gnttab_grant_access(
		    (domid_t)domid, virt_to_gfn((uint8_t *)sh->addr + i * PAGE_SIZE), !writable);

		if (ref < 0) {
			/* Nobody knows these references yet: ending them cannot be busy. */
			sh->count = i;
			share_end(sh);
			errno = ENOSPC;
			return NULL;
		}
		sh->refs[i] = (grant_ref_t)ref;
	}
	for (i = 0; i < count; i++)
		refs[i] = sh->refs[i];
	sh->count = count;
	sh->notify = *notify;
	sh->next = s->shares;
	s->shares = sh;
	return sh->addr;
}

int xengntshr_osdep_unshare(xengntshr_handle *xgs, void *addr, uint32_t count)
{
	struct uk_gntshr_state *s = xgs->osdep;
	struct uk_grant_share **p;

	retry_held_back();
	for (p = &s->shares; *p; p = &(*p)->next) {
		struct uk_grant_share *sh = *p;

		if (sh->addr != addr)
			continue;
		if (sh->count != count)
			break;
		*p = sh->next;
		share_release(sh);
		return 0;
	}
	errno = EINVAL;
	return -1;
}
