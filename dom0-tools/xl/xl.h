/*
 * xl, Tessera's toolstack CLI: a thin layer over libtxl (dom0-tools/libtxl)
 * with Xen 4.17 xl's commands, output formats and exit statuses (0 on
 * success, 1 on failure). One command table (xl.c); the commands are in
 * xl_domain.c (per-domain), xl_create.c (create, console) and xl_host.c
 * (info, dmesg). Single-threaded.
 */
#ifndef XL_H
#define XL_H

#include <stdbool.h>
#include <stdint.h>
#include "txl.h"

struct xl_command {
	const char *name;
	int (*run)(struct txl_ctx *ctx, int argc, char **argv);
	const char *usage; /* after "xl NAME " */
	const char *summary;
	bool opens_itself; /* calls xl_open itself (create reads its config first) */
};

/* Open the backend into ctx once, or exit(1) with why. */
int xl_open(struct txl_ctx *ctx);

/* The domain named by what (id or name), or exit(1) with Xen's message. */
uint32_t xl_find_domain(struct txl_ctx *ctx, const char *what);
/* The usage line of a command and 1 (for "return xl_usage(...)"). */
int xl_usage(const char *name);
/* Exec the console client for domid (does not return unless it fails). */
int xl_console_exec(uint32_t domid);

int xl_cmd_create(struct txl_ctx *ctx, int argc, char **argv);
int xl_cmd_console(struct txl_ctx *ctx, int argc, char **argv);
int xl_cmd_list(struct txl_ctx *ctx, int argc, char **argv);
int xl_cmd_destroy(struct txl_ctx *ctx, int argc, char **argv);
int xl_cmd_shutdown(struct txl_ctx *ctx, int argc, char **argv);
int xl_cmd_reboot(struct txl_ctx *ctx, int argc, char **argv);
int xl_cmd_pause(struct txl_ctx *ctx, int argc, char **argv);
int xl_cmd_unpause(struct txl_ctx *ctx, int argc, char **argv);
int xl_cmd_vcpu_list(struct txl_ctx *ctx, int argc, char **argv);
int xl_cmd_uptime(struct txl_ctx *ctx, int argc, char **argv);
int xl_cmd_info(struct txl_ctx *ctx, int argc, char **argv);
int xl_cmd_dmesg(struct txl_ctx *ctx, int argc, char **argv);

#endif
