/*
 * Domain operations after creation: listing (hypervisor info + names from
 * the store), lookup by id or name, teardown and destroy, shutdown and
 * reboot requests, pause, unpause, and what xl reads back from the store
 * (start time, stored config). No locking: one thread per context.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "txl_private.h"

void txl_dom_path(char *buf, uint32_t domid, const char *sub)
{
	if (sub)
		snprintf(buf, TXL_PATH_LEN, "/local/domain/%u/%s", domid, sub);
	else
		snprintf(buf, TXL_PATH_LEN, "/local/domain/%u", domid);
}

void txl_uuid_string(char *buf, const uint8_t u[16])
{
	snprintf(buf, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
}

char *txl_store_read(struct txl_ctx *ctx, const char *path)
{
	char *v = NULL;
	int ret = ctx->ops->xs_read(ctx->priv, 0, path, &v);

	if (ret) {
		errno = -ret;
		return NULL;
	}
	return v;
}

int txl_list_domains(struct txl_ctx *ctx, struct txl_dominfo **out, unsigned int *nr)
{
	struct txl_dominfo *d = calloc(TXL_MAX_DOMAINS, sizeof(*d));
	char path[TXL_PATH_LEN];
	int n, i;

	*out = NULL;
	*nr = 0;
	if (!d)
		return -ENOMEM;
	n = ctx->ops->list(ctx->priv, d, TXL_MAX_DOMAINS);
	if (n < 0) {
		free(d);
		return n;
	}
	for (i = 0; i < n; i++) {
		char *name = NULL;
		int r;

		txl_dom_path(path, d[i].domid, "name");
		r = ctx->ops->xs_read(ctx->priv, 0, path, &name);
		if (r && r != -ENOENT && r != -EACCES) { /* no name, or not ours to read: "" */
			free(d);
			return r;
		}
		d[i].name[0] = '\0';
		if (name)
			snprintf(d[i].name, sizeof(d[i].name), "%s", name);
		free(name);
	}
	*out = d;
	*nr = (unsigned int)n;
	return 0;
}

int txl_domain_lookup(struct txl_ctx *ctx, const char *what, uint32_t *domid, char *why,
		      size_t whylen)
{
	struct txl_dominfo *d;
	unsigned int nr, i;
	bool numeric = *what != '\0';
	const char *p;
	int ret;

	for (p = what; *p; p++)
		numeric &= isdigit((unsigned char)*p) != 0;
	ret = txl_list_domains(ctx, &d, &nr);
	if (ret) {
		snprintf(why, whylen, "cannot list domains: %s", strerror(-ret));
		return ret;
	}
	for (i = 0; i < nr; i++) {
		if (numeric ? d[i].domid == strtoul(what, NULL, 10) : !strcmp(d[i].name, what)) {
			*domid = d[i].domid;
			free(d);
			return 0;
		}
	}
	free(d);
	snprintf(why, whylen, "%s '%s' does not exist", numeric ? "domain" : "domain name", what);
	return -ENOENT;
}

static int keep_first(int first, int ret, int ignore1, int ignore2)
{
	if (first || !ret || ret == ignore1 || ret == ignore2)
		return first;
	return ret;
}

int txl_domain_teardown(struct txl_ctx *ctx, uint32_t domid, const char *vm_path)
{
	char dom[TXL_PATH_LEN], lx[TXL_PATH_LEN], vm[TXL_PATH_LEN] = "";
	int ret = 0;

	txl_dom_path(dom, domid, NULL);
	snprintf(lx, sizeof(lx), "/libxl/%u", domid);
	if (vm_path) {
		snprintf(vm, sizeof(vm), "%s", vm_path);
	} else {
		char p[TXL_PATH_LEN], *v;

		txl_dom_path(p, domid, "vm");
		v = txl_store_read(ctx, p);
		if (v && !strncmp(v, "/vm/", 4))
			snprintf(vm, sizeof(vm), "%s", v);
		free(v);
	}
	ret = keep_first(ret, ctx->ops->destroy(ctx->priv, domid), -ESRCH, 0);
	/* The store may have released it already (it watches VIRQ_DOM_EXC). */
	ret = keep_first(ret, ctx->ops->xs_release(ctx->priv, domid), -ENOENT, -EINVAL);
	ret = keep_first(ret, ctx->ops->xs_rm(ctx->priv, 0, dom), -ENOENT, 0);
	if (vm[0])
		ret = keep_first(ret, ctx->ops->xs_rm(ctx->priv, 0, vm), -ENOENT, 0);
	ret = keep_first(ret, ctx->ops->xs_rm(ctx->priv, 0, lx), -ENOENT, 0);
	return ret;
}

int txl_domain_destroy(struct txl_ctx *ctx, uint32_t domid, char *why, size_t whylen)
{
	int ret;

	if (domid == 0 || domid == ctx->self_domid) {
		snprintf(why, whylen, "cannot destroy privileged domain %u", domid);
		return -EPERM;
	}
	ret = txl_domain_teardown(ctx, domid, NULL);
	if (ret)
		snprintf(why, whylen, "destroying domain %u: %s", domid, strerror(-ret));
	return ret;
}

int txl_domain_shutdown(struct txl_ctx *ctx, uint32_t domid, bool reboot, char *why, size_t whylen)
{
	char path[TXL_PATH_LEN];
	int ret;

	txl_dom_path(path, domid, "control/shutdown");
	ret = ctx->ops->xs_write(ctx->priv, 0, path, reboot ? "reboot" : "poweroff");
	if (ret)
		snprintf(why, whylen, "writing %s: %s", path, strerror(-ret));
	return ret;
}

int txl_domain_pause(struct txl_ctx *ctx, uint32_t domid)
{
	return ctx->ops->pause(ctx->priv, domid);
}

int txl_domain_unpause(struct txl_ctx *ctx, uint32_t domid)
{
	return ctx->ops->unpause(ctx->priv, domid);
}

int txl_domain_start_time(struct txl_ctx *ctx, uint32_t domid, double *start)
{
	char path[TXL_PATH_LEN], *vm, *v;
	char *end;

	txl_dom_path(path, domid, "vm");
	vm = txl_store_read(ctx, path);
	if (!vm)
		return -errno;
	snprintf(path, sizeof(path), "%s/start_time", vm);
	free(vm);
	v = txl_store_read(ctx, path);
	if (!v)
		return -errno;
	*start = strtod(v, &end);
	free(v);
	return end == v ? -EINVAL : 0;
}

char *txl_domain_config_json_stored(struct txl_ctx *ctx, uint32_t domid)
{
	char path[TXL_PATH_LEN];

	snprintf(path, sizeof(path), "/libxl/%u/domain-config", domid);
	return txl_store_read(ctx, path);
}

int txl_host_info(struct txl_ctx *ctx, struct txl_physinfo *pi)
{
	memset(pi, 0, sizeof(*pi));
	return ctx->ops->physinfo(ctx->priv, pi);
}

int txl_read_console(struct txl_ctx *ctx, FILE *fp, bool clear)
{
	char buf[4096];
	uint32_t index = 0, count;
	bool incremental = false;
	int ret;

	for (;;) {
		count = sizeof(buf);
		ret = ctx->ops->readconsole(ctx->priv, buf, &count, &index, incremental, clear);
		if (ret)
			return ret;
		if (!count)
			return 0;
		fwrite(buf, 1, count, fp);
		incremental = true;
	}
}
