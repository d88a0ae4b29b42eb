/*
 * HYPERVISOR_xen_version (common/version.c): the version Tessera reports,
 * the strings, the feature bits per kind of domain, and the sub-ops that
 * need privilege.
 */
#include <string.h>
#include <public/version.h>
#include <public/xen.h>
#include <tessera/bootinfo.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include "fake_guest.h"
#include "unit.h"

/* version.c reads the arch's boot_info; memory.mk renames it to this. */
struct boot_info fake_version_boot_info = {.cmdline = "console=com1 loglvl=debug"};

UNIT_SUITE(version);

static struct domain *guest, *ctl;

static void setup(void)
{
	fake_abi_setup(1024);
	ctl = fake_domain_create(0, ROLE_CONTROL | ROLE_HARDWARE, 1);
	guest = fake_domain_create(1, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctl);
	CU_ASSERT_PTR_NOT_NULL_FATAL(guest);
}

static void teardown(void)
{
	CU_ASSERT_EQUAL(fake_abi_teardown(), 0);
}

static long xenver(struct domain *caller, int cmd, uint64_t arg)
{
	fake_set_current(caller->vcpu[0]);
	return fake_hypercall2(__HYPERVISOR_xen_version, (unsigned long)(unsigned int)cmd, arg);
}

static uint32_t features(struct domain *d, long *rc)
{
	xen_feature_info_t *fi;
	uint64_t gva = fake_guest_alloc(d, sizeof(*fi), (void **)&fi);

	fi->submap_idx = 0;
	fi->submap = 0xdeadbeef;
	*rc = xenver(d, XENVER_get_features, gva);
	return fi->submap;
}

UNIT_TEST(version, version_is_xen_4_17)
{
	setup();
	CU_ASSERT_EQUAL(xenver(guest, XENVER_version, 0), (4 << 16) | 17);
	CU_ASSERT_EQUAL(xenver(guest, XENVER_version, 0x1234), 0x40011); /* argument ignored */
	teardown();
}

UNIT_TEST(version, strings_are_terminated_and_zero_padded)
{
	char *ev, *cs, *caps;
	xen_compile_info_t *ci;
	uint64_t a, b, c, e;

	setup();
	a = fake_guest_alloc(guest, sizeof(xen_extraversion_t), (void **)&ev);
	memset(ev, 'x', sizeof(xen_extraversion_t));
	CU_ASSERT_EQUAL(xenver(guest, XENVER_extraversion, a), 0);
	CU_ASSERT_STRING_EQUAL(ev, ".0-tessera");
	CU_ASSERT_EQUAL(ev[sizeof(xen_extraversion_t) - 1], 0);

	b = fake_guest_alloc(guest, sizeof(*ci), (void **)&ci);
	memset(ci, 'x', sizeof(*ci));
	CU_ASSERT_EQUAL(xenver(guest, XENVER_compile_info, b), 0);
	CU_ASSERT_EQUAL(strncmp(ci->compiler, "gcc ", 4), 0);
	CU_ASSERT(strnlen(ci->compiler, sizeof(ci->compiler)) < sizeof(ci->compiler));
	CU_ASSERT_STRING_EQUAL(ci->compile_by, "tessera");
	CU_ASSERT_EQUAL(ci->compile_date[sizeof(ci->compile_date) - 1], 0);

	c = fake_guest_alloc(guest, sizeof(xen_capabilities_info_t), (void **)&caps);
	memset(caps, 'x', sizeof(xen_capabilities_info_t));
	CU_ASSERT_EQUAL(xenver(guest, XENVER_capabilities, c), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(caps, "hvm-3.0-x86_64"));
	CU_ASSERT_PTR_NULL(strstr(caps, "xen-3.0-x86_64")); /* no PV yet */
	CU_ASSERT_EQUAL(caps[sizeof(xen_capabilities_info_t) - 1], 0);

	e = fake_guest_alloc(guest, sizeof(xen_changeset_info_t), (void **)&cs);
	CU_ASSERT_EQUAL(xenver(guest, XENVER_changeset, e), 0);
	CU_ASSERT_STRING_EQUAL(cs, "unavailable");
	teardown();
}

UNIT_TEST(version, platform_parameters_and_pagesize)
{
	xen_platform_parameters_t *pp;
	uint64_t a;

	setup();
	a = fake_guest_alloc(guest, sizeof(*pp), (void **)&pp);
	CU_ASSERT_EQUAL(xenver(guest, XENVER_platform_parameters, a), 0);
	CU_ASSERT_EQUAL(pp->virt_start, 0xFFFF800000000000UL);
	CU_ASSERT_EQUAL(xenver(guest, XENVER_pagesize, 0), 4096);
	CU_ASSERT_EQUAL(xenver(guest, XENVER_pagesize, a),
			-EINVAL); /* as Xen: the argument must be NULL */
	teardown();
}

