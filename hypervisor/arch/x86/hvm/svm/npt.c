/*
 * The nested page table (NPT) of a PVH/HVM domain: the hardware copy of
 * its p2m (common/p2m.c is the authority; every change reaches here through
 * arch_p2m_update). The format is the long-mode 4-level page table; NPT
 * walks count as user accesses, so every entry carries U (AMD APM vol. 2
 * 15.25.5). Leaves are 4 KiB, or 2 MiB (PS in the L2 entry, AMD APM vol. 2
 * 5.3.4) when the p2m sets a whole aligned block at once (order 9: the PVH
 * builder, populate_physmap). A later 4 KiB change inside a 2 MiB leaf
 * first splits it into an L1 table of 512 leaves with the same frames and
 * permissions, then changes the one entry; a 2 MiB set over an L1 table
 * replaces it and frees the table after the flush.
 *
 * TLB: guest translations are tagged by ASID and cache NPT permissions.
 * Adding a mapping needs no flush (not-present entries are never cached),
 * and neither does changing or removing a leaf whose Accessed bit is still
 * clear: the CPU sets A in every entry of a walk before it caches the
 * translation (AMD APM vol. 2 5.4.2, 15.25.5), so a mapping nobody used
 * (a grant mapped and unmapped untouched) is in no TLB. The exchange below
 * reads A atomically with the replacement: a walker that sets A afterwards
 * finds the new entry (QEMU's walker retries its compare-and-swap; hardware
 * sets A with a locked update of the entry it read). Any other change bumps
 * the domain's npt_gen, which makes each vCPU take a
 * fresh ASID on its next VMRUN (svm.c), and pulls any vCPU now in guest
 * mode out with an IPI, waiting until it has left, so that no CPU can use
 * the old translation once this returns (the frame may be freed next).
 * A split or a replaced L1 table also flushes, so no 2 MiB TLB entry and
 * no cached walk through a freed table page outlives the change.
 *
 * Tables that empty are freed (npt_prune), after a flush; each table page
 * counts its present entries in its page_info and is charged to the domain
 * (p2m_paging_charge, tessera/p2m.h), so a guest that maps at ever new
 * places gets -ENOMEM at its limit and the host loses nothing.
 *
 * Locking: updates are serialised by the caller's p2m lock (irqsave);
 * table pages are xenheap pages owned by the domain's svm_domain.
 */
#include <asm/apic.h>
#include <asm/irq_vectors.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/hvm/svm/svm.h>
#include <asm/system.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include <tessera/page_info.h>
#include <tessera/string.h>

#define NPT_P (1UL << 0)
#define NPT_RW (1UL << 1)
#define NPT_US (1UL << 2)
#define NPT_PWT (1UL << 3)
#define NPT_PCD (1UL << 4)
#define NPT_A (1UL << 5)  /* set by the CPU's walk: a leaf without it was never cached */
#define NPT_PS (1UL << 7) /* in an L2 entry: a 2 MiB leaf (bit 12 would be its PAT: never set) */
#define NPT_TABLE (NPT_P | NPT_RW | NPT_US)

/* Four levels map 48 bits of guest-physical address: every gfn the p2m may hold. */
BUILD_BUG_ON(P2M_MAX_GFN != (1UL << (48 - L1_SHIFT)) - 1);
#define NPT_LEAF_FLAGS (NPT_P | NPT_RW | NPT_US | NPT_PWT | NPT_PCD)

static uint64_t *npt_table(paddr_t pa)
{
	return maddr_to_virt(pa);
}

/* Make sure no CPU holds a translation from before the caller's NPT change. */
static void npt_flush(struct domain *d)
{
	struct svm_domain *sd = svm_d(d);
	unsigned int self = smp_processor_id();

	__atomic_add_fetch(&sd->npt_gen, 1, __ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = READ_ONCE(d->vcpu[i]);
		struct hvm_vcpu *hv = v ? &v->arch.hvm : NULL;
		unsigned long n;
		unsigned int cpu;

		if (!hv || !hv->in_guest)
			continue;
		n = hv->nr_exits;
		cpu = READ_ONCE(v->processor);
		if (cpu != self)
			send_IPI(cpu, EVENT_CHECK_VECTOR);
		/* It checked npt_gen before VMRUN with GIF clear: the IPI forces it out. */
		while (hv->in_guest && hv->nr_exits == n)
			cpu_relax();
	}
}

/* Present entries of a table page (its page_info type_info, unused for xenheap pages). */
static unsigned long *npt_count(paddr_t table)
{
	return &virt_to_page(npt_table(table))->type_info;
}

