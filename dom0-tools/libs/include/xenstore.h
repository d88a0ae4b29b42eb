/*
 * libxenstore, the subset Tessera provides (docs/abi.md, "Tool libraries"):
 * Xen 4.17's xenstore.h names, types and semantics, so tools written for
 * Xen's library build against this one. Calls returning bool are true on
 * success and false with errno set (the store's error name, e.g. ENOENT,
 * mapped back to the errno value); calls returning pointers give memory the
 * caller frees with one free() (vectors and their strings are one block),
 * or NULL with errno.
 *
 * Transport (xs_open): the store daemon's Unix socket (XENSTORED_PATH or
 * /var/run/xenstored/socket), else, unless XS_OPEN_SOCKETONLY, the xenbus
 * device (/dev/xen/xenbus) of a domain whose store runs elsewhere (e.g. in
 * a xenstore domain). The wire protocol is the same on both
 * (public/io/xs_wire.h).
 *
 * No threads and no locking: a handle is used by one thread at a time.
 * Watch events that arrive while a reply is awaited are queued;
 * xs_fileno() is the connection itself, so before sleeping on it call
 * xs_check_watch() until it returns NULL (Xen's library instead runs a
 * reader thread behind a pipe).
 */
#ifndef TESSERA_XENSTORE_H
#define TESSERA_XENSTORE_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/io/xs_wire.h>

#define XBT_NULL 0

#define XS_OPEN_READONLY (1UL << 0)   /* accepted; the daemon decides what is allowed */
#define XS_OPEN_SOCKETONLY (1UL << 1) /* never fall back to the xenbus device */
#define XS_UNWATCH_FILTER (1UL << 2)  /* accepted; queued events are always filtered */

struct xs_permissions {
	unsigned int id;
	unsigned int perms;
};
#define XS_PERM_NONE 0x00
#define XS_PERM_READ 0x01
#define XS_PERM_WRITE 0x02
#define XS_PERM_ENOENT_OK 0x04
#define XS_PERM_OWNER 0x08
#define XS_PERM_IGNORE 0x10

struct xs_handle;
typedef uint32_t xs_transaction_t;

struct xs_handle *xs_open(unsigned long flags);
void xs_close(struct xs_handle *xsh); /* NULL is fine */
/* Older names: socket only, device only, and close. */
struct xs_handle *xs_daemon_open(void);
struct xs_handle *xs_domain_open(void);
void xs_daemon_close(struct xs_handle *xsh);

/* Children of path; *num of them. */
char **xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *num);
/* The value (NUL-terminated for convenience; *len excludes the NUL). */
void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *len);
bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path, const void *data,
	      unsigned int len);
bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path);
/* Removes path and everything below it. */
bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path);

/* perms[0] is the owner (and the default for other domains). */
struct xs_permissions *xs_get_permissions(struct xs_handle *h, xs_transaction_t t, const char *path,
					  unsigned int *num);
bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t, const char *path,
			struct xs_permissions *perms, unsigned int num_perms);

/* Watches: an event for path (and anything below) fires once at once, then on each change. */
bool xs_watch(struct xs_handle *h, const char *path, const char *token);
bool xs_unwatch(struct xs_handle *h, const char *path, const char *token);
int xs_fileno(struct xs_handle *h);
/* The next event: vec[XS_WATCH_PATH], vec[XS_WATCH_TOKEN]. Blocks. */
char **xs_read_watch(struct xs_handle *h, unsigned int *num);
/* As xs_read_watch without blocking: NULL with errno EAGAIN when none is ready. */
char **xs_check_watch(struct xs_handle *h);

/* 0 (XBT_NULL) on failure. A failed commit is false with errno EAGAIN: redo the transaction. */
xs_transaction_t xs_transaction_start(struct xs_handle *h);
bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort);

/* Domains: tell the store about a domain's ring (gfn for auto-translated guests) and port. */
bool xs_introduce_domain(struct xs_handle *h, unsigned int domid, unsigned long mfn,
			 unsigned int eventchn);
bool xs_release_domain(struct xs_handle *h, unsigned int domid);
char *xs_get_domain_path(struct xs_handle *h, unsigned int domid);
bool xs_is_domain_introduced(struct xs_handle *h, unsigned int domid);

/* Path helpers. */
bool xs_path_is_subpath(const char *parent, const char *child);
const char *xs_daemon_socket(void);

#endif
