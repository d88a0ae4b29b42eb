/*
 * xl's host commands: info (physinfo, the hypervisor's version strings and
 * uname, in xl's "key : value" lines) and dmesg [-c] (the hypervisor's
 * console log through sysctl readconsole; a hypervisor without it is
 * reported, exit status 1). Single-threaded.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include "xl.h"

int xl_cmd_info(struct txl_ctx *ctx, int argc, char **argv)
{
	struct txl_physinfo pi;
	struct utsname u;
	int opt, ret;

	while ((opt = getopt(argc, argv, "n")) != -1) /* -n (NUMA details): nothing more to show */
		if (opt != 'n')
			return xl_usage("info");
	ret = txl_host_info(ctx, &pi);
	if (ret) {
		fprintf(stderr, "libxl_get_physinfo failed: %s\n", strerror(-ret));
		return 1;
	}
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	txl_print_info(stdout, &pi, u.nodename, u.release);
	return 0;
}

int xl_cmd_dmesg(struct txl_ctx *ctx, int argc, char **argv)
{
	bool clear = false;
	int opt, ret;

	while ((opt = getopt(argc, argv, "c")) != -1) {
		if (opt != 'c')
			return xl_usage("dmesg");
		clear = true;
	}
	ret = txl_read_console(ctx, stdout, clear);
	if (ret == -ENOSYS) {
		fprintf(stderr, "xl: the hypervisor does not provide its console log (ENOSYS)\n");
		return 1;
	}
	if (ret) {
		fprintf(stderr, "xl: reading the hypervisor's console log: %s\n", strerror(-ret));
		return 1;
	}
	return 0;
}
