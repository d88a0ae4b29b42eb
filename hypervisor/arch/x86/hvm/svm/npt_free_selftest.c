/*
 * SELFTEST(npt_free): what a domain maps and unmaps costs the hypervisor
 * nothing once unmapped, and what it may map at all is bounded (issue 14
 * item 1). A throwaway PVH domain gets 8 MiB through the builder path; then
 *  - a page mapped in 300 fresh 2 MiB regions one after the other (a page
 *    moved around, shared_info mapped at ever new gfns, populate/decrease
 *    over fresh regions) leaves the NPT's table count and the domain's
 *    paging charge where they started: emptied tables are freed (npt.c);
 *  - pages mapped in ever new 1 GiB regions (each needing new NPT and p2m
 *    tables) fail with -ENOMEM at the domain's paging limit
 *    (p2m_paging_limit), the heap losing no more than that;
 *  - domain_kill gives every page back (the p2m teardown drops the NPT's
 *    blocks one by one, preemptibly).
 * No vCPU runs.
 *
 * Locking: none of its own; the domain is private to the test.
 */
#include <asm/hvm.h>
#include <asm/pvh_layout.h>
#include <asm/hvm/svm/svm.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/hypercall.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include <tessera/selftest.h>

#define NFT_DOMID 0x7f02
#define NFT_RAM (8UL << 20)

static int nft_check(struct domain *d)
{
	struct svm_domain *sd = svm_d(d);
	unsigned long tables0 = sd->npt_pages, charged0 = d->paging_pages, free0, limit, n;
	mfn_t m = p2m_lookup(d, _gfn(0x300), NULL); /* a RAM frame of d */
	int rc = 0;

	if (mfn_eq(m, INVALID_MFN))
		return -EIO;
	/* One page, 300 fresh 2 MiB regions above the RAM (16 GiB up), one at a time. */
	for (uint64_t i = 0; i < 300; i++) {
		gfn_t g = _gfn((1UL << 22) + (i << 9) + 7);

		if (p2m_set_entry(d, g, m, p2m_ram_rw) || p2m_remove_entry(d, g, m)) {
			pr_info("npt_free: map/unmap %lu failed", (unsigned long)i);
			return -EIO;
		}
	}
	pr_info("npt_free: NPT tables %lu -> %lu, paging pages %lu -> %lu after 300 fresh "
		"regions",
		tables0, sd->npt_pages, charged0, d->paging_pages);
	if (sd->npt_pages != tables0 || d->paging_pages != charged0)
		return -EIO;

	/* Ever new 1 GiB regions, kept: refused at the domain's limit. */
	free0 = total_free_pages();
	limit = p2m_paging_limit(d);
	for (n = 0; n < 4096 && !rc; n++)
		rc = p2m_set_entry(d, _gfn((1UL << 24) + (n << 18)), m, p2m_ram_rw);
	pr_info("npt_free: %lu sparse maps, then %d; paging pages %lu of limit %lu, heap "
		"lost %lu",
		n - 1, rc, d->paging_pages, limit, free0 - total_free_pages());
	if (rc != -ENOMEM || d->paging_pages > limit || free0 - total_free_pages() > limit)
		return -EIO;
	return 0;
}

SELFTEST(npt_free)
{
	struct domain_create_args args = {
	    .name = "nptfree",
	    .mode = GUEST_MODE_PVH,
	    .max_vcpus = 1,
	    .max_pages = 4096,
	};
	unsigned long free_before;
	struct pvh_layout l;
	struct domain *d;
	char why[96];
	int ret;

	if (!hvm_enabled()) {
		pr_info("selftest npt_free: no SVM/NPT on this CPU");
		return -ENODEV;
	}
	ret = pvh_layout_plan(NFT_RAM, &l, why, sizeof(why));
	if (ret) {
		pr_info("npt_free: layout: %s", why);
		return ret;
	}
	free_before = total_free_pages();
	ret = domain_create(NFT_DOMID, &args, &d);
	if (ret)
		return ret;
	get_domain(d);
	ret = pvh_populate(d, &l);
	if (!ret)
		ret = nft_check(d);
	while (domain_kill(d) == -ERESTART)
		;
	put_domain(d);
	pr_info("npt_free: heap free pages %lu before the domain, %lu after", free_before,
		total_free_pages());
	if (!ret && total_free_pages() != free_before)
		ret = -EIO;
	return ret;
}
