/*
 * libtxl's domain lifecycle (dom0-tools/libtxl/create.c, domain.c,
 * monitor.c) over a fake backend: an in-memory hypervisor (domains) and
 * store (nodes, transactions, introduced domains) whose Nth call can be
 * made to fail. A create failing at each of its steps in turn must leave
 * exactly what was there before; a good create writes libxl's nodes and
 * destroy removes them; shutdown asks the guest; the monitor carries out
 * on_poweroff / on_reboot.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <public/sched.h>
#include "txl_ops.h"
#include "unit.h"

static int txl_create_cleanup(void);
UNIT_SUITE_WITH(txl_create, NULL, txl_create_cleanup);

#define FAKE_MAX_NODES 256
#define FAKE_MAX_DOMS 8

struct fake_node {
	char *path, *value;
};

static struct fake {
	struct fake_node nodes[FAKE_MAX_NODES], saved[FAKE_MAX_NODES];
	unsigned int nr_nodes, nr_saved;
	bool in_tx;
	struct txl_dominfo doms[FAKE_MAX_DOMS];
	unsigned int nr_doms;
	uint32_t next_domid;
	bool introduced[64];
	unsigned int calls, fail_at;	   /* fail the fail_at'th call (1-based; 0: never) */
	unsigned int shutdown_after_waits; /* monitor tests: the guest shuts down on wait N */
	unsigned int shutdown_reason;
	unsigned int waits;
	char boot_name[64][32]; /* the hypervisor's boot names by domid ("" none) */
	uint32_t boot_name_eio; /* boot_name of this domid fails with -EIO (0: none) */
} fk;

static int fake_call(void)
{
	return ++fk.calls == fk.fail_at ? -EIO : 0;
}

static void nodes_free(struct fake_node *n, unsigned int *nr)
{
	unsigned int i;

	for (i = 0; i < *nr; i++) {
		free(n[i].path);
		free(n[i].value);
	}
	*nr = 0;
}

static void nodes_copy(struct fake_node *dst, unsigned int *nd, const struct fake_node *src,
		       unsigned int ns)
{
	unsigned int i;

	nodes_free(dst, nd);
	for (i = 0; i < ns; i++) {
		dst[i].path = strdup(src[i].path);
		dst[i].value = strdup(src[i].value);
	}
	*nd = ns;
}

static int node_find(const char *path)
{
	unsigned int i;

	for (i = 0; i < fk.nr_nodes; i++)
		if (!strcmp(fk.nodes[i].path, path))
			return (int)i;
	return -1;
}

