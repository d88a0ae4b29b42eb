/*
 * libxenstore core: framing of requests and replies (public/io/xs_wire.h)
 * over the backend's byte stream, the watch event queue, and the xs_*
 * calls of xenstore.h. Every request waits for its reply; XS_WATCH_EVENT
 * messages read meanwhile are queued for xs_read_watch/xs_check_watch.
 * An XS_ERROR reply carries an errno name, turned back into errno here.
 * No locking: one thread per handle.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include "private.h"

struct xs_handle *xs_open(unsigned long flags)
{
	struct xs_handle *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->fd = -1;
	h->events_tail = &h->events;
	if (xs_osdep_open(h, flags)) {
		int e = errno;

		free(h);
		errno = e;
		return NULL;
	}
	return h;
}

void xs_close(struct xs_handle *h)
{
	struct xs_event *ev, *next;

	if (!h)
		return;
	for (ev = h->events; ev; ev = next) {
		next = ev->next;
		free(ev->vec);
		free(ev);
	}
	xs_osdep_close(h);
	free(h);
}

struct xs_handle *xs_daemon_open(void)
{
	return xs_open(XS_OPEN_SOCKETONLY);
}

struct xs_handle *xs_domain_open(void)
{
	return xs_open(0);
}

void xs_daemon_close(struct xs_handle *h)
{
	xs_close(h);
}

static int xs_read_all(struct xs_handle *h, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		long n = xs_osdep_read(h, p, len);

		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The errno an XS_ERROR payload names; EINVAL for a name we do not know (as Xen). */
static int xs_errno_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (!strcmp(name, xsd_errors[i].errstring))
			return xsd_errors[i].errnum;
	return EINVAL;
}

/*
 * Split len bytes of NUL-separated strings into one block: the pointer
 * vector, then the strings. *num is the count.
 */
static char **xs_split(const char *buf, unsigned int len, unsigned int *num)
{
	unsigned int i, n = 0;
	char **vec, *strs;

	for (i = 0; i < len; i++)
		n += buf[i] == '\0';
	if (len && buf[len - 1] != '\0')
		n++; /* an unterminated last string */
	vec = malloc(sizeof(char *) * (n + 1) + len + 1);
	if (!vec)
		return NULL;
	strs = (char *)(vec + n + 1);
	memcpy(strs, buf, len);
	strs[len] = '\0';
	for (i = 0; i < n; i++) {
		vec[i] = strs;
		strs += strlen(strs) + 1;
	}
	vec[n] = NULL;
	*num = n;
	return vec;
}

/* Read one whole message; the payload is malloc'd with a NUL after it. */
static char *xs_read_msg(struct xs_handle *h, struct xsd_sockmsg *hdr)
{
	char *body;

	if (xs_read_all(h, hdr, sizeof(*hdr)))
		return NULL;
	if (hdr->len > XENSTORE_PAYLOAD_MAX) {
		errno = EIO; /* the stream is out of step; nothing sensible follows */
		return NULL;
	}
	body = malloc(hdr->len + 1);
	if (!body)
		return NULL;
	if (xs_read_all(h, body, hdr->len)) {
		free(body);
		return NULL;
	}
	body[hdr->len] = '\0';
	return body;
}

static int xs_queue_event(struct xs_handle *h, const char *body, unsigned int len)
{
	struct xs_event *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return -1;
	ev->vec = xs_split(body, len, &ev->num);
	if (!ev->vec || ev->num < 2) {
		int ret = ev->vec ? 0 : -1; /* a malformed event is dropped */

		free(ev->vec);
		free(ev);
		return ret;
	}
	*h->events_tail = ev;
	h->events_tail = &ev->next;
	return 0;
}

/*
 * Send a request of type in transaction t with the given payload pieces;
 * the reply's payload (malloc'd, NUL after it; *len its length) or NULL with errno.
 */
