/*
 * The domain monitor: what Xen's xl does in the process it forks after
 * `xl create` (unless -e). It watches @releaseDomain (the store fires it
 * when a domain shuts down or dies; a 1 s poll covers a store that does
 * not) and, when the domain has shut down, carries out its action:
 *   poweroff -> on_poweroff, reboot -> on_reboot, crash / watchdog ->
 *   on_crash (suspend is left alone);
 *   destroy and coredump-destroy: destroy it (no core is written);
 *   restart, rename-restart, coredump-restart, soft-reset: destroy it and
 *   create it again from the same config, then watch the new domain;
 *   preserve: leave it as it is and stop watching.
 * Returns when the domain is gone. No locking: one thread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <public/sched.h>
#include "txl_private.h"

#define TXL_MONITOR_POLL_MS 1000
#define TXL_MONITOR_MAX_RESTARTS 1000 /* a guest that reboots for ever still ends */

static int find(struct txl_ctx *ctx, uint32_t domid, struct txl_dominfo *out)
{
	struct txl_dominfo *d;
	unsigned int nr, i;
	int ret = txl_list_domains(ctx, &d, &nr);

	if (ret)
		return ret;
	ret = -ESRCH;
	for (i = 0; i < nr; i++) {
		if (d[i].domid == domid) {
			*out = d[i];
			ret = 0;
		}
	}
	free(d);
	return ret;
}

static enum txl_action action_for(const struct txl_domain_config *dc, unsigned int reason)
{
	switch (reason) {
	case SHUTDOWN_poweroff:
		return dc->on_poweroff;
	case SHUTDOWN_reboot:
		return dc->on_reboot;
	default:
		return dc->on_crash;
	}
}

int txl_domain_monitor(struct txl_ctx *ctx, uint32_t domid, const struct txl_domain_config *dc,
		       FILE *log)
{
	char why[TXL_WHY_LEN];
	unsigned int restarts = 0;
	int ret;

	ret = ctx->ops->xs_watch(ctx->priv, "@releaseDomain", "txl-monitor");
	if (ret && log)
		fprintf(log, "xl: watching @releaseDomain: %s (polling instead)\n", strerror(-ret));
	for (;;) {
		struct txl_dominfo info;
		enum txl_action a;

		ret = find(ctx, domid, &info);
		if (ret == -ESRCH)
			return 0; /* destroyed by someone else */
		if (ret)
			return ret;
		if (!info.shutdown || info.shutdown_reason == SHUTDOWN_suspend) {
			ret = ctx->ops->xs_wait(ctx->priv, TXL_MONITOR_POLL_MS);
			if (ret < 0)
				return ret;
			continue;
		}
		a = action_for(dc, info.shutdown_reason);
		if (log)
			fprintf(log, "xl: domain %u (%s) shut down, reason %u: %s\n", domid,
				dc->name, info.shutdown_reason, txl_action_name(a));
		if (a == TXL_ACTION_PRESERVE)
			return 0;
		ret = txl_domain_teardown(ctx, domid, NULL);
		if (ret)
			return ret;
		if (a == TXL_ACTION_DESTROY || a == TXL_ACTION_COREDUMP_DESTROY)
			return 0;
		if (++restarts > TXL_MONITOR_MAX_RESTARTS)
			return -ELOOP;
		ret = txl_domain_create(ctx, dc, 0, &domid, why, sizeof(why));
		if (ret) {
			if (log)
				fprintf(log, "xl: restarting %s: %s\n", dc->name, why);
			return ret;
		}
		if (log)
			fprintf(log, "xl: %s restarted as domain %u\n", dc->name, domid);
	}
}
