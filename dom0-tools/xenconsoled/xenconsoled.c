/*
 * xenconsoled: the console backend of the control domain (Linux). For every
 * guest under /local/domain whose console/ring-ref and console/port the
 * toolstack wrote, it maps the console page (grant GNTTAB_RESERVED_CONSOLE,
 * which the builder seeds for us, else a foreign map of ring-ref), binds the
 * port the builder left unbound for us, and then
 *   - drains the guest's output to /var/log/xen/console/guest-<name>.log
 *     (escaped: cons_text.h) and, raw, to every attached client;
 *   - feeds what clients type into the guest's input ring.
 * Domains come and go through the store's @introduceDomain/@releaseDomain
 * and /local/domain watches (any event: rescan). Clients attach over a Unix
 * socket (protocol in README.md; xenconsole.c is the client).
 *
 * One thread, one poll loop; no locking.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xenstore.h>
#include "cons_ring.h"
#include "cons_text.h"
#include "xenconsoled.h"

#define MAX_CLIENTS 64
#define MAX_DOMAINS 256

struct console {
	int used;
	unsigned int domid;
	char name[64];
	struct xencons_interface *intf;
	int by_grant; /* mapped through gnttab (else foreignmemory) */
	evtchn_port_t local_port;
	int log_fd;
	unsigned int seen; /* rescan generation it was last listed in */
	int corrupt_reported;
};

struct client {
	int fd;
	unsigned int domid;
	int attached; /* 0: waiting for its domain to appear */
	char line[64];
	size_t line_len;
	int have_line;
};

static struct {
	const char *log_dir, *socket_path;
	struct xs_handle *xs;
	xenevtchn_handle *xce;
	xengnttab_handle *xgt;
	xenforeignmemory_handle *fmem;
	int listen_fd;
	unsigned int self, generation;
	struct console cons[MAX_DOMAINS];
	struct client clients[MAX_CLIENTS];
	int verbose;
} d = {.log_dir = XENCONSOLED_LOG_DIR, .socket_path = XENCONSOLED_SOCKET, .listen_fd = -1};

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("xenconsoled: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static char *xs_get(const char *fmt, unsigned int domid)
{
	char path[128];
	unsigned int len;

	snprintf(path, sizeof(path), fmt, domid);
	return xs_read(d.xs, XBT_NULL, path, &len);
}

/* Strict decimal from the store (a guest may have written it): 0, or -1. */
static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (max - (unsigned long)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*out = v;
	return 0;
}

static struct console *find_console(unsigned int domid)
{
	for (int i = 0; i < MAX_DOMAINS; i++)
		if (d.cons[i].used && d.cons[i].domid == domid)
			return &d.cons[i];
	return NULL;
}

static void client_drop(struct client *c)
{
	close(c->fd);
	c->fd = -1;
}

static void client_send(struct client *c, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = send(c->fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w <= 0) {
			/* A client that cannot keep up loses output rather than stalling the
			 * others. */
			if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return;
			client_drop(c);
			return;
		}
		buf += w;
		n -= (size_t)w;
	}
}

static void log_output(struct console *con, const char *buf, size_t n)
{
	char esc[CONS_ESCAPE_MAX(256)];

	for (size_t off = 0; off < n && con->log_fd >= 0; off += 256) {
		size_t chunk = n - off < 256 ? n - off : 256;
		size_t e = cons_log_escape(buf + off, chunk, esc);

		if (write(con->log_fd, esc, e) < 0)
			break;
	}
}

