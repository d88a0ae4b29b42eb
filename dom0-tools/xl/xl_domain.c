/*
 * xl's per-domain commands: list [-l], destroy, shutdown / reboot [-w],
 * pause, unpause, vcpu-list, uptime [-s]. Messages and exit statuses as
 * Xen's xl. Single-threaded.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "xl.h"

#define XL_WAIT_POLL_US 100000

/* All domains, or only those named on the command line (in that order). */
static int select_domains(struct txl_ctx *ctx, int argc, char **argv, struct txl_dominfo **out,
			  unsigned int *nr)
{
	struct txl_dominfo *all, *sel;
	unsigned int n, i, k = 0;
	int a, ret;

	ret = txl_list_domains(ctx, &all, &n);
	if (ret) {
		fprintf(stderr, "libxl_list_domain failed: %s\n", strerror(-ret));
		return ret;
	}
	if (optind >= argc) {
		*out = all;
		*nr = n;
		return 0;
	}
	sel = calloc((size_t)(argc - optind), sizeof(*sel));
	if (!sel) {
		free(all);
		return -1;
	}
	for (a = optind; a < argc; a++) {
		uint32_t domid = xl_find_domain(ctx, argv[a]);

		for (i = 0; i < n; i++)
			if (all[i].domid == domid)
				sel[k++] = all[i];
	}
	free(all);
	*out = sel;
	*nr = k;
	return 0;
}

int xl_cmd_list(struct txl_ctx *ctx, int argc, char **argv)
{
	struct txl_dominfo *d;
	bool json = false;
	unsigned int nr;
	int opt, ret;

	while ((opt = getopt(argc, argv, "lv")) != -1) {
		if (opt == 'l')
			json = true;
		else if (opt != 'v')
			return xl_usage("list");
	}
	if (select_domains(ctx, argc, argv, &d, &nr))
		return 1;
	ret = 0;
	if (json)
		ret = txl_print_list_json(ctx, stdout, d, nr);
	else
		txl_print_list(stdout, d, nr);
	free(d);
	return ret ? 1 : 0;
}

int xl_cmd_destroy(struct txl_ctx *ctx, int argc, char **argv)
{
	char why[TXL_WHY_LEN];
	uint32_t domid;
	int opt;

	while ((opt = getopt(argc, argv, "f")) !=
	       -1) /* -f (force): what destroy always does here */
		if (opt != 'f')
			return xl_usage("destroy");
	if (optind != argc - 1)
		return xl_usage("destroy");
	domid = xl_find_domain(ctx, argv[optind]);
	if (domid == 0) {
		fprintf(stderr, "Cannot destroy privileged domain 0.\n");
		return 1;
	}
	if (txl_domain_destroy(ctx, domid, why, sizeof(why))) {
		fprintf(stderr, "destroy failed: %s\n", why);
		return 1;
	}
	return 0;
}

/* -w: until the domain has shut down or is gone. */
static void wait_shutdown(struct txl_ctx *ctx, uint32_t domid)
{
	fprintf(stderr, "Waiting for 1 domains\n");
	for (;;) {
		struct txl_dominfo *d;
		unsigned int nr, i, reason = 0;
		int state = 0; /* 0 gone, 1 running, 2 shut down */

		if (txl_list_domains(ctx, &d, &nr))
			return;
		for (i = 0; i < nr; i++) {
			if (d[i].domid == domid) {
				state = d[i].shutdown ? 2 : 1;
				reason = d[i].shutdown_reason;
			}
		}
		free(d);
		if (state == 2)
			fprintf(stderr, "Domain %u has been shut down, reason code %u\n", domid,
				reason);
		if (state == 0)
			fprintf(stderr, "Domain %u has been destroyed.\n", domid);
		if (state != 1)
			return;
		usleep(XL_WAIT_POLL_US);
	}
}

