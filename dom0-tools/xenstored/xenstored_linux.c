/*
 * xenstored for Linux: the core (xs_core.h) behind a Unix socket, one epoll
 * loop.  Socket clients are tools: privileged, domain 0, as Xen's xenstored
 * treats its socket.  Domain rings (XS_INTRODUCE) are not served by this
 * build yet: the store only records introduced domains.
 *
 *   xenstored [--socket PATH] [--pid-file PATH] [--quota NAME=N[,NAME=N...]]...
 *   default socket: /var/run/xenstored/socket (Xen's; libxenstore's XENSTORED_PATH
 *   overrides it on the client side)
 *
 * Flow control: bytes the core does not take (a client with too many unread
 * replies) stay in the client's input buffer and its EPOLLIN interest is
 * dropped until it reads; output the socket does not take waits in the
 * client's output buffer with EPOLLOUT.  No client can block another.
 * SIGINT/SIGTERM end the loop and free everything.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "xs_core.h"

#define XSD_DEFAULT_SOCKET "/var/run/xenstored/socket"
#define XSD_BUF 65536

struct client {
	struct client *next;
	int fd;
	struct xs_conn *c;
	uint32_t events; /* current epoll interest */
	bool closing;
	size_t in_len, out_len, out_off;
	uint8_t in[XSD_BUF];
	uint8_t out[XSD_BUF];
};

static volatile sig_atomic_t xsd_stop;
static struct client *clients;

static void *xsd_alloc(void *ctx, size_t n)
{
	return malloc(n);
}

static void xsd_free(void *ctx, void *p)
{
	free(p);
}

static void xsd_drop(void *ctx, struct xs_conn *c)
{
	struct client *cl = xs_conn_opaque(c);

	if (cl)
		cl->closing = true;
}

static void xsd_warn(void *ctx, struct xs_conn *c, const char *what)
{
	struct client *cl = xs_conn_opaque(c);

	fprintf(stderr, "xenstored: client fd %d: %s\n", cl ? cl->fd : -1, what);
}

static void on_signal(int sig)
{
	xsd_stop = 1;
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char dir[sizeof(sa.sun_path)];
	char *slash;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "xenstored: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 64)) {
		fprintf(stderr, "xenstored: cannot listen on %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	chmod(path, 0600);
	return fd;
}

static void client_close(int ep, struct client *cl)
{
	struct client **pp;

	epoll_ctl(ep, EPOLL_CTL_DEL, cl->fd, NULL);
	close(cl->fd);
	xs_conn_destroy(cl->c);
	for (pp = &clients; *pp != cl; pp = &(*pp)->next)
		;
	*pp = cl->next;
	free(cl);
}

/* Feeds buffered input, moves output to the socket; returns false when the client must go. */
static bool client_pump(struct client *cl)
{
	size_t n;

	if (cl->in_len && !xs_conn_dead(cl->c)) {
		n = xs_conn_input(cl->c, cl->in, cl->in_len);
		memmove(cl->in, cl->in + n, cl->in_len - n);
		cl->in_len -= n;
	}
	for (;;) {
		ssize_t w;

		if (cl->out_off == cl->out_len) {
			cl->out_off = cl->out_len = 0;
			if (xs_conn_dead(cl->c))
				break;
			cl->out_len = xs_conn_output(cl->c, cl->out, sizeof(cl->out));
			if (!cl->out_len)
				break;
			/* Reading replies may let the core take more input. */
			if (cl->in_len) {
				n = xs_conn_input(cl->c, cl->in, cl->in_len);
				memmove(cl->in, cl->in + n, cl->in_len - n);
				cl->in_len -= n;
			}
		}
		w = send(cl->fd, cl->out + cl->out_off, cl->out_len - cl->out_off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			return false;
		}
		cl->out_off += (size_t)w;
	}
	return !cl->closing && !xs_conn_dead(cl->c);
}

static void client_interest(int ep, struct client *cl)
{
	uint32_t ev = 0;
	struct epoll_event e;

	if (cl->in_len < sizeof(cl->in) && xs_conn_wants_input(cl->c))
		ev |= EPOLLIN;
	if (cl->out_off < cl->out_len || xs_conn_output_pending(cl->c))
		ev |= EPOLLOUT;
	if (ev == cl->events)
		return;
	e.events = ev;
	e.data.ptr = cl;
	epoll_ctl(ep, EPOLL_CTL_MOD, cl->fd, &e);
	cl->events = ev;
}

static void accept_clients(int ep, int lfd, struct xs_store *s)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct client *cl;
		struct epoll_event e;

		if (fd < 0)
			return;
		cl = calloc(1, sizeof(*cl));
		if (!cl || !(cl->c = xs_conn_create(s, 0, true, cl))) {
			free(cl);
			close(fd);
			continue;
		}
		cl->fd = fd;
		cl->events = EPOLLIN;
		e.events = EPOLLIN;
		e.data.ptr = cl;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e)) {
			xs_conn_destroy(cl->c);
			free(cl);
			close(fd);
			continue;
		}
		cl->next = clients;
		clients = cl;
	}
}

