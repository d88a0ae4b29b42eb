/*
 * A guest of the vchan scenario (tests/integration/vchan.sh): two of these,
 * a server and a client in different domains, talk through libvchan's
 * unikernel build (libvchan/ over the unikernel backends of
 * xengnttab/gntshr and xenevtchn, the store through the xenstore domain).
 * Prints one verdict line per check, "vchantest NAME: PASS what" or
 * "vchantest NAME: FAIL what: why", and a last SUCCESS/FAILURE line.
 *
 * Command line: name=NAME role=server|client peer=DOMID
 *   Two vchans one after the other, both served by the server's domain under
 *   /local/domain/<server>/data/vchan-<kind>:
 *     small: rings in the shared page (orders 10 and 11);
 *     big:   16 KiB rings in their own granted pages (order 14, 4 pages each).
 *   server: libxenvchan_server_init, waits for the client, echoes every byte
 *     back until the client closes, closes (the store keys go with it);
 *   client: waits for the server's keys, connects, sends chunks of growing
 *     sizes (1 .. ring size, several times round the rings) and checks each
 *     echo byte for byte (every ring wraps), checks the non-blocking calls,
 *     closes, and waits for the server's keys to disappear.
 *
 * Locking: none (one thread).
 */
#include <errno.h>
#include <string.h>
#include <public/sched.h>
#include <libxenvchan.h>
#include <uk/events.h>
#include <uk/kernel.h>
#include <uk/sched.h>
#include <uk/time.h>
#include <uk/xenbus.h>

#define WAIT_NS SECONDS(20)

static char role[16];
static unsigned int self, peer;
static unsigned int failures;
static uint8_t out[16384], in[16384];

static void pass(const char *what)
{
	printf("vchantest %s: PASS %s\n", uk_name, what);
}

static void fail(const char *what, const char *fmt, long v)
{
	char why[96];

	snprintf(why, sizeof(why), fmt, v);
	printf("vchantest %s: FAIL %s: %s\n", uk_name, what, why);
	failures++;
}

struct kind {
	const char *name;
	size_t read_min, write_min; /* the server's */
	int want_server_read_order, want_server_write_order;
};

static const struct kind kinds[] = {
    {"small", 1024, 2048, 10, 11},
    {"big", 16384, 16384, 14, 14},
};

static void vchan_path(char *buf, size_t size, const struct kind *k)
{
	snprintf(buf, size, "/local/domain/%u/data/vchan-%s", role[0] == 's' ? self : peer,
		 k->name);
}

static void serve(const struct kind *k)
{
	char path[80], what[48];
	struct libxenvchan *v;
	unsigned long echoed = 0;
	int n;

	snprintf(what, sizeof(what), "%s server", k->name);
	vchan_path(path, sizeof(path), k);
	v = libxenvchan_server_init(NULL, (int)peer, path, k->read_min, k->write_min);
	if (!v) {
		fail(what, "libxenvchan_server_init: errno %ld", errno);
		return;
	}
	if (v->read.order != k->want_server_read_order ||
	    v->write.order != k->want_server_write_order)
		fail(what, "ring orders (read %ld)", v->read.order);
	while (libxenvchan_is_open(v) == 2) /* no client yet */
		libxenvchan_wait(v);
	v->blocking = 1;
	for (;;) {
		n = libxenvchan_read(v, in, sizeof(in));
		if (n < 0)
			break; /* the client closed */
		if (libxenvchan_write(v, in, (size_t)n) != n) {
			fail(what, "echo write of %ld bytes", n);
			break;
		}
		echoed += (unsigned long)n;
	}
	libxenvchan_close(v);
	printf("vchantest %s: PASS %s echoed %lu bytes until the client closed\n", uk_name, what,
	       echoed);
}

static struct libxenvchan *vchan_connect(const struct kind *k, const char *what)
{
	char path[80];
	s_time_t end = NOW() + WAIT_NS;
	struct libxenvchan *v;

	vchan_path(path, sizeof(path), k);
	while (!(v = libxenvchan_client_init(NULL, (int)peer, path))) {
		if (NOW() > end) {
			fail(what, "the server's vchan never appeared (errno %ld)", errno);
			return NULL;
		}
		thread_sleep_ns(MILLISECS(5));
	}
	return v;
}

