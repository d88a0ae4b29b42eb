/*
 * xenstored as the xenstore domain: the portable core (xs_core.h) on the
 * unikernel, serving every boot domain over its store ring.
 *
 * Start-up (the hypervisor built every boot domain before unpausing this
 * one first, docs/architecture.md "The store domain"):
 *   - enumerate the domains with XEN_DOMCTL_getdomaininfo (the next domain
 *     up from an id, as Xen answers), skipping ourselves;
 *   - for each one with a store event channel (HVMOP_get_param of
 *     HVM_PARAM_STORE_EVTCHN / STORE_PFN, which the xenstore role may read):
 *     write /local/domain/<id>/ basics as libxl lays them out (with the
 *     control/feature-* nodes Linux writes and cpu/<n>/availability), then
 *     XS_INTRODUCE it through our own privileged connection, whose hook
 *     maps its grant ref 1 (GNTTAB_RESERVED_XENSTORE, written by the
 *     builder), binds its store port and creates its connection;
 *   - bind VIRQ_DOM_EXC: on it, each connected domain is looked up again:
 *     shut down -> @releaseDomain (once); dying or gone -> released as Xen's
 *     domain_cleanup (connection, mapping and port go) and, since no
 *     toolstack runs to do it, /local/domain/<id> is removed.
 *
 * A domain's first request is logged once ("first request: its xenbus is
 * connected"), the observable tests/integration/linux.sh waits for.
 *
 * The ring transport, each domain's bytes between its page and its core
 * connection, is xenstored_uk_ring.c.
 *
 * Command line: special-read=ID[,ID...] lets those domains read (and so
 * watch) @introduceDomain and @releaseDomain (default: nobody but tools,
 * as Xen); quota=NAME=N[,NAME=N...] sets quotas with Xen's xenstored -Q
 * names (xs_quota_parse); verbose.
 *
 * Execution: one thread. Event handlers (ring ports, VIRQ_DOM_EXC) only set
 * flags and wake it; the core runs in thread context. No locking beyond
 * that (one vCPU, cooperative threads).
 */
#include <public/domctl.h>
#include <public/grant_table.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/io/xs_wire.h>
#include <public/memory.h>
#include <uk/events.h>
#include <uk/gnttab.h>
#include <uk/kernel.h>
#include <stdbool.h>
#include <uk/sched.h>
#include "xenstored_uk.h"
#include "xs_core.h"

static struct xs_store *store;
static struct xs_conn *tool; /* our own privileged connection (XS_INTRODUCE, XS_RM...) */
static struct xsd_dom *doms;
static struct uk_waitq wq;
static volatile int work, dom_exc;
static uint32_t self;
static uint32_t tool_req_id;

static void kick(void)
{
	work = 1;
	waitq_wake_all(&wq);
}

static void ring_event(evtchn_port_t port, void *data)
{
	(void)port;
	(void)data;
	kick();
}

static void dom_exc_event(evtchn_port_t port, void *data)
{
	(void)port;
	(void)data;
	dom_exc = 1;
	kick();
}

/* ---- hypervisor calls ---- */

/* XEN_DOMCTL_getdomaininfo of domid or the next one up: 0 with *info, or -Exxx. */
static long domain_info(uint32_t domid, struct xen_domctl_getdomaininfo *info)
{
	struct xen_domctl op = {
	    .cmd = XEN_DOMCTL_getdomaininfo,
	    .interface_version = XEN_DOMCTL_INTERFACE_VERSION,
	    .domain = (domid_t)domid,
	};
	long rc = HYPERVISOR_domctl(&op);

	if (!rc)
		*info = op.u.getdomaininfo;
	return rc;
}

static long param_of(uint32_t domid, uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = {.domid = (domid_t)domid, .index = index};
	long rc = HYPERVISOR_hvm_op(HVMOP_get_param, &p);

	*value = p.value;
	return rc;
}

