/*
 * libtxl's real backend (txl_ops.h) for a Linux control domain:
 * libxenctrl over /dev/xen/privcmd, libxenforeignmemory for the builder,
 * libxenstore over the store socket or /dev/xen/xenbus. Library errors
 * (-1 / false with errno) become -errno. No locking: one thread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <public/version.h>
#include <xenctrl.h>
#include <xenforeignmemory.h>
#include <xenstore.h>
#include "txl_private.h"

struct xen_backend {
	xc_interface *xch;
	xenforeignmemory_handle *fmem;
	struct xs_handle *xsh;
};

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

static int xb_build(void *priv, const struct pvh_build_config *cfg, struct pvh_build_result *out,
		    char *why, size_t whylen)
{
	struct xen_backend *b = priv;

	return pvh_build_domain(b->xch, b->fmem, cfg, out, why, whylen);
}

static int xb_set_maxmem(void *priv, uint32_t domid, uint64_t kb)
{
	return xc_domain_setmaxmem(((struct xen_backend *)priv)->xch, domid, kb) ? neg_errno() : 0;
}

/* As Xen's xc_domain_destroy: a teardown still under way (EAGAIN) is asked again. */
static int xb_destroy(void *priv, uint32_t domid)
{
	int ret;

	do
		ret = xc_domain_destroy(((struct xen_backend *)priv)->xch, domid) ? neg_errno() : 0;
	while (ret == -EAGAIN);
	return ret;
}

static int xb_pause(void *priv, uint32_t domid)
{
	return xc_domain_pause(((struct xen_backend *)priv)->xch, domid) ? neg_errno() : 0;
}

static int xb_unpause(void *priv, uint32_t domid)
{
	return xc_domain_unpause(((struct xen_backend *)priv)->xch, domid) ? neg_errno() : 0;
}

static int xb_list(void *priv, struct txl_dominfo *out, unsigned int max)
{
	struct xen_backend *b = priv;
	xc_dominfo_t *info = calloc(max, sizeof(*info));
	int n, i;

	if (!info)
		return -ENOMEM;
	n = xc_domain_getinfo(b->xch, 0, max, info);
	if (n < 0) {
		n = neg_errno();
		free(info);
		return n;
	}
	for (i = 0; i < n; i++) {
		struct txl_dominfo *d = &out[i];

		memset(d, 0, sizeof(*d));
		d->domid = info[i].domid;
		d->current_memkb = (uint64_t)info[i].nr_pages * 4;
		d->max_memkb = info[i].max_memkb;
		d->vcpu_online = info[i].nr_online_vcpus;
		d->max_vcpu_id = info[i].max_vcpu_id;
		d->cpu_time_ns = info[i].cpu_time;
		d->running = info[i].running;
		d->blocked = info[i].blocked;
		d->paused = info[i].paused;
		d->shutdown = info[i].shutdown;
		d->dying = info[i].dying;
		d->xenstore = info[i].xenstore;
		d->shutdown_reason = info[i].shutdown_reason;
		memcpy(d->uuid, info[i].handle, sizeof(d->uuid));
	}
	free(info);
	return n;
}

static int xb_boot_name(void *priv, uint32_t domid, char *name, size_t len)
{
	struct xen_backend *b = priv;

	return xc_tessera_get_boot_name(b->xch, domid, name, len) ? neg_errno() : 0;
}

/* A char[1024] XENVER_ string into out (cut to fit); "" if the call fails. */
static void xb_version_string(struct xen_backend *b, int cmd, char *out, size_t len)
{
	char buf[sizeof(xen_commandline_t)];

	_Static_assert(sizeof(xen_capabilities_info_t) == sizeof(xen_commandline_t), "1024");
	memset(buf, 0, sizeof(buf));
	out[0] = '\0';
	if (xc_version(b->xch, cmd, buf))
		return;
	buf[sizeof(buf) - 1] = '\0';
	if (strlen(buf) >= len)
		buf[len - 1] = '\0';
	memcpy(out, buf, strlen(buf) + 1);
}

static int xb_physinfo(void *priv, struct txl_physinfo *pi)
{
	struct xen_backend *b = priv;
	xc_physinfo_t p;
	xen_extraversion_t extra;
	int v;

	if (xc_physinfo(b->xch, &p))
		return neg_errno();
	pi->nr_cpus = p.nr_cpus;
	pi->max_cpu_id = p.max_cpu_id;
	pi->nr_nodes = p.nr_nodes;
	pi->cores_per_socket = p.cores_per_socket;
	pi->threads_per_core = p.threads_per_core;
	pi->cpu_khz = p.cpu_khz;
	pi->total_pages = p.total_pages;
	pi->free_pages = p.free_pages;
	pi->capabilities = p.capabilities;
	v = xc_version(b->xch, XENVER_version, NULL);
	if (v > 0) {
		pi->xen_major = (unsigned int)v >> 16;
		pi->xen_minor = (unsigned int)v & 0xffff;
	}
	memset(extra, 0, sizeof(extra));
	if (!xc_version(b->xch, XENVER_extraversion, extra))
		snprintf(pi->xen_extra, sizeof(pi->xen_extra), "%.*s", (int)sizeof(extra), extra);
	xb_version_string(b, XENVER_capabilities, pi->xen_caps, sizeof(pi->xen_caps));
	xb_version_string(b, XENVER_commandline, pi->xen_commandline, sizeof(pi->xen_commandline));
	return 0;
}

static int xb_readconsole(void *priv, char *buf, uint32_t *count, uint32_t *index, bool incremental,
			  bool clear)
{
	unsigned int n = *count;

	if (xc_readconsolering(((struct xen_backend *)priv)->xch, buf, &n, clear, incremental,
			       index))
		return neg_errno();
	*count = n;
	return 0;
}

