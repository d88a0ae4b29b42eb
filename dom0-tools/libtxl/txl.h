/*
 * libtxl: Tessera's toolstack library, the work behind xl (in the role of
 * Xen's libxl, with our own API): xl.cfg parsing, domain create / destroy /
 * shutdown / reboot / pause / unpause, listings, host info, the hypervisor
 * log, and the monitor that carries out on_poweroff / on_reboot / on_crash.
 *
 * Everything goes through a backend (txl_ops.h): the real one
 * (backend_xen.c) over libxenctrl, libxenstore and the PVH builder; the
 * unit tests plug in a fake with failure injection. Functions return 0 or
 * -errno and, where a caller shows a message, fill why[] with one line.
 * No locking: a context belongs to one thread.
 */
#ifndef TXL_H
#define TXL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TXL_WHY_LEN 512
#define TXL_MAX_VCPUS 128
#define TXL_MAX_DOMAINS 1024

/* ---- xl.cfg ---- */

/* One "key = value" of an xl.cfg: a string/number, or a list of them. */
struct txl_cfg_entry {
	struct txl_cfg_entry *next;
	char *key;
	unsigned int line;
	bool is_list;
	char *value;  /* !is_list */
	char **items; /* is_list: nr_items strings */
	unsigned int nr_items;
	bool is_number; /* !is_list: written unquoted */
};

struct txl_cfg {
	char *file; /* the name messages use */
	struct txl_cfg_entry *entries;
};

/*
 * Parse xl.cfg text (Xen's syntax: KEY = VALUE statements ended by newline
 * or ';', VALUE a number, a "string" / 'string', or [ list, ... ] over
 * several lines; # comments). -EINVAL with why = "FILE:LINE: KEY: ...".
 */
int txl_cfg_parse(const char *file, const char *text, size_t len, struct txl_cfg *cfg, char *why,
		  size_t whylen);
int txl_cfg_parse_file(const char *path, struct txl_cfg *cfg, char *why, size_t whylen);
void txl_cfg_free(struct txl_cfg *cfg);
/* The last entry for key (later ones win, as in Xen's xl), or NULL. */
const struct txl_cfg_entry *txl_cfg_find(const struct txl_cfg *cfg, const char *key);

enum txl_action {
	TXL_ACTION_DESTROY,
	TXL_ACTION_RESTART,
	TXL_ACTION_RENAME_RESTART,
	TXL_ACTION_PRESERVE,
	TXL_ACTION_COREDUMP_DESTROY,
	TXL_ACTION_COREDUMP_RESTART,
	TXL_ACTION_SOFT_RESET,
};
const char *txl_action_name(enum txl_action a);

/* A disk = [...] or vif = [...] entry: the spec as written and its key=value pairs. */
struct txl_kv {
	char *key, *value;
};
struct txl_device {
	char *spec;
	struct txl_kv *kv;
	unsigned int nr_kv;
};
/* The value of key in a device spec, or NULL. */
const char *txl_device_get(const struct txl_device *d, const char *key);

struct txl_domain_config {
	char *name;
	char *type; /* "pvh" (the only builder so far) */
	uint64_t memory_mib, maxmem_mib;
	unsigned int vcpus;
	char *kernel, *ramdisk;
	char *cmdline; /* cmdline, else "root=ROOT EXTRA" as Xen builds it; may be NULL */
	enum txl_action on_poweroff, on_reboot, on_crash;
	/* Parsed and stored; no disk or network backend yet (docs: dom0-tools/xl/README.md). */
	struct txl_device *disks, *vifs;
	unsigned int nr_disks, nr_vifs;
};

/* Build a domain config from a parsed xl.cfg; -EINVAL with why = "FILE:LINE: KEY: ...". */
int txl_domain_config_from_cfg(const struct txl_cfg *cfg, struct txl_domain_config *dc, char *why,
			       size_t whylen);
void txl_domain_config_free(struct txl_domain_config *dc);

/* ---- the context ---- */

struct txl_ops;
struct txl_ctx {
	const struct txl_ops *ops;
	void *priv;
	uint32_t self_domid; /* where we run: the console backend and store owner (0) */
};

/* The real backend (privcmd, store socket or xenbus device). */
int txl_ctx_open(struct txl_ctx *ctx, char *why, size_t whylen);
void txl_ctx_close(struct txl_ctx *ctx);

/* ---- domains ---- */