/* Sends chunks of growing size and checks each echo; the total bytes moved. */
static unsigned long exchange(struct libxenvchan *v, const char *what)
{
	size_t ring =
	    (size_t)1 << (v->write.order < v->read.order ? v->write.order : v->read.order);
	unsigned long total = 0;
	unsigned int seq = 0;

	v->blocking = 1;
	for (size_t len = 1; len <= ring; len = len * 3 + 7) {
		for (int rep = 0; rep < 8; rep++, seq++) {
			for (size_t i = 0; i < len; i++)
				out[i] = (uint8_t)(seq * 31 + i * 7);
			if (libxenvchan_send(v, out, len) != (int)len) {
				fail(what, "send of %ld bytes", (long)len);
				return 0;
			}
			memset(in, 0, len);
			if (libxenvchan_recv(v, in, len) != (int)len) {
				fail(what, "recv of %ld bytes", (long)len);
				return 0;
			}
			if (memcmp(in, out, len)) {
				fail(what, "echo of %ld bytes differs", (long)len);
				return 0;
			}
			total += len;
		}
	}
	return total;
}

/* Non-blocking: nothing to read returns 0; a send bigger than the room returns 0. */
static void nonblocking(struct libxenvchan *v, const char *what)
{
	int space;

	v->blocking = 0;
	if (libxenvchan_data_ready(v) != 0 || libxenvchan_read(v, in, 16) != 0) {
		fail(what, "read with nothing ready gave %ld", libxenvchan_data_ready(v));
		return;
	}
	space = libxenvchan_buffer_space(v);
	if (space != 1 << v->write.order) {
		fail(what, "buffer space %ld on an empty ring", space);
		return;
	}
	if (libxenvchan_send(v, out, (size_t)space + 1) != 0) {
		fail(what, "oversize non-blocking send did not return 0", 0);
		return;
	}
	pass("non-blocking calls return 0 without progress");
}

static void use(const struct kind *k)
{
	char what[48], path[96], buf[16];
	struct libxenvchan *v;
	unsigned long total;
	s_time_t end;
	long rc;

	snprintf(what, sizeof(what), "%s client", k->name);
	v = vchan_connect(k, what);
	if (!v)
		return;
	if (v->write.order != k->want_server_read_order ||
	    v->read.order != k->want_server_write_order)
		fail(what, "ring orders (write %ld)", v->write.order);
	if (libxenvchan_is_open(v) != 1)
		fail(what, "server not live: %ld", libxenvchan_is_open(v));
	if (k == &kinds[0])
		nonblocking(v, what);
	total = exchange(v, what);
	if (total)
		printf("vchantest %s: PASS %s echo of %lu bytes (rings %d/%d, wrapped)\n", uk_name,
		       what, total, 1 << v->write.order, 1 << v->read.order);
	libxenvchan_close(v);
	/* The server sees the close, closes too and removes its keys. */
	vchan_path(path, sizeof(path) - 10, k);
	strcat(path, "/ring-ref");
	end = NOW() + WAIT_NS;
	while ((rc = xenbus_read(&uk_xenbus, XBT_NIL, path, buf, sizeof(buf))) >= 0 && NOW() < end)
		thread_sleep_ns(MILLISECS(5));
	/* Gone: ENOENT, or EACCES (the server's data/ directory is not ours to read). */
	if (rc != -ENOENT && rc != -EACCES)
		fail(what, "the server's ring-ref stayed in the store (%ld)", rc);
	else
		pass(k == &kinds[0] ? "small: store keys gone after close"
				    : "big: store keys gone after close");
}

void app_main(void)
{
	long rc;

	uk_cmdline_str("role", role, sizeof(role));
	peer = (unsigned int)uk_cmdline_long("peer", 0);
	rc = uk_domid();
	self = rc < 0 ? 0 : (unsigned int)rc;
	rc = xenbus_ring_init();
	if (rc) {
		fail("xenbus", "xenbus_ring_init: %ld", rc);
	} else {
		for (unsigned int i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
			if (!strcmp(role, "server"))
				serve(&kinds[i]);
			else
				use(&kinds[i]);
		}
	}
	printf("vchantest %s: %s (%u failure(s))\n", uk_name, failures ? "FAILURE" : "SUCCESS",
	       failures);
	uk_shutdown(SHUTDOWN_poweroff);
}
