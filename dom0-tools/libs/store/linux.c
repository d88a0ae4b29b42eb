/*
 * libxenstore, Linux backend: a Unix socket to the store daemon
 * (XENSTORED_PATH, else Xen's /var/run/xenstored/socket) or, unless
 * XS_OPEN_SOCKETONLY, the kernel's xenbus device (/dev/xen/xenbus, older
 * kernels /proc/xen/xenbus), which carries the same messages to a store in
 * another domain. As Xen's xs_open: socket first, then the device.
 * No locking: one thread per handle.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "private.h"

#define XS_DEFAULT_SOCKET "/var/run/xenstored/socket"

const char *xs_daemon_socket(void)
{
	const char *p = getenv("XENSTORED_PATH");

	return p && *p ? p : XS_DEFAULT_SOCKET;
}

static int xs_connect_socket(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* A path that is a socket is connected to; anything else (the device) opened. */
static int xs_open_path(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	if (S_ISSOCK(st.st_mode))
		return xs_connect_socket(path);
	return open(path, O_RDWR | O_CLOEXEC);
}

int xs_osdep_open(struct xs_handle *h, unsigned long flags)
{
	static const char *const devices[] = {"/dev/xen/xenbus", "/proc/xen/xenbus"};
	unsigned int i;

	h->fd = xs_open_path(xs_daemon_socket());
	if (h->fd >= 0 || (flags & XS_OPEN_SOCKETONLY))
		return h->fd < 0 ? -1 : 0;
	for (i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
		h->fd = open(devices[i], O_RDWR | O_CLOEXEC);
		if (h->fd >= 0)
			return 0;
	}
	return -1;
}

void xs_osdep_close(struct xs_handle *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
}

int xs_osdep_write(struct xs_handle *h, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(h->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

long xs_osdep_read(struct xs_handle *h, void *buf, size_t len)
{
	for (;;) {
		ssize_t n = read(h->fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			errno = EIO; /* the daemon went away */
		return n > 0 ? (long)n : -1;
	}
}

int xs_osdep_ready(struct xs_handle *h)
{
	struct pollfd p = {.fd = h->fd, .events = POLLIN};
	int n;

	do
		n = poll(&p, 1, 0);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : n > 0;
}
