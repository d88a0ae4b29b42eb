/*
 * libxengnttab backend for a Linux domain: /dev/xen/gntdev maps other
 * domains' grants, /dev/xen/gntalloc shares our pages (Linux's
 * drivers/xen/gntdev.c and gntalloc.c; ioctl layouts from
 * include/uapi/xen/gntdev.h and gntalloc.h, declared here by their facts).
 * Both work in two steps: an ioctl reserves an offset in the device, mmap of
 * that offset maps the pages. A share's grant is released right after the
 * mmap, so munmap alone frees it (once the peer has unmapped too).
 * Compiled on the host; runs only in a Linux domain. No locking: one thread
 * per handle.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "private.h"

struct gntdev_grant_ref {
	uint32_t domid;
	uint32_t ref;
};
struct gntdev_map_grant_ref {
	uint32_t count;
	uint32_t pad;
	uint64_t index;
	struct gntdev_grant_ref refs[1]; /* count of them */
};
struct gntdev_unmap_grant_ref {
	uint64_t index;
	uint32_t count;
	uint32_t pad;
};
struct gntdev_get_offset_for_vaddr {
	uint64_t vaddr;
	uint64_t offset;
	uint32_t count;
	uint32_t pad;
};
struct gntdev_set_max_grants {
	uint32_t count;
};
/* Same layout for gntdev and gntalloc. */
struct gnt_unmap_notify {
	uint64_t index;
	uint32_t action;
	uint32_t event_channel_port;
};
struct gntalloc_alloc_gref {
	uint16_t domid;
	uint16_t flags;
	uint32_t count;
	uint64_t index;
	uint32_t gref_ids[1]; /* count of them */
};
struct gntalloc_dealloc_gref {
	uint64_t index;
	uint32_t count;
};

#define GNTDEV_MAP_GRANT_REF _IOC(_IOC_NONE, 'G', 0, sizeof(struct gntdev_map_grant_ref))
#define GNTDEV_UNMAP_GRANT_REF _IOC(_IOC_NONE, 'G', 1, sizeof(struct gntdev_unmap_grant_ref))
#define GNTDEV_GET_OFFSET_FOR_VADDR                                                                \
	_IOC(_IOC_NONE, 'G', 2, sizeof(struct gntdev_get_offset_for_vaddr))
#define GNTDEV_SET_MAX_GRANTS _IOC(_IOC_NONE, 'G', 3, sizeof(struct gntdev_set_max_grants))
#define GNTALLOC_ALLOC_GREF _IOC(_IOC_NONE, 'G', 5, sizeof(struct gntalloc_alloc_gref))
#define GNTALLOC_DEALLOC_GREF _IOC(_IOC_NONE, 'G', 6, sizeof(struct gntalloc_dealloc_gref))
#define GNT_SET_UNMAP_NOTIFY _IOC(_IOC_NONE, 'G', 7, sizeof(struct gnt_unmap_notify))
#define GNTALLOC_FLAG_WRITABLE 1
#define UNMAP_NOTIFY_CLEAR_BYTE 0x1
#define UNMAP_NOTIFY_SEND_EVENT 0x2

static int open_dev(struct xengntdev_handle *h, const char *path)
{
	h->fd = open(path, O_RDWR | O_CLOEXEC);
	return h->fd < 0 ? -1 : 0;
}

static void close_dev(struct xengntdev_handle *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
}

/* Arms the notification of the mapping at index: 0 or -1 with errno. */
static int set_notify(int fd, uint64_t index, const struct xgt_notify *n)
{
	struct gnt_unmap_notify un = {.index = index};

	if (n->offset != XGT_NO_NOTIFY_OFFSET) {
		un.index += n->offset;
		un.action |= UNMAP_NOTIFY_CLEAR_BYTE;
	}
	if (n->port != XGT_NO_NOTIFY_PORT) {
		un.event_channel_port = n->port;
		un.action |= UNMAP_NOTIFY_SEND_EVENT;
	}
	if (!un.action)
		return 0;
	return ioctl(fd, GNT_SET_UNMAP_NOTIFY, &un) ? -1 : 0;
}

int xengnttab_osdep_open(xengnttab_handle *xgt)
{
	return open_dev(xgt, "/dev/xen/gntdev");
}

void xengnttab_osdep_close(xengnttab_handle *xgt)
{
	close_dev(xgt); /* mappings still mmapped stay until munmap, as Xen's */
}

