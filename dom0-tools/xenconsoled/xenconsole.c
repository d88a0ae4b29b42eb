/*
 * xenconsole: attaches the terminal to a guest's PV console through
 * xenconsoled (README.md: the protocol); what `xl console` runs. Ctrl-]
 * detaches. Accepts Xen's xenconsole options for the primary PV console
 * (--num 0, --type pv, --start-notify-fd N, --interactive).
 * Exit status: 0 on detach or when the guest goes away, 1 on errors.
 * One thread; no locking.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>
#include "cons_text.h"
#include "xenconsoled.h"

#define ATTACH_TIMEOUT_MS 10000

static struct termios saved_tty;
static int tty_raw;

static void tty_restore(void)
{
	if (tty_raw)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	tty_raw = 0;
}

static void tty_make_raw(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tty))
		return;
	t = saved_tty;
	cfmakeraw(&t);
	if (!tcsetattr(STDIN_FILENO, TCSAFLUSH, &t)) {
		tty_raw = 1;
		atexit(tty_restore);
	}
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Connects and asks for domid: the socket once xenconsoled said OK, or -1. */
static int attach(const char *path, unsigned long domid)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char req[32], reply[64];
	size_t got = 0;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "xenconsole: socket path too long\n");
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "xenconsole: cannot reach xenconsoled at %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	snprintf(req, sizeof(req), "attach %lu\n", domid);
	if (write_all(fd, req, strlen(req)))
		goto fail;
	/* The reply line, byte by byte so no console output is read past it. */
	while (got < sizeof(reply) - 1) {
		struct pollfd p = {.fd = fd, .events = POLLIN};

		if (poll(&p, 1, ATTACH_TIMEOUT_MS) <= 0) {
			fprintf(stderr, "xenconsole: domain %lu has no console\n", domid);
			goto out;
		}
		if (read(fd, reply + got, 1) != 1)
			goto fail;
		if (reply[got++] == '\n')
			break;
	}
	reply[got] = 0;
	if (!strcmp(reply, "OK\n"))
		return fd;
	fprintf(stderr, "xenconsole: xenconsoled refused: %s", reply);
	goto out;
fail:
	fprintf(stderr, "xenconsole: xenconsoled closed the connection\n");
out:
	close(fd);
	return -1;
}

static int relay(int fd)
{
	char buf[4096];

	for (;;) {
		struct pollfd p[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
				      {.fd = fd, .events = POLLIN}};
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (p[1].revents) {
			n = read(fd, buf, sizeof(buf));
			if (n <= 0)
				return 0; /* the guest went away */
			if (write_all(STDOUT_FILENO, buf, (size_t)n))
				return 1;
		}
		if (p[0].revents) {
			ssize_t cut;

			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0)
				return 0;
			cut = cons_find_detach(buf, (size_t)n);
			if (write_all(fd, buf, cut < 0 ? (size_t)n : (size_t)cut))
				return 1;
			if (cut >= 0)
				return 0;
		}
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: xenconsole [--socket PATH] [--num 0] [--type pv] "
			"[--start-notify-fd N] [--interactive] DOMID\n");
	exit(1);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"socket", required_argument, NULL, 's'},
					     {"num", required_argument, NULL, 'n'},
					     {"type", required_argument, NULL, 't'},
					     {"start-notify-fd", required_argument, NULL, 'f'},
					     {"interactive", no_argument, NULL, 'i'},
					     {NULL, 0, NULL, 0}};
	const char *path = getenv("XENCONSOLED_SOCKET");
	int c, fd, notify_fd = -1, ret;
	unsigned long domid;
	char *end;

	if (!path || !*path)
		path = XENCONSOLED_SOCKET;
	while ((c = getopt_long(argc, argv, "s:n:t:f:i", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			path = optarg;
			break;
		case 'n':
			if (strcmp(optarg, "0")) {
				fprintf(stderr, "xenconsole: only console 0 is served\n");
				return 1;
			}
			break;
		case 't':
			if (strcmp(optarg, "pv")) {
				fprintf(stderr, "xenconsole: only the pv console is served\n");
				return 1;
			}
			break;
		case 'f':
			notify_fd = atoi(optarg);
			break;
		case 'i':
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	errno = 0;
	domid = strtoul(argv[optind], &end, 10);
	if (errno || *end || end == argv[optind] || domid >= 0x7ff0) {
		fprintf(stderr, "xenconsole: bad domain id '%s'\n", argv[optind]);
		return 1;
	}
	fd = attach(path, domid);
	if (fd < 0)
		return 1;
	if (notify_fd >= 0) {
		/* As Xen's: one byte when connected, for `xl create -c`. */
		write_all(notify_fd, "", 1);
		close(notify_fd);
	}
	tty_make_raw();
	ret = relay(fd);
	tty_restore();
	close(fd);
	return ret;
}
