/*
 * SELFTEST(npt_2m): the nested page table uses 2 MiB leaves for guest RAM
 * populated in aligned 2 MiB blocks, and a 4 KiB change inside such a leaf
 * splits it without losing the other 511 translations (npt.c), and that
 * removing a 4 KiB leaf nobody walked (Accessed clear) needs no TLB flush
 * while removing one with Accessed set does (npt_gen counts flushes). A throwaway
 * PVH domain gets 8 MiB of RAM through the real builder path (pvh_layout_plan
 * + pvh_populate); the test counts the NPT's leaves by size, makes one page
 * of a 2 MiB leaf read-only and removes its neighbour, then reads all 512
 * translations of that block back. No vCPU runs.
 *
 * Locking: none of its own; the domain is private to the test.
 */
#include <asm/hvm.h>
#include <asm/page.h>
#include <asm/pvh_layout.h>
#include <asm/hvm/svm/svm.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/hypercall.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include <tessera/selftest.h>

#define NST_DOMID 0x7f01
#define NST_RAM (8UL << 20)
#define NST_P (1UL << 0)
#define NST_RW (1UL << 1)
#define NST_A (1UL << 5)
#define NST_PS (1UL << 7)

struct nst_count {
	unsigned long leaves_4k, leaves_2m;
};

/* Count the present leaves of d's NPT by size (AMD APM vol. 2 15.25.5: long-mode format). */
static void nst_count_leaves(struct domain *d, struct nst_count *c)
{
	uint64_t *l4 = maddr_to_virt(svm_d(d)->npt_root);

	c->leaves_4k = c->leaves_2m = 0;
	for (unsigned int i4 = 0; i4 < PT_ENTRIES; i4++) {
		uint64_t *l3;

		if (!(l4[i4] & NST_P))
			continue;
		l3 = maddr_to_virt(pte_addr(l4[i4]));
		for (unsigned int i3 = 0; i3 < PT_ENTRIES; i3++) {
			uint64_t *l2;

			if (!(l3[i3] & NST_P))
				continue;
			l2 = maddr_to_virt(pte_addr(l3[i3]));
			for (unsigned int i2 = 0; i2 < PT_ENTRIES; i2++) {
				uint64_t *l1;

				if (!(l2[i2] & NST_P))
					continue;
				if (l2[i2] & NST_PS) {
					c->leaves_2m++;
					continue;
				}
				l1 = maddr_to_virt(pte_addr(l2[i2]));
				for (unsigned int i1 = 0; i1 < PT_ENTRIES; i1++)
					if (l1[i1] & NST_P)
						c->leaves_4k++;
			}
		}
	}
}

/* The L1 slot of gfn in d's NPT, or NULL if gfn is not under an L1 table. */
static uint64_t *nst_leaf_slot(struct domain *d, uint64_t gfn)
{
	uint64_t *t = maddr_to_virt(svm_d(d)->npt_root);

	for (int shift = 27; shift > 0; shift -= 9) {
		uint64_t e = t[(gfn >> shift) & (PT_ENTRIES - 1)];

		if (!(e & NST_P) || (e & NST_PS))
			return NULL;
		t = maddr_to_virt(pte_addr(e));
	}
	return &t[gfn & (PT_ENTRIES - 1)];
}

/* Removing an untouched leaf flushes nothing; once the CPU set its Accessed bit, it flushes. */
static int nst_check_unused_unmap(struct domain *d, uint64_t gfn)
{
	struct svm_domain *sd = svm_d(d);
	uint64_t gen = sd->npt_gen, *slot;

	if (p2m_remove_entry(d, _gfn(gfn), INVALID_MFN))
		return -EIO;
	if (sd->npt_gen != gen) {
		pr_info("npt_2m: removing never-used gfn %#lx flushed", (unsigned long)gfn);
		return -EIO;
	}
	slot = nst_leaf_slot(d, gfn + 1);
	if (!slot || !(*slot & NST_P))
		return -EIO;
	*slot |= NST_A; /* what a guest access through it would leave */
	if (p2m_remove_entry(d, _gfn(gfn + 1), INVALID_MFN))
		return -EIO;
	if (sd->npt_gen != gen + 1) {
		pr_info("npt_2m: removing used gfn %#lx did not flush", (unsigned long)(gfn + 1));
		return -EIO;
	}
	pr_info("npt_2m: unused leaf removed without a flush, used leaf with one");
	return 0;
}

