/*
 * Conformance: memory_op (Xen 4.17 common/memory.c do_memory_op,
 * arch/x86/mm.c arch_memory_op, arch/x86/mm/p2m.c
 * xenmem_add_to_physmap_one, arch/x86/hvm/hypercall.c hvm_memory_op).
 *
 * Reservations: decrease and populate one of our own pages, the counts
 * that follow, extents refused (holes, huge orders, unreadable lists, no
 * such domain: the reservation commands answer with the number of
 * extents done, never an errno). add_to_physmap: shared_info and grant
 * frames (the grant table grows into the frame asked for, and setup_table
 * then names the gfn), moving a frame of ours (XENMAPSPACE_gmfn), bad
 * spaces and indices. remove_from_physmap, memory_map, maximum_gpfn,
 * sub-ops HVM guests do not have.
 *
 * Pages given away are always populated again, so the unikernel's
 * allocator never hands out a gfn with nothing behind it.
 *
 * Locking: none (tests run one at a time).
 */
#include "conf.h"

static long cur_reservation(domid_t dom)
{
	return HYPERVISOR_memory_op(XENMEM_current_reservation, &dom);
}

TEST(reservation_queries)
{
	domid_t self = DOMID_SELF, none = CONF_NO_DOMAIN;
	long cur = cur_reservation(DOMID_SELF), max;

	EXPECT_TRUE(HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL) > 0);
	/* At least our own image and the allocator's pages (more than 2 MiB). */
	EXPECT_TRUE(cur > 512);
	max = HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self);
	EXPECT_TRUE(max >= 0);
	EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_current_reservation, &none), -ESRCH);
	EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_maximum_reservation, &none), -ESRCH);
	/* The highest gfn ever mapped lies above our own image. */
	EXPECT_TRUE(HYPERVISOR_memory_op(XENMEM_maximum_gpfn, &self) >=
		    (long)virt_to_gfn(&cur_reservation));
}

TEST(decrease_then_populate)
{
	void *p = page_alloc(0);
	unsigned long gfn;
	long before, after;
	volatile uint32_t *w;

	ASSERT_TRUE(p != NULL);
	gfn = virt_to_gfn(p);
	before = cur_reservation(DOMID_SELF);
	EXPECT_EQ(conf_decrease(gfn), 1);
	after = cur_reservation(DOMID_SELF);
	EXPECT_EQ(after, before - 1);
	/* A gfn with nothing behind it is not ours to give: no extent done. */
	EXPECT_EQ(conf_decrease(gfn), 0);
	EXPECT_EQ(conf_populate(gfn), 1);
	EXPECT_EQ(cur_reservation(DOMID_SELF), before);
	/* The new frame is ordinary RAM. */
	w = p;
	*w = 0xc0ffee11;
	EXPECT_EQ(*w, 0xc0ffee11);
	page_free(p, 0);
}

TEST(reservation_refusals)
{
	static xen_pfn_t frame;
	struct xen_memory_reservation r = {.nr_extents = 1, .extent_order = 0, .domid = DOMID_SELF};
	void *hole = conf_hole();

	ASSERT_TRUE(hole != NULL);
	frame = virt_to_gfn(hole);
	set_xen_guest_handle(r.extent_start, &frame);
	/* An order above every limit (guests 9, hardware domain 12, control 18 on Xen x86). */
	r.extent_order = 19;
	EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), 0);
	r.extent_order = 0;
	/* No such domain: nothing done (the reservation ops return extents, not errors). */
	r.domid = CONF_NO_DOMAIN;
	EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), 0);
	r.domid = DOMID_SELF;
	/* An extent list we cannot read: nothing done. */
	set_xen_guest_handle(r.extent_start, (xen_pfn_t *)CONF_BAD_VA);
	EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), 0);
	/* Zero extents: nothing to do. */
	set_xen_guest_handle(r.extent_start, &frame);
	r.nr_extents = 0;
	EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), 0);
	/* An unreadable reservation itself: also "0 done" (Xen returns the start extent). */
	EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_populate_physmap, CONF_BAD_VA), 0);
	EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_decrease_reservation, CONF_BAD_VA), 0);
	EXPECT_OK(conf_hole_fill(hole));
}

TEST(memory_map)
{
	static struct {
		uint64_t addr, size;
		uint32_t type;
	} __attribute__((packed)) e820[64];
	struct xen_memory_map mm = {.nr_entries = ARRAY_SIZE(e820)};
	unsigned long me = (unsigned long)&e820[0];
	unsigned int i;
	int covered = 0;

	set_xen_guest_handle(mm.buffer, e820);
	ASSERT_OK(HYPERVISOR_memory_op(XENMEM_memory_map, &mm));
	EXPECT_TRUE(mm.nr_entries >= 1 && mm.nr_entries <= ARRAY_SIZE(e820));
	for (i = 0; i < mm.nr_entries && i < ARRAY_SIZE(e820); i++)
		if (e820[i].type == 1 && e820[i].addr <= me && me < e820[i].addr + e820[i].size)
			covered = 1;
	EXPECT_TRUE(covered); /* our own .bss is RAM in the map */
	/* The buffer must be writable. */
	mm.nr_entries = ARRAY_SIZE(e820);
	set_xen_guest_handle(mm.buffer, CONF_BAD_VA);
	EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_memory_map, &mm), -EFAULT);
	EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_memory_map, CONF_BAD_VA), -EFAULT);
}

