/*
 * libvchan internals: the ring geometry of the wire format (as Xen's
 * libxenvchan: rings of order 10 and 11 sit in the shared page at offsets
 * 1024 and 2048, larger ones in their own granted pages, at most order 20)
 * and the store access the set-up needs, one backend per environment
 * (xs_linux.c, xs_uk.c). No locking: one thread per vchan.
 */
#ifndef VCHAN_PRIVATE_H
#define VCHAN_PRIVATE_H

#include <libxenvchan.h>

#define VCHAN_PAGE_SHIFT 12
#define VCHAN_PAGE_SIZE (1U << VCHAN_PAGE_SHIFT)
#define VCHAN_SMALL_ORDER 10 /* in the page at VCHAN_SMALL_OFFSET */
#define VCHAN_LARGE_ORDER 11 /* in the page at VCHAN_LARGE_OFFSET */
#define VCHAN_SMALL_OFFSET 1024
#define VCHAN_LARGE_OFFSET 2048
#define VCHAN_MAX_ORDER 20

/* Own domain id (the store's "domid" key), or -1 with errno. */
/* xs_parse.c: a store value as a strict decimal u32; 0, or -1 with errno EINVAL. */
int vchan_xs_parse_u32(const char *s, uint32_t *out);
int vchan_xs_own_domid(void);
/*
 * Writes <base>/ring-ref and <base>/event-channel in one transaction, owned by
 * us and readable by peer only (retried on EAGAIN): 0, or -1 with errno.
 */
int vchan_xs_publish(const char *base, int self, int peer, uint32_t ring_ref, uint32_t port);
/* Reads both keys (decimal): 0, or -1 with errno (ENOENT until the server published). */
int vchan_xs_lookup(const char *base, uint32_t *ring_ref, uint32_t *port);
/* Removes base and below (best effort). */
void vchan_xs_remove(const char *base);

#endif