static long reservation(unsigned int cmd, unsigned long gfn)
{
	xen_pfn_t frame = gfn;
	struct xen_memory_reservation r = {.nr_extents = 1, .extent_order = 0, .domid = DOMID_SELF};

	set_xen_guest_handle(r.extent_start, &frame);
	return HYPERVISOR_memory_op(cmd, &r);
}

/*
 * Holes: pages of our address space with no RAM behind them, one per mapped
 * store ring. A hole given back is kept for the next domain (up to
 * HOLE_CACHE of them) rather than repopulated: each give-back and repopulate
 * moved one of our frames to wherever the hypervisor's heap had one, and
 * each new gfn split another 2 MiB block of our nested page table (issue 14:
 * about one page of hypervisor memory per 128 create/destroy cycles).
 */
#define HOLE_CACHE 16
static void *hole_cache[HOLE_CACHE];
static unsigned int hole_cached;

/* A hole for a grant mapping; NULL if none. */
static void *hole_alloc(void)
{
	void *p;

	if (hole_cached)
		return hole_cache[--hole_cached];
	p = page_alloc(0);
	if (p && reservation(XENMEM_decrease_reservation, virt_to_gfn(p)) != 1) {
		page_free(p, 0);
		return NULL;
	}
	return p;
}

static void hole_free(void *p)
{
	if (hole_cached < HOLE_CACHE) {
		hole_cache[hole_cached++] = p;
		return;
	}
	/* Without RAM back the page stays out of the allocator (a leak, not a fault). */
	if (reservation(XENMEM_populate_physmap, virt_to_gfn(p)) == 1)
		page_free(p, 0);
}

/* ---- our own connection ---- */

/* Appends str and its NUL to a payload being built; false when it does not fit. */
static bool payload_add(char *buf, uint32_t *len, uint32_t size, const char *str)
{
	size_t n = strlen(str) + 1;

	if (*len + n > size)
		return false;
	memcpy(buf + *len, str, n);
	*len += (uint32_t)n;
	return true;
}

/*
 * One request over our privileged connection: 0, or -EIO when the core answered XS_ERROR
 * (printed with what).
 */
