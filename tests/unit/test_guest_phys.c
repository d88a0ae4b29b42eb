/*
 * The hypervisor's guest-physical copies (common/guest_phys.c): copies that
 * cross pages land in the right frames; an unmapped gfn, a read-only page
 * (for writes), another domain's frame (grant or foreign entries), a
 * wrapping range, or a domain without a p2m give -EFAULT; no reference is
 * leaked.
 */
#include <string.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include "fake_guest.h"
#include "unit.h"

UNIT_SUITE(guest_phys);

#define FRAMES 2048

static struct domain *d, *other;

static void setup(void)
{
	fake_abi_setup(FRAMES);
	d = fake_domain_create(1, ROLE_GUEST, 1);
	other = fake_domain_create(2, ROLE_GUEST, 1);
	CU_ASSERT_FATAL(d && other && d->p2m);
}

static void teardown(void)
{
	CU_ASSERT_EQUAL(fake_abi_teardown(), 0);
}

/* Map gfn to a fresh frame of owner's, filled with fill; returns its host view. */
static uint8_t *map_frame(struct domain *owner, struct domain *in, uint64_t gfn, enum p2m_type t,
			  uint8_t fill)
{
	struct page_info *pg = alloc_domain_pages(owner, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(pg);
	memset(page_to_virt(pg), fill, 4096);
	CU_ASSERT_EQUAL_FATAL(p2m_set_entry(in, _gfn(gfn), page_to_mfn(pg), t), 0);
	return page_to_virt(pg);
}

static unsigned long refs(const uint8_t *va)
{
	return virt_to_page(va)->count_info & PGC_count_mask;
}

UNIT_TEST(guest_phys, copies_cross_pages_into_the_right_frames)
{
	uint8_t *a, *b, *c, src[6000], back[6000];

	setup();
	a = map_frame(d, d, 0x10, p2m_ram_rw, 0);
	b = map_frame(d, d, 0x11, p2m_ram_rw, 0);
	c = map_frame(d, d, 0x12, p2m_ram_rw, 0xee);
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 7 + 3);
	CU_ASSERT_EQUAL(copy_to_guest_phys(d, _paddr(0x10000 + 100), src, sizeof(src)), 0);
	CU_ASSERT(memcmp(a + 100, src, 3996) == 0);
	CU_ASSERT(memcmp(b, src + 3996, 2004) == 0);
	CU_ASSERT_EQUAL(a[99], 0);
	CU_ASSERT_EQUAL(b[2004], 0);
	CU_ASSERT_EQUAL(copy_from_guest_phys(d, back, _paddr(0x10000 + 100), sizeof(back)), 0);
	CU_ASSERT(memcmp(back, src, sizeof(src)) == 0);
	/* Clearing across the b/c boundary. */
	CU_ASSERT_EQUAL(clear_guest_phys(d, _paddr(0x11000 + 4000), 200), 0);
	CU_ASSERT_EQUAL(b[3999], 0);
	CU_ASSERT_EQUAL(b[4095], 0);
	CU_ASSERT_EQUAL(c[103], 0);
	CU_ASSERT_EQUAL(c[104], 0xee);
	/* Zero-length copies succeed anywhere. */
	CU_ASSERT_EQUAL(copy_to_guest_phys(d, _paddr(0xdead000), src, 0), 0);
	/* The copies hold no reference afterwards (the allocation reference only). */
	CU_ASSERT_EQUAL(refs(a), 1);
	CU_ASSERT_EQUAL(refs(b), 1);
	teardown();
}

UNIT_TEST(guest_phys, unmapped_gfns_fault_after_the_bytes_before_them)
{
	uint8_t *a, src[5000], back[16];

	setup();
	a = map_frame(d, d, 0x20, p2m_ram_rw, 0);
	memset(src, 0x77, sizeof(src));
	/* gfn 0x21 is not mapped: the first page is written, then -EFAULT. */
	CU_ASSERT_EQUAL(copy_to_guest_phys(d, _paddr(0x20000 + 96), src, sizeof(src)), -EFAULT);
	CU_ASSERT_EQUAL(a[96], 0x77);
	CU_ASSERT_EQUAL(a[4095], 0x77);
	CU_ASSERT_EQUAL(copy_from_guest_phys(d, back, _paddr(0x21000), sizeof(back)), -EFAULT);
	CU_ASSERT_EQUAL(clear_guest_phys(d, _paddr(0x400000), 1), -EFAULT);
	/* Past the highest gfn a p2m holds, and wrapping ranges. */
	CU_ASSERT_EQUAL(copy_to_guest_phys(d, _paddr((P2M_MAX_GFN + 1) << 12), src, 1), -EFAULT);
	CU_ASSERT_EQUAL(copy_to_guest_phys(d, _paddr(UINT64_MAX - 10), src, 100), -EFAULT);
	CU_ASSERT_EQUAL(copy_from_guest_phys(d, back, _paddr(0x20ff0), UINT64_MAX), -EFAULT);
	CU_ASSERT_EQUAL(refs(a), 1);
	teardown();
}

UNIT_TEST(guest_phys, only_own_ram_is_touched)
{
	uint8_t *ro, *granted, *foreign, x = 0x55, back = 0;
	struct domain *pv;
	struct domain_create_args args = fake_domain_args("pv", ROLE_GUEST, 1);

	setup();
	ro = map_frame(d, d, 0x30, p2m_ram_ro, 0x11);
	CU_ASSERT_EQUAL(copy_to_guest_phys(d, _paddr(0x30000), &x, 1), -EFAULT);
	CU_ASSERT_EQUAL(ro[0], 0x11);
	CU_ASSERT_EQUAL(copy_from_guest_phys(d, &back, _paddr(0x30000), 1), 0);
	CU_ASSERT_EQUAL(back, 0x11);
	/* Another domain's frames, even mapped rw: refused both ways. */
	granted = map_frame(other, d, 0x31, p2m_grant_map_rw, 0x22);
	foreign = map_frame(other, d, 0x32, p2m_map_foreign, 0x33);
	CU_ASSERT_EQUAL(copy_to_guest_phys(d, _paddr(0x31000), &x, 1), -EFAULT);
	CU_ASSERT_EQUAL(copy_from_guest_phys(d, &back, _paddr(0x32000), 1), -EFAULT);
	CU_ASSERT_EQUAL(granted[0], 0x22);
	CU_ASSERT_EQUAL(foreign[0], 0x33);
	CU_ASSERT_EQUAL(refs(granted), 2); /* allocation + the p2m entry's */
	/* A PV domain has no p2m: nothing is guest-physical. */
	args.mode = GUEST_MODE_PV;
	CU_ASSERT_EQUAL_FATAL(domain_create(3, &args, &pv), 0);
	CU_ASSERT_EQUAL(copy_to_guest_phys(pv, _paddr(0), &x, 1), -EFAULT);
	CU_ASSERT_EQUAL(copy_to_guest_phys(NULL, _paddr(0), &x, 1), -EFAULT);
	teardown();
}
