/*
 * Conformance: xen_version, the CPUID leaves and hypercall numbering
 * (Xen 4.17 common/kernel.c do_xen_version, include/hypercall-defs.c).
 * Success paths: every sub-op an HVM guest may use, with the answers
 * that do not depend on the build. Error paths: unknown sub-ops and
 * feature submaps, pagesize with an argument, privileged sub-ops from
 * a guest, hypercall numbers an HVM guest does not have.
 *
 * Locking: none (tests run one at a time).
 */
#include "conf.h"

TEST(version_matches_cpuid)
{
	uint32_t a, b, c, d;
	long v = HYPERVISOR_xen_version(XENVER_version, NULL);

	EXPECT_TRUE(v >= 0);
	EXPECT_EQ(v >> 16, 4);
	EXPECT_EQ((uint32_t)v, uk_xen.version);
	/* Leaf base: the highest leaf, at least base+2 (hypercall page); base+2 names the MSR. */
	cpuid(uk_xen.base, &a, &b, &c, &d);
	EXPECT_TRUE(a >= uk_xen.base + 2);
	cpuid(uk_xen.base + 2, &a, &b, &c, &d);
	EXPECT_TRUE(a >= 1);
	EXPECT_NE(b, 0);
}

TEST(version_strings)
{
	xen_extraversion_t extra;
	xen_compile_info_t ci;
	xen_capabilities_info_t caps;
	xen_changeset_info_t cs;
	size_t i;
	int found = 0;

	memset(extra, 0x55, sizeof(extra));
	EXPECT_OK(HYPERVISOR_xen_version(XENVER_extraversion, extra));
	EXPECT_TRUE(strnlen(extra, sizeof(extra)) < sizeof(extra)); /* terminated */

	memset(&ci, 0x55, sizeof(ci));
	EXPECT_OK(HYPERVISOR_xen_version(XENVER_compile_info, &ci));
	EXPECT_TRUE(strnlen(ci.compiler, sizeof(ci.compiler)) < sizeof(ci.compiler));
	EXPECT_TRUE(ci.compiler[0] != '\0');

	memset(caps, 0, sizeof(caps));
	EXPECT_OK(HYPERVISOR_xen_version(XENVER_capabilities, caps));
	/* A 64-bit HVM-capable hypervisor lists hvm-3.0-x86_64. */
	for (i = 0; i + 14 <= sizeof(caps) && caps[i]; i++)
		if (!strncmp(&caps[i], "hvm-3.0-x86_64", 14))
			found = 1;
	EXPECT_TRUE(found);

	memset(cs, 0x55, sizeof(cs));
	EXPECT_OK(HYPERVISOR_xen_version(XENVER_changeset, cs));
	EXPECT_TRUE(strnlen(cs, sizeof(cs)) < sizeof(cs));
}

TEST(platform_parameters_and_handle)
{
	xen_platform_parameters_t pp;
	xen_domain_handle_t h;

	EXPECT_OK(HYPERVISOR_xen_version(XENVER_platform_parameters, &pp));
	EXPECT_OK(HYPERVISOR_xen_version(XENVER_guest_handle, h));
}

TEST(get_features)
{
	struct xen_feature_info fi = {.submap_idx = 0};

	EXPECT_OK(HYPERVISOR_xen_version(XENVER_get_features, &fi));
	/* A PVH guest is auto-translated, and may take events through a callback vector. */
	EXPECT_TRUE(fi.submap & (1u << XENFEAT_auto_translated_physmap));
	EXPECT_TRUE(fi.submap & (1u << XENFEAT_hvm_callback_vector));
	EXPECT_TRUE(fi.submap & (1u << XENFEAT_hvm_safe_pvclock));
	EXPECT_FALSE(fi.submap & (1u << XENFEAT_direct_mapped));
	/* Only submap 0 exists on x86. */
	fi.submap_idx = 1;
	EXPECT_ERRNO(HYPERVISOR_xen_version(XENVER_get_features, &fi), -EINVAL);
	fi.submap_idx = 0x7fffffff;
	EXPECT_ERRNO(HYPERVISOR_xen_version(XENVER_get_features, &fi), -EINVAL);
}

TEST(pagesize)
{
	long dummy = 0;

	EXPECT_EQ(HYPERVISOR_xen_version(XENVER_pagesize, NULL), 4096);
	/* As Xen: the argument must be a null handle. */
	EXPECT_ERRNO(HYPERVISOR_xen_version(XENVER_pagesize, &dummy), -EINVAL);
}

TEST(unknown_subops)
{
	char buf[64];

	EXPECT_ERRNO(HYPERVISOR_xen_version(11, buf), -ENOSYS);
	EXPECT_ERRNO(HYPERVISOR_xen_version(0x7fff, buf), -ENOSYS);
	EXPECT_ERRNO(HYPERVISOR_xen_version(-1, buf), -ENOSYS);
}

TEST(commandline_and_build_id)
{
	static char cl[1024];

	memset(cl, 0x55, sizeof(cl));
	EXPECT_OK(HYPERVISOR_xen_version(XENVER_commandline, cl));
	EXPECT_TRUE(strnlen(cl, sizeof(cl)) < sizeof(cl));
	CONF_NEED_GUEST();
	/* Privileged sub-ops: a guest sees "<denied>" and -EPERM (Xen's XSM dummy policy). */
	EXPECT_EQ(strcmp(cl, "<denied>"), 0);
	EXPECT_ERRNO(HYPERVISOR_xen_version(XENVER_build_id, NULL), -EPERM);
}

/*
 * Hypercall numbers an HVM guest does not have (Xen 4.17's
 * hypercall-defs.c: PV-only entries are "-" in the hvm64 column) and
 * numbers never assigned: -ENOSYS, with the registers left alone.
 */
TEST(hypercall_numbers)
{
	static const unsigned long nrs[] = {
	    __HYPERVISOR_set_trap_table,
	    __HYPERVISOR_mmu_update,
	    __HYPERVISOR_set_gdt,
	    __HYPERVISOR_stack_switch,
	    __HYPERVISOR_set_callbacks,
	    __HYPERVISOR_iret,
	    __HYPERVISOR_tmem_op,
	    11,
	    43,
	    63,
	    64,
	    1000,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nrs); i++)
		if (!EXPECT_ERRNO(uk_hypercall(nrs[i], 0, 0, 0, 0, 0), -ENOSYS))
			test_note("hypercall %lu", nrs[i]);
	/* Still alive and hypercalls still work after all of that. */
	EXPECT_TRUE(HYPERVISOR_xen_version(XENVER_version, NULL) > 0);
}