static void usage(void)
{
	fprintf(
	    stderr,
	    "usage: xenstored [--socket PATH] [--pid-file PATH] "
	    "[--quota NAME=N[,NAME=N...]]...\n"
	    "  quotas (Xen's -Q names): nodes, node-size, watches, transactions,\n"
	    "  outstanding, transaction-nodes, memory, watch-events, watch-events-privileged\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const struct xs_ops ops = {
	    .alloc = xsd_alloc, .free = xsd_free, .drop = xsd_drop, .warn = xsd_warn};
	const char *path = XSD_DEFAULT_SOCKET, *pidfile = NULL;
	struct epoll_event lev = {.events = EPOLLIN}, evs[64];
	struct xs_store *s;
	struct sigaction sa = {.sa_handler = on_signal};
	struct xs_quota quota = {0};
	int lfd, ep, rc = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--socket") && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--pid-file") && i + 1 < argc)
			pidfile = argv[++i];
		else if (!strcmp(argv[i], "--quota") && i + 1 < argc) {
			if (xs_quota_parse(&quota, argv[++i])) {
				fprintf(stderr, "xenstored: bad --quota %s\n", argv[i]);
				usage();
			}
		} else
			usage();
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	s = xs_store_create(&ops, &quota);
	if (!s)
		return 1;
	lfd = listen_on(path);
	ep = epoll_create1(EPOLL_CLOEXEC);
	lev.data.ptr = NULL;
	if (lfd < 0 || ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev))
		goto out;
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");

		if (f) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
	}
	while (!xsd_stop) {
		int n = epoll_wait(ep, evs, 64, -1);

		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			struct client *cl = evs[i].data.ptr;

			if (!cl) {
				accept_clients(ep, lfd, s);
				continue;
			}
			if (evs[i].events & EPOLLIN) {
				ssize_t r = recv(cl->fd, cl->in + cl->in_len,
						 sizeof(cl->in) - cl->in_len, 0);

				if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
					cl->closing = true;
				else if (r > 0)
					cl->in_len += (size_t)r;
			} else if (evs[i].events & (EPOLLHUP | EPOLLERR)) {
				cl->closing = true;
			}
		}
		/* Requests may queue events on any client: pump them all (few clients). */
		for (struct client *cl = clients, *next; cl; cl = next) {
			next = cl->next;
			if (!client_pump(cl))
				client_close(ep, cl);
		}
		for (struct client *cl = clients; cl; cl = cl->next)
			client_interest(ep, cl);
	}
	rc = 0;
out:
	while (clients)
		client_close(ep, clients);
	if (lfd >= 0) {
		close(lfd);
		unlink(path);
	}
	if (ep >= 0)
		close(ep);
	if (pidfile)
		unlink(pidfile);
	xs_store_destroy(s);
	return rc;
}
