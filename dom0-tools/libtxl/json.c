/*
 * Domain configs as JSON (libyajl), in the shape of libxl's
 * libxl_domain_config: c_info, b_info, disks, nics, on_* actions. Stored
 * in the store at create (/libxl/ID/domain-config) and printed by
 * `xl list -l` as [ {"domid": N, "config": {...}}, ... ], as Xen's xl.
 * Devices carry their spec and parsed key=value pairs (no backend yet).
 * No locking.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>
#include "txl_private.h"

static void gstr(yajl_gen g, const char *s)
{
	if (s)
		yajl_gen_string(g, (const unsigned char *)s, strlen(s));
	else
		yajl_gen_null(g);
}

static void gkey_str(yajl_gen g, const char *k, const char *v)
{
	gstr(g, k);
	gstr(g, v);
}

static void gkey_int(yajl_gen g, const char *k, long long v)
{
	gstr(g, k);
	yajl_gen_integer(g, v);
}

static void gdevices(yajl_gen g, const char *key, const struct txl_device *d, unsigned int nr)
{
	unsigned int i, j;

	gstr(g, key);
	yajl_gen_array_open(g);
	for (i = 0; i < nr; i++) {
		yajl_gen_map_open(g);
		gkey_str(g, "spec", d[i].spec);
		for (j = 0; j < d[i].nr_kv; j++)
			gkey_str(g, d[i].kv[j].key, d[i].kv[j].value);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static char *gen_take(yajl_gen g)
{
	const unsigned char *buf;
	size_t len;
	char *s = NULL;

	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		s = strndup((const char *)buf, len);
	yajl_gen_free(g);
	return s;
}

static void gconfig(yajl_gen g, const struct txl_domain_config *dc, const uint8_t uuid[16])
{
	char u[40];

	txl_uuid_string(u, uuid);
	yajl_gen_map_open(g);
	gstr(g, "c_info");
	yajl_gen_map_open(g);
	gkey_str(g, "type", dc->type);
	gkey_str(g, "name", dc->name);
	gkey_str(g, "uuid", u);
	yajl_gen_map_close(g);
	gstr(g, "b_info");
	yajl_gen_map_open(g);
	gkey_int(g, "max_vcpus", dc->vcpus);
	gkey_int(g, "max_memkb", (long long)dc->maxmem_mib * 1024);
	gkey_int(g, "target_memkb", (long long)dc->memory_mib * 1024);
	gkey_str(g, "kernel", dc->kernel);
	gkey_str(g, "ramdisk", dc->ramdisk);
	gkey_str(g, "cmdline", dc->cmdline);
	yajl_gen_map_close(g);
	gdevices(g, "disks", dc->disks, dc->nr_disks);
	gdevices(g, "nics", dc->vifs, dc->nr_vifs);
	gkey_str(g, "on_poweroff", txl_action_name(dc->on_poweroff));
	gkey_str(g, "on_reboot", txl_action_name(dc->on_reboot));
	gkey_str(g, "on_crash", txl_action_name(dc->on_crash));
	yajl_gen_map_close(g);
}

char *txl_domain_config_json(const struct txl_domain_config *dc, const uint8_t uuid[16])
{
	yajl_gen g = yajl_gen_alloc(NULL);

	if (!g)
		return NULL;
	gconfig(g, dc, uuid);
	return gen_take(g);
}

/* Re-emit a parsed JSON value into g. */
static void gtree(yajl_gen g, yajl_val v)
{
	size_t i;

	if (!v) {
		yajl_gen_null(g);
	} else if (YAJL_IS_OBJECT(v)) {
		yajl_gen_map_open(g);
		for (i = 0; i < v->u.object.len; i++) {
			gstr(g, v->u.object.keys[i]);
			gtree(g, v->u.object.values[i]);
		}
		yajl_gen_map_close(g);
	} else if (YAJL_IS_ARRAY(v)) {
		yajl_gen_array_open(g);
		for (i = 0; i < v->u.array.len; i++)
			gtree(g, v->u.array.values[i]);
		yajl_gen_array_close(g);
	} else if (YAJL_IS_STRING(v)) {
		gstr(g, YAJL_GET_STRING(v));
	} else if (YAJL_IS_INTEGER(v)) {
		yajl_gen_integer(g, YAJL_GET_INTEGER(v));
	} else if (YAJL_IS_NUMBER(v)) {
		yajl_gen_number(g, YAJL_GET_NUMBER(v), strlen(YAJL_GET_NUMBER(v)));
	} else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
		yajl_gen_bool(g, YAJL_IS_TRUE(v));
	} else {
		yajl_gen_null(g);
	}
}

/* A domain this toolstack did not create (or whose config did not fit): what getinfo says. */
static void gminimal(yajl_gen g, const struct txl_dominfo *d)
{
	char u[40];

	txl_uuid_string(u, d->uuid);
	yajl_gen_map_open(g);
	gstr(g, "c_info");
	yajl_gen_map_open(g);
	gkey_str(g, "name", d->name[0] ? d->name : NULL);
	gkey_str(g, "uuid", u);
	yajl_gen_map_close(g);
	gstr(g, "b_info");
	yajl_gen_map_open(g);
	gkey_int(g, "max_vcpus", d->max_vcpu_id == ~0u ? 0 : d->max_vcpu_id + 1);
	gkey_int(g, "max_memkb", (long long)d->max_memkb);
	gkey_int(g, "target_memkb", (long long)d->current_memkb);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

int txl_print_list_json(struct txl_ctx *ctx, FILE *fp, const struct txl_dominfo *d, unsigned int nr)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	unsigned int i;
	char *out;

	if (!g)
		return -ENOMEM;
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "    ");
	yajl_gen_array_open(g);
	for (i = 0; i < nr; i++) {
		char *stored = txl_domain_config_json_stored(ctx, d[i].domid);
		yajl_val tree = stored ? yajl_tree_parse(stored, NULL, 0) : NULL;

		yajl_gen_map_open(g);
		gkey_int(g, "domid", d[i].domid);
		gstr(g, "config");
		if (tree && YAJL_IS_OBJECT(tree))
			gtree(g, tree);
		else
			gminimal(g, &d[i]);
		yajl_gen_map_close(g);
		yajl_tree_free(tree);
		free(stored);
	}
	yajl_gen_array_close(g);
	out = gen_take(g);
	if (!out)
		return -ENOMEM;
	fprintf(fp, "%s\n", out);
	free(out);
	return 0;
}
