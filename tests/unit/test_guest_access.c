/*
 * The PVH guest copies (arch/x86/guest_access.c) against a p2m that changes
 * under them: a frame the walk looked up may be given back and handed to
 * another domain before the copy takes its reference (decrease_reservation
 * or a grant unmap on another vCPU). The copy must then fail, never touch
 * the other domain's frame, and leak no reference. Paging is off (gva =
 * gpa), so only the p2m step is exercised.
 */
#include <string.h>
#include <asm/hvm.h>
#include <asm/x86-defns.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/guest_access.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include "fake_guest.h"
#include "unit.h"

unsigned long ga_unit_copy_from_guest(struct vcpu *v, void *to, uint64_t gva, unsigned long len);
unsigned long ga_unit_copy_to_guest(struct vcpu *v, uint64_t gva, const void *from,
				    unsigned long len);
mfn_t ga_unit_p2m_lookup(struct domain *d, gfn_t gfn, enum p2m_type *t);

/*
 * The real source, built into this test only: its arch_copy_* under other
 * names (the fake arch has its own), its p2m lookups through the wrapper
 * below. (Not in UNIT_HV_SRCS: the fuzz harness links those without tests.)
 */
/*
 * A fake vendor: the guest's paging state is what the test sets in
 * ga_cr0 (the copies reach it only through the HVM accessors), and the
 * crash report's nested page table column is empty.
 */
static uint64_t ga_cr0;

static uint64_t ga_fake_get_cr(struct vcpu *v, unsigned int cr)
{
	(void)v;
	return cr == 0 ? ga_cr0 : 0;
}

static uint64_t ga_fake_get_efer(struct vcpu *v)
{
	(void)v;
	return 0;
}

static uint64_t ga_fake_nested_pt_entry(struct domain *d, gfn_t gfn)
{
	(void)d;
	(void)gfn;
	return 0;
}

static const struct hvm_function_table ga_fake_vendor = {
    .name = "fake",
    .get_cr = ga_fake_get_cr,
    .get_efer = ga_fake_get_efer,
    .nested_pt_entry = ga_fake_nested_pt_entry,
};
const struct hvm_function_table *hvm_funcs = &ga_fake_vendor;

#define arch_copy_from_guest ga_unit_copy_from_guest
#define arch_copy_to_guest ga_unit_copy_to_guest
#define p2m_lookup ga_unit_p2m_lookup
#include "../../hypervisor/arch/x86/guest_access.c"
#undef p2m_lookup
#undef arch_copy_from_guest
#undef arch_copy_to_guest

UNIT_SUITE(pvh_guest_access);

#define FRAMES 2048

/* The race to play once, right after the next lookup of race_gfn returns. */
static struct {
	bool armed;
	struct domain *in, *owner, *thief;
	uint64_t gfn;
	struct page_info *pg, *stolen;
} race;

mfn_t ga_unit_p2m_lookup(struct domain *d, gfn_t gfn, enum p2m_type *t)
{
	mfn_t mfn = p2m_lookup(d, gfn, t);

	if (race.armed && d == race.in && gfn_x(gfn) == race.gfn) {
		race.armed = false;
		/* Another vCPU: unmap, give the frame back, and the heap reuses it for thief. */
		CU_ASSERT_EQUAL(p2m_remove_entry(race.in, gfn, INVALID_MFN), 0);
		relinquish_page(race.owner, race.pg);
		for (unsigned int i = 0; i < FRAMES && race.stolen != race.pg; i++) {
			race.stolen = alloc_domain_pages(race.thief, 0);
			if (!race.stolen)
				break;
		}
	}
	return mfn;
}

static struct domain *d, *b, *c;

static void setup(void)
{
	fake_abi_setup(FRAMES);
	d = fake_domain_create(1, ROLE_GUEST, 1);
	b = fake_domain_create(2, ROLE_GUEST, 1);
	c = fake_domain_create(3, ROLE_GUEST, 1);
	CU_ASSERT_FATAL(d && b && c && d->p2m);
	c->max_pages = FRAMES;
	ga_cr0 = X86_CR0_PE;			 /* paging off: gva = gpa */
	d->vcpu[0]->arch.hvm.initialised = true; /* as if hvm_vcpu_initialise ran */
	memset(&race, 0, sizeof(race));
}

