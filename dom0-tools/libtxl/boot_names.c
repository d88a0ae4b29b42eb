/*
 * Names for the domains the hypervisor builds at boot, which no toolstack
 * created: what Xen's xen-init-dom0 (name "Domain-0") and
 * init-xenstore-domain (name "Xenstore") write, so `xl list` shows them by
 * name. A domain that has a name already keeps it. No locking.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

int txl_name_boot_domains(struct txl_ctx *ctx, FILE *log)
{
	struct txl_dominfo *d;
	unsigned int nr, i;
	int ret = txl_list_domains(ctx, &d, &nr), r;

	if (ret)
		return ret;
	for (i = 0; i < nr; i++) {
		const char *name = d[i].domid == ctx->self_domid ? "Domain-0"
				   : d[i].xenstore		 ? "Xenstore"
								 : NULL;

		if (!name || d[i].name[0])
			continue;
		r = name_domain(ctx, d[i].domid, name);
		if (log)
			fprintf(log, "domain %u: name %s%s\n", d[i].domid, name,
				r ? ": failed" : "");
		if (r && !ret)
			ret = r;
	}
	free(d);
	return ret;
}
