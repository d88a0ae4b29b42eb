/*
 * xenstored socket benchmark with Xen's libxenstore (any xenstored behind
 * XENSTORED_PATH): ops/s for READ, WRITE, DIRECTORY (of 100 children) and a
 * transaction mix (start, read, write, commit), one synchronous client.
 *   XENSTORED_PATH=/tmp/s/socket libxs-bench [SECONDS_PER_OP]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenstore.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct xs_handle *h = xs_open(XS_OPEN_SOCKETONLY);
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	static const char *const names[] = {"READ", "WRITE", "DIRECTORY", "TRANSACTION"};
	char path[64];

	if (!h) {
		fprintf(stderr, "libxs-bench: cannot connect\n");
		return 1;
	}
	for (int i = 0; i < 100; i++) {
		snprintf(path, sizeof(path), "/bench/dir/%d", i);
		xs_write(h, XBT_NULL, path, "v", 1);
	}
	xs_write(h, XBT_NULL, "/bench/key", "value", 5);
	for (int op = 0; op < 4; op++) {
		double t0 = now(), t;
		unsigned long n = 0;
		unsigned int len, cnt;

		do {
			for (int k = 0; k < 100; k++) {
				switch (op) {
				case 0:
					free(xs_read(h, XBT_NULL, "/bench/key", &len));
					break;
				case 1:
					xs_write(h, XBT_NULL, "/bench/key", "value", 5);
					break;
				case 2:
					free(xs_directory(h, XBT_NULL, "/bench/dir", &cnt));
					break;
				default: {
					xs_transaction_t tx = xs_transaction_start(h);

					free(xs_read(h, tx, "/bench/key", &len));
					xs_write(h, tx, "/bench/key", "value", 5);
					xs_transaction_end(h, tx, false);
				}
				}
			}
			n += 100;
			t = now();
		} while (t - t0 < secs);
		printf("%-12s %10.0f ops/s\n", names[op], (double)n / (t - t0));
	}
	xs_rm(h, XBT_NULL, "/bench");
	xs_close(h);
	return 0;
}