/* Drains the guest's output to the log and the clients; true if the guest should hear of it. */
static int drain_output(struct console *con)
{
	char buf[2048];
	int n, any = 0;

	while ((n = cons_ring_take_output(con->intf, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (!con->corrupt_reported)
				say("d%u: console ring indices out of range; output skipped",
				    con->domid);
			con->corrupt_reported = 1;
			return 1;
		}
		any = 1;
		log_output(con, buf, (size_t)n);
		for (int i = 0; i < MAX_CLIENTS; i++)
			if (d.clients[i].fd >= 0 && d.clients[i].attached &&
			    d.clients[i].domid == con->domid)
				client_send(&d.clients[i], buf, (size_t)n);
	}
	return any;
}

static void console_close(struct console *con)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (d.clients[i].fd >= 0 && d.clients[i].domid == con->domid &&
		    d.clients[i].attached)
			client_drop(&d.clients[i]);
	if (con->local_port)
		xenevtchn_unbind(d.xce, con->local_port);
	if (con->intf) {
		if (con->by_grant)
			xengnttab_unmap(d.xgt, con->intf, 1);
		else
			xenforeignmemory_unmap(d.fmem, con->intf, 1);
	}
	if (con->log_fd >= 0)
		close(con->log_fd);
	if (d.verbose)
		say("d%u '%s': console closed", con->domid, con->name);
	memset(con, 0, sizeof(*con));
}

static int open_log(const char *name)
{
	char path[512];

	mkdir(d.log_dir, 0755);
	snprintf(path, sizeof(path), "%s/guest-%s.log", d.log_dir, name);
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

/* A name fit for a file name: the store's name with '/' and dots-only names refused. */
static void safe_name(char *out, size_t size, const char *name, unsigned int domid)
{
	size_t n = 0;

	if (name && *name && strcmp(name, ".") && strcmp(name, "..") && !strchr(name, '/'))
		for (; name[n] && n + 1 < size; n++)
			out[n] = name[n];
	if (!n)
		n = (size_t)snprintf(out, size, "d%u", domid);
	out[n < size ? n : size - 1] = 0;
}

static void console_open(unsigned int domid)
{
	struct console *con = NULL;
	char *ref_s = xs_get("/local/domain/%u/console/ring-ref", domid);
	char *port_s = xs_get("/local/domain/%u/console/port", domid);
	char *name = xs_get("/local/domain/%u/name", domid);
	unsigned long ref = 0, port = 0;
	int local;

	if (parse_ulong(ref_s, ~0UL, &ref) || parse_ulong(port_s, 4095, &port) || !port)
		goto out; /* not ready yet (or nonsense): a later event retries */
	for (int i = 0; i < MAX_DOMAINS && !con; i++)
		if (!d.cons[i].used)
			con = &d.cons[i];
	if (!con) {
		say("d%u: too many consoles", domid);
		goto out;
	}
	con->domid = domid;
	con->log_fd = -1;
	safe_name(con->name, sizeof(con->name), name, domid);
	con->intf =
	    xengnttab_map_grant_ref(d.xgt, domid, GNTTAB_RESERVED_CONSOLE, PROT_READ | PROT_WRITE);
	con->by_grant = con->intf != NULL;
	if (!con->intf) {
		xen_pfn_t pfn = ref;

		con->intf =
		    xenforeignmemory_map(d.fmem, domid, PROT_READ | PROT_WRITE, 1, &pfn, NULL);
	}
	if (!con->intf) {
		say("d%u: cannot map the console page (%s)", domid, strerror(errno));
		memset(con, 0, sizeof(*con));
		goto out;
	}
	local = xenevtchn_bind_interdomain(d.xce, domid, (evtchn_port_t)port);
	if (local < 0) {
		say("d%u: cannot bind console port %lu (%s)", domid, port, strerror(errno));
		console_close(con);
		goto out;
	}
	con->local_port = (evtchn_port_t)local;
	con->used = 1;
	con->seen = d.generation;
	con->log_fd = open_log(con->name);
	if (d.verbose)
		say("d%u '%s': console ring-ref %lu port %lu, %s", domid, con->name, ref, port,
		    con->by_grant ? "granted" : "foreign-mapped");
	if (drain_output(con))
		xenevtchn_notify(d.xce, con->local_port);
out:
	free(ref_s);
	free(port_s);
	free(name);
}

static void attach_pending_clients(void)
{
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &d.clients[i];

		if (c->fd >= 0 && c->have_line && !c->attached && find_console(c->domid)) {
			c->attached = 1;
			client_send(c, "OK\n", 3);
		}
	}
}