void *xengnttab_osdep_map(xengnttab_handle *xgt, uint32_t count, const uint32_t *domids,
			  const uint32_t *refs, int writable, const struct xgt_notify *notify)
{
	size_t size =
	    sizeof(struct gntdev_map_grant_ref) + (count - 1) * sizeof(struct gntdev_grant_ref);
	struct gntdev_map_grant_ref *m = calloc(1, size);
	struct gntdev_unmap_grant_ref um;
	void *addr = MAP_FAILED;
	int saved;

	if (!m) {
		errno = ENOMEM;
		return NULL;
	}
	m->count = count;
	for (uint32_t i = 0; i < count; i++) {
		m->refs[i].domid = domids[i];
		m->refs[i].ref = refs[i];
	}
	if (ioctl(xgt->fd, GNTDEV_MAP_GRANT_REF, m))
		goto fail;
	addr = mmap(NULL, count * XGT_PAGE_SIZE, PROT_READ | (writable ? PROT_WRITE : 0),
		    MAP_SHARED, xgt->fd, (off_t)m->index);
	if (addr == MAP_FAILED)
		goto fail_release;
	if (set_notify(xgt->fd, m->index, notify))
		goto fail_release;
	free(m);
	return addr;

fail_release:
	saved = errno;
	if (addr != MAP_FAILED)
		munmap(addr, count * XGT_PAGE_SIZE);
	um = (struct gntdev_unmap_grant_ref){.index = m->index, .count = count};
	ioctl(xgt->fd, GNTDEV_UNMAP_GRANT_REF, &um);
	errno = saved;
fail:
	saved = errno;
	free(m);
	errno = saved;
	return NULL;
}

int xengnttab_osdep_unmap(xengnttab_handle *xgt, void *addr, uint32_t count)
{
	struct gntdev_get_offset_for_vaddr q = {.vaddr = (uintptr_t)addr};
	struct gntdev_unmap_grant_ref um;

	if (ioctl(xgt->fd, GNTDEV_GET_OFFSET_FOR_VADDR, &q))
		return -1;
	if (q.count != count) {
		errno = EINVAL;
		return -1;
	}
	if (munmap(addr, count * XGT_PAGE_SIZE))
		return -1;
	um = (struct gntdev_unmap_grant_ref){.index = q.offset, .count = count};
	return ioctl(xgt->fd, GNTDEV_UNMAP_GRANT_REF, &um) ? -1 : 0;
}

int xengnttab_osdep_set_max_grants(xengnttab_handle *xgt, uint32_t nr)
{
	struct gntdev_set_max_grants s = {.count = nr};

	return ioctl(xgt->fd, GNTDEV_SET_MAX_GRANTS, &s) ? -1 : 0;
}

int xengntshr_osdep_open(xengntshr_handle *xgs)
{
	return open_dev(xgs, "/dev/xen/gntalloc");
}

void xengntshr_osdep_close(xengntshr_handle *xgs)
{
	close_dev(xgs);
}

void *xengntshr_osdep_share(xengntshr_handle *xgs, uint32_t domid, uint32_t count, uint32_t *refs,
			    int writable, const struct xgt_notify *notify)
{
	size_t size = sizeof(struct gntalloc_alloc_gref) + (count - 1) * sizeof(uint32_t);
	struct gntalloc_alloc_gref *a = calloc(1, size);
	struct gntalloc_dealloc_gref d;
	void *addr = NULL;
	int saved;

	if (!a) {
		errno = ENOMEM;
		return NULL;
	}
	a->domid = (uint16_t)domid;
	a->flags = writable ? GNTALLOC_FLAG_WRITABLE : 0;
	a->count = count;
	if (ioctl(xgs->fd, GNTALLOC_ALLOC_GREF, a))
		goto out;
	addr = mmap(NULL, count * XGT_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, xgs->fd,
		    (off_t)a->index);
	if (addr == MAP_FAILED) {
		addr = NULL;
	} else if (set_notify(xgs->fd, a->index, notify)) {
		saved = errno;
		munmap(addr, count * XGT_PAGE_SIZE);
		errno = saved;
		addr = NULL;
	} else {
		for (uint32_t i = 0; i < count; i++)
			refs[i] = a->gref_ids[i];
	}
	/* Release the reservation: the pages live on while mmapped (or mapped by the peer). */
	saved = errno;
	d = (struct gntalloc_dealloc_gref){.index = a->index, .count = count};
	ioctl(xgs->fd, GNTALLOC_DEALLOC_GREF, &d);
	errno = saved;
out:
	saved = errno;
	free(a);
	errno = saved;
	return addr;
}

int xengntshr_osdep_unshare(xengntshr_handle *xgs, void *addr, uint32_t count)
{
	(void)xgs;
	return munmap(addr, count * XGT_PAGE_SIZE);
}
