/*
 * xen-init-dom0: run once in the control domain at boot, after the store
 * is reachable. Writes the names of the domains the hypervisor built
 * ("Domain-0" for us, "Xenstore" for the xenstore domain, as Xen's
 * xen-init-dom0 and init-xenstore-domain do; the others' boot-plan names)
 * so that xl list shows them. Exit status 0, or 1 with a message.
 */
#include <stdio.h>
#include <string.h>
#include "txl.h"

int main(void)
{
	char why[TXL_WHY_LEN];
	struct txl_ctx ctx;
	int ret;

	if (txl_ctx_open(&ctx, why, sizeof(why))) {
		fprintf(stderr, "xen-init-dom0: %s\n", why);
		return 1;
	}
	ret = txl_name_boot_domains(&ctx, stdout);
	if (ret)
		fprintf(stderr, "xen-init-dom0: %s\n", strerror(-ret));
	txl_ctx_close(&ctx);
	return ret ? 1 : 0;
}
