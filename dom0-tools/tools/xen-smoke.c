/*
 * xen-smoke: a smoke test of the tool libraries' Linux backends, run in the
 * Linux control domain (dom0-tools/dom0/init). In order it lists the domains
 * (xc_domain_getinfolist), reads xc_physinfo, allocates an event channel and
 * binds VIRQ_DOM_EXC (/dev/xen/evtchn), maps a page of the xenstore domain
 * through xenforeignmemory (MMAPBATCH_V2) and compares it with that domain's
 * ELF image, then builds the given unikernel guest with the PVH builder
 * --cycles times: waits for VIRQ_DOM_EXC until the guest has powered off,
 * destroys it and checks that the free memory is back. The first guest is
 * built paused: its console page, granted to us (ref 0), is mapped through
 * gntdev (xengnttab) and compared with a foreign map of the same frame; a
 * page we share through gntalloc (xengntshr) is mapped back through gntdev.
 * One line per step,
 * "xen-smoke: ..."; the last line is "xen-smoke: PASS ..." or
 * "xen-smoke: FAIL (N failures)"; the exit status is 0 only for PASS.
 *
 * Usage: xen-smoke [--store-elf FILE] [--guest FILE] [--cycles N] [--self DOMID]
 * Single-threaded; no locking.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <public/sched.h>
#include <tessera_pvh_build.h>
#include <xenctrl.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>

#define GUEST_MEMORY_KIB (8 * 1024)
#define MAX_DOMAINS 64
#define SHUTDOWN_WAIT_MS 20000

static xc_interface *xch;
static xenforeignmemory_handle *fmem;
static xenevtchn_handle *xce;
static xengnttab_handle *xgt;
static xengntshr_handle *xgs;
static uint32_t self_domid; /* --self: our domid (0, the control domain) */
static int failures;

static void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	printf("xen-smoke: FAIL ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	failures++;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A whole file in memory (freed by the caller), or NULL. */
static void *slurp(const char *path, size_t *size)
{
	struct stat st;
	void *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || st.st_size <= 0 || !(buf = malloc((size_t)st.st_size))) {
		close(fd);
		return NULL;
	}
	if (read(fd, buf, (size_t)st.st_size) != st.st_size) {
		free(buf);
		close(fd);
		return NULL;
	}
	close(fd);
	*size = (size_t)st.st_size;
	return buf;
}

static uint64_t free_pages(void)
{
	xc_physinfo_t pi;

	if (xc_physinfo(xch, &pi)) {
		fail("xc_physinfo: %s", strerror(errno));
		return 0;
	}
	return pi.free_pages;
}

/* Lists the domains; the xenstore domain's id, or DOMID_INVALID. */
static uint32_t list_domains(int print)
{
	static xc_domaininfo_t info[MAX_DOMAINS];
	uint32_t store = DOMID_INVALID;
	int n = xc_domain_getinfolist(xch, 0, MAX_DOMAINS, info);

	if (n < 0) {
		fail("xc_domain_getinfolist: %s", strerror(errno));
		return store;
	}
	for (int i = 0; i < n; i++) {
		if (info[i].flags & XEN_DOMINF_xs_domain)
			store = info[i].domain;
		if (print)
			printf("xen-smoke: domain d%u: %llu pages (max %llu), %u vCPUs, flags "
			       "0x%x%s\n",
			       info[i].domain, (unsigned long long)info[i].tot_pages,
			       (unsigned long long)info[i].max_pages, info[i].max_vcpu_id + 1,
			       info[i].flags,
			       info[i].flags & XEN_DOMINF_xs_domain ? " (xenstore)" : "");
	}
	if (print)
		printf("xen-smoke: getinfolist: %d domains\n", n);
	return store;
}

static void physinfo(void)
{
	xc_physinfo_t pi;

	if (xc_physinfo(xch, &pi)) {
		fail("xc_physinfo: %s", strerror(errno));
		return;
	}
	printf("xen-smoke: physinfo: %u CPUs, %llu pages total, %llu free, cpu_khz %u\n",
	       pi.nr_cpus, (unsigned long long)pi.total_pages, (unsigned long long)pi.free_pages,
	       pi.cpu_khz);
	if (!pi.nr_cpus || !pi.total_pages || pi.free_pages > pi.total_pages)
		fail("physinfo values make no sense");
}