static char *xs_talkv(struct xs_handle *h, xs_transaction_t t, enum xsd_sockmsg_type type,
		      const struct iovec *iov, unsigned int nr, unsigned int *len)
{
	struct xsd_sockmsg hdr = {.type = type, .tx_id = t};
	struct xsd_sockmsg rhdr;
	char *msg, *body;
	unsigned int i;
	size_t off;

	if (!h) {
		errno = EINVAL;
		return NULL;
	}
	for (i = 0; i < nr; i++)
		hdr.len += (uint32_t)iov[i].iov_len;
	if (hdr.len > XENSTORE_PAYLOAD_MAX) {
		errno = E2BIG;
		return NULL;
	}
	hdr.req_id = h->next_req_id++;
	msg = malloc(sizeof(hdr) + hdr.len);
	if (!msg)
		return NULL;
	memcpy(msg, &hdr, sizeof(hdr));
	for (i = 0, off = sizeof(hdr); i < nr; off += iov[i].iov_len, i++)
		memcpy(msg + off, iov[i].iov_base, iov[i].iov_len);
	i = (unsigned int)xs_osdep_write(h, msg, off);
	free(msg);
	if (i)
		return NULL;
	for (;;) {
		body = xs_read_msg(h, &rhdr);
		if (!body)
			return NULL;
		if (rhdr.type != XS_WATCH_EVENT)
			break;
		if (xs_queue_event(h, body, rhdr.len)) {
			free(body);
			return NULL;
		}
		free(body);
	}
	if (rhdr.type == XS_ERROR) {
		errno = xs_errno_of(body);
		free(body);
		return NULL;
	}
	if (rhdr.type != (uint32_t)type) {
		free(body);
		errno = EBADMSG;
		return NULL;
	}
	if (len)
		*len = rhdr.len;
	return body;
}

/* One string argument, NUL included. */
static char *xs_single(struct xs_handle *h, xs_transaction_t t, enum xsd_sockmsg_type type,
		       const char *s, unsigned int *len)
{
	struct iovec iov = {(void *)s, strlen(s) + 1};

	return xs_talkv(h, t, type, &iov, 1, len);
}

static bool xs_bool(char *reply)
{
	free(reply);
	return reply != NULL;
}

char **xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *num)
{
	unsigned int len, n;
	char *body = xs_single(h, t, XS_DIRECTORY, path, &len);
	char **vec;

	if (!body)
		return NULL;
	vec = xs_split(body, len, &n);
	free(body);
	if (vec && num)
		*num = n;
	return vec;
}

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *len)
{
	return xs_single(h, t, XS_READ, path, len);
}

bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path, const void *data,
	      unsigned int len)
{
	struct iovec iov[2] = {{(void *)path, strlen(path) + 1}, {(void *)data, len}};

	return xs_bool(xs_talkv(h, t, XS_WRITE, iov, 2, NULL));
}

bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path)
{
	return xs_bool(xs_single(h, t, XS_MKDIR, path, NULL));
}

bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
	return xs_bool(xs_single(h, t, XS_RM, path, NULL));
}

/* "r5" style: the access letter then the domain id, as on the wire. */
static bool xs_perm_parse(const char *s, struct xs_permissions *p)
{
	char *end;

	switch (s[0]) {
	case 'n':
		p->perms = XS_PERM_NONE;
		break;
	case 'r':
		p->perms = XS_PERM_READ;
		break;
	case 'w':
		p->perms = XS_PERM_WRITE;
		break;
	case 'b':
		p->perms = XS_PERM_READ | XS_PERM_WRITE;
		break;
	default:
		return false;
	}
	errno = 0;
	p->id = (unsigned int)strtoul(s + 1, &end, 10);
	return !errno && end != s + 1 && !*end;
}

