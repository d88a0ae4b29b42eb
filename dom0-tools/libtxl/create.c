/*
 * Domain creation (txl_domain_create), in the order libxl uses:
 *   1. checks that need nothing created: the name is free, the kernel and
 *      ramdisk files read;
 *   2. the PVH builder makes the domain, paused (it destroys the domain
 *      itself if it fails);
 *   3. max memory raised to maxmem when that is above memory;
 *   4. one store transaction writes the domain's nodes as libxl lays them
 *      out (store_nodes below; a commit refused with EAGAIN is redone);
 *   5. XS_INTRODUCE gives the store the domain's ring and port;
 *   6. unpause (unless TXL_CREATE_PAUSED).
 * A failure from step 2 on tears down what exists (txl_domain_teardown):
 * the domain destroyed, released from the store, its nodes removed.
 * No locking: one thread per context.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <public/io/xs_wire.h>
#include "txl_private.h"

#define XS_PERM_NONE 0
#define XS_PERM_READ 1
#define TXL_CONSOLE_LIMIT "1048576" /* bytes xenconsoled buffers, libxl's default */
#define TXL_FILE_MAX (1024u << 20)

/* A whole file into memory; why names it on failure. */
static int load_file(const char *what, const char *path, void **buf, size_t *len, char *why,
		     size_t whylen)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd, ret;

	*buf = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		ret = -errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > TXL_FILE_MAX) {
		ret = -EINVAL;
		snprintf(why, whylen, "%s %s: not a regular file of 1 byte to 1 GiB", what, path);
		goto out;
	}
	*len = (size_t)st.st_size;
	*buf = malloc(*len);
	if (!*buf) {
		ret = -ENOMEM;
		goto fail;
	}
	while (got < *len) {
		n = read(fd, (char *)*buf + got, *len - got);
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			goto fail;
		}
		got += (size_t)n;
	}
	close(fd);
	return 0;
fail:
	snprintf(why, whylen, "%s %s: %s", what, path, strerror(-ret));
out:
	if (fd >= 0)
		close(fd);
	free(*buf);
	*buf = NULL;
	return ret;
}

static void make_uuid(uint8_t uuid[16])
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, uuid, 16) : -1;
	struct timeval tv;
	unsigned int i;

	if (fd >= 0)
		close(fd);
	if (n != 16) { /* no urandom (an early initramfs): time and pid still differ per domain */
		gettimeofday(&tv, NULL);
		for (i = 0; i < 16; i++)
			uuid[i] =
			    (uint8_t)((tv.tv_usec >> (i % 3 * 8)) ^ (getpid() >> (i % 2 * 8)) ^
				      (tv.tv_sec >> (i % 4 * 8)) ^ (i * 37));
	}
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40); /* version 4 */
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);
}

/* The domain the store runs in: the one with the xenstore role, else ourselves. */
static uint32_t store_domid(struct txl_ctx *ctx, const struct txl_dominfo *d, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (d[i].xenstore)
			return d[i].domid;
	return ctx->self_domid;
}

struct node_writer {
	struct txl_ctx *ctx;
	uint32_t t;
	int ret; /* the first error; later calls do nothing */
};

