/*
 * xl create and xl console.
 *
 * create: parse the config (plus KEY=VALUE overrides from the command
 * line, which win), build the domain through libtxl, then, as Xen's xl,
 * leave a monitor process behind that carries out on_poweroff / on_reboot
 * / on_crash (txl_domain_monitor): forked and detached by default (its
 * messages go to /var/log/xen/xl-NAME.log), in the foreground with -F,
 * none with -e. -p leaves the domain paused, -c attaches the console,
 * -n (dry run) prints the config as JSON and creates nothing (no hypervisor
 * needed: the config is read before the backend is opened).
 *
 * console: execs the console client, Xen's interface:
 *   $XENCONSOLE, else /usr/lib/xen/bin/xenconsole, else xenconsole on $PATH,
 *   with DOMID --num 0 --type pv
 * (Ctrl-] detaches; the client belongs to the console work, docs/console.md).
 * Single-threaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "xl.h"

#define XL_CONSOLE_DEFAULT "/usr/lib/xen/bin/xenconsole"
#define XL_LOG_DIR "/var/log/xen"

int xl_console_exec(uint32_t domid)
{
	const char *path = getenv("XENCONSOLE");
	char id[16];

	snprintf(id, sizeof(id), "%u", domid);
	fflush(NULL);
	if (path && *path) {
		execl(path, path, id, "--num", "0", "--type", "pv", (char *)NULL);
	} else {
		path = XL_CONSOLE_DEFAULT;
		execl(path, path, id, "--num", "0", "--type", "pv", (char *)NULL);
		path = "xenconsole"; /* not installed at Xen's path (our initramfs): $PATH */
		execlp(path, path, id, "--num", "0", "--type", "pv", (char *)NULL);
	}
	fprintf(stderr, "xl: cannot run the console client %s: %s\n", path, strerror(errno));
	return 1;
}

int xl_cmd_console(struct txl_ctx *ctx, int argc, char **argv)
{
	uint32_t domid;
	int opt;

	while ((opt = getopt(argc, argv, "t:n:")) != -1)
		if (opt == '?')
			return xl_usage("console");
	if (optind != argc - 1)
		return xl_usage("console");
	domid = xl_find_domain(ctx, argv[optind]);
	return xl_console_exec(domid);
}

/* The config file, then each KEY=VALUE argument as one more statement. */
static int load_config(const char *file, char **extra, int nr_extra, struct txl_domain_config *dc)
{
	struct txl_cfg cfg, more;
	struct txl_cfg_entry **tail;
	char why[TXL_WHY_LEN];
	int i, ret;

	ret = txl_cfg_parse_file(file, &cfg, why, sizeof(why));
	if (ret) {
		fprintf(stderr, "%s\n", why);
		return ret;
	}
	for (tail = &cfg.entries; *tail; tail = &(*tail)->next)
		;
	for (i = 0; i < nr_extra; i++) {
		ret = txl_cfg_parse("<command line>", extra[i], strlen(extra[i]), &more, why,
				    sizeof(why));
		if (ret) {
			fprintf(stderr, "%s\n", why);
			txl_cfg_free(&cfg);
			return ret;
		}
		*tail = more.entries; /* the override's entries join the file's (line numbers: its
					 own) */
		while (*tail)
			tail = &(*tail)->next;
		more.entries = NULL;
		txl_cfg_free(&more);
	}
	ret = txl_domain_config_from_cfg(&cfg, dc, why, sizeof(why));
	if (ret)
		fprintf(stderr, "%s\n", why);
	txl_cfg_free(&cfg);
	return ret;
}

/* The detached monitor: a fresh context of its own (the parent's connections stay the parent's). */
static void spawn_monitor(struct txl_ctx *ctx, uint32_t domid, const struct txl_domain_config *dc)
{
	struct txl_ctx mctx;
	char why[TXL_WHY_LEN], log[256];
	pid_t pid;
	FILE *fp;
	int fd;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr,
			"xl: cannot fork the domain monitor: %s (on_* actions will not run)\n",
			strerror(errno));
		return;
	}
	if (pid > 0)
		return;
	txl_ctx_close(ctx); /* only closes descriptors: the parent's connections stay its own */
	setsid();
	mkdir(XL_LOG_DIR, 0755);
	snprintf(log, sizeof(log), "%s/xl-%s.log", XL_LOG_DIR, dc->name);
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		fd = open("/dev/null", O_WRONLY);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	fd = open("/dev/null", O_RDONLY);
	dup2(fd, STDIN_FILENO);
	close(fd);
	fp = stderr;
	if (txl_ctx_open(&mctx, why, sizeof(why))) {
		fprintf(fp, "xl: monitor of domain %u: %s\n", domid, why);
		_exit(1);
	}
	fprintf(fp, "xl: monitoring domain %u (%s)\n", domid, dc->name);
	_exit(txl_domain_monitor(&mctx, domid, dc, fp) ? 1 : 0);
}

int xl_cmd_create(struct txl_ctx *ctx, int argc, char **argv)
{
	struct txl_domain_config dc;
	bool console = false, paused = false, no_monitor = false, foreground = false;
	bool dry_run = false;
	const char *file = NULL;
	char why[TXL_WHY_LEN];
	uint32_t domid;
	int opt, ret;

	while ((opt = getopt(argc, argv, "+cpeFqnf:")) != -1) {
		switch (opt) {
		case 'c':
			console = true;
			break;
		case 'p':
			paused = true;
			break;
		case 'e':
			no_monitor = true;
			break;
		case 'F':
			foreground = true;
			break;
		case 'q':
			break;
		case 'n':
			dry_run = true;
			break;
		case 'f':
			file = optarg;
			break;
		default:
			return xl_usage("create");
		}
	}
	if (!file && optind < argc)
		file = argv[optind++];
	if (!file)
		return xl_usage("create");
	fprintf(stderr, "Parsing config from %s\n", file);
	if (load_config(file, argv + optind, argc - optind, &dc))
		return 1;
	if (dc.nr_disks || dc.nr_vifs)
		fprintf(stderr,
			"xl: %u disk and %u vif entries parsed and kept in the domain's config; "
			"no disk or network backend yet: the guest gets no such device\n",
			dc.nr_disks, dc.nr_vifs);
	if (dry_run) { /* -n: the config as it would be created, nothing done */
		uint8_t no_uuid[16] = {0};
		char *json = txl_domain_config_json(&dc, no_uuid);

		printf("%s\n", json ? json : "{}");
		free(json);
		txl_domain_config_free(&dc);
		return 0;
	}
	xl_open(ctx);
	ret = txl_domain_create(ctx, &dc, paused ? TXL_CREATE_PAUSED : 0, &domid, why, sizeof(why));
	if (ret) {
		fprintf(stderr, "xl: cannot create domain \"%s\": %s\n", dc.name, why);
		txl_domain_config_free(&dc);
		return 1;
	}
	if (foreground) {
		ret = txl_domain_monitor(ctx, domid, &dc, stderr);
		txl_domain_config_free(&dc);
		return ret ? 1 : 0;
	}
	if (!no_monitor)
		spawn_monitor(ctx, domid, &dc);
	txl_domain_config_free(&dc);
	if (console)
		return xl_console_exec(domid);
	return 0;
}