static int shutdown_or_reboot(struct txl_ctx *ctx, int argc, char **argv, bool reboot)
{
	const char *name = reboot ? "reboot" : "shutdown";
	char why[TXL_WHY_LEN];
	bool wait = false;
	uint32_t domid;
	int opt;

	while ((opt = getopt(argc, argv, "wF")) != -1) {
		if (opt == 'w')
			wait = true;
		else if (opt != 'F')
			return xl_usage(name);
	}
	if (optind != argc - 1)
		return xl_usage(name);
	domid = xl_find_domain(ctx, argv[optind]);
	fprintf(stderr, "%s domain %u\n", reboot ? "Rebooting" : "Shutting down", domid);
	if (txl_domain_shutdown(ctx, domid, reboot, why, sizeof(why))) {
		fprintf(stderr, "%s failed: %s\n", name, why);
		return 1;
	}
	if (wait)
		wait_shutdown(ctx, domid);
	return 0;
}

int xl_cmd_shutdown(struct txl_ctx *ctx, int argc, char **argv)
{
	return shutdown_or_reboot(ctx, argc, argv, false);
}

int xl_cmd_reboot(struct txl_ctx *ctx, int argc, char **argv)
{
	return shutdown_or_reboot(ctx, argc, argv, true);
}

static int pause_or_unpause(struct txl_ctx *ctx, int argc, char **argv, bool pause)
{
	const char *name = pause ? "pause" : "unpause";
	uint32_t domid;
	int ret;

	if (argc != 2)
		return xl_usage(name);
	domid = xl_find_domain(ctx, argv[1]);
	ret = pause ? txl_domain_pause(ctx, domid) : txl_domain_unpause(ctx, domid);
	if (ret) {
		fprintf(stderr, "%s of domain %u failed: %s\n", name, domid, strerror(-ret));
		return 1;
	}
	return 0;
}

int xl_cmd_pause(struct txl_ctx *ctx, int argc, char **argv)
{
	return pause_or_unpause(ctx, argc, argv, true);
}

int xl_cmd_unpause(struct txl_ctx *ctx, int argc, char **argv)
{
	return pause_or_unpause(ctx, argc, argv, false);
}

int xl_cmd_vcpu_list(struct txl_ctx *ctx, int argc, char **argv)
{
	struct txl_dominfo *d;
	unsigned int nr;

	if (getopt(argc, argv, "") != -1)
		return xl_usage("vcpu-list");
	if (select_domains(ctx, argc, argv, &d, &nr))
		return 1;
	txl_print_vcpu_list(stdout, d, nr);
	free(d);
	return 0;
}

/* Seconds this domain has been up: ours from /proc/uptime, others from their start_time. */
static int domain_uptime(struct txl_ctx *ctx, uint32_t domid, time_t now, unsigned long *secs)
{
	double start;

	if (domid == ctx->self_domid) {
		FILE *fp = fopen("/proc/uptime", "r");
		double up = 0;
		int ok = fp && fscanf(fp, "%lf", &up) == 1;

		if (fp)
			fclose(fp);
		*secs = (unsigned long)up;
		return ok ? 0 : -1;
	}
	if (txl_domain_start_time(ctx, domid, &start) || start > (double)now)
		return -1;
	*secs = (unsigned long)((double)now - start);
	return 0;
}

int xl_cmd_uptime(struct txl_ctx *ctx, int argc, char **argv)
{
	struct txl_dominfo *d;
	bool short_mode = false;
	time_t now = time(NULL);
	unsigned int nr, i;
	int opt;

	while ((opt = getopt(argc, argv, "s")) != -1) {
		if (opt != 's')
			return xl_usage("uptime");
		short_mode = true;
	}
	if (select_domains(ctx, argc, argv, &d, &nr))
		return 1;
	if (!short_mode)
		printf("%-33s %4s %s\n", "Name", "ID", "Uptime");
	for (i = 0; i < nr; i++) {
		unsigned long secs;
		char up[64], clock[16];
		const char *name = d[i].name[0] ? d[i].name : "(null)";

		if (domain_uptime(ctx, d[i].domid, now, &secs))
			continue; /* no start time: not one of ours (Xen's xl skips it too) */
		txl_format_uptime(up, sizeof(up), secs, short_mode);
		if (short_mode) {
			strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&now));
			printf(" %s up %s, %s (%u)\n", clock, up, name, d[i].domid);
		} else {
			printf("%-33s %4u %s\n", name, d[i].domid, up);
		}
	}
	free(d);
	return 0;
}