static void nw_write(struct node_writer *w, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void nw_write(struct node_writer *w, const char *path, const char *fmt, ...)
{
	char *value;
	va_list ap;
	int n;

	if (w->ret)
		return;
	va_start(ap, fmt);
	n = vasprintf(&value, fmt, ap);
	va_end(ap);
	if (n < 0) {
		w->ret = -ENOMEM;
		return;
	}
	w->ret = w->ctx->ops->xs_write(w->ctx->priv, w->t, path, value);
	free(value);
}

/* A directory with permissions (a fresh one: whatever was there is removed first). */
static void nw_dir(struct node_writer *w, const char *path, const struct txl_store_perm *perms,
		   unsigned int nr, bool fresh)
{
	int r;

	if (w->ret)
		return;
	if (fresh) {
		r = w->ctx->ops->xs_rm(w->ctx->priv, w->t, path);
		if (r && r != -ENOENT) {
			w->ret = r;
			return;
		}
	}
	w->ret = w->ctx->ops->xs_mkdir(w->ctx->priv, w->t, path);
	if (!w->ret)
		w->ret = w->ctx->ops->xs_set_perms(w->ctx->priv, w->t, path, perms, nr);
}

static void nw_sub(struct node_writer *w, char *buf, const char *base, const char *sub)
{
	if (snprintf(buf, TXL_PATH_LEN, "%s/%s", base, sub) >= TXL_PATH_LEN && !w->ret)
		w->ret = -ENAMETOOLONG;
}

/*
 * The nodes libxl writes for a PVH domain (libxl__domain_make,
 * libxl__build_post, the primary console): the domain and vm directories
 * readable by the guest, the guest's own writable ones (control/shutdown,
 * data, ...), memory, vCPU availability, store and console rings. The
 * console's backend-side directory is not written: xenconsoled reads the
 * frontend keys (see dom0-tools/xl/README.md).
 */
static int store_nodes(struct node_writer *w, uint32_t domid, const struct txl_domain_config *dc,
		       const struct pvh_build_result *br, const char *uuid, const char *json)
{
	const struct txl_store_perm roperm[2] = {{w->ctx->self_domid, XS_PERM_NONE},
						 {domid, XS_PERM_READ}};
	const struct txl_store_perm rwperm[1] = {{domid, XS_PERM_NONE}};
	const struct txl_store_perm noperm[1] = {{w->ctx->self_domid, XS_PERM_NONE}};
	static const char *const ro_dirs[] = {"cpu", "memory", "device", "control"};
	static const char *const rw_dirs[] = {"data", "drivers", "feature", "attr", "error"};
	char dom[TXL_PATH_LEN], vm[TXL_PATH_LEN], lx[TXL_PATH_LEN], p[TXL_PATH_LEN];
	struct timeval now;
	unsigned int i;

	gettimeofday(&now, NULL);
	txl_dom_path(dom, domid, NULL);
	snprintf(vm, sizeof(vm), "/vm/%s", uuid);
	snprintf(lx, sizeof(lx), "/libxl/%u", domid);
	nw_dir(w, dom, roperm, 2, true);
	nw_dir(w, vm, roperm, 2, true);
	nw_dir(w, lx, noperm, 1, true);

	nw_sub(w, p, vm, "uuid");
	nw_write(w, p, "%s", uuid);
	nw_sub(w, p, vm, "name");
	nw_write(w, p, "%s", dc->name);
	nw_sub(w, p, vm, "start_time");
	nw_write(w, p, "%lu.%02d", (unsigned long)now.tv_sec, (int)(now.tv_usec / 10000));

	nw_sub(w, p, dom, "vm");
	nw_write(w, p, "%s", vm);
	nw_sub(w, p, dom, "name");
	nw_write(w, p, "%s", dc->name);
	nw_sub(w, p, dom, "domid");
	nw_write(w, p, "%u", domid);
	for (i = 0; i < sizeof(ro_dirs) / sizeof(ro_dirs[0]); i++) {
		nw_sub(w, p, dom, ro_dirs[i]);
		nw_dir(w, p, roperm, 2, false);
	}
	for (i = 0; i < sizeof(rw_dirs) / sizeof(rw_dirs[0]); i++) {
		nw_sub(w, p, dom, rw_dirs[i]);
		nw_dir(w, p, rwperm, 1, false);
	}
	nw_sub(w, p, dom, "control/shutdown");
	nw_write(w, p, "%s", "");
	if (!w->ret)
		w->ret = w->ctx->ops->xs_set_perms(w->ctx->priv, w->t, p, rwperm, 1);
	nw_sub(w, p, dom, "control/sysrq");
	nw_write(w, p, "%s", "");
	if (!w->ret)
		w->ret = w->ctx->ops->xs_set_perms(w->ctx->priv, w->t, p, rwperm, 1);

	nw_sub(w, p, dom, "memory/static-max");
	nw_write(w, p, "%llu", (unsigned long long)dc->maxmem_mib * 1024);
	nw_sub(w, p, dom, "memory/target");
	nw_write(w, p, "%llu", (unsigned long long)dc->memory_mib * 1024);
	for (i = 0; i < dc->vcpus; i++) {
		if (snprintf(p, sizeof(p), "%s/cpu/%u/availability", dom, i) >= (int)sizeof(p))
			w->ret = w->ret ? w->ret : -ENAMETOOLONG;
		nw_write(w, p, "online");
	}

	nw_sub(w, p, dom, "store/port");
	nw_write(w, p, "%u", br->store_port);
	nw_sub(w, p, dom, "store/ring-ref");
	nw_write(w, p, "%llu", (unsigned long long)br->store_gfn);
	nw_sub(w, p, dom, "console/backend-id");
	nw_write(w, p, "%u", w->ctx->self_domid);
	nw_sub(w, p, dom, "console/limit");
	nw_write(w, p, "%s", TXL_CONSOLE_LIMIT);
	nw_sub(w, p, dom, "console/type");
	nw_write(w, p, "xenconsoled");
	nw_sub(w, p, dom, "console/output");
	nw_write(w, p, "pty");
	nw_sub(w, p, dom, "console/port");
	nw_write(w, p, "%u", br->console_port);
	nw_sub(w, p, dom, "console/ring-ref");
	nw_write(w, p, "%llu", (unsigned long long)br->console_gfn);

	nw_sub(w, p, lx, "type");
	nw_write(w, p, "%s", dc->type);
	nw_sub(w, p, lx, "domain-config");
	if (json && strlen(json) + strlen(p) + 2 <= XENSTORE_PAYLOAD_MAX)
		nw_write(w, p, "%s", json); /* too large: list -l shows what getinfo knows */
	return w->ret;
}

static int write_store(struct txl_ctx *ctx, uint32_t domid, const struct txl_domain_config *dc,
		       const struct pvh_build_result *br, const char *uuid, const char *json)
{
	unsigned int attempt;
	int ret = -EAGAIN;

	for (attempt = 0; attempt < TXL_XS_RETRIES && ret == -EAGAIN; attempt++) {
		struct node_writer w = {.ctx = ctx};

		ret = ctx->ops->xs_start(ctx->priv, &w.t);
		if (ret)
			break;
		ret = store_nodes(&w, domid, dc, br, uuid, json);
		if (ret) {
			ctx->ops->xs_end(ctx->priv, w.t, true);
			break;
		}
		ret = ctx->ops->xs_end(ctx->priv, w.t, false);
	}
	return ret;
}

static int check_name_free(struct txl_ctx *ctx, const char *name, uint32_t *store, char *why,
			   size_t whylen)
{
	struct txl_dominfo *d;
	unsigned int nr, i;
	int ret = txl_list_domains(ctx, &d, &nr);

	if (ret) {
		snprintf(why, whylen, "cannot list domains: %s", strerror(-ret));
		return ret;
	}
	for (i = 0; i < nr; i++) {
		if (!strcmp(d[i].name, name)) {
			snprintf(why, whylen, "domain with name \"%s\" already exists (id %u)",
				 name, d[i].domid);
			free(d);
			return -EEXIST;
		}
	}
	*store = store_domid(ctx, d, nr);
	free(d);
	return 0;
}

int txl_domain_create(struct txl_ctx *ctx, const struct txl_domain_config *dc, unsigned int flags,
		      uint32_t *domid_out, char *why, size_t whylen)
{
	struct pvh_build_config bc;
	struct pvh_build_result br;
	char uuid[40], vm[TXL_PATH_LEN], bwhy[TXL_WHY_LEN] = "";
	void *kernel = NULL, *ramdisk = NULL;
	size_t klen = 0, rlen = 0;
	bool built = false;
	uint32_t domid = 0, store = 0;
	char *json = NULL;
	int ret;

	memset(&bc, 0, sizeof(bc));
	memset(&br, 0, sizeof(br));
	ret = check_name_free(ctx, dc->name, &store, why, whylen);
	if (!ret)
		ret = load_file("kernel", dc->kernel, &kernel, &klen, why, whylen);
	if (!ret && dc->ramdisk)
		ret = load_file("ramdisk", dc->ramdisk, &ramdisk, &rlen, why, whylen);
	if (ret)
		goto out;
	make_uuid(bc.uuid);
	txl_uuid_string(uuid, bc.uuid);
	snprintf(vm, sizeof(vm), "/vm/%s", uuid);
	json = txl_domain_config_json(dc, bc.uuid);

	bc.kernel = kernel;
	bc.kernel_size = klen;
	bc.ramdisk = ramdisk;
	bc.ramdisk_size = rlen;
	bc.cmdline = dc->cmdline;
	bc.memory_kib = dc->memory_mib * 1024;
	bc.vcpus = dc->vcpus;
	bc.console_domid = ctx->self_domid;
	bc.store_domid = store;
	bc.start_paused = 1;
	ret = ctx->ops->build(ctx->priv, &bc, &br, bwhy, sizeof(bwhy));
	if (ret) {
		snprintf(why, whylen, "building the domain: %s", bwhy[0] ? bwhy : strerror(-ret));
		goto out;
	}
	built = true;
	domid = br.domid;
	if (dc->maxmem_mib > dc->memory_mib) {
		ret = ctx->ops->set_maxmem(ctx->priv, domid, dc->maxmem_mib * 1024);
		if (ret) {
			snprintf(why, whylen, "setting maxmem of domain %u: %s", domid,
				 strerror(-ret));
			goto out;
		}
	}
	ret = write_store(ctx, domid, dc, &br, uuid, json);
	if (ret) {
		snprintf(why, whylen, "writing the store nodes of domain %u: %s", domid,
			 strerror(-ret));
		goto out;
	}
	ret = ctx->ops->xs_introduce(ctx->priv, domid, br.store_gfn, br.store_port);
	if (ret) {
		snprintf(why, whylen, "introducing domain %u to the store: %s", domid,
			 strerror(-ret));
		goto out;
	}
	if (!(flags & TXL_CREATE_PAUSED)) {
		ret = ctx->ops->unpause(ctx->priv, domid);
		if (ret)
			snprintf(why, whylen, "unpausing domain %u: %s", domid, strerror(-ret));
	}
out:
	if (ret && built)
		txl_domain_teardown(ctx, domid, vm);
	if (!ret)
		*domid_out = domid;
	free(json);
	free(kernel);
	free(ramdisk);
	return ret;
}