static void teardown(void)
{
	d->vcpu[0]->arch.hvm.initialised = false;
	CU_ASSERT_EQUAL(fake_abi_teardown(), 0);
}

static unsigned long refs(struct page_info *pg)
{
	return pg->count_info & PGC_count_mask;
}

/* Map a fresh frame of owner's at gfn of d with type t; the frame. */
static struct page_info *map_frame(struct domain *owner, uint64_t gfn, enum p2m_type t)
{
	struct page_info *pg = alloc_domain_pages(owner, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(pg);
	memset(page_to_virt(pg), 0x11, 4096);
	CU_ASSERT_EQUAL_FATAL(p2m_set_entry(d, _gfn(gfn), page_to_mfn(pg), t), 0);
	return pg;
}

/* Copy to gfn while the race moves its frame (d's own, or b's granted) to c: nothing of c's may
 * change. */
static void copy_during_race(bool own, enum p2m_type t)
{
	struct domain *owner;
	uint8_t buf[64];
	struct page_info *pg;
	unsigned long left;

	setup();
	owner = own ? d : b;
	pg = map_frame(owner, 0x20, t);
	race = (typeof(race)){
	    .armed = true, .in = d, .owner = owner, .thief = c, .gfn = 0x20, .pg = pg};
	memset(buf, 0xab, sizeof(buf));
	left = ga_unit_copy_to_guest(d->vcpu[0], 0x20000 + 8, buf, sizeof(buf));
	CU_ASSERT_FALSE(race.armed);
	CU_ASSERT_PTR_EQUAL_FATAL(race.stolen, pg); /* the heap did hand the frame to c */
	CU_ASSERT_EQUAL(left, sizeof(buf));
	CU_ASSERT_EQUAL(((uint8_t *)page_to_virt(pg))[8], 0x11);
	CU_ASSERT_EQUAL(page_get_owner(pg), c);
	CU_ASSERT_EQUAL(refs(pg), 1); /* c's allocation reference only: none leaked */
	teardown();
}

UNIT_TEST(pvh_guest_access, own_ram_given_to_another_domain_mid_copy_is_not_written)
{
	copy_during_race(true, p2m_ram_rw);
}

UNIT_TEST(pvh_guest_access, granted_frame_freed_and_reused_mid_copy_is_not_written)
{
	copy_during_race(false, p2m_grant_map_rw);
}

UNIT_TEST(pvh_guest_access, copies_cross_pages_and_drop_their_references)
{
	struct page_info *p0, *p1, *g;
	uint8_t buf[6000], back[6000];

	setup();
	p0 = map_frame(d, 0x30, p2m_ram_rw);
	p1 = map_frame(d, 0x31, p2m_ram_rw);
	g = map_frame(b, 0x32, p2m_grant_map_ro);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 13 + 1);
	CU_ASSERT_EQUAL(ga_unit_copy_to_guest(d->vcpu[0], 0x30000 + 100, buf, sizeof(buf)), 0);
	CU_ASSERT(memcmp((uint8_t *)page_to_virt(p0) + 100, buf, 3996) == 0);
	CU_ASSERT(memcmp(page_to_virt(p1), buf + 3996, 2004) == 0);
	CU_ASSERT_EQUAL(ga_unit_copy_from_guest(d->vcpu[0], back, 0x30000 + 100, sizeof(back)), 0);
	CU_ASSERT(memcmp(back, buf, sizeof(buf)) == 0);
	/* A read-only grant reads but does not take writes. */
	CU_ASSERT_EQUAL(ga_unit_copy_from_guest(d->vcpu[0], back, 0x32000, 16), 0);
	CU_ASSERT_EQUAL(ga_unit_copy_to_guest(d->vcpu[0], 0x32000, buf, 16), 16);
	/* Paging off: nothing at or above 4 GiB. */
	CU_ASSERT_EQUAL(ga_unit_copy_from_guest(d->vcpu[0], back, 1ULL << 32, 16), 16);
	CU_ASSERT_EQUAL(refs(p0), 1);
	CU_ASSERT_EQUAL(refs(p1), 1);
	CU_ASSERT_EQUAL(refs(g), 2); /* b's allocation and d's grant entry */
	teardown();
}
