/*
 * The guest-physical map of an auto-translated domain (tessera/p2m.h): a
 * radix tree from guest frame number to {machine frame, type}.
 *
 * Blocks: p2m_set_entry_order(order 9) fills one whole leaf node (an
 * aligned 512-gfn block is exactly one node) and tells the arch once with
 * the order, so the NPT can use a 2 MiB leaf; the records stay 4 KiB, and
 * any later 4 KiB change reaches the arch as order 0 (it splits there).
 *
 * Shape: gfns have 36 bits (P2M_MAX_GFN: the NPT's 48-bit reach), so the
 * root inside struct p2m has one slot; below it, four levels of 512-slot nodes of 9 bits
 * each, one xenheap page per node, charged to the domain (p2m_paging_*).
 * Interior slots hold node pointers, leaf slots entries: the mfn in the low 52 bits and the type in
 * bits 56..59, 0 meaning "nothing mapped". A node's frame records how many of its slots are in use
 * (in its page_info type_info, unused for xenheap pages), so a node that empties is freed at once
 * and the tree's size follows what is mapped, not what was once mapped.
 *
 * References: entries of the grant and foreign types hold one reference on
 * their frame, taken here when the entry is set and dropped when it is
 * replaced or removed; own RAM holds none (ownership keeps it).
 *
 * Locking: p2m->lock (irqsave). Order: docs/locking.md (domain locks ->
 * p2m->lock -> page_alloc_lock -> heap_lock); put_page may free under it.
 */
#include <tessera/arch.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/hypercall.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include <tessera/panic.h>
#include <tessera/spinlock.h>

#define P2M_ROOT_BITS 0
#define P2M_LEVEL_BITS 9
#define P2M_LEVELS 4 /* below the root */
#define P2M_SLOTS (1U << P2M_LEVEL_BITS)
#define P2M_ROOT_SLOTS (1U << P2M_ROOT_BITS)

#define P2M_MFN_MASK ((1UL << 52) - 1)
#define P2M_TYPE_SHIFT 56
#define P2M_NR_TYPES (p2m_mmio_direct + 1)

BUILD_BUG_ON(P2M_ROOT_BITS + P2M_LEVELS * P2M_LEVEL_BITS != 36);
BUILD_BUG_ON(P2M_MAX_GFN != (1UL << 36) - 1);

struct p2m {
	spinlock_t lock;
	struct domain *d;		/* whose nodes these are (charged to it) */
	uint64_t *root[P2M_ROOT_SLOTS]; /* level-3 nodes (each 512 slots) */
	uint64_t max_mapped_gfn;
	unsigned long nr_nodes; /* for teardown checks and debugging */
};

static unsigned int slot_of(uint64_t gfn, unsigned int level)
{
	return (unsigned int)(gfn >> (level * P2M_LEVEL_BITS)) & (P2M_SLOTS - 1);
}

static unsigned long *node_count(uint64_t *node)
{
	return &virt_to_page(node)->type_info;
}

unsigned long p2m_paging_limit(const struct domain *d)
{
	return P2M_PAGING_BASE + READ_ONCE(d->max_pages) / P2M_PAGING_FRAMES_PER_PAGE;
}