/* The checks on a populated d; 0 or -EIO with the reason logged. */
static int nst_check(struct domain *d)
{
	const uint64_t base_gfn = 0x200; /* the second 2 MiB block: RAM in every layout */
	struct nst_count before, after;
	unsigned long splits = svm_d(d)->npt_splits;
	uint64_t leaf, base;
	mfn_t m;

	nst_count_leaves(d, &before);
	pr_info("npt_2m: %lu 2 MiB leaves, %lu 4 KiB leaves for 8 MiB", before.leaves_2m,
		before.leaves_4k);
	if (before.leaves_2m < 2)
		return -EIO;
	leaf = svm_npt_lookup(d, _gfn(base_gfn));
	if (!(leaf & NST_PS) || !(leaf & NST_RW)) {
		pr_info("npt_2m: gfn %#lx is not in a writable 2 MiB leaf (%#lx)",
			(unsigned long)base_gfn, (unsigned long)leaf);
		return -EIO;
	}
	base = leaf & PTE_ADDR_MASK;
	if (!mfn_eq(p2m_lookup(d, _gfn(base_gfn), NULL), _mfn(base >> PAGE_SHIFT)))
		return -EIO;

	/* One page read-only (a split), its neighbour removed (inside the split table). */
	m = p2m_lookup(d, _gfn(base_gfn + 5), NULL);
	if (p2m_set_entry(d, _gfn(base_gfn + 5), m, p2m_ram_ro) ||
	    p2m_remove_entry(d, _gfn(base_gfn + 6), INVALID_MFN))
		return -EIO;
	if (svm_d(d)->npt_splits != splits + 1 || (svm_npt_lookup(d, _gfn(base_gfn)) & NST_PS))
		return -EIO;
	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = svm_npt_lookup(d, _gfn(base_gfn + i));
		uint64_t want = base + ((uint64_t)i << PAGE_SHIFT);
		bool ok;

		if (i == 6)
			ok = !(e & NST_P);
		else if (i == 5)
			ok = (e & NST_P) && !(e & NST_RW) && (e & PTE_ADDR_MASK) == want;
		else
			ok = (e & NST_P) && (e & NST_RW) && (e & PTE_ADDR_MASK) == want &&
			     !(e & NST_PS);
		if (!ok) {
			pr_info("npt_2m: after the split gfn %#lx has %#lx (frame %#lx expected)",
				(unsigned long)(base_gfn + i), (unsigned long)e,
				(unsigned long)want);
			return -EIO;
		}
	}
	nst_count_leaves(d, &after);
	pr_info("npt_2m: after the split %lu 2 MiB leaves, %lu 4 KiB leaves", after.leaves_2m,
		after.leaves_4k);
	if (after.leaves_2m != before.leaves_2m - 1 || after.leaves_4k != before.leaves_4k + 511)
		return -EIO;
	return nst_check_unused_unmap(d, base_gfn + 8);
}

SELFTEST(npt_2m)
{
	struct domain_create_args args = {
	    .name = "npttest",
	    .mode = GUEST_MODE_PVH,
	    .max_vcpus = 1,
	    .max_pages = 4096,
	};
	struct pvh_layout l;
	struct domain *d;
	char why[96];
	int ret;

	if (!hvm_enabled()) {
		pr_info("selftest npt_2m: no SVM/NPT on this CPU");
		return -ENODEV;
	}
	ret = pvh_layout_plan(NST_RAM, &l, why, sizeof(why));
	if (ret) {
		pr_info("npt_2m: layout: %s", why);
		return ret;
	}
	ret = domain_create(NST_DOMID, &args, &d);
	if (ret)
		return ret;
	get_domain(d);
	ret = pvh_populate(d, &l);
	if (!ret)
		ret = nst_check(d);
	while (domain_kill(d) == -ERESTART)
		;
	put_domain(d);
	return ret;
}