static long add_to_physmap(unsigned int space, unsigned long idx, unsigned long gfn)
{
	struct xen_add_to_physmap xatp = {
	    .domid = DOMID_SELF, .space = space, .idx = idx, .gpfn = gfn};

	return HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp);
}

TEST(shared_info_mapping)
{
	const volatile shared_info_t *s = uk_shared_info;
	uint32_t v;

	/* Mapping it again where it already is changes nothing. */
	EXPECT_OK(add_to_physmap(XENMAPSPACE_shared_info, 0, virt_to_gfn(uk_shared_info)));
	/* It holds live data: the pvclock (even version when stable, a TSC scale). */
	v = s->vcpu_info[0].time.version;
	EXPECT_NE(s->vcpu_info[0].time.tsc_to_system_mul, 0);
	EXPECT_TRUE((v & 1) == 0 || s->vcpu_info[0].time.version != v);
	/* There is one shared_info frame: index 0. */
	EXPECT_ERRNO(add_to_physmap(XENMAPSPACE_shared_info, 1, virt_to_gfn(uk_shared_info)),
		     -EINVAL);
}

/*
 * As Xen (issue 14 item 1): shared_info moves. Mapped into a hole, it leaves
 * its old gfn unbacked (remove_from_physmap there: -ENOENT) and shows the
 * same live page at the new one; then it moves back. Interrupts are off in
 * between: the unikernel's upcall reads shared_info at the old gfn.
 */
TEST(shared_info_moves)
{
	unsigned long old = virt_to_gfn(uk_shared_info);
	const volatile shared_info_t *moved;
	struct xen_remove_from_physmap xr = {.domid = DOMID_SELF};
	long to_hole, old_after, back, hole_after;
	unsigned long flags;
	uint32_t mul;
	void *hole = conf_hole();

	ASSERT_TRUE(hole != NULL);
	moved = hole;
	flags = irq_save();
	to_hole = add_to_physmap(XENMAPSPACE_shared_info, 0, virt_to_gfn(hole));
	mul = to_hole ? 0 : moved->vcpu_info[0].time.tsc_to_system_mul;
	xr.gpfn = old;
	old_after = HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &xr);
	back = add_to_physmap(XENMAPSPACE_shared_info, 0, old);
	xr.gpfn = virt_to_gfn(hole);
	hole_after = HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &xr);
	irq_restore(flags);
	EXPECT_OK(to_hole);
	EXPECT_NE(mul, 0); /* the live page: its pvclock scale */
	EXPECT_ERRNO(old_after, -ENOENT);
	EXPECT_OK(back);
	EXPECT_ERRNO(hole_after, -ENOENT);
	EXPECT_NE(uk_shared_info->vcpu_info[0].time.tsc_to_system_mul, 0);
	EXPECT_OK(conf_hole_fill(hole));
}

/*
 * Issue 14 item 2: the guest's physical address width (CPUID 0x80000008
 * EAX[7:0]) is at most the 48 bits a 4-level nested page table maps, and
 * there is no separate guest-physical width for it (EAX[23:16], nested paging).
 */
TEST(physical_address_width)
{
	uint32_t a, b, c, d, max;

	cpuid(0x80000000u, &max, &b, &c, &d);
	ASSERT_TRUE(max >= 0x80000008u);
	cpuid(0x80000008u, &a, &b, &c, &d);
	EXPECT_TRUE((a & 0xffu) >= 32 && (a & 0xffu) <= 48);
	EXPECT_EQ((a >> 16) & 0xffu, 0);
}

TEST(grant_frames)
{
	struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = 2};
	struct gnttab_query_size qs = {.dom = DOMID_SELF};
	xen_pfn_t frames[2] = {0, 0};
	void *hole;

	ASSERT_OK(gnttab_init());
	/* Frame 0 again where the unikernel put it. */
	EXPECT_OK(add_to_physmap(XENMAPSPACE_grant_table, 0, virt_to_gfn(gnttab_shared())));
	hole = conf_hole();
	ASSERT_TRUE(hole != NULL);
	/* Frame 1 into a hole: the table grows to two frames. */
	EXPECT_OK(add_to_physmap(XENMAPSPACE_grant_table, 1, virt_to_gfn(hole)));
	EXPECT_OK(HYPERVISOR_grant_table_op(GNTTABOP_query_size, &qs, 1));
	EXPECT_EQ(qs.status, GNTST_okay);
	EXPECT_TRUE(qs.nr_frames >= 2);
	/* setup_table names each frame by the gfn it is mapped at (auto-translated guests). */
	set_xen_guest_handle(st.frame_list, frames);
	EXPECT_OK(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1));
	EXPECT_EQ(st.status, GNTST_okay);
	EXPECT_EQ(frames[0], virt_to_gfn(gnttab_shared()));
	EXPECT_EQ(frames[1], virt_to_gfn(hole));
	/* Beyond the largest table, and v2 status frames on a v1 table: -EINVAL. */
	EXPECT_ERRNO(add_to_physmap(XENMAPSPACE_grant_table, 100000, virt_to_gfn(hole)), -EINVAL);
	EXPECT_ERRNO(add_to_physmap(XENMAPSPACE_grant_table, XENMAPIDX_grant_table_status,
				    virt_to_gfn(hole)),
		     -EINVAL);
	/* Take frame 1 out again; the gfn becomes a hole we can fill. */
	{
		struct xen_remove_from_physmap xr = {.domid = DOMID_SELF,
						     .gpfn = virt_to_gfn(hole)};

		EXPECT_OK(HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &xr));
	}
	EXPECT_OK(conf_hole_fill(hole));
}

