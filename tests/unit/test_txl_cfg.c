/*
 * libtxl's xl.cfg reading (dom0-tools/libtxl/cfg_parse.c, cfg_domain.c):
 * a full config and Xen's syntax corners parse to the right values; each
 * kind of bad config is refused with one message naming file, line and key.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "txl.h"
#include "unit.h"

UNIT_SUITE(txl_cfg);

/* Parse text as "t.cfg" into dc; the return value, why filled. */
static int parse(const char *text, struct txl_domain_config *dc, char *why)
{
	struct txl_cfg cfg;
	int ret;

	why[0] = '\0';
	ret = txl_cfg_parse("t.cfg", text, strlen(text), &cfg, why, TXL_WHY_LEN);
	if (ret)
		return ret;
	ret = txl_domain_config_from_cfg(&cfg, dc, why, TXL_WHY_LEN);
	txl_cfg_free(&cfg);
	return ret;
}

/* The config is refused with exactly this message. */
static void refused(const char *text, const char *msg)
{
	struct txl_domain_config dc;
	char why[TXL_WHY_LEN];
	int ret = parse(text, &dc, why);

	CU_ASSERT_EQUAL(ret, -EINVAL);
	CU_ASSERT_STRING_EQUAL(why, msg);
	if (ret != -EINVAL || strcmp(why, msg))
		fprintf(stderr, "\n  config: %s\n  got:  %s\n  want: %s\n", text, why, msg);
	if (!ret)
		txl_domain_config_free(&dc);
}

UNIT_TEST(txl_cfg, a_full_pvh_config_gives_every_value)
{
	static const char text[] =
	    "# a guest\n"
	    "name = \"web\"\n"
	    "type = 'pvh'\n"
	    "memory = 512; maxmem = 0x400\n"
	    "vcpus = 2\n"
	    "kernel = \"/boot/vmlinuz\"\n"
	    "ramdisk = \"/boot/initrd\"\n"
	    "extra = \"console=hvc0\"\n"
	    "root = \"/dev/xvda1\"\n"
	    "on_poweroff = \"preserve\"\n"
	    "on_reboot = \"destroy\"\n"
	    "on_crash = \"coredump-restart\"\n"
	    "disk = [ 'phy:/dev/vg/web,xvda,w',   # the root\n"
	    "         \"format=raw, vdev=xvdb, access=ro, target=/img/data.img\", ]\n"
	    "vif = [ 'mac=00:16:3e:01:02:03,bridge=xenbr0' ]\n"
	    "unknown_key = \"ignored, as Xen's xl does\"\n";
	struct txl_domain_config dc;
	char why[TXL_WHY_LEN];

	CU_ASSERT_EQUAL_FATAL(parse(text, &dc, why), 0);
	CU_ASSERT_STRING_EQUAL(dc.name, "web");
	CU_ASSERT_STRING_EQUAL(dc.type, "pvh");
	CU_ASSERT_EQUAL(dc.memory_mib, 512);
	CU_ASSERT_EQUAL(dc.maxmem_mib, 1024);
	CU_ASSERT_EQUAL(dc.vcpus, 2);
	CU_ASSERT_STRING_EQUAL(dc.kernel, "/boot/vmlinuz");
	CU_ASSERT_STRING_EQUAL(dc.ramdisk, "/boot/initrd");
	CU_ASSERT_STRING_EQUAL(dc.cmdline, "root=/dev/xvda1 console=hvc0");
	CU_ASSERT_EQUAL(dc.on_poweroff, TXL_ACTION_PRESERVE);
	CU_ASSERT_EQUAL(dc.on_reboot, TXL_ACTION_DESTROY);
	CU_ASSERT_EQUAL(dc.on_crash, TXL_ACTION_COREDUMP_RESTART);
	CU_ASSERT_EQUAL_FATAL(dc.nr_disks, 2);
	CU_ASSERT_STRING_EQUAL(txl_device_get(&dc.disks[0], "format"), "phy");
	CU_ASSERT_STRING_EQUAL(txl_device_get(&dc.disks[0], "target"), "/dev/vg/web");
	CU_ASSERT_STRING_EQUAL(txl_device_get(&dc.disks[0], "vdev"), "xvda");
	CU_ASSERT_STRING_EQUAL(txl_device_get(&dc.disks[0], "access"), "w");
	CU_ASSERT_STRING_EQUAL(txl_device_get(&dc.disks[1], "target"), "/img/data.img");
	CU_ASSERT_STRING_EQUAL(txl_device_get(&dc.disks[1], "access"), "ro");
	CU_ASSERT_EQUAL_FATAL(dc.nr_vifs, 1);
	CU_ASSERT_STRING_EQUAL(txl_device_get(&dc.vifs[0], "bridge"), "xenbr0");
	CU_ASSERT_STRING_EQUAL(dc.vifs[0].spec, "mac=00:16:3e:01:02:03,bridge=xenbr0");
	txl_domain_config_free(&dc);
}

UNIT_TEST(txl_cfg, defaults_are_libxls_and_cmdline_wins_over_root_and_extra)
{
	struct txl_domain_config dc;
	char why[TXL_WHY_LEN];

	CU_ASSERT_EQUAL_FATAL(parse("name='a'\nkernel='k'\ncmdline='x y'\nextra='z'\n", &dc, why),
			      0);
	CU_ASSERT_STRING_EQUAL(dc.type, "pvh");
	CU_ASSERT_EQUAL(dc.memory_mib, 32);
	CU_ASSERT_EQUAL(dc.maxmem_mib, 32);
	CU_ASSERT_EQUAL(dc.vcpus, 1);
	CU_ASSERT_STRING_EQUAL(dc.cmdline, "x y");
	CU_ASSERT_EQUAL(dc.on_poweroff, TXL_ACTION_DESTROY);
	CU_ASSERT_EQUAL(dc.on_reboot, TXL_ACTION_RESTART);
	CU_ASSERT_EQUAL(dc.on_crash, TXL_ACTION_DESTROY);
	CU_ASSERT_EQUAL(dc.nr_disks, 0);
	CU_ASSERT_PTR_NULL(dc.ramdisk);
	txl_domain_config_free(&dc);
}

