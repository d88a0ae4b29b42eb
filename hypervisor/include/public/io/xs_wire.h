/*
 * Tessera public ABI: the xenstore wire protocol.
 *
 * A message is a struct xsd_sockmsg header followed by len payload bytes
 * (NUL-separated strings).  Between a domain and xenstored the bytes travel
 * through the two 1 KiB byte rings of struct xenstore_domain_interface;
 * locally they travel over a socket.  Errors come back as XS_ERROR with the
 * errno *name* (e.g. "ENOENT") as payload.  Follows Xen 4.17 (make test-abi).
 */
#ifndef TESSERA_PUBLIC_IO_XS_WIRE_H
#define TESSERA_PUBLIC_IO_XS_WIRE_H

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

/* Message types; the numbering is the protocol (XS_SET_TARGET = 19; 20 is unused). */
enum xsd_sockmsg_type {
	XS_CONTROL,
	XS_DIRECTORY,
	XS_READ,
	XS_GET_PERMS,
	XS_WATCH,
	XS_UNWATCH,
	XS_TRANSACTION_START,
	XS_TRANSACTION_END,
	XS_INTRODUCE,
	XS_RELEASE,
	XS_GET_DOMAIN_PATH,
	XS_WRITE,
	XS_MKDIR,
	XS_RM,
	XS_SET_PERMS,
	XS_WATCH_EVENT,
	XS_ERROR,
	XS_IS_DOMAIN_INTRODUCED,
	XS_RESUME,
	XS_SET_TARGET,
	XS_RESET_WATCHES = XS_SET_TARGET + 2, /* 21: 20 was a removed command */
	XS_DIRECTORY_PART,
	XS_TYPE_COUNT, /* number of types; not a command */
	XS_INVALID = 0xffff
};
#define XS_DEBUG XS_CONTROL /* old name */

/* Legacy XS_WRITE mode strings. */
#define XS_WRITE_NONE "NONE"
#define XS_WRITE_CREATE "CREATE"
#define XS_WRITE_CREATE_EXCL "CREATE|EXCL"

/* Error numbers xenstored may return, with the name sent on the wire. */
struct xsd_errors {
	int errnum;
	const char *errstring;
};
#ifdef EINVAL
/* Only when the includer has an errno.h; the order is fixed (EINVAL first). */
#define XSD_ERROR(x)                                                                               \
	{                                                                                          \
		x, #x                                                                              \
	}
static const struct xsd_errors xsd_errors[]
#ifdef __GNUC__
    __attribute__((unused))
#endif
    = {
	XSD_ERROR(EINVAL),    XSD_ERROR(EACCES),  XSD_ERROR(EEXIST), XSD_ERROR(EISDIR),
	XSD_ERROR(ENOENT),    XSD_ERROR(ENOMEM),  XSD_ERROR(ENOSPC), XSD_ERROR(EIO),
	XSD_ERROR(ENOTEMPTY), XSD_ERROR(ENOSYS),  XSD_ERROR(EROFS),  XSD_ERROR(EBUSY),
	XSD_ERROR(EAGAIN),    XSD_ERROR(EISCONN), XSD_ERROR(E2BIG),  XSD_ERROR(EPERM),
};
#endif

/* Header of every message, host byte order. */
struct xsd_sockmsg {
	uint32_t type;	 /* enum xsd_sockmsg_type */
	uint32_t req_id; /* echoed in the reply */
	uint32_t tx_id;	 /* transaction, 0 = none */
	uint32_t len;	 /* payload bytes that follow */
};

/* Field order of an XS_WATCH_EVENT payload. */
enum xs_watch_type { XS_WATCH_PATH = 0, XS_WATCH_TOKEN };

/* The shared page between a domain and xenstored. */
#define XENSTORE_RING_SIZE 1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))
struct xenstore_domain_interface {
	char req[XENSTORE_RING_SIZE]; /* domain -> xenstored */
	char rsp[XENSTORE_RING_SIZE]; /* xenstored -> domain */
	XENSTORE_RING_IDX req_cons;
	XENSTORE_RING_IDX req_prod;
	XENSTORE_RING_IDX rsp_cons;
	XENSTORE_RING_IDX rsp_prod;
	uint32_t server_features; /* XENSTORE_SERVER_FEATURE_*, set by xenstored */
	uint32_t connection;	  /* XENSTORE_CONNECTED / XENSTORE_RECONNECT */
	uint32_t error;		  /* XENSTORE_ERROR_* */
};

/* Size limits. */
#define XENSTORE_PAYLOAD_MAX 4096
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

#define XENSTORE_SERVER_FEATURE_RECONNECTION 1
#define XENSTORE_SERVER_FEATURE_ERROR 2

#define XENSTORE_CONNECTED 0
#define XENSTORE_RECONNECT 1 /* the guest asks xenstored to reset the ring */

#define XENSTORE_ERROR_NONE 0
#define XENSTORE_ERROR_COMM 1
#define XENSTORE_ERROR_RINGIDX 2
#define XENSTORE_ERROR_PROTO 3

#endif /* TESSERA_PUBLIC_IO_XS_WIRE_H */
