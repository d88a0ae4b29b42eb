/*
 * Names for the domains the hypervisor builds at boot, which no toolstack
 * created, so `xl list` shows them by name: ourselves "Domain-0" (what
 * Xen's xen-init-dom0 writes), the xenstore domain "Xenstore" (what Xen's
 * init-xenstore-domain writes, whatever the boot plan calls it), every
 * other boot domain the name its boot plan gave it (Tessera's domctl
 * tessera_get_boot_name). A domain that has a name already keeps it; a
 * domain with no boot name (a toolstack made it) is left alone, and so is
 * one whose boot name another domain already has. No locking.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "txl_private.h"

static int name_domain(struct txl_ctx *ctx, uint32_t domid, const char *name)
{
	char path[TXL_PATH_LEN], id[16];
	int ret;

	txl_dom_path(path, domid, "domid");
	snprintf(id, sizeof(id), "%u", domid);
	ret = ctx->ops->xs_write(ctx->priv, 0, path, id);
	txl_dom_path(path, domid, "name");
	return ret ? ret : ctx->ops->xs_write(ctx->priv, 0, path, name);
}

/* A name xl can show and look up: printable, no blanks (the plan allows [A-Za-z0-9._-]). */
static bool name_is_plausible(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (*name <= ' ' || *name > '~')
			return false;
	return true;
}

static bool name_is_taken(const struct txl_dominfo *d, unsigned int nr, const char *name)
{
	for (unsigned int i = 0; i < nr; i++)
		if (!strcmp(d[i].name, name))
			return true;
	return false;
}

/*
 * The name domain d should get in buf: 1 one to write, 0 none (no boot
 * name, or a hypervisor without boot names), or -errno.
 */
static int boot_domain_name(struct txl_ctx *ctx, const struct txl_dominfo *d, char *buf, size_t len)
{
	int ret;

	if (d->domid == ctx->self_domid) {
		snprintf(buf, len, "Domain-0");
		return 1;
	}
	if (d->xenstore) {
		snprintf(buf, len, "Xenstore");
		return 1;
	}
	if (!ctx->ops->boot_name)
		return 0;
	ret = ctx->ops->boot_name(ctx->priv, d->domid, buf, len);
	/* No boot name, gone meanwhile, or a hypervisor that has no such call. */
	if (ret == -ENOENT || ret == -ESRCH || ret == -ENOSYS || ret == -EOPNOTSUPP)
		return 0;
	return ret ? ret : 1;
}

/* Name domain i if it has no name and fits this pass; 0 or -errno. */
static int name_one(struct txl_ctx *ctx, struct txl_dominfo *d, unsigned int nr, unsigned int i,
		    FILE *log)
{
	char name[sizeof(d[i].name)];
	int r = boot_domain_name(ctx, &d[i], name, sizeof(name));

	if (r < 0) {
		if (log)
			fprintf(log, "domain %u: no boot name: %s\n", d[i].domid, strerror(-r));
		return r;
	}
	if (!r)
		return 0;
	if (!name_is_plausible(name) || name_is_taken(d, nr, name)) {
		if (log)
			fprintf(log, "domain %u: boot name %s is %s: left unnamed\n", d[i].domid,
				name, name_is_plausible(name) ? "taken" : "not a name");
		return 0;
	}
	r = name_domain(ctx, d[i].domid, name);
	if (!r)
		snprintf(d[i].name, sizeof(d[i].name), "%s", name);
	if (log)
		fprintf(log, "domain %u: name %s%s\n", d[i].domid, name, r ? ": failed" : "");
	return r;
}

int txl_name_boot_domains(struct txl_ctx *ctx, FILE *log)
{
	struct txl_dominfo *d;
	unsigned int nr, i, pass;
	int ret = txl_list_domains(ctx, &d, &nr), r;

	if (ret)
		return ret;
	/* Xen's names first (pass 0), so that no boot name can take them. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < nr; i++) {
			bool xens = d[i].domid == ctx->self_domid || d[i].xenstore;

			if (d[i].name[0] || xens != (pass == 0))
				continue;
			r = name_one(ctx, d, nr, i, log);
			if (r && !ret)
				ret = r;
		}
	}
	free(d);
	return ret;
}
