/*
 * xenvchan-echo: a libvchan peer for the control domain (Linux), to talk to
 * a guest through vchan:
 *   xenvchan-echo server DOMID PATH        serve DOMID under PATH, echo every
 *                                          byte back until the client closes
 *   xenvchan-echo client DOMID PATH TEXT   connect to DOMID's vchan at PATH
 *                                          (waiting up to 10 s for it), send
 *                                          TEXT, print the echo; status 0 when
 *                                          it came back unchanged
 * The unikernel's tests/guests/vchan/echo.c is the same protocol's guest side.
 * One thread; no locking.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxenvchan.h>

#define CLIENT_WAIT_MS 10000

static int serve(int domid, const char *path)
{
	struct libxenvchan *v = libxenvchan_server_init(NULL, domid, path, 4096, 4096);
	char buf[4096];
	long total = 0;
	int n;

	if (!v) {
		fprintf(stderr, "xenvchan-echo: server_init: %s\n", strerror(errno));
		return 1;
	}
	while (libxenvchan_is_open(v) == 2)
		if (libxenvchan_wait(v))
			break;
	v->blocking = 1;
	while ((n = libxenvchan_read(v, buf, sizeof(buf))) > 0) {
		if (libxenvchan_write(v, buf, (size_t)n) != n)
			break;
		total += n;
	}
	libxenvchan_close(v);
	printf("xenvchan-echo: echoed %ld bytes\n", total);
	return 0;
}

static int client(int domid, const char *path, const char *text)
{
	struct libxenvchan *v;
	size_t len = strlen(text);
	char *back;
	int ok;

	/* The server may not have published yet: retry for CLIENT_WAIT_MS. */
	for (int waited = 0;
	     !(v = libxenvchan_client_init(NULL, domid, path)) && waited < CLIENT_WAIT_MS;
	     waited += 10)
		usleep(10000);
	if (!v) {
		fprintf(stderr, "xenvchan-echo: client_init: %s\n", strerror(errno));
		return 1;
	}
	back = calloc(1, len + 1);
	v->blocking = 1;
	ok = back && libxenvchan_write(v, text, len) == (int)len;
	for (size_t got = 0; ok && got < len;) {
		int n = libxenvchan_read(v, back + got, len - got);

		ok = n > 0;
		got += ok ? (size_t)n : 0;
	}
	libxenvchan_close(v);
	if (ok)
		printf("%s\n", back);
	ok = ok && !memcmp(back, text, len);
	free(back);
	if (!ok)
		fprintf(stderr, "xenvchan-echo: the echo did not come back whole\n");
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	char *end;
	long domid;

	if (argc < 4 || (strcmp(argv[1], "server") && strcmp(argv[1], "client")) ||
	    (!strcmp(argv[1], "client") && argc != 5) ||
	    (!strcmp(argv[1], "server") && argc != 4)) {
		fprintf(stderr, "usage: xenvchan-echo server DOMID PATH\n"
				"       xenvchan-echo client DOMID PATH TEXT\n");
		return 2;
	}
	domid = strtol(argv[2], &end, 10);
	if (*end || end == argv[2] || domid < 0 || domid >= 0x7ff0) {
		fprintf(stderr, "xenvchan-echo: bad domain id '%s'\n", argv[2]);
		return 2;
	}
	if (!strcmp(argv[1], "server"))
		return serve((int)domid, argv[3]);
	return client((int)domid, argv[3], argv[4]);
}
