/*
 * libtxl backend interface: the hypervisor and store primitives the
 * library is built from. backend_xen.c implements them over libxenctrl,
 * libxenstore and the PVH builder; tests/unit/test_txl_create.c over
 * in-memory fakes that can fail any chosen call. Every call returns 0 (or
 * a count) or -errno. The store calls mirror xenstore.h (t = transaction,
 * 0 none). No locking: one thread per context.
 */
#ifndef TXL_OPS_H
#define TXL_OPS_H

#include <stdbool.h>
#include <stdint.h>
#include <tessera_pvh_build.h>
#include "txl.h"

struct txl_store_perm {
	uint32_t id;
	uint32_t perms; /* XS_PERM_* */
};

struct txl_ops {
	/* Hypervisor. */
	int (*build)(void *priv, const struct pvh_build_config *cfg, struct pvh_build_result *out,
		     char *why, size_t whylen);
	int (*set_maxmem)(void *priv, uint32_t domid, uint64_t max_memkb);
	int (*destroy)(void *priv, uint32_t domid);
	int (*pause)(void *priv, uint32_t domid);
	int (*unpause)(void *priv, uint32_t domid);
	/* Up to max domains by id, names left empty; the count. */
	int (*list)(void *priv, struct txl_dominfo *out, unsigned int max);
	/*
	 * The boot plan's name of a domain the hypervisor built at boot, NUL-terminated
	 * in name (len bytes); -ENOENT if it has none. May be NULL: no boot names.
	 */
	int (*boot_name)(void *priv, uint32_t domid, char *name, size_t len);
	int (*physinfo)(void *priv, struct txl_physinfo *pi);
	/* As XEN_SYSCTL_readconsole: *count in/out, *index in/out. */
	int (*readconsole)(void *priv, char *buf, uint32_t *count, uint32_t *index,
			   bool incremental, bool clear);

	/* Store. */
	int (*xs_start)(void *priv, uint32_t *t);
	int (*xs_end)(void *priv, uint32_t t, bool abort);
	int (*xs_write)(void *priv, uint32_t t, const char *path, const char *value);
	int (*xs_mkdir)(void *priv, uint32_t t, const char *path);
	int (*xs_set_perms)(void *priv, uint32_t t, const char *path,
			    const struct txl_store_perm *perms, unsigned int nr);
	/* malloc'd value in *value. */
	int (*xs_read)(void *priv, uint32_t t, const char *path, char **value);
	int (*xs_rm)(void *priv, uint32_t t, const char *path);
	int (*xs_introduce)(void *priv, uint32_t domid, uint64_t gfn, uint32_t port);
	int (*xs_release)(void *priv, uint32_t domid);
	int (*xs_watch)(void *priv, const char *path, const char *token);
	/* Wait up to timeout_ms for any watch event: 1 one came, 0 none. */
	int (*xs_wait)(void *priv, int timeout_ms);
};

#endif