UNIT_TEST(txl_cfg, a_later_key_wins_and_escapes_are_read)
{
	struct txl_domain_config dc;
	char why[TXL_WHY_LEN];

	CU_ASSERT_EQUAL_FATAL(
	    parse("name='a'\nkernel='k'\nmemory=64\nmemory=128\nextra=\"a\\\"b\\tc\"\n", &dc, why),
	    0);
	CU_ASSERT_EQUAL(dc.memory_mib, 128);
	CU_ASSERT_STRING_EQUAL(dc.cmdline, "a\"b\tc");
	txl_domain_config_free(&dc);
}

UNIT_TEST(txl_cfg, syntax_errors_name_file_line_and_key)
{
	refused("name = 'a'\nmemory = \n",
		"t.cfg:2: memory: expected a value (a number, a \"string\" "
		"or a [list]), found the end of the line");
	refused("name = 'a'\n\nkernel 'k'\n",
		"t.cfg:3: kernel: expected '=' after the key, found '''");
	refused("name = \"a\n", "t.cfg:1: name: unterminated string (no closing \")");
	refused("name='a'\ndisk = [ 'x,xvda,w',\n 'y,xvdb,w'",
		"t.cfg:3: disk: unterminated list (the '[' is on line 2)");
	refused("name='a'\ndisk = [ 'x' 'y' ]\n",
		"t.cfg:2: disk: expected ',' or ']' in the list, found '''");
	refused("type = pvh\n",
		"t.cfg:1: type: expected a value, found a bare word (strings are quoted: \"...\")");
	refused("name = 'a' 'b'\n",
		"t.cfg:1: name: unexpected ''' after the value (one statement per line or ';')");
	refused("name='a'\n= 5\n", "t.cfg:2: syntax error: expected a key, found '='");
}

UNIT_TEST(txl_cfg, bad_values_name_file_line_and_key)
{
	refused("kernel='k'\n", "t.cfg: name: missing (every domain needs name = \"...\")");
	refused("name='a'\n", "t.cfg: kernel: missing (a PVH domain boots kernel = \"...\")");
	refused("name='42'\nkernel='k'\n",
		"t.cfg:1: name: \"42\": a name cannot be a number (it would read as a domain id)");
	refused("name='a/b'\n", "t.cfg:1: name: \"a/b\": no '/' or control characters in a name");
	refused("name='a'\nkernel='k'\nmemory='lots'\n",
		"t.cfg:3: memory: expected a number, found \"lots\"");
	refused("name='a'\nkernel='k'\nmemory=-5\n",
		"t.cfg:3: memory: expected a number, found \"-5\"");
	refused("name='a'\nkernel='k'\nmemory=0\n",
		"t.cfg:3: memory: 0 is out of range (1 to 1073741824)");
	refused("name='a'\nkernel='k'\nmemory=[1]\n",
		"t.cfg:3: memory: expected a number, found a list");
	refused("name='a'\nkernel='k'\nmemory=256\nmaxmem=128\n",
		"t.cfg:4: maxmem: 128 MiB is below memory (256 MiB)");
	refused("name='a'\nkernel='k'\nvcpus=129\n",
		"t.cfg:3: vcpus: 129 is out of range (1 to 128)");
	refused("name='a'\ntype='pv'\n",
		"t.cfg:2: type: type \"pv\" is not supported yet (only \"pvh\")");
	refused("name='a'\ntype='xen'\n", "t.cfg:2: type: unknown type \"xen\" (pvh, pv or hvm)");
	refused("name='a'\nkernel='k'\non_crash='explode'\n",
		"t.cfg:3: on_crash: unknown action \"explode\" (destroy, restart, rename-restart, "
		"preserve, coredump-destroy, coredump-restart, soft-reset)");
	refused("name='a'\nkernel='k'\ndisk='x,xvda,w'\n",
		"t.cfg:3: disk: expected a list [ \"...\", ... ]");
	refused("name='a'\nkernel='k'\ndisk=['x,xvda,w',\n'/img']\n",
		"t.cfg:3: disk: entry 2 \"/img\": no vdev (e.g. \"file.img,xvda,w\")");
	refused("name='a'\nkernel='k'\ndisk=['x,xvda,rx']\n",
		"t.cfg:3: disk: entry 1 \"x,xvda,rx\": access \"rx\" is not r, ro, w or rw");
	refused("name='a'\nkernel='k'\nvif=['bridge']\n",
		"t.cfg:3: vif: entry 1 \"bridge\": \"bridge\" is not KEY=VALUE");
	refused("name='a'\nkernel='k'\nvif=['mac=00:16:3e:zz:00:01']\n",
		"t.cfg:3: vif: entry 1 \"mac=00:16:3e:zz:00:01\": mac \"00:16:3e:zz:00:01\" is not "
		"XX:XX:XX:XX:XX:XX");
}

UNIT_TEST(txl_cfg, a_missing_file_is_named)
{
	struct txl_cfg cfg;
	char why[TXL_WHY_LEN];

	CU_ASSERT_EQUAL(txl_cfg_parse_file("/nonexistent/x.cfg", &cfg, why, sizeof(why)), -ENOENT);
	CU_ASSERT_STRING_EQUAL(why, "/nonexistent/x.cfg: No such file or directory");
}