/* An unbound port of our own through xc (EVTCHNOP_alloc_unbound), then VIRQ_DOM_EXC. */
static void event_channels(void)
{
	int port = xc_evtchn_alloc_unbound(xch, DOMID_SELF, 0);
	int virq;

	if (port < 0)
		fail("xc_evtchn_alloc_unbound: %s", strerror(errno));
	else
		printf("xen-smoke: evtchn: alloc_unbound gave port %d\n", port);
	port = xenevtchn_bind_unbound_port(xce, 0);
	if (port < 0)
		fail("xenevtchn_bind_unbound_port: %s", strerror(errno));
	else if (xenevtchn_unbind(xce, (evtchn_port_t)port))
		fail("xenevtchn_unbind %d: %s", port, strerror(errno));
	virq = xenevtchn_bind_virq(xce, VIRQ_DOM_EXC);
	if (virq < 0)
		fail("binding VIRQ_DOM_EXC: %s", strerror(errno));
	else
		printf("xen-smoke: evtchn: bound unbound port %d and VIRQ_DOM_EXC to port %d\n",
		       port, virq);
}

/*
 * Maps the store domain's frame at the first PT_LOAD of its ELF image and compares it with the
 * file: the frame holds the start of its text, which nothing writes.
 */
static void map_store_page(uint32_t store, const char *elf_path)
{
	size_t size = 0;
	unsigned char *elf = elf_path ? slurp(elf_path, &size) : NULL;
	const Elf64_Ehdr *eh = (const void *)elf;
	const Elf64_Phdr *ph = NULL;
	xen_pfn_t pfn;
	int err = 0;
	void *p;

	if (store == DOMID_INVALID) {
		fail("no xenstore domain to map a page of");
		free(elf);
		return;
	}
	if (!elf || size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(*ph) > size) {
		fail("%s: no ELF image of the store domain", elf_path ? elf_path : "(none)");
		free(elf);
		return;
	}
	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *q = (const void *)(elf + eh->e_phoff + i * sizeof(*q));

		if (q->p_type == PT_LOAD) {
			ph = q;
			break;
		}
	}
	if (!ph || (ph->p_paddr & 4095) || ph->p_filesz < 4096 || ph->p_offset + 4096 > size) {
		fail("%s: first PT_LOAD is not a whole page", elf_path);
		free(elf);
		return;
	}
	pfn = ph->p_paddr >> 12;
	p = xenforeignmemory_map(fmem, store, PROT_READ, 1, &pfn, &err);
	if (!p || err) {
		fail("mapping d%u gfn 0x%llx: %s (err %d)", store, (unsigned long long)pfn,
		     strerror(errno), err);
	} else {
		int same = !memcmp(p, elf + ph->p_offset, 4096);

		printf("xen-smoke: foreign map: d%u gfn 0x%llx %s its ELF image (first bytes "
		       "%02x %02x %02x %02x)\n",
		       store, (unsigned long long)pfn, same ? "equals" : "DIFFERS FROM",
		       ((unsigned char *)p)[0], ((unsigned char *)p)[1], ((unsigned char *)p)[2],
		       ((unsigned char *)p)[3]);
		if (!same)
			fail("the mapped page is not the store domain's text");
		if (xenforeignmemory_unmap(fmem, p, 1))
			fail("xenforeignmemory_unmap: %s", strerror(errno));
	}
	free(elf);
}

/* Waits for VIRQ_DOM_EXC until domid has shut down: its reason, or -1. */
static int wait_shutdown(uint32_t domid)
{
	double deadline = now_ms() + SHUTDOWN_WAIT_MS;
	struct pollfd pfd = {.fd = xenevtchn_fd(xce), .events = POLLIN};

	for (;;) {
		xc_domaininfo_t info;
		int port, left;

		if (xc_domain_getinfolist(xch, domid, 1, &info) != 1 || info.domain != domid)
			return -1;
		if (info.flags & XEN_DOMINF_shutdown)
			return (int)((info.flags >> XEN_DOMINF_shutdownshift) &
				     XEN_DOMINF_shutdownmask);
		left = (int)(deadline - now_ms());
		if (left <= 0 || poll(&pfd, 1, left) <= 0) {
			fail("d%u: no shutdown within %d ms", domid, SHUTDOWN_WAIT_MS);
			return -1;
		}
		port = xenevtchn_pending(xce);
		if (port < 0)
			return -1;
		xenevtchn_unmask(xce, (evtchn_port_t)port);
	}
}

/*
 * The paused guest's console page through its grant ref 0 (the builder grants it to the
 * console backend, us) and through a foreign map of its gfn: a pattern written through
 * one must be read through the other. The page is zeroed again before the guest runs.
 */