static int tool_call(uint32_t type, const char *what, const char *payload, uint32_t len)
{
	static struct {
		struct xsd_sockmsg h;
		char p[XENSTORE_PAYLOAD_MAX + 1];
	} m;
	struct xsd_sockmsg rh;
	size_t total = sizeof(m.h) + len;

	if (len > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	memcpy(m.p, payload, len);
	m.h = (struct xsd_sockmsg){.type = type, .req_id = ++tool_req_id, .len = len};
	if (xs_conn_input(tool, &m, total) != total)
		return -EIO;
	/* The core answers synchronously: the whole reply is queued now. */
	if (xs_conn_output(tool, &rh, sizeof(rh)) != sizeof(rh) || rh.len > XENSTORE_PAYLOAD_MAX)
		return -EIO;
	xs_conn_output(tool, m.p, rh.len);
	m.p[rh.len] = 0;
	if (rh.type == XS_ERROR) {
		printf("xenstored: %s: %s\n", what, m.p);
		return -EIO;
	}
	return 0;
}

/*
 * /local/domain/<id>/ as libxl makes it (libxl__domain_make, libxl__build_post): the dir,
 * device/, control/, cpu/ and memory/ read-only to the domain; the nodes it writes itself
 * (control/shutdown and the control/feature-* and sysrq flags Linux's manage.c sets, data/,
 * drivers/, ...) its own. cpu/<n>/availability says "online" for each vCPU it has (Linux's
 * cpu_hotplug reads it). No memory/target: without a toolstack there is no balloon target,
 * and a lower one would make Linux balloon down.
 */
static int write_basics(uint32_t domid, uint32_t nr_vcpus)
{
	static const char *const ro_dirs[] = {"device", "control", "cpu", "memory"};
	static const char *const rw_nodes[] = {"control/shutdown",
					       "control/feature-poweroff",
					       "control/feature-reboot",
					       "control/feature-suspend",
					       "control/sysrq",
					       "data",
					       "drivers",
					       "feature",
					       "attr",
					       "error"};
	char base[40], path[64], ro[24], rw[16], id[12];
	int rc;

	snprintf(base, sizeof(base), "/local/domain/%u", domid);
	snprintf(id, sizeof(id), "%u", domid);
	/* "n0" then "r<id>": owner dom0 (no access for others), the domain may read. */
	snprintf(ro, sizeof(ro), "n0");
	snprintf(ro + 3, sizeof(ro) - 3, "r%u", domid);
	snprintf(rw, sizeof(rw), "n%u", domid);
	rc = xs_store_write(store, base, "", 0, ro, 2);
	if (!rc) {
		snprintf(path, sizeof(path), "%s/domid", base);
		rc = xs_store_write(store, path, id, (uint32_t)strlen(id), ro, 2);
	}
	for (size_t i = 0; !rc && i < ARRAY_SIZE(ro_dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", base, ro_dirs[i]);
		rc = xs_store_write(store, path, "", 0, ro, 2);
	}
	for (size_t i = 0; !rc && i < ARRAY_SIZE(rw_nodes); i++) {
		snprintf(path, sizeof(path), "%s/%s", base, rw_nodes[i]);
		rc = xs_store_write(store, path, "", 0, rw, 1);
	}
	for (uint32_t v = 0; !rc && v < nr_vcpus; v++) {
		snprintf(path, sizeof(path), "%s/cpu/%u/availability", base, v);
		rc = xs_store_write(store, path, "online", 6, ro, 2);
	}
	return rc;
}

/* ---- domains ---- */

static struct xsd_dom *dom_find(uint32_t domid)
{
	for (struct xsd_dom *d = doms; d; d = d->next)
		if (d->domid == domid)
			return d;
	return NULL;
}

/* Closes the transport: connection, port, mapping. The record stays until the domain goes. */
void xsd_dom_disconnect(struct xsd_dom *d)
{
	if (d->conn) {
		xs_conn_destroy(d->conn);
		d->conn = NULL;
	}
	if (d->port) {
		evtchn_unbind(d->port);
		evtchn_close(d->port);
		d->port = 0;
	}
	if (d->ring) {
		long st = gnttab_unmap(virt_to_gfn(d->ring), d->handle);

		if (st)
			printf("xenstored: d%u: unmapping its ring: %ld\n", d->domid, st);
		else
			hole_free(d->ring);
		d->ring = NULL;
	}
}

static void dom_free(struct xsd_dom *d)
{
	struct xsd_dom **pp;

	xsd_dom_disconnect(d);
	for (pp = &doms; *pp; pp = &(*pp)->next)
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	free(d);
}

/* The core's XS_INTRODUCE hook: map grant 1 of domid, bind its port, make its connection. */
static int xsd_introduce(void *ctx, struct xs_store *s, uint32_t domid, uint64_t mfn, uint32_t port)
{
	struct xsd_dom *d;
	evtchn_port_t local;
	void *page;
	long rc;

	(void)ctx;
	(void)mfn; /* as Xen's xenstored: the ring is reached through the reserved grant */
	d = dom_find(domid);
	if (d && (d->conn || d->ring))
		return -EEXIST;
	if (!d) {
		d = calloc(1, sizeof(*d));
		if (!d)
			return -ENOMEM;
		d->domid = domid;
		d->next = doms;
		doms = d;
	}
	page = hole_alloc();
	if (!page)
		return -ENOMEM;
	rc = gnttab_map((domid_t)domid, GNTTAB_RESERVED_XENSTORE, virt_to_gfn(page), 0, &d->handle);
	if (rc) {
		printf("xenstored: d%u: mapping grant %u: %ld\n", domid, GNTTAB_RESERVED_XENSTORE,
		       rc);
		hole_free(page);
		return -EINVAL;
	}
	d->ring = page;
	rc = evtchn_bind_interdomain((domid_t)domid, port, NULL, NULL, &local);
	if (rc) {
		printf("xenstored: d%u: binding its port %u: %ld\n", domid, port, rc);
		xsd_dom_disconnect(d);
		return -EINVAL;
	}
	d->port = local;
	d->conn = xs_conn_create(s, domid, false, d);
	if (!d->conn) {
		xsd_dom_disconnect(d);
		return -ENOMEM;
	}
	d->shutdown = false;
	evtchn_clear_pending(local);
	evtchn_bind(local, ring_event, d);
	kick(); /* requests may be waiting already */
	return 0;
}

static void xsd_notify(void *ctx, struct xs_conn *c)
{
	(void)ctx;
	(void)c;
	work = 1;
}

static void xsd_drop(void *ctx, struct xs_conn *c)
{
	(void)ctx;
	(void)c;
	work = 1; /* the loop closes dead connections */
}

static void xsd_warn(void *ctx, struct xs_conn *c, const char *what)
{
	(void)ctx;
	printf("xenstored: d%u: %s\n", xs_conn_domid(c), what);
}

static void *xsd_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

static void xsd_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static void introduce(uint32_t domid, uint32_t nr_vcpus)
{
	uint64_t pfn = 0, port = 0;
	char num[24], payload[64];
	uint32_t len = 0;
	long rc;

	rc = param_of(domid, HVM_PARAM_STORE_EVTCHN, &port);
	if (!rc)
		rc = param_of(domid, HVM_PARAM_STORE_PFN, &pfn);
	if (rc) {
		printf("xenstored: d%u: its store parameters: %ld (%s)\n", domid, rc,
		       uk_errno_name(rc));
		return;
	}
	if (!port || !pfn) {
		printf("xenstored: d%u: no store ring\n", domid);
		return;
	}
	if (write_basics(domid, nr_vcpus))
		printf("xenstored: d%u: writing /local/domain/%u failed\n", domid, domid);
	snprintf(num, sizeof(num), "%u", domid);
	payload_add(payload, &len, sizeof(payload), num);
	snprintf(num, sizeof(num), "%lu", (unsigned long)pfn);
	payload_add(payload, &len, sizeof(payload), num);
	snprintf(num, sizeof(num), "%lu", (unsigned long)port);
	payload_add(payload, &len, sizeof(payload), num);
	if (!tool_call(XS_INTRODUCE, "introduce", payload, len))
		printf("xenstored: introduced d%u (ring gfn 0x%lx, port %lu)\n", domid,
		       (unsigned long)pfn, (unsigned long)port);
}

/* VIRQ_DOM_EXC: Xen's domain_cleanup over our domains. */
static void check_domains(void)
{
	struct xsd_dom *d, *next;

	for (d = doms; d; d = next) {
		struct xen_domctl_getdomaininfo info;
		long rc = domain_info(d->domid, &info);
		bool gone = rc || info.domain != d->domid || (info.flags & XEN_DOMINF_dying);
		char path[40];

		next = d->next;
		if (!gone) {
			if ((info.flags & XEN_DOMINF_shutdown) && !d->shutdown) {
				d->shutdown = true;
				printf("xenstored: d%u shut down: @releaseDomain\n", d->domid);
				xs_domain_shutdown(store, d->domid);
			}
			continue;
		}
		xs_domain_release(store, d->domid); /* fires @releaseDomain; -ENOENT if released */
		snprintf(path, sizeof(path), "/local/domain/%u", d->domid);
		tool_call(XS_RM, "removing the domain's path", path, (uint32_t)strlen(path) + 1);
		printf("xenstored: d%u is gone: released, %s removed\n", d->domid, path);
		dom_free(d);
	}
}

/* special-read=ID[,ID...]: those domains may read (so watch) the two special nodes. */
static void special_readers(void)
{
	static const char *const specials[] = {"@introduceDomain", "@releaseDomain"};
	char list[128], perm[16], payload[256];
	unsigned int n = 0;
	const char *p = list;

	if (uk_cmdline_str("special-read", list, sizeof(list)))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(specials); i++) {
		uint32_t len = 0;
		bool ok = payload_add(payload, &len, sizeof(payload), specials[i]) &&
			  payload_add(payload, &len, sizeof(payload), "n0");

		for (p = list, n = 0; ok && *p;) {
			unsigned long id = 0;

			while (*p >= '0' && *p <= '9')
				id = id * 10 + (unsigned long)(*p++ - '0');
			snprintf(perm, sizeof(perm), "r%lu", id);
			ok = payload_add(payload, &len, sizeof(payload), perm);
			n++;
			if (*p++ != ',')
				break;
		}
		if (!ok || tool_call(XS_SET_PERMS, specials[i], payload, len))
			printf("xenstored: special-read=%s not applied to %s\n", list, specials[i]);
	}
	printf("xenstored: %u domain(s) may watch @introduceDomain/@releaseDomain (%s)\n", n, list);
}

/* quota=NAME=N[,NAME=N...] (Xen's xenstored -Q names); a bad one is reported and ignored. */
static const struct xs_quota *store_quota(struct xs_quota *q)
{
	char spec[256];

	if (uk_cmdline_str("quota", spec, sizeof(spec)))
		return NULL;
	if (xs_quota_parse(q, spec)) {
		printf("xenstored: quota=%s not understood: default quotas\n", spec);
		return NULL;
	}
	printf("xenstored: quota=%s\n", spec);
	return q;
}

void app_main(void)
{
	static const struct xs_ops ops = {
	    .alloc = xsd_alloc,
	    .free = xsd_free,
	    .notify = xsd_notify,
	    .drop = xsd_drop,
	    .introduce = xsd_introduce,
	    .warn = xsd_warn,
	};
	struct xen_domctl_getdomaininfo info;
	struct xs_quota quota = {0};
	evtchn_port_t virq_port;
	unsigned int found = 0;
	long rc, id;

	waitq_init(&wq);
	id = uk_domid();
	if (id < 0)
		uk_panic("xenstored: our domain id: %ld", id);
	self = (uint32_t)id;
	if (gnttab_init())
		uk_panic("xenstored: grant table setup failed");
	store = xs_store_create(&ops, store_quota(&quota));
	tool = store ? xs_conn_create(store, self, true, NULL) : NULL;
	if (!tool)
		uk_panic("xenstored: out of memory creating the store");
	special_readers();
	rc = evtchn_bind_virq(VIRQ_DOM_EXC, dom_exc_event, NULL, &virq_port);
	if (rc)
		printf("xenstored: VIRQ_DOM_EXC: %ld (%s): domains will not be released\n", rc,
		       uk_errno_name(rc));
	/* Next-domain-up enumeration: every boot domain exists before we run. */
	for (uint32_t next = 0; next < DOMID_FIRST_RESERVED; next = info.domain + 1u) {
		rc = domain_info(next, &info);
		if (rc) {
			if (rc != -ESRCH)
				printf("xenstored: getdomaininfo(%u): %ld (%s)\n", next, rc,
				       uk_errno_name(rc));
			break;
		}
		if (info.domain == self)
			continue;
		found++;
		/* max_vcpu_id is the highest id created; a domain never has more than 128 here. */
		introduce(info.domain, info.max_vcpu_id < 128 ? info.max_vcpu_id + 1 : 128);
	}
	printf("xenstored: d%u serving; %u other domain(s) found\n", self, found);
	for (;;) {
		uk_wait_event(&wq, work, 0);
		work = 0;
		if (dom_exc) {
			dom_exc = 0;
			check_domains();
		}
		for (struct xsd_dom *d = doms; d; d = d->next)
			if (xsd_ring_service(d))
				work =
				    1; /* come back: there may be more once the guest catches up */
		if (work)
			thread_yield();
	}
}
