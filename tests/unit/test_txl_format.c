/*
 * xl's output formats (dom0-tools/libtxl/format.c, json.c): the list and
 * vcpu-list tables column for column as Xen 4.17's xl, the uptime strings,
 * and the config JSON.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>
#include "txl.h"
#include "unit.h"

UNIT_SUITE(txl_format);

static const struct txl_dominfo doms[2] = {
    {.domid = 0,
     .current_memkb = 393216,
     .vcpu_online = 2,
     .max_vcpu_id = 1,
     .cpu_time_ns = 12345000000ULL,
     .running = true,
     .name = "Domain-0"},
    {.domid = 7,
     .current_memkb = 65536,
     .vcpu_online = 1,
     .max_vcpu_id = 0,
     .cpu_time_ns = 50000000ULL,
     .blocked = true,
     .paused = true,
     .shutdown = true,
     .shutdown_reason = 3,
     .name = ""},
};

UNIT_TEST(txl_format, list_is_xens_table)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	txl_print_list(fp, doms, 2);
	fclose(fp);
	CU_ASSERT_STRING_EQUAL(
	    buf,
	    "Name                                        ID   Mem VCPUs\tState\tTime(s)\n"
	    "Domain-0                                     0   384     2     r-----      12.3\n"
	    "(null)                                       7    64     1     -bpsc-       0.1\n");
	free(buf);
}

UNIT_TEST(txl_format, vcpu_list_is_xens_table)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	txl_print_vcpu_list(fp, doms, 1);
	fclose(fp);
	CU_ASSERT_STRING_EQUAL(
	    buf, "Name                                ID  VCPU   CPU State   Time(s) Affinity "
		 "(Hard / Soft)\n"
		 "Domain-0                             0     0    -   r--      12.3  all / all\n"
		 "Domain-0                             0     1    -   r--       0.0  all / all\n");
	free(buf);
}

UNIT_TEST(txl_format, uptime_strings_are_xens)
{
	char b[64];

	txl_format_uptime(b, sizeof(b), 3 * 3600 + 27 * 60 + 41, false);
	CU_ASSERT_STRING_EQUAL(b, " 3:27:41");
	txl_format_uptime(b, sizeof(b), 86400 + 5, false);
	CU_ASSERT_STRING_EQUAL(b, "1 day,  0:00:05");
	txl_format_uptime(b, sizeof(b), 2 * 86400 + 13 * 3600 + 60, true);
	CU_ASSERT_STRING_EQUAL(b, "2 days, 13:01");
	txl_format_uptime(b, sizeof(b), 59, true);
	CU_ASSERT_STRING_EQUAL(b, " 0:00");
}

UNIT_TEST(txl_format, config_json_has_libxls_sections)
{
	struct txl_device disk = {.spec = "x,xvda,w", .nr_kv = 0};
	struct txl_domain_config dc = {.name = "web",
				       .type = "pvh",
				       .memory_mib = 64,
				       .maxmem_mib = 128,
				       .vcpus = 2,
				       .kernel = "/k",
				       .on_reboot = TXL_ACTION_RESTART,
				       .disks = &disk,
				       .nr_disks = 1};
	uint8_t uuid[16] = {0x12, 0x34};
	const char *vm_name[] = {"c_info", "name", NULL};
	const char *memkb[] = {"b_info", "max_memkb", NULL};
	const char *reboot[] = {"on_reboot", NULL};
	const char *uuid_path[] = {"c_info", "uuid", NULL};
	char *json = txl_domain_config_json(&dc, uuid);
	yajl_val t = json ? yajl_tree_parse(json, NULL, 0) : NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(YAJL_GET_STRING(yajl_tree_get(t, vm_name, yajl_t_string)), "web");
	CU_ASSERT_EQUAL(YAJL_GET_INTEGER(yajl_tree_get(t, memkb, yajl_t_number)), 131072);
	CU_ASSERT_STRING_EQUAL(YAJL_GET_STRING(yajl_tree_get(t, reboot, yajl_t_string)), "restart");
	CU_ASSERT_STRING_EQUAL(YAJL_GET_STRING(yajl_tree_get(t, uuid_path, yajl_t_string)),
			       "12340000-0000-0000-0000-000000000000");
	yajl_tree_free(t);
	free(json);
}