/* Lists /local/domain: opens new consoles, closes those of domains gone. */
static void rescan(void)
{
	unsigned int num = 0;
	char **ents = xs_directory(d.xs, XBT_NULL, "/local/domain", &num);

	d.generation++;
	for (unsigned int i = 0; ents && i < num; i++) {
		unsigned long id;
		struct console *con;

		if (parse_ulong(ents[i], DOMID_FIRST_RESERVED - 1, &id) || id == d.self)
			continue;
		con = find_console((unsigned int)id);
		if (con)
			con->seen = d.generation;
		else
			console_open((unsigned int)id);
	}
	free(ents);
	for (int i = 0; i < MAX_DOMAINS; i++)
		if (d.cons[i].used && d.cons[i].seen != d.generation)
			console_close(&d.cons[i]);
	attach_pending_clients();
}

static void on_event(void)
{
	int port = xenevtchn_pending(d.xce);

	if (port < 0)
		return;
	for (int i = 0; i < MAX_DOMAINS; i++) {
		struct console *con = &d.cons[i];

		if (con->used && con->local_port == (evtchn_port_t)port) {
			/* The guest may wait for room in either ring: tell it after any progress.
			 */
			if (drain_output(con))
				xenevtchn_notify(d.xce, con->local_port);
			break;
		}
	}
	xenevtchn_unmask(d.xce, (evtchn_port_t)port);
}

static void on_store(void)
{
	unsigned int num;
	char **w = xs_read_watch(d.xs, &num);

	free(w);
	rescan();
}

static void on_accept(void)
{
	int fd = accept4(d.listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	for (int i = 0; i < MAX_CLIENTS; i++) {
		if (d.clients[i].fd < 0) {
			memset(&d.clients[i], 0, sizeof(d.clients[i]));
			d.clients[i].fd = fd;
			return;
		}
	}
	close(fd);
}

/* The request line "attach <domid>\n". */
static void client_request(struct client *c)
{
	unsigned long id;
	char *p = c->line;

	if (strncmp(p, "attach ", 7) || parse_ulong(p + 7, DOMID_FIRST_RESERVED - 1, &id)) {
		client_send(c, "ERR bad request\n", 16);
		client_drop(c);
		return;
	}
	c->domid = (unsigned int)id;
	c->have_line = 1;
	if (!find_console(c->domid))
		rescan(); /* a domain just created: its keys may be there already */
	attach_pending_clients();
}

static void on_client(struct client *c)
{
	char buf[1024];
	struct console *con;
	ssize_t n;

	if (!c->have_line) {
		n = recv(c->fd, c->line + c->line_len, sizeof(c->line) - 1 - c->line_len, 0);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return;
		if (n <= 0) {
			client_drop(c);
			return;
		}
		c->line_len += (size_t)n;
		c->line[c->line_len] = 0;
		if (strchr(c->line, '\n')) {
			*strchr(c->line, '\n') = 0;
			client_request(c);
		} else if (c->line_len == sizeof(c->line) - 1) {
			client_drop(c);
		}
		return;
	}
	con = c->attached ? find_console(c->domid) : NULL;
	if (!con) {
		/* Not attached yet (polled for hang-up only): keep its input in the socket. */
		n = recv(c->fd, buf, 1, MSG_PEEK);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
			client_drop(c);
		return;
	}
	n = cons_ring_input_room(con->intf);
	if (n <= 0)
		return; /* full (or corrupt): leave the input in the socket */
	n = recv(c->fd, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf), 0);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		client_drop(c);
		return;
	}
	cons_ring_put_input(con->intf, buf, (size_t)n);
	xenevtchn_notify(d.xce, con->local_port);
}