struct xs_permissions *xs_get_permissions(struct xs_handle *h, xs_transaction_t t, const char *path,
					  unsigned int *num)
{
	unsigned int len, n, i;
	char *body = xs_single(h, t, XS_GET_PERMS, path, &len);
	struct xs_permissions *perms = NULL;
	char **vec;

	if (!body)
		return NULL;
	vec = xs_split(body, len, &n);
	free(body);
	if (!vec)
		return NULL;
	perms = n ? calloc(n, sizeof(*perms)) : NULL;
	for (i = 0; perms && i < n; i++) {
		if (!xs_perm_parse(vec[i], &perms[i])) {
			free(perms);
			perms = NULL;
			errno = EINVAL;
		}
	}
	if (!n)
		errno = EINVAL;
	free(vec);
	if (perms && num)
		*num = n;
	return perms;
}

bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t, const char *path,
			struct xs_permissions *perms, unsigned int num_perms)
{
	struct iovec *iov;
	char(*txt)[16];
	unsigned int i;
	bool ok = false;

	if (!num_perms) {
		errno = EINVAL;
		return false;
	}
	iov = calloc(num_perms + 1, sizeof(*iov));
	txt = calloc(num_perms, sizeof(*txt));
	if (!iov || !txt)
		goto out;
	iov[0].iov_base = (void *)path;
	iov[0].iov_len = strlen(path) + 1;
	for (i = 0; i < num_perms; i++) {
		unsigned int rw = perms[i].perms & (XS_PERM_READ | XS_PERM_WRITE);
		char c = rw == (XS_PERM_READ | XS_PERM_WRITE) ? 'b'
			 : rw == XS_PERM_WRITE		      ? 'w'
			 : rw == XS_PERM_READ		      ? 'r'
							      : 'n';

		if (perms[i].perms & ~(XS_PERM_READ | XS_PERM_WRITE)) {
			errno = EINVAL;
			goto out;
		}
		snprintf(txt[i], sizeof(txt[i]), "%c%u", c, perms[i].id);
		iov[i + 1].iov_base = txt[i];
		iov[i + 1].iov_len = strlen(txt[i]) + 1;
	}
	ok = xs_bool(xs_talkv(h, t, XS_SET_PERMS, iov, num_perms + 1, NULL));
out:
	free(iov);
	free(txt);
	return ok;
}

bool xs_watch(struct xs_handle *h, const char *path, const char *token)
{
	struct iovec iov[2] = {{(void *)path, strlen(path) + 1},
			       {(void *)token, strlen(token) + 1}};

	return xs_bool(xs_talkv(h, XBT_NULL, XS_WATCH, iov, 2, NULL));
}

/* Drop queued events of this watch, so none is seen after xs_unwatch returns. */
static void xs_drop_events(struct xs_handle *h, const char *path, const char *token)
{
	struct xs_event **pp = &h->events, *ev;
	size_t plen = strlen(path);

	h->events_tail = &h->events;
	while ((ev = *pp)) {
		const char *p = ev->vec[XS_WATCH_PATH];

		if (!strcmp(ev->vec[XS_WATCH_TOKEN], token) && !strncmp(p, path, plen) &&
		    (p[plen] == '\0' || p[plen] == '/')) {
			*pp = ev->next;
			free(ev->vec);
			free(ev);
			continue;
		}
		pp = &ev->next;
		h->events_tail = pp;
	}
}

bool xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
	struct iovec iov[2] = {{(void *)path, strlen(path) + 1},
			       {(void *)token, strlen(token) + 1}};
	bool ok = xs_bool(xs_talkv(h, XBT_NULL, XS_UNWATCH, iov, 2, NULL));

	if (ok)
		xs_drop_events(h, path, token);
	return ok;
}

int xs_fileno(struct xs_handle *h)
{
	return h ? h->fd : -1;
}

static char **xs_pop_event(struct xs_handle *h, unsigned int *num)
{
	struct xs_event *ev = h->events;
	char **vec;

	h->events = ev->next;
	if (!h->events)
		h->events_tail = &h->events;
	vec = ev->vec;
	if (num)
		*num = ev->num;
	free(ev);
	return vec;
}