static void grant_map_console(const struct pvh_build_result *r)
{
	static const char pattern[] = "xen-smoke grant map";
	xen_pfn_t gfn = r->console_gfn;
	char *g, *f;
	int err = 0, same;

	g = xengnttab_map_grant_ref(xgt, r->domid, 0, PROT_READ | PROT_WRITE);
	if (!g) {
		fail("gntdev map of d%u grant ref 0: %s", r->domid, strerror(errno));
		return;
	}
	f = xenforeignmemory_map(fmem, r->domid, PROT_READ | PROT_WRITE, 1, &gfn, &err);
	if (!f || err) {
		fail("foreign map of d%u console gfn 0x%llx: %s (err %d)", r->domid,
		     (unsigned long long)gfn, strerror(errno), err);
		xengnttab_unmap(xgt, g, 1);
		return;
	}
	memcpy(g, pattern, sizeof(pattern));
	same = !memcmp(f, pattern, sizeof(pattern));
	memset(f, 0, 4096);
	same = same && !g[0];
	printf("xen-smoke: grant map: d%u ref 0 through gntdev %s its console gfn 0x%llx\n",
	       r->domid, same ? "is" : "IS NOT", (unsigned long long)gfn);
	if (!same)
		fail("the grant-mapped page is not the guest's console page");
	if (xengnttab_unmap(xgt, g, 1))
		fail("xengnttab_unmap: %s", strerror(errno));
	xenforeignmemory_unmap(fmem, f, 1);
}

/* A page we share with ourselves through gntalloc, mapped back through gntdev. */
static void grant_share_self(void)
{
	static const char pattern[] = "xen-smoke gntshr";
	uint32_t ref = 0;
	char *s, *m;

	s = xengntshr_share_pages(xgs, self_domid, 1, &ref, 1);
	if (!s) {
		fail("gntalloc share to d%u: %s", self_domid, strerror(errno));
		return;
	}
	memcpy(s, pattern, sizeof(pattern));
	m = xengnttab_map_grant_ref(xgt, self_domid, ref, PROT_READ);
	if (!m) {
		fail("gntdev map of our own grant ref %u: %s", ref, strerror(errno));
	} else {
		int same = !memcmp(m, pattern, sizeof(pattern));

		printf("xen-smoke: gntshr: shared ref %u with d%u, mapped back: %s\n", ref,
		       self_domid, same ? "same bytes" : "DIFFERENT BYTES");
		if (!same)
			fail("our shared page read back differently through gntdev");
		if (xengnttab_unmap(xgt, m, 1))
			fail("xengnttab_unmap: %s", strerror(errno));
	}
	if (xengntshr_unshare(xgs, s, 1))
		fail("xengntshr_unshare: %s", strerror(errno));
}

static int exists(uint32_t domid)
{
	xc_domaininfo_t info;

	return xc_domain_getinfolist(xch, domid, 1, &info) == 1 && info.domain == domid;
}

/* A foreign map of the dead guest's console page, kept across its destroy. */
static void *hold_console(const struct pvh_build_result *r, xen_pfn_t *gfn)
{
	int err = 0;
	void *p;

	*gfn = r->console_gfn;
	p = xenforeignmemory_map(fmem, r->domid, PROT_READ, 1, gfn, &err);
	if (!p || err) {
		fail("foreign map of d%u gfn 0x%llx: %s (err %d)", r->domid,
		     (unsigned long long)*gfn, strerror(errno), err);
		return NULL;
	}
	return p;
}

/*
 * Destroyed with one of its frames still mapped by us: the frame must stay ours to read
 * (the domain lingers as dying, as Xen's zombies do, or is gone with that frame held)
 * and everything must come back once we unmap it.
 */
static void release_held(const struct pvh_build_result *r, void *p, xen_pfn_t gfn, uint64_t base)
{
	volatile unsigned char *b = p;
	xc_domaininfo_t info;
	int listed = xc_domain_getinfolist(xch, r->domid, 1, &info) == 1 && info.domain == r->domid;
	unsigned int sum = 0;
	uint64_t during = free_pages();

	for (int i = 0; i < 4096; i++)
		sum += b[i];
	printf("xen-smoke: destroyed d%u with gfn 0x%llx still mapped: %s, free pages %llu "
	       "(base %llu), page readable (sum %u)\n",
	       r->domid, (unsigned long long)gfn,
	       !listed			       ? "gone"
	       : info.flags & XEN_DOMINF_dying ? "dying"
					       : "NOT DYING",
	       (unsigned long long)during, (unsigned long long)base, sum);
	if (listed && !(info.flags & XEN_DOMINF_dying))
		fail("d%u is listed and not dying after destroy", r->domid);
	if (during >= base)
		fail("all of d%u's memory came back while one frame is still mapped", r->domid);
	if (xenforeignmemory_unmap(fmem, p, 1))
		fail("xenforeignmemory_unmap: %s", strerror(errno));
}