static int xb_xs_start(void *priv, uint32_t *t)
{
	*t = xs_transaction_start(((struct xen_backend *)priv)->xsh);
	return *t ? 0 : neg_errno();
}

static int xb_xs_end(void *priv, uint32_t t, bool abort)
{
	return xs_transaction_end(((struct xen_backend *)priv)->xsh, t, abort) ? 0 : neg_errno();
}

static int xb_xs_write(void *priv, uint32_t t, const char *path, const char *value)
{
	return xs_write(((struct xen_backend *)priv)->xsh, t, path, value,
			(unsigned int)strlen(value))
		   ? 0
		   : neg_errno();
}

static int xb_xs_mkdir(void *priv, uint32_t t, const char *path)
{
	return xs_mkdir(((struct xen_backend *)priv)->xsh, t, path) ? 0 : neg_errno();
}

static int xb_xs_set_perms(void *priv, uint32_t t, const char *path,
			   const struct txl_store_perm *perms, unsigned int nr)
{
	struct xs_permissions p[4];
	unsigned int i;

	if (nr > 4)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		p[i].id = perms[i].id;
		p[i].perms = perms[i].perms;
	}
	return xs_set_permissions(((struct xen_backend *)priv)->xsh, t, path, p, nr) ? 0
										     : neg_errno();
}

static int xb_xs_read(void *priv, uint32_t t, const char *path, char **value)
{
	unsigned int len;

	*value = xs_read(((struct xen_backend *)priv)->xsh, t, path, &len);
	return *value ? 0 : neg_errno();
}

static int xb_xs_rm(void *priv, uint32_t t, const char *path)
{
	return xs_rm(((struct xen_backend *)priv)->xsh, t, path) ? 0 : neg_errno();
}

static int xb_xs_introduce(void *priv, uint32_t domid, uint64_t gfn, uint32_t port)
{
	return xs_introduce_domain(((struct xen_backend *)priv)->xsh, domid, (unsigned long)gfn,
				   port)
		   ? 0
		   : neg_errno();
}

static int xb_xs_release(void *priv, uint32_t domid)
{
	return xs_release_domain(((struct xen_backend *)priv)->xsh, domid) ? 0 : neg_errno();
}

static int xb_xs_watch(void *priv, const char *path, const char *token)
{
	return xs_watch(((struct xen_backend *)priv)->xsh, path, token) ? 0 : neg_errno();
}

/* Drain queued events first: the connection may hold none while the queue does. */
static int xb_xs_wait(void *priv, int timeout_ms)
{
	struct xen_backend *b = priv;
	struct pollfd p = {.fd = xs_fileno(b->xsh), .events = POLLIN};
	char **ev = xs_check_watch(b->xsh);
	int got = 0, n;

	if (ev) {
		free(ev);
		got = 1;
		while ((ev = xs_check_watch(b->xsh)))
			free(ev);
		return got;
	}
	n = poll(&p, 1, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : neg_errno();
	while ((ev = xs_check_watch(b->xsh))) {
		free(ev);
		got = 1;
	}
	return got;
}

static const struct txl_ops xen_ops = {
    .build = xb_build,
    .set_maxmem = xb_set_maxmem,
    .destroy = xb_destroy,
    .pause = xb_pause,
    .unpause = xb_unpause,
    .list = xb_list,
    .boot_name = xb_boot_name,
    .physinfo = xb_physinfo,
    .readconsole = xb_readconsole,
    .xs_start = xb_xs_start,
    .xs_end = xb_xs_end,
    .xs_write = xb_xs_write,
    .xs_mkdir = xb_xs_mkdir,
    .xs_set_perms = xb_xs_set_perms,
    .xs_read = xb_xs_read,
    .xs_rm = xb_xs_rm,
    .xs_introduce = xb_xs_introduce,
    .xs_release = xb_xs_release,
    .xs_watch = xb_xs_watch,
    .xs_wait = xb_xs_wait,
};

int txl_ctx_open(struct txl_ctx *ctx, char *why, size_t whylen)
{
	struct xen_backend *b = calloc(1, sizeof(*b));

	memset(ctx, 0, sizeof(*ctx));
	if (!b)
		return -ENOMEM;
	b->xch = xc_interface_open(NULL, NULL, 0);
	if (!b->xch) {
		snprintf(why, whylen, "cannot open the hypervisor interface (/dev/xen/privcmd): %s",
			 strerror(errno));
		goto fail;
	}
	b->fmem = xenforeignmemory_open(NULL, 0);
	if (!b->fmem) {
		snprintf(why, whylen, "cannot open foreign memory mapping (/dev/xen/privcmd): %s",
			 strerror(errno));
		goto fail;
	}
	b->xsh = xs_open(0);
	if (!b->xsh) {
		snprintf(why, whylen, "cannot connect to the store (%s or /dev/xen/xenbus): %s",
			 xs_daemon_socket(), strerror(errno));
		goto fail;
	}
	ctx->ops = &xen_ops;
	ctx->priv = b;
	ctx->self_domid = 0;
	return 0;
fail : {
	int ret = errno ? -errno : -EIO;

	xs_close(b->xsh);
	if (b->fmem)
		xenforeignmemory_close(b->fmem);
	if (b->xch)
		xc_interface_close(b->xch);
	free(b);
	return ret;
}
}

void txl_ctx_close(struct txl_ctx *ctx)
{
	struct xen_backend *b = ctx->priv;

	if (!b)
		return;
	xs_close(b->xsh);
	xenforeignmemory_close(b->fmem);
	xc_interface_close(b->xch);
	free(b);
	ctx->priv = NULL;
}