/*
 * Whether to poll a client for input: its request line, or keystrokes when
 * the guest's input ring has room. Otherwise only a hang-up wakes us.
 */
static int client_wants_input(struct client *c)
{
	struct console *con;

	if (!c->have_line)
		return 1;
	con = c->attached ? find_console(c->domid) : NULL;
	return con && cons_ring_input_room(con->intf) > 0;
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16)) {
		close(fd);
		return -1;
	}
	chmod(path, 0600);
	return fd;
}

static void usage(void)
{
	fprintf(stderr, "usage: xenconsoled [--log-dir DIR] [--socket PATH] [--verbose]\n");
	exit(2);
}

static int setup(void)
{
	char *self;
	unsigned long id = 0;
	char dir[256];

	d.xs = xs_open(0);
	d.xce = xenevtchn_open(NULL, 0);
	d.xgt = xengnttab_open(NULL, 0);
	d.fmem = xenforeignmemory_open(NULL, 0);
	if (!d.xs || !d.xce || !d.xgt || !d.fmem) {
		say("cannot open the store, evtchn, gntdev or privcmd: %s", strerror(errno));
		return -1;
	}
	self = xs_read(d.xs, XBT_NULL, "domid", NULL);
	if (self && !parse_ulong(self, DOMID_FIRST_RESERVED - 1, &id))
		d.self = (unsigned int)id;
	free(self);
	snprintf(dir, sizeof(dir), "%s", d.socket_path);
	if (strrchr(dir, '/')) {
		*strrchr(dir, '/') = 0;
		mkdir(dir, 0755);
	}
	d.listen_fd = listen_on(d.socket_path);
	if (d.listen_fd < 0) {
		say("cannot listen on %s: %s", d.socket_path, strerror(errno));
		return -1;
	}
	if (!xs_watch(d.xs, "@introduceDomain", "introduce") ||
	    !xs_watch(d.xs, "@releaseDomain", "release") ||
	    !xs_watch(d.xs, "/local/domain", "domains")) {
		say("cannot watch the store: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"log-dir", required_argument, NULL, 'o'},
					     {"socket", required_argument, NULL, 's'},
					     {"verbose", no_argument, NULL, 'v'},
					     {NULL, 0, NULL, 0}};
	int c;

	while ((c = getopt_long(argc, argv, "o:s:v", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			d.log_dir = optarg;
			break;
		case 's':
			d.socket_path = optarg;
			break;
		case 'v':
			d.verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < MAX_CLIENTS; i++)
		d.clients[i].fd = -1;
	if (setup())
		return 1;
	say("serving consoles; logs in %s, clients on %s", d.log_dir, d.socket_path);
	rescan();
	for (;;) {
		struct pollfd pfd[3 + MAX_CLIENTS];
		int map[MAX_CLIENTS], n = 3;

		pfd[0] = (struct pollfd){.fd = xs_fileno(d.xs), .events = POLLIN};
		pfd[1] = (struct pollfd){.fd = xenevtchn_fd(d.xce), .events = POLLIN};
		pfd[2] = (struct pollfd){.fd = d.listen_fd, .events = POLLIN};
		for (int i = 0; i < MAX_CLIENTS; i++) {
			if (d.clients[i].fd >= 0) {
				map[n - 3] = i;
				pfd[n++] = (struct pollfd){
				    .fd = d.clients[i].fd,
				    .events = client_wants_input(&d.clients[i]) ? POLLIN : 0};
			}
		}
		/* A full input ring is retried every 100 ms (the guest does not tell us it read).
		 */
		if (poll(pfd, (nfds_t)n, 100) < 0 && errno != EINTR)
			return 1;
		if (pfd[0].revents)
			on_store();
		if (pfd[1].revents)
			on_event();
		if (pfd[2].revents)
			on_accept();
		for (int i = 3; i < n; i++)
			if (pfd[i].revents && d.clients[map[i - 3]].fd >= 0)
				on_client(&d.clients[map[i - 3]]);
	}
}