static void cycle(const void *image, size_t size, unsigned int n, uint32_t store, uint64_t base)
{
	struct pvh_build_config cfg = {
	    .kernel = image,
	    .kernel_size = size,
	    .memory_kib = GUEST_MEMORY_KIB,
	    .vcpus = 1,
	    .console_domid = self_domid,
	    .store_domid = store,
	    .start_paused = n == 1,
	};
	struct pvh_build_result r;
	char cmdline[64], why[200];
	double t0 = now_ms(), t1, t2;
	xen_pfn_t held_gfn = 0;
	void *held = NULL;
	uint64_t after;
	int reason;

	snprintf(cmdline, sizeof(cmdline), "name=hello cycle=%u", n);
	cfg.cmdline = cmdline;
	if (pvh_build_domain(xch, fmem, &cfg, &r, why, sizeof(why))) {
		fail("cycle %u: build: %s", n, why);
		return;
	}
	t1 = now_ms();
	printf("xen-smoke: cycle %u: built d%u in %.0f ms (entry 0x%x, start_info 0x%llx, console "
	       "port %u, store port %u)\n",
	       n, r.domid, t1 - t0, r.entry, (unsigned long long)r.start_info_gpa, r.console_port,
	       r.store_port);
	fflush(stdout);
	if (cfg.start_paused) {
		grant_map_console(&r);
		if (xc_domain_unpause(xch, r.domid))
			fail("unpausing d%u: %s", r.domid, strerror(errno));
	}
	reason = wait_shutdown(r.domid);
	if (reason != SHUTDOWN_poweroff)
		fail("cycle %u: d%u shut down with reason %d, not poweroff", n, r.domid, reason);
	if (n == 2)
		held = hold_console(&r, &held_gfn);
	if (xc_domain_destroy(xch, r.domid))
		fail("cycle %u: destroying d%u: %s", n, r.domid, strerror(errno));
	if (held)
		release_held(&r, held, held_gfn, base);
	if (exists(r.domid))
		fail("cycle %u: d%u still listed after destroy", n, r.domid);
	t2 = now_ms();
	after = free_pages();
	if (after != base)
		fail("cycle %u: free pages %llu after destroy, %llu before", n,
		     (unsigned long long)after, (unsigned long long)base);
	else
		printf("xen-smoke: cycle %u: d%u powered off (VIRQ_DOM_EXC) and destroyed after "
		       "%.0f ms; free pages back to %llu\n",
		       n, r.domid, t2 - t1, (unsigned long long)after);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *store_elf = NULL, *guest = NULL;
	unsigned int cycles = 3;
	uint32_t store;
	uint64_t base;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--store-elf") && i + 1 < argc)
			store_elf = argv[++i];
		else if (!strcmp(argv[i], "--guest") && i + 1 < argc)
			guest = argv[++i];
		else if (!strcmp(argv[i], "--cycles") && i + 1 < argc)
			cycles = (unsigned int)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--self") && i + 1 < argc)
			self_domid = (uint32_t)strtoul(argv[++i], NULL, 0);
		else {
			fprintf(stderr,
				"usage: %s [--store-elf FILE] [--guest FILE] [--cycles N] "
				"[--self DOMID]\n",
				argv[0]);
			return 2;
		}
	}
	xch = xc_interface_open(NULL, NULL, 0);
	fmem = xenforeignmemory_open(NULL, 0);
	xce = xenevtchn_open(NULL, 0);
	xgt = xengnttab_open(NULL, 0);
	xgs = xengntshr_open(NULL, 0);
	if (!xch || !fmem || !xce || !xgt || !xgs) {
		fail("opening the libraries (/dev/xen/privcmd, evtchn, gntdev, gntalloc): %s",
		     strerror(errno));
		return 1;
	}
	store = list_domains(1);
	physinfo();
	event_channels();
	map_store_page(store, store_elf);
	grant_share_self();
	if (guest) {
		size_t size = 0;
		void *image = slurp(guest, &size);

		if (!image) {
			fail("%s: %s", guest, strerror(errno));
		} else {
			base = free_pages();
			printf("xen-smoke: guest image %s, %zu bytes; free pages %llu\n", guest,
			       size, (unsigned long long)base);
			for (unsigned int i = 1; i <= cycles; i++)
				cycle(image, size, i, store, base);
			free(image);
		}
	}
	xengntshr_close(xgs);
	xengnttab_close(xgt);
	xenevtchn_close(xce);
	xenforeignmemory_close(fmem);
	xc_interface_close(xch);
	if (failures) {
		printf("xen-smoke: FAIL (%d failures)\n", failures);
		return 1;
	}
	printf("xen-smoke: PASS%s\n",
	       guest ? " (domains, physinfo, evtchn, foreign map, grants, builds)"
		     : " (domains, physinfo, evtchn, foreign map, grants)");
	return 0;
}