struct txl_dominfo {
	uint32_t domid;
	uint64_t current_memkb, max_memkb;
	unsigned int vcpu_online, max_vcpu_id;
	uint64_t cpu_time_ns;
	bool running, blocked, paused, shutdown, dying, xenstore;
	unsigned int shutdown_reason; /* SHUTDOWN_* when shutdown */
	uint8_t uuid[16];
	char name[64]; /* from the store; "" if it has none */
};

/* All domains, by id; *nr of them in *out (free()). */
int txl_list_domains(struct txl_ctx *ctx, struct txl_dominfo **out, unsigned int *nr);
/* "7" or a name -> the domain id; -ENOENT with why if there is none. */
int txl_domain_lookup(struct txl_ctx *ctx, const char *what, uint32_t *domid, char *why,
		      size_t whylen);

#define TXL_CREATE_PAUSED 1u

/*
 * Build dc as a PVH domain, write its store nodes (as libxl lays them out:
 * docs in dom0-tools/xl/README.md), introduce it to the store, unpause it.
 * On failure at any step nothing is left: domain destroyed, store nodes
 * removed, domain released from the store.
 */
int txl_domain_create(struct txl_ctx *ctx, const struct txl_domain_config *dc, unsigned int flags,
		      uint32_t *domid, char *why, size_t whylen);
/* Destroy and remove every store node of the domain (not domain 0 / ourselves). */
int txl_domain_destroy(struct txl_ctx *ctx, uint32_t domid, char *why, size_t whylen);
/* Ask the guest: control/shutdown = "poweroff" / "reboot" (the guest acts, as on Xen). */
int txl_domain_shutdown(struct txl_ctx *ctx, uint32_t domid, bool reboot, char *why, size_t whylen);
int txl_domain_pause(struct txl_ctx *ctx, uint32_t domid);
int txl_domain_unpause(struct txl_ctx *ctx, uint32_t domid);
/* The domain's start time (seconds since the epoch) from /vm/<uuid>/start_time. */
int txl_domain_start_time(struct txl_ctx *ctx, uint32_t domid, double *start);
/* The config JSON stored at create (/libxl/<domid>/domain-config); malloc'd, NULL if none. */
char *txl_domain_config_json_stored(struct txl_ctx *ctx, uint32_t domid);

/*
 * Watch a domain until it is gone and carry out on_poweroff / on_reboot /
 * on_crash (restart re-creates it from dc). Returns when the domain is
 * destroyed or preserved; progress lines go to log (may be NULL).
 */
int txl_domain_monitor(struct txl_ctx *ctx, uint32_t domid, const struct txl_domain_config *dc,
		       FILE *log);

/*
 * Name the boot-time domains that have no name yet: ourselves "Domain-0",
 * the xenstore domain "Xenstore" (as Xen's xen-init-dom0 and
 * init-xenstore-domain do), every other boot domain its boot plan's name
 * (unless another domain has that name); one line per name written to log
 * (may be NULL). 0, or the first error (the other domains are still named).
 */
int txl_name_boot_domains(struct txl_ctx *ctx, FILE *log);

/* ---- host ---- */

struct txl_physinfo {
	unsigned int nr_cpus, max_cpu_id, nr_nodes, cores_per_socket, threads_per_core;
	uint32_t cpu_khz;
	uint64_t total_pages, free_pages;
	uint32_t capabilities;
	unsigned int xen_major, xen_minor;
	char xen_extra[16];
	char xen_caps[256];
	char xen_commandline[1024];
};
int txl_host_info(struct txl_ctx *ctx, struct txl_physinfo *pi);
/*
 * The hypervisor's log (sysctl readconsole) into fp; clear forgets what was
 * read. -ENOSYS when the hypervisor has no such call.
 */
int txl_read_console(struct txl_ctx *ctx, FILE *fp, bool clear);

/* ---- output (format.c, json.c) ---- */

void txl_print_list(FILE *fp, const struct txl_dominfo *d, unsigned int nr);
void txl_print_vcpu_list(FILE *fp, const struct txl_dominfo *d, unsigned int nr);
/* Xen's "N days, HH:MM:SS" (short: no seconds). */
void txl_format_uptime(char *buf, size_t len, unsigned long secs, bool short_mode);
void txl_print_info(FILE *fp, const struct txl_physinfo *pi, const char *host, const char *release);
/* The config as libxl-style JSON (c_info, b_info, disks, nics, on_*); malloc'd string. */
char *txl_domain_config_json(const struct txl_domain_config *dc, const uint8_t uuid[16]);
/* xl list -l: [ {"domid": N, "config": {...}}, ... ]; 0 or -errno. */
int txl_print_list_json(struct txl_ctx *ctx, FILE *fp, const struct txl_dominfo *d,
			unsigned int nr);

#endif