/* Create path and its parents (as xenstored does); set the value if given. */
static int node_set(const char *path, const char *value)
{
	char *p = strdup(path), *slash;
	int i;

	for (slash = strchr(p + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (node_find(p) < 0 && fk.nr_nodes < FAKE_MAX_NODES) {
			fk.nodes[fk.nr_nodes].path = strdup(p);
			fk.nodes[fk.nr_nodes++].value = strdup("");
		}
		*slash = '/';
	}
	free(p);
	i = node_find(path);
	if (i < 0) {
		if (fk.nr_nodes == FAKE_MAX_NODES)
			return -ENOSPC;
		i = (int)fk.nr_nodes++;
		fk.nodes[i].path = strdup(path);
		fk.nodes[i].value = strdup("");
	}
	if (value) {
		free(fk.nodes[i].value);
		fk.nodes[i].value = strdup(value);
	}
	return 0;
}

static int f_build(void *priv, const struct pvh_build_config *cfg, struct pvh_build_result *out,
		   char *why, size_t whylen)
{
	struct txl_dominfo *d;

	if (fake_call()) {
		snprintf(why, whylen, "fake build failure");
		return -EIO;
	}
	CU_ASSERT(cfg->start_paused);
	CU_ASSERT_EQUAL(cfg->memory_kib, 64 * 1024);
	d = &fk.doms[fk.nr_doms++];
	memset(d, 0, sizeof(*d));
	d->domid = fk.next_domid++;
	d->paused = true;
	d->current_memkb = cfg->memory_kib;
	d->vcpu_online = cfg->vcpus;
	d->max_vcpu_id = cfg->vcpus - 1;
	memset(out, 0, sizeof(*out));
	out->domid = d->domid;
	out->store_gfn = 0xfeffc;
	out->console_gfn = 0xfeffd;
	out->store_port = 1;
	out->console_port = 2;
	return 0;
}

static struct txl_dominfo *dom_find(uint32_t domid)
{
	unsigned int i;

	for (i = 0; i < fk.nr_doms; i++)
		if (fk.doms[i].domid == domid)
			return &fk.doms[i];
	return NULL;
}

static int f_set_maxmem(void *priv, uint32_t domid, uint64_t kb)
{
	if (fake_call())
		return -EIO;
	return dom_find(domid) ? 0 : -ESRCH;
}

static int f_destroy(void *priv, uint32_t domid)
{
	struct txl_dominfo *d;

	if (fake_call())
		return -EIO;
	d = dom_find(domid);
	if (!d)
		return -ESRCH;
	*d = fk.doms[--fk.nr_doms];
	return 0;
}

static int f_pause(void *priv, uint32_t domid)
{
	if (fake_call())
		return -EIO;
	if (!dom_find(domid))
		return -ESRCH;
	dom_find(domid)->paused = true;
	return 0;
}

static int f_unpause(void *priv, uint32_t domid)
{
	if (fake_call())
		return -EIO;
	if (!dom_find(domid))
		return -ESRCH;
	dom_find(domid)->paused = false;
	return 0;
}

static int f_list(void *priv, struct txl_dominfo *out, unsigned int max)
{
	unsigned int i;

	if (fake_call())
		return -EIO;
	for (i = 0; i < fk.nr_doms && i < max; i++)
		out[i] = fk.doms[i];
	return (int)i;
}

static int f_xs_start(void *priv, uint32_t *t)
{
	if (fake_call())
		return -EIO;
	CU_ASSERT(!fk.in_tx);
	nodes_copy(fk.saved, &fk.nr_saved, fk.nodes, fk.nr_nodes);
	fk.in_tx = true;
	*t = 77;
	return 0;
}

static int f_xs_end(void *priv, uint32_t t, bool abort)
{
	int ret = fake_call();

	CU_ASSERT(fk.in_tx && t == 77);
	fk.in_tx = false;
	if (ret || abort) /* a failed commit is discarded, as xenstored does */
		nodes_copy(fk.nodes, &fk.nr_nodes, fk.saved, fk.nr_saved);
	nodes_free(fk.saved, &fk.nr_saved);
	return ret;
}

static void check_tx(uint32_t t)
{
	CU_ASSERT(t == 0 || (fk.in_tx && t == 77));
}

static int f_xs_write(void *priv, uint32_t t, const char *path, const char *value)
{
	check_tx(t);
	if (fake_call())
		return -EIO;
	return node_set(path, value);
}

static int f_xs_mkdir(void *priv, uint32_t t, const char *path)
{
	check_tx(t);
	if (fake_call())
		return -EIO;
	return node_set(path, NULL);
}

static int f_xs_set_perms(void *priv, uint32_t t, const char *path,
			  const struct txl_store_perm *perms, unsigned int nr)
{
	check_tx(t);
	if (fake_call())
		return -EIO;
	return node_find(path) < 0 ? -ENOENT : 0;
}

static int f_xs_read(void *priv, uint32_t t, const char *path, char **value)
{
	int i;

	if (fake_call())
		return -EIO;
	i = node_find(path);
	if (i < 0)
		return -ENOENT;
	*value = strdup(fk.nodes[i].value);
	return 0;
}

static int f_xs_rm(void *priv, uint32_t t, const char *path)
{
	size_t n = strlen(path);
	unsigned int i, removed = 0;

	check_tx(t);
	if (fake_call())
		return -EIO;
	for (i = 0; i < fk.nr_nodes;) {
		const char *p = fk.nodes[i].path;

		if (!strncmp(p, path, n) && (p[n] == '\0' || p[n] == '/')) {
			free(fk.nodes[i].path);
			free(fk.nodes[i].value);
			fk.nodes[i] = fk.nodes[--fk.nr_nodes];
			removed++;
			continue;
		}
		i++;
	}
	return removed ? 0 : -ENOENT;
}

static int f_xs_introduce(void *priv, uint32_t domid, uint64_t gfn, uint32_t port)
{
	if (fake_call())
		return -EIO;
	CU_ASSERT_EQUAL(gfn, 0xfeffc);
	CU_ASSERT_EQUAL(port, 1);
	if (domid >= 64 || fk.introduced[domid])
		return -EEXIST;
	fk.introduced[domid] = true;
	return 0;
}

static int f_xs_release(void *priv, uint32_t domid)
{
	if (fake_call())
		return -EIO;
	if (domid >= 64 || !fk.introduced[domid])
		return -ENOENT;
	fk.introduced[domid] = false;
	return 0;
}

static int f_xs_watch(void *priv, const char *path, const char *token)
{
	return fake_call();
}

/* The monitor's sleep: the guest shuts down when the count is reached. */
static int f_xs_wait(void *priv, int timeout_ms)
{
	unsigned int i;

	if (++fk.waits == fk.shutdown_after_waits) {
		for (i = 0; i < fk.nr_doms; i++) {
			if (fk.doms[i].domid != 0) {
				fk.doms[i].shutdown = true;
				fk.doms[i].shutdown_reason = fk.shutdown_reason;
			}
		}
	}
	return 1;
}

static int f_boot_name(void *priv, uint32_t domid, char *name, size_t len)
{
	if (fake_call())
		return -EIO;
	if (!dom_find(domid))
		return -ESRCH;
	if (fk.boot_name_eio && domid == fk.boot_name_eio)
		return -EIO;
	if (domid >= 64 || !fk.boot_name[domid][0])
		return -ENOENT;
	snprintf(name, len, "%s", fk.boot_name[domid]);
	return 0;
}

static const struct txl_ops fake_ops = {
    .build = f_build,
    .set_maxmem = f_set_maxmem,
    .destroy = f_destroy,
    .pause = f_pause,
    .unpause = f_unpause,
    .list = f_list,
    .boot_name = f_boot_name,
    .xs_start = f_xs_start,
    .xs_end = f_xs_end,
    .xs_write = f_xs_write,
    .xs_mkdir = f_xs_mkdir,
    .xs_set_perms = f_xs_set_perms,
    .xs_read = f_xs_read,
    .xs_rm = f_xs_rm,
    .xs_introduce = f_xs_introduce,
    .xs_release = f_xs_release,
    .xs_watch = f_xs_watch,
    .xs_wait = f_xs_wait,
};

static char kernel_path[64];

/* The kernel file the creates read (made by the first fake_reset). */
static int txl_create_cleanup(void)
{
	if (kernel_path[0])
		unlink(kernel_path);
	kernel_path[0] = '\0';
	return 0;
}

/* Domain 0 and its name in the store; nothing else. */
static void fake_reset(struct txl_ctx *ctx)
{
	nodes_free(fk.nodes, &fk.nr_nodes);
	nodes_free(fk.saved, &fk.nr_saved);
	memset(&fk, 0, sizeof(fk));
	fk.next_domid = 5;
	fk.nr_doms = 1;
	fk.doms[0].domid = 0;
	fk.doms[0].running = true;
	node_set("/local/domain/0/name", "Domain-0");
	node_set("/vm", NULL); /* xenstored's tree has these once a domain was made */
	node_set("/libxl", NULL);
	memset(ctx, 0, sizeof(*ctx));
	ctx->ops = &fake_ops;
	if (!kernel_path[0]) {
		int fd;

		snprintf(kernel_path, sizeof(kernel_path), "/tmp/txl-unit-kernel.XXXXXX");
		fd = mkstemp(kernel_path);
		CU_ASSERT_FATAL(fd >= 0);
		CU_ASSERT_EQUAL(write(fd, "\177ELF", 4), 4);
		close(fd);
	}
}

static void fake_config(struct txl_domain_config *dc, enum txl_action on_poweroff,
			enum txl_action on_reboot)
{
	memset(dc, 0, sizeof(*dc));
	dc->name = "guest";
	dc->type = "pvh";
	dc->memory_mib = 64;
	dc->maxmem_mib = 128;
	dc->vcpus = 2;
	dc->kernel = kernel_path;
	dc->cmdline = "console=hvc0";
	dc->on_poweroff = on_poweroff;
	dc->on_reboot = on_reboot;
	dc->on_crash = TXL_ACTION_DESTROY;
}

static const char *node(const char *path)
{
	int i = node_find(path);

	return i < 0 ? NULL : fk.nodes[i].value;
}

/* Only domain 0 and its one store node, nothing introduced, no transaction open. */
static bool nothing_left(void)
{
	unsigned int i;

	for (i = 0; i < 64; i++)
		if (fk.introduced[i])
			return false;
	return fk.nr_doms == 1 && fk.doms[0].domid == 0 && !fk.in_tx &&
	       node("/local/domain/0/name") &&
	       fk.nr_nodes == 6 /* /local, /local/domain, .../0, name, /vm, /libxl */;
}

UNIT_TEST(txl_create, create_writes_libxls_nodes_and_destroy_removes_them)
{
	struct txl_domain_config dc;
	struct txl_ctx ctx;
	char why[TXL_WHY_LEN], path[64];
	uint32_t domid = 0;
	const char *vm;

	fake_reset(&ctx);
	CU_ASSERT_TRUE(nothing_left());
	fake_config(&dc, TXL_ACTION_DESTROY, TXL_ACTION_RESTART);
	CU_ASSERT_EQUAL_FATAL(txl_domain_create(&ctx, &dc, 0, &domid, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(domid, 5);
	CU_ASSERT_FALSE(dom_find(5)->paused);
	CU_ASSERT_TRUE(fk.introduced[5]);
	CU_ASSERT_STRING_EQUAL(node("/local/domain/5/name"), "guest");
	CU_ASSERT_STRING_EQUAL(node("/local/domain/5/domid"), "5");
	CU_ASSERT_STRING_EQUAL(node("/local/domain/5/memory/static-max"), "131072");
	CU_ASSERT_STRING_EQUAL(node("/local/domain/5/memory/target"), "65536");
	CU_ASSERT_STRING_EQUAL(node("/local/domain/5/cpu/1/availability"), "online");
	CU_ASSERT_STRING_EQUAL(node("/local/domain/5/control/shutdown"), "");
	CU_ASSERT_PTR_NOT_NULL(node("/local/domain/5/device"));
	CU_ASSERT_PTR_NOT_NULL(node("/local/domain/5/data"));
	CU_ASSERT_STRING_EQUAL(node("/local/domain/5/store/port"), "1");
	CU_ASSERT_STRING_EQUAL(node("/local/domain/5/store/ring-ref"), "1044476");
	CU_ASSERT_STRING_EQUAL(node("/local/domain/5/console/port"), "2");
	CU_ASSERT_STRING_EQUAL(node("/local/domain/5/console/ring-ref"), "1044477");
	CU_ASSERT_STRING_EQUAL(node("/local/domain/5/console/type"), "xenconsoled");
	CU_ASSERT_STRING_EQUAL(node("/libxl/5/type"), "pvh");
	CU_ASSERT_PTR_NOT_NULL(node("/libxl/5/domain-config"));
	vm = node("/local/domain/5/vm");
	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	CU_ASSERT_EQUAL(strncmp(vm, "/vm/", 4), 0);
	snprintf(path, sizeof(path), "%s/name", vm);
	CU_ASSERT_STRING_EQUAL(node(path), "guest");

	/* A second domain of the same name is refused before anything is built. */
	fk.calls = 0;
	CU_ASSERT_EQUAL(txl_domain_create(&ctx, &dc, 0, &domid, why, sizeof(why)), -EEXIST);
	CU_ASSERT_STRING_EQUAL(why, "domain with name \"guest\" already exists (id 5)");
	CU_ASSERT_EQUAL(fk.nr_doms, 2);

	CU_ASSERT_EQUAL(txl_domain_lookup(&ctx, "guest", &domid, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(domid, 5);
	CU_ASSERT_EQUAL(txl_domain_destroy(&ctx, 0, why, sizeof(why)), -EPERM);
	CU_ASSERT_EQUAL(txl_domain_destroy(&ctx, 5, why, sizeof(why)), 0);
	CU_ASSERT_TRUE(nothing_left());
	CU_ASSERT_EQUAL(txl_domain_lookup(&ctx, "guest", &domid, why, sizeof(why)), -ENOENT);
	fake_reset(&ctx);
}

UNIT_TEST(txl_create, a_failure_at_any_step_leaves_nothing_behind)
{
	struct txl_domain_config dc;
	struct txl_ctx ctx;
	char why[TXL_WHY_LEN];
	unsigned int steps, n;
	uint32_t domid;

	/* Count the calls of a good create, then fail each one in turn. */
	fake_reset(&ctx);
	fake_config(&dc, TXL_ACTION_DESTROY, TXL_ACTION_RESTART);
	CU_ASSERT_EQUAL_FATAL(txl_domain_create(&ctx, &dc, 0, &domid, why, sizeof(why)), 0);
	steps = fk.calls;
	CU_ASSERT(steps >
		  40); /* list, reads, build, maxmem, the store writes, introduce, unpause */
	for (n = 1; n <= steps; n++) {
		fake_reset(&ctx);
		fk.fail_at = n;
		why[0] = '\0';
		CU_ASSERT_EQUAL(txl_domain_create(&ctx, &dc, 0, &domid, why, sizeof(why)), -EIO);
		CU_ASSERT(why[0] != '\0');
		if (!nothing_left()) {
			CU_FAIL("something was left behind");
			fprintf(stderr, "\n  failing call %u of %u (%s): %u domains, %u nodes\n", n,
				steps, why, fk.nr_doms, fk.nr_nodes);
		}
	}
	fake_reset(&ctx);
}

UNIT_TEST(txl_create, paused_create_and_shutdown_request)
{
	struct txl_domain_config dc;
	struct txl_ctx ctx;
	char why[TXL_WHY_LEN];
	uint32_t domid;

	fake_reset(&ctx);
	fake_config(&dc, TXL_ACTION_DESTROY, TXL_ACTION_RESTART);
	CU_ASSERT_EQUAL_FATAL(
	    txl_domain_create(&ctx, &dc, TXL_CREATE_PAUSED, &domid, why, sizeof(why)), 0);
	CU_ASSERT_TRUE(dom_find(domid)->paused);
	CU_ASSERT_EQUAL(txl_domain_unpause(&ctx, domid), 0);
	CU_ASSERT_FALSE(dom_find(domid)->paused);
	CU_ASSERT_EQUAL(txl_domain_shutdown(&ctx, domid, false, why, sizeof(why)), 0);
	CU_ASSERT_STRING_EQUAL(node("/local/domain/5/control/shutdown"), "poweroff");
	CU_ASSERT_EQUAL(txl_domain_shutdown(&ctx, domid, true, why, sizeof(why)), 0);
	CU_ASSERT_STRING_EQUAL(node("/local/domain/5/control/shutdown"), "reboot");
	fake_reset(&ctx);
}

UNIT_TEST(txl_create, monitor_destroys_on_poweroff_and_restarts_on_reboot)
{
	struct txl_domain_config dc;
	struct txl_ctx ctx;
	char why[TXL_WHY_LEN];
	uint32_t domid;

	/* poweroff -> destroy: the monitor returns with nothing left. */
	fake_reset(&ctx);
	fake_config(&dc, TXL_ACTION_DESTROY, TXL_ACTION_RESTART);
	CU_ASSERT_EQUAL_FATAL(txl_domain_create(&ctx, &dc, 0, &domid, why, sizeof(why)), 0);
	fk.shutdown_after_waits = 2;
	fk.shutdown_reason = SHUTDOWN_poweroff;
	CU_ASSERT_EQUAL(txl_domain_monitor(&ctx, domid, &dc, NULL), 0);
	CU_ASSERT_TRUE(nothing_left());

	/* reboot -> restart: a new domain of the same name, then its poweroff is preserved. */
	fake_reset(&ctx);
	fake_config(&dc, TXL_ACTION_PRESERVE, TXL_ACTION_RESTART);
	CU_ASSERT_EQUAL_FATAL(txl_domain_create(&ctx, &dc, 0, &domid, why, sizeof(why)), 0);
	fk.shutdown_after_waits = 1;
	fk.shutdown_reason = SHUTDOWN_reboot;
	CU_ASSERT_EQUAL(f_xs_wait(NULL, 0), 1); /* domain 5 reboots now */
	fk.shutdown_reason = SHUTDOWN_poweroff;
	fk.shutdown_after_waits = 3; /* and its successor powers off later */
	CU_ASSERT_EQUAL(txl_domain_monitor(&ctx, domid, &dc, NULL), 0);
	CU_ASSERT_PTR_NULL(dom_find(5));
	CU_ASSERT_PTR_NOT_NULL_FATAL(dom_find(6));
	CU_ASSERT_TRUE(dom_find(6)->shutdown);
	CU_ASSERT_STRING_EQUAL(node("/local/domain/6/name"), "guest");
	CU_ASSERT_PTR_NULL(node("/local/domain/5/name"));
	CU_ASSERT_EQUAL(txl_domain_destroy(&ctx, 6, why, sizeof(why)), 0);
	CU_ASSERT_TRUE(nothing_left());
	fake_reset(&ctx);
}

UNIT_TEST(txl_create, boot_domains_get_xens_names_once)
{
	struct txl_ctx ctx;
	struct txl_dominfo *d;
	unsigned int nr;

	fake_reset(&ctx);
	node_set("/local/domain/0/name", NULL);
	free(fk.nodes[node_find("/local/domain/0/name")].value);
	fk.nodes[node_find("/local/domain/0/name")].value = strdup("");
	fk.doms[1].domid = 1;
	fk.doms[1].xenstore = true;
	fk.nr_doms = 2;
	CU_ASSERT_EQUAL(txl_name_boot_domains(&ctx, NULL), 0);
	CU_ASSERT_STRING_EQUAL(node("/local/domain/0/name"), "Domain-0");
	CU_ASSERT_STRING_EQUAL(node("/local/domain/1/name"), "Xenstore");
	CU_ASSERT_STRING_EQUAL(node("/local/domain/1/domid"), "1");
	node_set("/local/domain/1/name", "store");
	CU_ASSERT_EQUAL(txl_name_boot_domains(&ctx, NULL), 0);
	CU_ASSERT_STRING_EQUAL(node("/local/domain/1/name"), "store"); /* a name is kept */
	CU_ASSERT_EQUAL_FATAL(txl_list_domains(&ctx, &d, &nr), 0);
	CU_ASSERT_EQUAL(nr, 2);
	CU_ASSERT_STRING_EQUAL(d[0].name, "Domain-0");
	free(d);
	fake_reset(&ctx);
}

/* A node's value, or "(none)": safe to compare when a node may be missing. */
static const char *node_or_none(const char *path)
{
	return node(path) ? node(path) : "(none)";
}

/* Every other boot domain gets its plan's name; Xen's two names win; a taken name is skipped. */
UNIT_TEST(txl_create, boot_domains_get_their_boot_names)
{
	static const uint32_t ids[] = {0, 1, 2, 3, 4, 6, 7, 8};
	struct txl_ctx ctx;
	char *logbuf = NULL;
	size_t loglen = 0;
	FILE *log;

	fake_reset(&ctx);
	free(fk.nodes[node_find("/local/domain/0/name")].value);
	fk.nodes[node_find("/local/domain/0/name")].value = strdup("");
	for (unsigned int i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		memset(&fk.doms[i], 0, sizeof(fk.doms[i]));
		fk.doms[i].domid = ids[i];
	}
	fk.nr_doms = sizeof(ids) / sizeof(ids[0]);
	fk.doms[2].xenstore = true;
	snprintf(fk.boot_name[0], 32, "dom0");
	snprintf(fk.boot_name[1], 32, "Xenstore");  /* taken by the store domain (id above) */
	snprintf(fk.boot_name[2], 32, "xenstored"); /* Xen's name for the store wins */
	snprintf(fk.boot_name[3], 32, "linux");
	snprintf(fk.boot_name[4], 32, "demo-a"); /* but named already */
	node_set("/local/domain/4/name", "mine");
	snprintf(fk.boot_name[6], 32, "bad name"); /* not something xl can look up */
	/* 7: none (a toolstack made it); 8: the hypervisor fails. */
	snprintf(fk.boot_name[8], 32, "demo-b");
	fk.boot_name_eio = 8;
	log = open_memstream(&logbuf, &loglen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(log);
	CU_ASSERT_EQUAL(txl_name_boot_domains(&ctx, log), -EIO);
	fclose(log);
	CU_ASSERT_STRING_EQUAL(node_or_none("/local/domain/0/name"), "Domain-0");
	CU_ASSERT_PTR_NULL(node("/local/domain/1/name"));
	CU_ASSERT_STRING_EQUAL(node_or_none("/local/domain/2/name"), "Xenstore");
	CU_ASSERT_STRING_EQUAL(node_or_none("/local/domain/3/name"), "linux");
	CU_ASSERT_STRING_EQUAL(node_or_none("/local/domain/3/domid"), "3");
	CU_ASSERT_STRING_EQUAL(node_or_none("/local/domain/4/name"), "mine");
	CU_ASSERT_PTR_NULL(node("/local/domain/6/name"));
	CU_ASSERT_PTR_NULL(node("/local/domain/7/name"));
	CU_ASSERT_PTR_NULL(node("/local/domain/8/name"));
	CU_ASSERT_PTR_NOT_NULL(strstr(logbuf, "domain 3: name linux\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(logbuf, "domain 1: boot name Xenstore is taken"));
	CU_ASSERT_PTR_NOT_NULL(strstr(logbuf, "domain 6: boot name bad name is not a name"));
	CU_ASSERT_PTR_NOT_NULL(strstr(logbuf, "domain 8: no boot name: "));
	CU_ASSERT_PTR_NULL(strstr(logbuf, "domain 7"));
	free(logbuf);

	/* Once the hypervisor answers, a second run names what is left and nothing else. */
	fk.boot_name_eio = 0;
	CU_ASSERT_EQUAL(txl_name_boot_domains(&ctx, NULL), 0);
	CU_ASSERT_STRING_EQUAL(node_or_none("/local/domain/8/name"), "demo-b");
	CU_ASSERT_STRING_EQUAL(node_or_none("/local/domain/3/name"), "linux");
	CU_ASSERT_PTR_NULL(node("/local/domain/7/name"));
	fake_reset(&ctx);
}