/* The slot of guest-physical address gpa in a table of level (1..4). */
static unsigned int npt_index(uint64_t gpa, unsigned int level)
{
	return (unsigned int)(gpa >> (L1_SHIFT + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

/* A zeroed table page charged to d (tessera/p2m.h: p2m_paging_*), or 0. */
static paddr_t npt_alloc_table(struct domain *d)
{
	struct svm_domain *sd = svm_d(d);
	void *p;

	if (!p2m_paging_charge(d))
		return _paddr(0);
	p = alloc_xenheap_pages(0);
	if (!p) {
		p2m_paging_uncharge(d);
		return _paddr(0);
	}
	memset(p, 0, PAGE_SIZE);
	sd->npt_pages++;
	*npt_count(virt_to_maddr(p)) = 0;
	return virt_to_maddr(p);
}

static void npt_free_table(struct domain *d, paddr_t table)
{
	*npt_count(table) = 0;
	free_xenheap_pages(npt_table(table), 0);
	svm_d(d)->npt_pages--;
	p2m_paging_uncharge(d);
}

int svm_npt_init(struct domain *d)
{
	struct svm_domain *sd = svm_d(d);

	sd->npt_root = npt_alloc_table(d);
	return paddr_x(sd->npt_root) ? 0 : -ENOMEM;
}

/*
 * What the p2m teardown left (nothing but the root: it drops every block it
 * held, arch_p2m_update order 9, preemptibly); a table still below is freed
 * with its subtree, at most a few pages.
 */
static void npt_free_level(struct domain *d, paddr_t table, unsigned int level)
{
	uint64_t *t = npt_table(table);

	if (level > 1)
		for (unsigned int i = 0; i < PT_ENTRIES; i++)
			if ((t[i] & NPT_P) && !(level == 2 && (t[i] & NPT_PS)))
				npt_free_level(d, _paddr(t[i] & PTE_ADDR_MASK), level - 1);
	npt_free_table(d, table);
}

void svm_npt_destroy(struct domain *d)
{
	struct svm_domain *sd = svm_d(d);

	if (paddr_x(sd->npt_root))
		npt_free_level(d, sd->npt_root, 4);
	sd->npt_root = _paddr(0);
}

/*
 * gfn's L2 slot, allocating the L3/L2 tables on the way if alloc; NULL if
 * absent / no memory (the empty tables made on the way are then freed by the
 * caller's npt_prune). path[4..2] receives the tables walked (0: not reached).
 */
static uint64_t *npt_walk_l2(struct domain *d, uint64_t gfn, bool alloc, paddr_t path[5])
{
	struct svm_domain *sd = svm_d(d);
	paddr_t table = sd->npt_root;
	uint64_t gpa = gfn << PAGE_SHIFT;

	path[4] = table;
	path[3] = path[2] = path[1] = _paddr(0);
	for (unsigned int level = 4; level > 2; level--) {
		uint64_t *e = &npt_table(table)[npt_index(gpa, level)];

		if (!(*e & NPT_P)) {
			paddr_t n;

			if (!alloc)
				return NULL;
			n = npt_alloc_table(d);
			if (!paddr_x(n))
				return NULL;
			WRITE_ONCE(*e, paddr_x(n) | NPT_TABLE);
			(*npt_count(table))++;
		}
		table = _paddr(*e & PTE_ADDR_MASK);
		path[level - 1] = table;
	}
	return &npt_table(table)[npt_index(gpa, 2)];
}

/*
 * Free the tables on gpa's path that hold nothing, from level up (never the
 * root), after a flush: a CPU may have cached a walk through them. As the p2m
 * frees its empty nodes, so what a domain once mapped costs nothing once
 * unmapped (issue 14: tables emptied by a removal were kept for good).
 */
static void npt_prune(struct domain *d, uint64_t gpa, paddr_t path[5], unsigned int level)
{
	paddr_t dead[3];
	unsigned int n = 0;

	for (; level < 4 && paddr_x(path[level]) && !*npt_count(path[level]); level++) {
		uint64_t *e = &npt_table(path[level + 1])[npt_index(gpa, level + 1)];

		WRITE_ONCE(*e, 0);
		(*npt_count(path[level + 1]))--;
		dead[n++] = path[level];
	}
	if (!n)
		return;
	npt_flush(d);
	while (n--)
		npt_free_table(d, dead[n]);
}

/*
 * Replace the 2 MiB leaf in *l2 by an L1 table of 512 4 KiB leaves mapping
 * the same frames with the same permissions, so that one of them can then
 * change alone. 0 or -ENOMEM (the leaf is then left as it was).
 */
static int npt_split(struct domain *d, uint64_t *l2)
{
	uint64_t e = READ_ONCE(*l2), base = e & PTE_ADDR_MASK, flags = e & NPT_LEAF_FLAGS;
	paddr_t n = npt_alloc_table(d);
	uint64_t *t;

	if (!paddr_x(n))
		return -ENOMEM;
	t = npt_table(n);
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		t[i] = (base + ((uint64_t)i << PAGE_SHIFT)) | flags;
	*npt_count(n) = PT_ENTRIES;
	WRITE_ONCE(*l2, paddr_x(n) | NPT_TABLE);
	svm_d(d)->npt_splits++;
	return 0;
}

/* The NPT leaf for a p2m type: which accesses the guest may make (0 = none). */
static uint64_t npt_flags(int t)
{
	switch (t) {
	case p2m_ram_rw:
	case p2m_grant_map_rw:
	case p2m_map_foreign:
	case p2m_special:
		return NPT_P | NPT_US | NPT_RW;
	case p2m_ram_ro:
	case p2m_grant_map_ro:
		return NPT_P | NPT_US;
	case p2m_mmio_direct:
		return NPT_P | NPT_US | NPT_RW | NPT_PCD | NPT_PWT;
	default:
		return 0;
	}
}

/* A whole aligned 2 MiB block: one leaf in the L2 entry (or none, when removing). */
static int npt_update_2m(struct domain *d, uint64_t gpa, paddr_t path[5], uint64_t *l2, mfn_t mfn,
			 uint64_t flags)
{
	uint64_t old, new = flags ? ((mfn_x(mfn) << PAGE_SHIFT) | flags | NPT_PS) : 0;

	old = __atomic_exchange_n(l2, new, __ATOMIC_SEQ_CST);
	if ((old & NPT_P) && !(old & NPT_PS)) {
		/* An L1 table was there: no CPU may walk through it once it is freed. */
		npt_flush(d);
		npt_free_table(d, _paddr(old & PTE_ADDR_MASK));
	} else if ((old & NPT_P) && old != new && (old & NPT_A)) {
		npt_flush(d);
	}
	if (!(old & NPT_P) && new)
		(*npt_count(path[2]))++;
	else if ((old & NPT_P) && !new)
		(*npt_count(path[2]))--;
	npt_prune(d, gpa, path, 2);
	return 0;
}

int svm_npt_update(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned int order, int p2m_type)
{
	struct svm_domain *sd = svm_d(d);
	uint64_t flags = mfn_x(mfn) == INVALID_MFN_RAW ? 0 : npt_flags(p2m_type);
	uint64_t g = gfn_x(gfn), gpa = g << PAGE_SHIFT, *l2, *slot, old, new;
	paddr_t path[5];
	bool flush = false;

	if (!sd || !paddr_x(sd->npt_root))
		return 0;
	if (g > P2M_MAX_GFN || (order != 0 && order != P2M_ORDER_2M))
		return -EINVAL;
	if (order && ((g & (PT_ENTRIES - 1)) || (flags && (mfn_x(mfn) & (PT_ENTRIES - 1)))))
		return -EINVAL;
	l2 = npt_walk_l2(d, g, flags != 0, path);
	if (!l2) {
		if (!flags)
			return 0;	    /* removing what never reached the NPT */
		npt_prune(d, gpa, path, 3); /* tables made on the way before memory ran out */
		return -ENOMEM;
	}
	if (order)
		return npt_update_2m(d, gpa, path, l2, mfn, flags);

	if ((*l2 & NPT_P) && (*l2 & NPT_PS)) {
		int ret = npt_split(d, l2);

		if (ret)
			return ret;
		/* Same translations, other page size: flush anyway so no 2 MiB entry stays cached.
		 */
		flush = true;
	} else if (!(*l2 & NPT_P)) {
		paddr_t n;

		if (!flags) {
			npt_prune(d, gpa, path, 2);
			return 0;
		}
		n = npt_alloc_table(d);
		if (!paddr_x(n)) {
			npt_prune(d, gpa, path, 2);
			return -ENOMEM;
		}
		WRITE_ONCE(*l2, paddr_x(n) | NPT_TABLE);
		(*npt_count(path[2]))++;
	}
	path[1] = _paddr(*l2 & PTE_ADDR_MASK);
	slot = &npt_table(path[1])[npt_index(gpa, 1)];
	new = flags ? ((mfn_x(mfn) << PAGE_SHIFT) | flags) : 0;
	old = __atomic_exchange_n(slot, new, __ATOMIC_SEQ_CST);
	if ((old & NPT_P) && old != new && (old & NPT_A))
		flush = true;
	if (!(old & NPT_P) && new)
		(*npt_count(path[1]))++;
	else if ((old & NPT_P) && !new)
		(*npt_count(path[1]))--;
	if (flush)
		npt_flush(d);
	npt_prune(d, gpa, path, 1);
	return 0;
}

uint64_t svm_npt_lookup(struct domain *d, gfn_t gfn)
{
	struct svm_domain *sd = svm_d(d);
	paddr_t path[5];
	uint64_t *slot;

	if (!sd || !paddr_x(sd->npt_root) || gfn_x(gfn) > P2M_MAX_GFN)
		return 0;
	slot = npt_walk_l2(d, gfn_x(gfn), false, path);
	if (!slot || !(READ_ONCE(*slot) & NPT_P) || (READ_ONCE(*slot) & NPT_PS))
		return slot ? READ_ONCE(*slot) : 0;
	return READ_ONCE(
	    npt_table(_paddr(*slot & PTE_ADDR_MASK))[npt_index(gfn_x(gfn) << PAGE_SHIFT, 1)]);
}