TEST(add_to_physmap_refusals)
{
	void *hole = conf_hole();
	struct xen_add_to_physmap xatp = {
	    .domid = CONF_NO_DOMAIN, .space = XENMAPSPACE_shared_info, .idx = 0};

	ASSERT_TRUE(hole != NULL);
	xatp.gpfn = virt_to_gfn(hole);
	EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp), -ESRCH);
	/* Unknown space; a foreign frame outside the batch form (-ENOSYS, as Xen). */
	EXPECT_ERRNO(add_to_physmap(99, 0, virt_to_gfn(hole)), -EINVAL);
	EXPECT_ERRNO(add_to_physmap(XENMAPSPACE_gmfn_foreign, 0, virt_to_gfn(hole)), -ENOSYS);
	/* Moving a gfn that holds nothing. */
	EXPECT_ERRNO(add_to_physmap(XENMAPSPACE_gmfn, virt_to_gfn(hole), virt_to_gfn(hole) + 0),
		     -EINVAL);
	/* The invalid gfn as a destination. */
	EXPECT_ERRNO(add_to_physmap(XENMAPSPACE_shared_info, 0, ~0UL), -EINVAL);
	EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_add_to_physmap, CONF_BAD_VA), -EFAULT);
	EXPECT_OK(conf_hole_fill(hole));
}

TEST(move_frame)
{
	uint32_t *src = page_alloc(0);
	void *dst = conf_hole();
	unsigned int i;
	int same = 1;

	ASSERT_TRUE(src != NULL && dst != NULL);
	for (i = 0; i < PAGE_SIZE / 4; i++)
		src[i] = 0x5a000000u + i;
	/* XENMAPSPACE_gmfn: the frame at src's gfn moves to dst's. */
	ASSERT_OK(add_to_physmap(XENMAPSPACE_gmfn, virt_to_gfn(src), virt_to_gfn(dst)));
	for (i = 0; i < PAGE_SIZE / 4; i++)
		if (((volatile uint32_t *)dst)[i] != 0x5a000000u + i)
			same = 0;
	EXPECT_TRUE(same);
	/* src's gfn is empty now: nothing to decrease there. */
	EXPECT_EQ(conf_decrease(virt_to_gfn(src)), 0);
	/* And back. */
	EXPECT_OK(add_to_physmap(XENMAPSPACE_gmfn, virt_to_gfn(dst), virt_to_gfn(src)));
	EXPECT_EQ(src[7], 0x5a000007u);
	EXPECT_EQ(conf_decrease(virt_to_gfn(dst)), 0);
	EXPECT_OK(conf_hole_fill(dst));
	page_free(src, 0);
}

TEST(remove_from_physmap)
{
	struct xen_remove_from_physmap xr = {.domid = DOMID_SELF};
	void *p = page_alloc(0);
	void *hole = conf_hole();

	ASSERT_TRUE(p != NULL && hole != NULL);
	/* A gfn with nothing behind it. */
	xr.gpfn = virt_to_gfn(hole);
	EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &xr), -ENOENT);
	/* Our own RAM: unmapped (the gfn can be populated again). */
	xr.gpfn = virt_to_gfn(p);
	EXPECT_OK(HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &xr));
	EXPECT_EQ(conf_populate(virt_to_gfn(p)), 1);
	xr.domid = CONF_NO_DOMAIN;
	EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &xr), -ESRCH);
	EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_remove_from_physmap, CONF_BAD_VA), -EFAULT);
	page_free(p, 0);
	EXPECT_OK(conf_hole_fill(hole));
}

TEST(unknown_and_hvm_refused_subops)
{
	char buf[64];

	EXPECT_ERRNO(HYPERVISOR_memory_op(60, buf), -ENOSYS);
	/* Not for HVM guests (Xen's hvm_memory_op): the host map, the PV M2P window. */
	EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_machine_memory_map, buf), -ENOSYS);
	EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_machphys_mapping, buf), -ENOSYS);
}
