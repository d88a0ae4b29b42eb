/*
 * xl: the command table, option-free dispatch, usage and the helpers the
 * commands share. `xl help` and `xl` alone list the commands; an unknown
 * command is exit status 1, as Xen's xl. Single-threaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xl.h"

static const struct xl_command xl_commands[] = {
    {"create", xl_cmd_create, "[-c] [-p] [-e] [-F] [-n] <ConfigFile> [key=value ...]",
     "Create a domain from a config file", true},
    {"list", xl_cmd_list, "[-l] [Domain ...]", "List information about all/some domains", false},
    {"destroy", xl_cmd_destroy, "<Domain>", "Terminate a domain immediately", false},
    {"shutdown", xl_cmd_shutdown, "[-w] <Domain>", "Issue a shutdown signal to a domain", false},
    {"reboot", xl_cmd_reboot, "[-w] <Domain>", "Issue a reboot signal to a domain", false},
    {"pause", xl_cmd_pause, "<Domain>", "Pause execution of a domain", false},
    {"unpause", xl_cmd_unpause, "<Domain>", "Unpause a paused domain", false},
    {"console", xl_cmd_console, "<Domain>", "Attach to domain's console", false},
    {"vcpu-list", xl_cmd_vcpu_list, "[Domain ...]", "List the VCPUs for all/some domains", false},
    {"uptime", xl_cmd_uptime, "[-s] [Domain ...]", "Print uptime for all/some domains", false},
    {"info", xl_cmd_info, "", "Get information about Xen host", false},
    {"dmesg", xl_cmd_dmesg, "[-c]", "Read and/or clear dmesg buffer", false},
};

#define XL_NR_COMMANDS (sizeof(xl_commands) / sizeof(xl_commands[0]))

static void xl_help(FILE *fp)
{
	unsigned int i;

	fprintf(fp, "Usage xl [-v] <subcommand> [args]\n\nxl full list of subcommands:\n\n");
	for (i = 0; i < XL_NR_COMMANDS; i++)
		fprintf(fp, " %-19s %s\n\n", xl_commands[i].name, xl_commands[i].summary);
}

int xl_usage(const char *name)
{
	unsigned int i;

	for (i = 0; i < XL_NR_COMMANDS; i++)
		if (!strcmp(xl_commands[i].name, name))
			fprintf(stderr, "Usage: xl %s %s\n\n%s.\n", name, xl_commands[i].usage,
				xl_commands[i].summary);
	return 1;
}

int xl_open(struct txl_ctx *ctx)
{
	char why[TXL_WHY_LEN];

	if (ctx->ops)
		return 0;
	if (txl_ctx_open(ctx, why, sizeof(why))) {
		fprintf(stderr, "xl: %s\n", why);
		exit(1);
	}
	return 0;
}

uint32_t xl_find_domain(struct txl_ctx *ctx, const char *what)
{
	char why[TXL_WHY_LEN];
	uint32_t domid;

	if (txl_domain_lookup(ctx, what, &domid, why, sizeof(why))) {
		fprintf(stderr, "%s is an invalid domain identifier: %s\n", what, why);
		exit(1);
	}
	return domid;
}

int main(int argc, char **argv)
{
	const struct xl_command *cmd = NULL;
	struct txl_ctx ctx = {0};
	unsigned int i;
	int ret;

	while (argc > 1 && !strcmp(argv[1], "-v")) { /* verbosity: accepted, as Xen's */
		argv++;
		argc--;
	}
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "--help")) {
		xl_help(argc < 2 ? stderr : stdout);
		return argc < 2 ? 1 : 0;
	}
	for (i = 0; i < XL_NR_COMMANDS; i++)
		if (!strcmp(xl_commands[i].name, argv[1]))
			cmd = &xl_commands[i];
	if (!cmd) {
		fprintf(stderr, "command not implemented\n");
		xl_help(stderr);
		return 1;
	}
	if (argc > 2 && (!strcmp(argv[2], "-h") || !strcmp(argv[2], "--help"))) {
		xl_usage(cmd->name);
		return 0;
	}
	if (!cmd->opens_itself)
		xl_open(&ctx);
	ret = cmd->run(&ctx, argc - 1, argv + 1);
	if (ctx.ops)
		txl_ctx_close(&ctx);
	return ret ? 1 : 0;
}