/* Read one message; an event is queued, a stray reply dropped. */
static int xs_read_one(struct xs_handle *h)
{
	struct xsd_sockmsg hdr;
	char *body = xs_read_msg(h, &hdr);
	int r = 0;

	if (!body)
		return -1;
	if (hdr.type == XS_WATCH_EVENT)
		r = xs_queue_event(h, body, hdr.len);
	free(body);
	return r;
}

static int xs_wait_event(struct xs_handle *h)
{
	while (!h->events)
		if (xs_read_one(h))
			return -1;
	return 0;
}

char **xs_read_watch(struct xs_handle *h, unsigned int *num)
{
	if (!h) {
		errno = EINVAL;
		return NULL;
	}
	if (xs_wait_event(h))
		return NULL;
	return xs_pop_event(h, num);
}

char **xs_check_watch(struct xs_handle *h)
{
	int r;

	if (!h) {
		errno = EINVAL;
		return NULL;
	}
	while (!h->events) {
		r = xs_osdep_ready(h);
		if (r <= 0) {
			if (!r)
				errno = EAGAIN;
			return NULL;
		}
		if (xs_read_one(h))
			return NULL;
	}
	return xs_pop_event(h, NULL);
}

xs_transaction_t xs_transaction_start(struct xs_handle *h)
{
	char *body = xs_single(h, XBT_NULL, XS_TRANSACTION_START, "", NULL);
	unsigned long id;
	char *end;

	if (!body)
		return XBT_NULL;
	errno = 0;
	id = strtoul(body, &end, 10);
	if (errno || end == body || id == 0 || id > UINT32_MAX) {
		free(body);
		errno = EBADMSG;
		return XBT_NULL;
	}
	free(body);
	return (xs_transaction_t)id;
}

bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort)
{
	return xs_bool(xs_single(h, t, XS_TRANSACTION_END, abort ? "F" : "T", NULL));
}

/* Numbers as the protocol's decimal strings, NUL-separated. */
static char *xs_talk_numbers(struct xs_handle *h, enum xsd_sockmsg_type type,
			     const unsigned long *nums, unsigned int nr, unsigned int *len)
{
	char txt[3][24];
	struct iovec iov[3];
	unsigned int i;

	for (i = 0; i < nr && i < 3; i++) {
		snprintf(txt[i], sizeof(txt[i]), "%lu", nums[i]);
		iov[i].iov_base = txt[i];
		iov[i].iov_len = strlen(txt[i]) + 1;
	}
	return xs_talkv(h, XBT_NULL, type, iov, i, len);
}

bool xs_introduce_domain(struct xs_handle *h, unsigned int domid, unsigned long mfn,
			 unsigned int eventchn)
{
	unsigned long nums[3] = {domid, mfn, eventchn};

	return xs_bool(xs_talk_numbers(h, XS_INTRODUCE, nums, 3, NULL));
}

bool xs_release_domain(struct xs_handle *h, unsigned int domid)
{
	unsigned long n = domid;

	return xs_bool(xs_talk_numbers(h, XS_RELEASE, &n, 1, NULL));
}

char *xs_get_domain_path(struct xs_handle *h, unsigned int domid)
{
	unsigned long n = domid;

	return xs_talk_numbers(h, XS_GET_DOMAIN_PATH, &n, 1, NULL);
}

bool xs_is_domain_introduced(struct xs_handle *h, unsigned int domid)
{
	unsigned long n = domid;
	char *body = xs_talk_numbers(h, XS_IS_DOMAIN_INTRODUCED, &n, 1, NULL);
	bool yes = body && !strcmp(body, "T");

	free(body);
	return yes;
}

bool xs_path_is_subpath(const char *parent, const char *child)
{
	size_t n = strlen(parent);

	if (n && parent[n - 1] == '/')
		n--;
	return !strncmp(parent, child, n) && (child[n] == '\0' || child[n] == '/');
}
