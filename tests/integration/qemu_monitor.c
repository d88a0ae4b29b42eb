/*
 * qemu-monitor SOCKET COMMAND...: sends each COMMAND to the QEMU human
 * monitor listening on the UNIX socket SOCKET and prints what it answers.
 * The integration scripts (lib.sh) use it on a run that hung: "info
 * registers -a" shows where every CPU is, so the failure report says more
 * than "hung". Host tool, no dependencies beyond libc.
 *
 * The monitor has no end-of-reply marker: a reply is what arrives until the
 * socket stays quiet for QUIET_MS. Exit status 0, or 1 with a message.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define QUIET_MS 500

/* Copies what the monitor sends to stdout until it is quiet for QUIET_MS. */
static void drain(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char buf[4096];
	ssize_t n;

	while (poll(&p, 1, QUIET_MS) > 0) {
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return;
		fwrite(buf, 1, (size_t)n, stdout);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: qemu-monitor SOCKET COMMAND...\n");
		return 1;
	}
	if (strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "qemu-monitor: socket path too long: %s\n", argv[1]);
		return 1;
	}
	strcpy(addr.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		fprintf(stderr, "qemu-monitor: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	drain(fd); /* the banner and first prompt */
	for (int i = 2; i < argc; i++) {
		size_t len = strlen(argv[i]);

		if (write(fd, argv[i], len) != (ssize_t)len || write(fd, "\n", 1) != 1) {
			fprintf(stderr, "qemu-monitor: write: %s\n", strerror(errno));
			return 1;
		}
		drain(fd);
	}
	putchar('\n');
	close(fd);
	return 0;
}