bool p2m_paging_charge(struct domain *d)
{
	unsigned long n = __atomic_load_n(&d->paging_pages, __ATOMIC_RELAXED);

	do {
		if (n >= p2m_paging_limit(d))
			return false;
	} while (!__atomic_compare_exchange_n(&d->paging_pages, &n, n + 1, false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return true;
}

void p2m_paging_uncharge(struct domain *d)
{
	unsigned long old = __atomic_fetch_sub(&d->paging_pages, 1, __ATOMIC_RELAXED);

	BUG_ON(old == 0);
}

static uint64_t *node_alloc(struct p2m *p)
{
	uint64_t *node;

	if (!p2m_paging_charge(p->d))
		return NULL;
	node = alloc_xenheap_pages(0); /* zeroed: every slot empty */
	if (!node) {
		p2m_paging_uncharge(p->d);
		return NULL;
	}
	*node_count(node) = 0;
	p->nr_nodes++;
	return node;
}

static void node_free(struct p2m *p, uint64_t *node)
{
	*node_count(node) = 0;
	free_xenheap_pages(node, 0);
	p->nr_nodes--;
	p2m_paging_uncharge(p->d);
}

static uint64_t entry_make(mfn_t mfn, enum p2m_type t)
{
	return (mfn_x(mfn) & P2M_MFN_MASK) | ((uint64_t)t << P2M_TYPE_SHIFT);
}

static enum p2m_type entry_type(uint64_t e)
{
	return (enum p2m_type)((e >> P2M_TYPE_SHIFT) & 0xf);
}

static mfn_t entry_mfn(uint64_t e)
{
	return e ? _mfn(e & P2M_MFN_MASK) : INVALID_MFN;
}

static bool type_holds_ref(enum p2m_type t)
{
	return t == p2m_grant_map_rw || t == p2m_grant_map_ro || t == p2m_map_foreign;
}

/*
 * The leaf slot for gfn, or NULL. With alloc, missing nodes are made (NULL
 * only when out of memory); path[] receives the nodes from level 3 down.
 */
static uint64_t *leaf_slot(struct p2m *p, uint64_t gfn, bool alloc, uint64_t *path[P2M_LEVELS])
{
	uint64_t **parent = &p->root[gfn >> (P2M_LEVELS * P2M_LEVEL_BITS)];
	uint64_t *node = *parent;

	for (int level = P2M_LEVELS - 1; level >= 0; level--) {
		if (!node) {
			if (!alloc)
				return NULL;
			node = node_alloc(p);
			if (!node)
				return NULL;
			*parent = node;
			if (level < P2M_LEVELS - 1)
				(*node_count(path[level + 1]))++;
		}
		path[level] = node;
		if (level == 0)
			break;
		parent = (uint64_t **)&node[slot_of(gfn, (unsigned int)level)];
		node = *parent;
	}
	return &path[0][slot_of(gfn, 0)];
}

/* Free the nodes on gfn's path that are now empty, bottom up (the leaf slot was just cleared). */
static void prune(struct p2m *p, uint64_t gfn, uint64_t *path[P2M_LEVELS])
{
	for (unsigned int level = 0; level < P2M_LEVELS; level++) {
		if (*node_count(path[level]))
			return;
		node_free(p, path[level]);
		if (level + 1 < P2M_LEVELS) {
			path[level + 1][slot_of(gfn, level + 1)] = 0;
			(*node_count(path[level + 1]))--;
		} else {
			p->root[gfn >> (P2M_LEVELS * P2M_LEVEL_BITS)] = NULL;
		}
	}
}

/* Any empty nodes left on gfn's path (an allocation that failed midway, or a failed set). */
static void prune_path(struct p2m *p, uint64_t gfn)
{
	uint64_t **parent = &p->root[gfn >> (P2M_LEVELS * P2M_LEVEL_BITS)];
	uint64_t *path[P2M_LEVELS];
	int level;

	for (level = P2M_LEVELS - 1; level >= 0 && *parent; level--) {
		path[level] = *parent;
		if (level)
			parent = (uint64_t **)&path[level][slot_of(gfn, (unsigned int)level)];
	}
	/* Prune from the deepest node reached (level + 1) upwards. */
	for (unsigned int l = (unsigned int)(level + 1); l < P2M_LEVELS; l++) {
		if (*node_count(path[l]))
			return;
		node_free(p, path[l]);
		if (l + 1 < P2M_LEVELS) {
			path[l + 1][slot_of(gfn, l + 1)] = 0;
			(*node_count(path[l + 1]))--;
		} else {
			p->root[gfn >> (P2M_LEVELS * P2M_LEVEL_BITS)] = NULL;
		}
	}
}

int p2m_init(struct domain *d)
{
	struct p2m *p;

	if (d->p2m)
		return -EEXIST;
	p = xzalloc(struct p2m);
	if (!p)
		return -ENOMEM;
	spin_lock_init(&p->lock, LOCK_LEVEL_P2M);
	p->d = d;
	d->p2m = p;
	return 0;
}

/* Take the reference a new entry of type t on mfn holds, after checking mfn fits t. */
static int entry_get_ref(struct domain *d, mfn_t mfn, enum p2m_type t)
{
	struct page_info *pg;

	switch (t) {
	case p2m_ram_rw:
	case p2m_ram_ro:
		/* Own RAM: the domain must own the frame (no reference: ownership keeps it). */
		if (!mfn_valid(mfn) || page_get_owner(mfn_to_page(mfn)) != d)
			return -EINVAL;
		return 0;
	case p2m_grant_map_rw:
	case p2m_grant_map_ro:
	case p2m_map_foreign:
		if (!mfn_valid(mfn))
			return -EINVAL;
		pg = mfn_to_page(mfn);
		return get_page(pg, page_get_owner(pg)) ? 0 : -EINVAL;
	case p2m_special:
		if (!mfn_valid(mfn))
			return -EINVAL;
		return 0;
	case p2m_mmio_direct:
		return mfn_x(mfn) <= P2M_MFN_MASK ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

static void entry_put_ref(uint64_t e)
{
	if (e && type_holds_ref(entry_type(e)))
		put_page(mfn_to_page(entry_mfn(e)));
}

int p2m_set_entry(struct domain *d, gfn_t gfn, mfn_t mfn, enum p2m_type t)
{
	struct p2m *p = d->p2m;
	uint64_t *path[P2M_LEVELS], *slot, old = 0, g = gfn_x(gfn);
	unsigned long flags;
	int ret;

	if (!p || g > P2M_MAX_GFN || t <= p2m_invalid || t >= P2M_NR_TYPES)
		return -EINVAL;
	ret = entry_get_ref(d, mfn, t);
	if (ret)
		return ret;

	flags = spin_lock_irqsave(&p->lock);
	slot = leaf_slot(p, g, true, path);
	if (!slot) {
		prune_path(p, g);
		ret = -ENOMEM;
		goto out;
	}
	old = *slot;
	*slot = entry_make(mfn, t);
	ret = arch_p2m_update(d, gfn, mfn, 0, t);
	if (ret) {
		/* The hardware table refused: keep the software one as it was. */
		*slot = old;
		if (!old)
			prune_path(p, g);
		old = 0;
		goto out;
	}
	if (!old)
		(*node_count(path[0]))++;
	if (g > p->max_mapped_gfn)
		p->max_mapped_gfn = g;
out:
	spin_unlock_irqrestore(&p->lock, flags);
	if (ret) {
		if (type_holds_ref(t))
			put_page(mfn_to_page(mfn));
		return ret;
	}
	entry_put_ref(old);
	return 0;
}

int p2m_set_entry_order(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned int order, enum p2m_type t)
{
	struct p2m *p = d->p2m;
	uint64_t *path[P2M_LEVELS], *slot, g = gfn_x(gfn), m = mfn_x(mfn);
	unsigned long flags;
	int ret;

	if (order == 0)
		return p2m_set_entry(d, gfn, mfn, t);
	/* One block is one whole leaf node: gfn and mfn aligned, no per-frame references. */
	if (!p || order != P2M_ORDER_2M || t <= p2m_invalid || t >= P2M_NR_TYPES ||
	    type_holds_ref(t) || g > P2M_MAX_GFN || (g & (P2M_SLOTS - 1)) ||
	    (m & (P2M_SLOTS - 1)) || m > P2M_MFN_MASK - (P2M_SLOTS - 1))
		return -EINVAL;
	for (unsigned int i = 0; i < P2M_SLOTS; i++) {
		ret = entry_get_ref(d, _mfn(m + i), t); /* a check only: t holds no reference */
		if (ret)
			return ret;
	}

	flags = spin_lock_irqsave(&p->lock);
	slot = leaf_slot(p, g, true, path);
	if (!slot) {
		prune_path(p, g);
		ret = -ENOMEM;
		goto out;
	}
	/* The hardware table first: if it refuses, the software one is untouched. */
	ret = arch_p2m_update(d, gfn, mfn, order, t);
	if (ret) {
		prune_path(p, g); /* a leaf node made just now, still empty */
		goto out;
	}
	for (unsigned int i = 0; i < P2M_SLOTS; i++) {
		uint64_t old = slot[i];

		slot[i] = entry_make(_mfn(m + i), t);
		entry_put_ref(old); /* heap_lock nests inside p2m->lock */
	}
	*node_count(path[0]) = P2M_SLOTS;
	if (g + P2M_SLOTS - 1 > p->max_mapped_gfn)
		p->max_mapped_gfn = g + P2M_SLOTS - 1;
out:
	spin_unlock_irqrestore(&p->lock, flags);
	return ret;
}

int p2m_remove_entry(struct domain *d, gfn_t gfn, mfn_t mfn)
{
	struct p2m *p = d->p2m;
	uint64_t *path[P2M_LEVELS], *slot, old = 0, g = gfn_x(gfn);
	unsigned long flags;
	int ret = 0;

	if (!p || g > P2M_MAX_GFN)
		return -EINVAL;
	flags = spin_lock_irqsave(&p->lock);
	slot = leaf_slot(p, g, false, path);
	if (!slot || !*slot || (!mfn_eq(mfn, INVALID_MFN) && !mfn_eq(entry_mfn(*slot), mfn))) {
		ret = -ENOENT;
		goto out;
	}
	ret = arch_p2m_update(d, gfn, INVALID_MFN, 0, p2m_invalid);
	if (ret)
		goto out;
	old = *slot;
	*slot = 0;
	(*node_count(path[0]))--;
	prune(p, g, path);
out:
	spin_unlock_irqrestore(&p->lock, flags);
	entry_put_ref(old);
	return ret;
}

mfn_t p2m_lookup(struct domain *d, gfn_t gfn, enum p2m_type *t)
{
	struct p2m *p = d->p2m;
	uint64_t *path[P2M_LEVELS], *slot, e = 0, g = gfn_x(gfn);
	unsigned long flags;

	if (p && g <= P2M_MAX_GFN) {
		flags = spin_lock_irqsave(&p->lock);
		slot = leaf_slot(p, g, false, path);
		if (slot)
			e = *slot;
		spin_unlock_irqrestore(&p->lock, flags);
	}
	if (t)
		*t = e ? entry_type(e) : p2m_invalid;
	return entry_mfn(e);
}

gfn_t p2m_max_mapped_gfn(struct domain *d)
{
	return _gfn(d->p2m ? READ_ONCE(d->p2m->max_mapped_gfn) : 0);
}

/*
 * Empty one leaf node (dropping its entries' references) and free it with
 * the interior nodes it empties; false if no leaf is left. The hardware
 * table drops the same 2 MiB block.
 */
static bool teardown_one_leaf(struct p2m *p)
{
	uint64_t *path[P2M_LEVELS];
	unsigned long flags;
	uint64_t gfn = 0;
	bool found = false;

	flags = spin_lock_irqsave(&p->lock);
	/* The first leaf in gfn order: descend through the first used slot of each level. */
	for (unsigned int r = 0; r < P2M_ROOT_SLOTS && !found; r++) {
		uint64_t *node = p->root[r];

		if (!node)
			continue;
		gfn = (uint64_t)r;
		for (int level = P2M_LEVELS - 1; level >= 0; level--) {
			unsigned int s;

			path[level] = node;
			if (level == 0)
				break;
			for (s = 0; s < P2M_SLOTS && !node[s]; s++)
				;
			BUG_ON(s == P2M_SLOTS); /* empty interior nodes are always pruned */
			gfn = (gfn << P2M_LEVEL_BITS) | s;
			node = (uint64_t *)(uintptr_t)node[s];
		}
		gfn <<= P2M_LEVEL_BITS;
		found = true;
	}
	if (found) {
		/*
		 * The arch drops its mirror of the whole block in one step (its
		 * table pages go with it), so a large NPT is freed as
		 * preemptibly as the p2m. Removal never fails.
		 */
		arch_p2m_update(p->d, _gfn(gfn), INVALID_MFN, P2M_ORDER_2M, p2m_invalid);
		for (unsigned int s = 0; s < P2M_SLOTS; s++) {
			entry_put_ref(path[0][s]); /* heap_lock nests inside p2m->lock */
			path[0][s] = 0;
		}
		*node_count(path[0]) = 0;
		prune(p, gfn, path);
	}
	spin_unlock_irqrestore(&p->lock, flags);
	return found;
}

int p2m_teardown(struct domain *d)
{
	struct p2m *p = d->p2m;

	if (!p)
		return 0;
	while (teardown_one_leaf(p))
		if (hypercall_preempt_check())
			return -ERESTART;
	BUG_ON(p->nr_nodes);
	d->p2m = NULL;
	xfree(p);
	return 0;
}