UNIT_TEST(version, features_follow_the_kind_of_domain)
{
	struct domain_create_args args = fake_domain_args("pv", ROLE_GUEST, 1);
	struct domain *pv;
	uint32_t f;
	long rc;

	setup();
	f = features(guest, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(
	    f, (1U << XENFEAT_writable_page_tables) | (1U << XENFEAT_auto_translated_physmap) |
		   (1U << XENFEAT_hvm_callback_vector) | (1U << XENFEAT_hvm_safe_pvclock) |
		   (1U << XENFEAT_not_direct_mapped));
	f = features(ctl, &rc);
	CU_ASSERT_TRUE(f & (1U << XENFEAT_dom0)); /* the hardware role */
	CU_ASSERT_FALSE(f & (1U << XENFEAT_hvm_pirqs));
	CU_ASSERT_FALSE(f & (1U << XENFEAT_memory_op_vnode_supported));
	args.mode = GUEST_MODE_PV;
	CU_ASSERT_EQUAL_FATAL(domain_create(2, &args, &pv), 0);
	fake_guest_attach(pv, 0);
	f = features(pv, &rc);
	CU_ASSERT_EQUAL(f, 1U << XENFEAT_direct_mapped);
	teardown();
}

UNIT_TEST(version, features_submap_beyond_0_is_einval_and_bad_handles_efault)
{
	xen_feature_info_t *fi;
	uint64_t a;

	setup();
	a = fake_guest_alloc(guest, sizeof(*fi), (void **)&fi);
	fi->submap_idx = 1;
	CU_ASSERT_EQUAL(xenver(guest, XENVER_get_features, a), -EINVAL);
	CU_ASSERT_EQUAL(xenver(guest, XENVER_get_features, 0x100), -EFAULT);
	CU_ASSERT_EQUAL(xenver(guest, XENVER_extraversion, 0x100), -EFAULT);
	CU_ASSERT_EQUAL(xenver(guest, XENVER_compile_info, fake_guest_end(guest) - 8), -EFAULT);
	CU_ASSERT_EQUAL(xenver(guest, XENVER_capabilities, 0), -EFAULT);
	CU_ASSERT_EQUAL(xenver(guest, XENVER_guest_handle, 0), -EFAULT);
	teardown();
}

UNIT_TEST(version, guest_handle_is_the_domains_uuid)
{
	uint8_t *h;
	uint64_t a;

	setup();
	for (unsigned int i = 0; i < 16; i++)
		guest->handle[i] = (uint8_t)(0xa0 + i);
	a = fake_guest_alloc(guest, 16, (void **)&h);
	CU_ASSERT_EQUAL(xenver(guest, XENVER_guest_handle, a), 0);
	CU_ASSERT_EQUAL(memcmp(h, guest->handle, 16), 0);
	teardown();
}

UNIT_TEST(version, commandline_and_build_id_need_the_control_role)
{
	char *line;
	uint64_t a, b;

	setup();
	a = fake_guest_alloc(ctl, sizeof(xen_commandline_t), (void **)&line);
	memset(line, 'x', sizeof(xen_commandline_t));
	CU_ASSERT_EQUAL(xenver(ctl, XENVER_commandline, a), 0);
	CU_ASSERT_STRING_EQUAL(line, "console=com1 loglvl=debug");
	CU_ASSERT_EQUAL(line[sizeof(xen_commandline_t) - 1], 0);
	b = fake_guest_alloc(guest, sizeof(xen_commandline_t), (void **)&line);
	CU_ASSERT_EQUAL(xenver(guest, XENVER_commandline, b), 0);
	CU_ASSERT_STRING_EQUAL(line, "<denied>");
	CU_ASSERT_EQUAL(xenver(ctl, XENVER_commandline, fake_guest_end(ctl) - 600), -EFAULT);
	CU_ASSERT_EQUAL(xenver(guest, XENVER_build_id, b), -EPERM);
	CU_ASSERT_EQUAL(xenver(ctl, XENVER_build_id, a), -ENODATA);
	teardown();
}

UNIT_TEST(version, unknown_subops_are_enosys)
{
	setup();
	CU_ASSERT_EQUAL(xenver(guest, 11, 0), -ENOSYS);
	CU_ASSERT_EQUAL(xenver(guest, -1, 0), -ENOSYS);
	CU_ASSERT_EQUAL(xenver(ctl, 0x7fffffff, 0), -ENOSYS);
	teardown();
}
