/*
 * HYPERVISOR_memory_op (XENMEM_*): a domain's reservation (populate,
 * increase, decrease), its physmap (add_to_physmap for shared_info, grant
 * frames, moved frames and foreign frames; remove_from_physmap), and the
 * memory map the builder gave it. Semantics and error codes follow Xen
 * 4.17's common/memory.c and x86 arch_memory_op; where Tessera differs it
 * says so here and in docs/abi.md.
 *
 * Frame numbers in extent lists are GFNs for auto-translated (PVH/HVM)
 * domains and MFNs for PV ones, as in Xen. The reservation ops return the
 * number of extents done (never an error code, as Xen's) and continue
 * themselves with the start extent in cmd's bits MEMOP_EXTENT_SHIFT and up.
 *
 * Locking: d->physmap_lock serialises the physmap changes made here (a
 * lookup and the update that depends on it), so two vCPUs cannot both free
 * the frame behind one gfn. Lock order: docs/locking.md (here:
 * physmap_lock -> d's grant table lock (gnttab_own_lock) -> p2m lock ->
 * page_alloc_lock -> heap_lock). Guest memory is copied with no lock
 * held, except the single-entry copies of XENMEM_memory_map (none taken
 * there).
 */
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/grant_table.h>
#include <tessera/guest_access.h>
#include <tessera/hypercall.h>
#include <tessera/memory.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include <tessera/panic.h>
#include <tessera/privilege.h>
#include <tessera/string.h>
#include <public/memory.h>
#include <public/xen.h>

/* cmd = op | (start extent << MEMOP_EXTENT_SHIFT), as Xen encodes continuations. */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK ((1UL << MEMOP_EXTENT_SHIFT) - 1)

/* Largest extent order per caller, Xen's x86 defaults (memop-max-order). */
#define MEMOP_DOMU_MAX_ORDER 9 /* PAGETABLE_ORDER */
#define MEMOP_HWDOM_MAX_ORDER 12
#define MEMOP_CTLDOM_MAX_ORDER 18 /* 2 * PAGETABLE_ORDER */

/* We have one NUMA node; XENMEMF_get_node() of this means "none asked". */
#define MEMOP_NUMA_NO_NODE 0xffu
#define MEMOP_NR_NODES 1u

#define MEMOP_INVALID_GFN (~(xen_pfn_t)0)

/* One reservation op in progress (Xen's struct memop_args). */
struct memop_args {
	struct domain *d;			 /* the target (referenced) */
	XEN_GUEST_HANDLE(xen_pfn_t) extent_list; /* xen_pfn_t[nr_extents] */
	unsigned int nr_extents;
	unsigned int extent_order;
	bool populate_on_demand;
	unsigned int nr_done; /* extents done so far (in: the start extent) */
	bool preempted;
};

static unsigned int memop_max_order(const struct domain *caller)
{
	unsigned int order = MEMOP_DOMU_MAX_ORDER;

	if (has_role(caller, ROLE_CONTROL) && order < MEMOP_CTLDOM_MAX_ORDER)
		order = MEMOP_CTLDOM_MAX_ORDER;
	if (has_role(caller, ROLE_HARDWARE) && order < MEMOP_HWDOM_MAX_ORDER)
		order = MEMOP_HWDOM_MAX_ORDER;
	return MIN(order, (unsigned int)MAX_ORDER);
}

/* Argument structures the ABI gives no handle type. */
typedef struct xen_memory_domain xen_memory_domain_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_domain_t);
typedef struct e820entry e820entry_t;
DEFINE_XEN_GUEST_HANDLE(e820entry_t);

static bool memop_get_pfn(XEN_GUEST_HANDLE(xen_pfn_t) list, unsigned long i, xen_pfn_t *pfn)
{
	return copy_from_guest_offset(pfn, list, i, 1) == 0;
}

static bool memop_put_pfn(XEN_GUEST_HANDLE(xen_pfn_t) list, unsigned long i, xen_pfn_t pfn)
{
	return copy_to_guest_offset(list, i, &pfn, 1) == 0;
}

static bool gfn_range_ok(xen_pfn_t gfn, unsigned long nr)
{
	return gfn <= P2M_MAX_GFN && nr - 1 <= P2M_MAX_GFN - gfn;
}

/*
 * Give up the frame behind d's gfn (Xen's guest_remove_page): its own RAM is
 * unmapped and relinquished; a hypervisor page (shared_info, grant frame) is
 * only unhooked. d->physmap_lock held. 0, -ENOENT (nothing there), -EPERM
 * (device memory), -EINVAL (no frame), -ENXIO (not d's to give up, or a
 * grant mapping), -EBUSY (d maps the frame through a grant of its own).
 *
 * A grant mapping is never removed here, even of d's own frame (a grant d
 * gave itself): only GNTTABOP_unmap_grant_ref removes it, with its handle.
 * Otherwise the frame would leave d's tot_pages while still mapped at its
 * first gfn, and the handle could never be unmapped. -ENXIO is what Xen's
 * guest_remove_page gives for another domain's grant; Xen 4.17 removes a
 * grant of the domain's own frame (docs/abi.md).
 */
static int memop_remove_page_locked(struct domain *d, gfn_t gfn)
{
	enum p2m_type t = p2m_invalid;
	struct grant_table *gt;
	struct page_info *pg;
	mfn_t mfn;
	int rc = 0;

	ASSERT(spin_is_held_by_me(&d->physmap_lock));
	if (d->auto_translated) {
		if (!p2m_gfn_ok(gfn))
			return -ENOENT;
		mfn = p2m_lookup(d, gfn, &t);
		if (t == p2m_invalid)
			return -ENOENT;
		if (t == p2m_mmio_direct)
			return -EPERM;
		if (t == p2m_grant_map_rw || t == p2m_grant_map_ro)
			return -ENXIO;
		if (t == p2m_special)
			return p2m_remove_entry(d, gfn, mfn);
	} else {
		mfn = _mfn(gfn_x(gfn)); /* PV: the list holds machine frames (its gfn is the mfn) */
	}
	if (!mfn_valid(mfn))
		return -EINVAL;
	pg = mfn_to_page(mfn);
	/* A foreign entry maps a frame d does not own: get_page fails. */
	if (!get_page(pg, d))
		return -ENXIO;
	/*
	 * Nor d's frame at its first gfn while d maps it at another through a
	 * grant of its own: it would leave tot_pages still mapped there. Xen
	 * unhooks the first gfn when the grant is mapped, so there too nothing
	 * is given back. Under d's grant lock, so no such mapping starts
	 * between the check and the relinquish.
	 */
	gt = gnttab_own_lock(d);
	if (gt && gnttab_self_mapped_locked(gt, pg))
		rc = -EBUSY;
	else if (d->auto_translated && p2m_remove_entry(d, gfn, mfn))
		rc = -EINVAL;
	else
		relinquish_page(d, pg);
	gnttab_own_unlock(gt);
	put_page(pg);
	return rc;
}

/*
 * Domain heap frames come back unzeroed from the allocator: clear each one
 * before a domain sees it, or it would read what the frame's last owner left
 * there (Xen scrubs freed pages for the same reason).
 */
static void memop_scrub(struct page_info *pg, unsigned int order)
{
	memset(page_to_virt(pg), 0, 4096UL << order);
}

/* XENMEM_increase_reservation: allocate extents; PV domains learn their MFNs. */
static void memop_increase_reservation(struct memop_args *a)
{
	unsigned int i;

	for (i = a->nr_done; i < a->nr_extents; i++) {
		struct page_info *pg;

		if (i != a->nr_done && hypercall_preempt_check()) {
			a->preempted = true;
			break;
		}
		pg = alloc_domain_pages(a->d, a->extent_order);
		if (!pg)
			break;
		memop_scrub(pg, a->extent_order);
		/*
		 * As Xen: a translated domain gets frames with no gfn (it owns them
		 * until it decreases or dies); with no list nothing is reported.
		 */
		if (!a->d->auto_translated && !guest_handle_is_null(a->extent_list) &&
		    !memop_put_pfn(a->extent_list, i, mfn_x(page_to_mfn(pg))))
			break;
	}
	a->nr_done = i;
}

/* Would replacing d's entry at gfn be refused (another domain's frame or device memory)? */
static bool populate_slot_refused(struct domain *d, gfn_t gfn)
{
	enum p2m_type t = p2m_invalid;

	p2m_lookup(d, gfn, &t);
	/* As Xen's p2m_add_page: never unmap grant, foreign or MMIO entries this way. */
	return t == p2m_grant_map_rw || t == p2m_grant_map_ro || t == p2m_map_foreign ||
	       t == p2m_mmio_direct;
}

/*
 * Map the 2^order fresh frames at pg to gfn.. of translated d, physmap lock
 * held. A RAM frame that was there is given back (Xen leaves it allocated
 * but unreachable until the domain dies); a hypervisor page is unhooked.
 * On failure the frames mapped so far are unmapped again; 0 or -errno.
 */
static int populate_map_extent_locked(struct domain *d, gfn_t gfn, struct page_info *pg,
				      unsigned int order)
{
	unsigned long n = 1UL << order, j;
	bool empty = true;
	int rc = 0;

	ASSERT(spin_is_held_by_me(&d->physmap_lock));
	for (j = 0; j < n; j++) {
		if (populate_slot_refused(d, gfn_add(gfn, j)))
			return -EPERM;
		if (empty && !mfn_eq(p2m_lookup(d, gfn_add(gfn, j), NULL), INVALID_MFN))
			empty = false;
	}
	/*
	 * A whole aligned 2 MiB block over nothing: one p2m step, so the nested
	 * page table can use one 2 MiB leaf (all or nothing, nothing to give back).
	 */
	if (order == P2M_ORDER_2M && empty && !(gfn_x(gfn) & (n - 1)) &&
	    !(mfn_x(page_to_mfn(pg)) & (n - 1)))
		return p2m_set_entry_order(d, gfn, page_to_mfn(pg), order, p2m_ram_rw);
	for (j = 0; j < n; j++) {
		enum p2m_type t = p2m_invalid;
		mfn_t old = p2m_lookup(d, gfn_add(gfn, j), &t);

		rc = p2m_set_entry(d, gfn_add(gfn, j), page_to_mfn(pg + j), p2m_ram_rw);
		if (rc)
			break;
		if ((t == p2m_ram_rw || t == p2m_ram_ro) && mfn_valid(old)) {
			struct page_info *opg = mfn_to_page(old);

			if (get_page(opg, d)) {
				struct grant_table *gt = gnttab_own_lock(d);

				/*
				 * Still mapped by d through a grant of its own: it stays
				 * allocated and counted, with no gfn (as Xen leaves
				 * every frame populate replaces).
				 */
				if (!gt || !gnttab_self_mapped_locked(gt, opg))
					relinquish_page(d, opg);
				gnttab_own_unlock(gt);
				put_page(opg);
			}
		}
	}
	if (rc)
		while (j--)
			p2m_remove_entry(d, gfn_add(gfn, j), page_to_mfn(pg + j));
	return rc;
}

/* XENMEM_populate_physmap: back each listed gfn (PV: pfn) extent with fresh frames. */
static void memop_populate_physmap(struct memop_args *a)
{
	struct domain *d = a->d;
	unsigned long n = 1UL << a->extent_order;
	unsigned int i;

	for (i = a->nr_done; i < a->nr_extents; i++) {
		struct page_info *pg;
		xen_pfn_t gpfn;
		int rc = 0;

		if (i != a->nr_done && hypercall_preempt_check()) {
			a->preempted = true;
			break;
		}
		if (!memop_get_pfn(a->extent_list, i, &gpfn))
			break;
		/* Populate-on-demand is not implemented: no extent is done. */
		if (a->populate_on_demand)
			break;
		if (d->auto_translated && !gfn_range_ok(gpfn, n))
			break;
		pg = alloc_domain_pages(d, a->extent_order);
		if (!pg)
			break;
		memop_scrub(pg, a->extent_order);
		if (d->auto_translated) {
			spin_lock(&d->physmap_lock);
			rc = populate_map_extent_locked(d, _gfn(gpfn), pg, a->extent_order);
			spin_unlock(&d->physmap_lock);
		} else if (!memop_put_pfn(a->extent_list, i, mfn_x(page_to_mfn(pg)))) {
			/*
			 * PV: the guest learns the MFN (the M2P entry for gpfn is the PV
			 * issue's). Unlike Xen, a frame the guest cannot be told about is
			 * given back rather than left owned and unknown.
			 */
			rc = -EFAULT;
		}
		if (rc) {
			for (unsigned long j = 0; j < n; j++)
				relinquish_page(d, pg + j);
			break;
		}
	}
	a->nr_done = i;
}

/* XENMEM_decrease_reservation: give back each listed extent; stops at the first frame that fails.
 */
static void memop_decrease_reservation(struct memop_args *a)
{
	unsigned long n = 1UL << a->extent_order;
	unsigned int i;

	for (i = a->nr_done; i < a->nr_extents; i++) {
		xen_pfn_t gmfn;
		unsigned long j;
		int rc = 0;

		if (i != a->nr_done && hypercall_preempt_check()) {
			a->preempted = true;
			break;
		}
		if (!memop_get_pfn(a->extent_list, i, &gmfn))
			break;
		if (n - 1 > ~(xen_pfn_t)0 - gmfn)
			break;
		spin_lock(&a->d->physmap_lock);
		for (j = 0; j < n && !rc; j++)
			rc = memop_remove_page_locked(a->d, _gfn(gmfn + j));
		spin_unlock(&a->d->physmap_lock);
		if (rc)
			break;
	}
	a->nr_done = i;
}

/* Bits of a machine address: order of max_page frames plus the page shift (Xen's check). */
static unsigned int memop_machine_address_bits(void)
{
	unsigned int order = 0;

	while (order < 52 && (1UL << order) < max_page)
		order++;
	return order + 12;
}

/*
 * XENMEM_{increase,decrease}_reservation and populate_physmap. As Xen, every
 * failure (bad copy, unknown domain, no permission, bad flags) simply returns
 * the number of extents done so far.
 */
static long memop_reservation(unsigned int op, unsigned long start_extent,
			      XEN_GUEST_HANDLE(xen_memory_reservation_t) arg)
{
	struct domain *curr = current->domain;
	struct xen_memory_reservation r;
	struct memop_args a = {0};
	unsigned int address_bits, node;
	long rc = (long)start_extent;

	if (copy_from_guest(&r, arg, 1))
		return rc;
	/* Too many extents to encode a continuation, or nothing left. */
	if (r.nr_extents > (UINT32_MAX >> MEMOP_EXTENT_SHIFT) || start_extent >= r.nr_extents)
		return rc;
	/*
	 * Address-width limits: Xen refuses <= PAGE_SHIFT and allocates below a
	 * narrower limit than the machine's; our allocator cannot, so such a
	 * request does no extents.
	 */
	address_bits = XENMEMF_get_address_bits(r.mem_flags);
	if (address_bits && address_bits < memop_machine_address_bits())
		return rc;
	/*
	 * NUMA, as Xen's propagate_node with one node: a privileged caller may
	 * name node 0; a guest's exact-node request cannot be honoured.
	 */
	node = XENMEMF_get_node(r.mem_flags);
	if (!(r.mem_flags & XENMEMF_vnode) && node != MEMOP_NUMA_NO_NODE) {
		if (has_role(curr, ROLE_CONTROL | ROLE_HARDWARE)
			? node >= MEMOP_NR_NODES
			: (r.mem_flags & XENMEMF_exact_node_request))
			return rc;
	}

	a.d = get_domain_by_any_id(r.domid, curr);
	if (!a.d)
		return rc;
	if (priv_target(curr, a.d))
		goto out;
	a.extent_list = r.extent_start;
	a.nr_extents = (unsigned int)r.nr_extents;
	a.extent_order = r.extent_order;
	a.nr_done = (unsigned int)start_extent;
	a.populate_on_demand =
	    op == XENMEM_populate_physmap && (r.mem_flags & XENMEMF_populate_on_demand);
	if (a.extent_order >
	    (a.populate_on_demand ? (unsigned int)MAX_ORDER : memop_max_order(curr)))
		goto out;
	if ((!guest_handle_is_null(a.extent_list) || op != XENMEM_increase_reservation) &&
	    !guest_handle_okay(a.extent_list, a.nr_extents))
		goto out;

	switch (op) {
	case XENMEM_increase_reservation:
		memop_increase_reservation(&a);
		break;
	case XENMEM_decrease_reservation:
		memop_decrease_reservation(&a);
		break;
	default:
		memop_populate_physmap(&a);
		break;
	}
	rc = a.nr_done;
out:
	put_domain(a.d);
	if (a.preempted)
		return hypercall_create_continuation(__HYPERVISOR_memory_op, "lh",
						     op | ((unsigned long)rc << MEMOP_EXTENT_SHIFT),
						     arg.p);
	return rc;
}

/* XENMEM_current_reservation, maximum_reservation, maximum_gpfn. */
static long memop_domain_stat(unsigned int op, XEN_GUEST_HANDLE(xen_memory_domain_t) arg)
{
	struct xen_memory_domain md;
	struct domain *d;
	long rc;

	if (copy_from_guest(&md, arg, 1))
		return -EFAULT;
	d = get_domain_by_any_id(md.domid, current->domain);
	if (!d)
		return -ESRCH;
	rc = priv_target(current->domain, d);
	if (rc)
		goto out;
	switch (op) {
	case XENMEM_current_reservation:
		rc = (long)READ_ONCE(d->tot_pages);
		break;
	case XENMEM_maximum_reservation:
		rc = (long)READ_ONCE(d->max_pages); /* 0: no limit set yet */
		break;
	default:
		/* PV's maximum pfn lives in the PV issue's M2P bookkeeping. */
		rc = d->auto_translated ? (long)gfn_x(p2m_max_mapped_gfn(d)) : -ENOSYS;
		break;
	}
out:
	put_domain(d);
	return rc;
}

int domain_set_memory_map(struct domain *d, const struct e820entry *map, unsigned int nr)
{
	struct e820entry *copy = NULL, *old;

	if (nr > E820_MAX_ENTRIES)
		return -EINVAL;
	if (nr) {
		copy = xmalloc_bytes(sizeof(*copy) * nr);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, map, sizeof(*copy) * nr);
	}
	spin_lock(&d->physmap_lock);
	old = d->memory_map;
	d->memory_map = copy;
	d->nr_memory_map = nr;
	spin_unlock(&d->physmap_lock);
	xfree(old);
	return 0;
}

void domain_memory_map_free(struct domain *d)
{
	domain_set_memory_map(d, NULL, 0);
}

/* XENMEM_memory_map: the caller's own map, as much as its buffer holds. */
static long memop_memory_map(XEN_GUEST_HANDLE(xen_memory_map_t) arg)
{
	struct domain *d = current->domain;
	struct xen_memory_map map;
	XEN_GUEST_HANDLE(e820entry_t) buffer;
	unsigned int i, n;

	if (copy_from_guest(&map, arg, 1))
		return -EFAULT;
	spin_lock(&d->physmap_lock);
	n = d->nr_memory_map;
	spin_unlock(&d->physmap_lock);
	/* As Xen: a domain no map was set for gets -ENOSYS. */
	if (!n)
		return -ENOSYS;
	n = MIN(n, map.nr_entries);
	buffer = guest_handle_cast(map.buffer, e820entry_t);
	if (!guest_handle_okay(buffer, n))
		return -EFAULT;
	for (i = 0; i < n; i++) {
		struct e820entry e;
		bool gone;

		/* One entry at a time: no guest copy under the lock. */
		spin_lock(&d->physmap_lock);
		gone = i >= d->nr_memory_map;
		if (!gone)
			e = d->memory_map[i];
		spin_unlock(&d->physmap_lock);
		if (gone)
			break; /* replaced by a shorter map meanwhile */
		if (copy_to_guest_offset(buffer, i, &e, 1))
			return -EFAULT;
	}
	map.nr_entries = i;
	if (copy_to_guest(arg, &map, 1))
		return -EFAULT;
	return 0;
}

/* XENMEM_set_memory_map: the toolstack (or the domain itself) sets the map it will see. */
static long memop_set_memory_map(XEN_GUEST_HANDLE(xen_foreign_memory_map_t) arg)
{
	struct xen_foreign_memory_map fmap;
	struct e820entry *buf = NULL;
	XEN_GUEST_HANDLE(e820entry_t) buffer;
	struct domain *d;
	long rc;

	if (copy_from_guest(&fmap, arg, 1))
		return -EFAULT;
	if (fmap.map.nr_entries > E820_MAX_ENTRIES)
		return -EINVAL;
	d = get_domain_by_any_id(fmap.domid, current->domain);
	if (!d)
		return -ESRCH;
	rc = priv_target(current->domain, d);
	if (rc)
		goto out;
	if (fmap.map.nr_entries) {
		rc = -ENOMEM;
		buf = xmalloc_bytes(sizeof(*buf) * fmap.map.nr_entries);
		if (!buf)
			goto out;
		rc = -EFAULT;
		buffer = guest_handle_cast(fmap.map.buffer, e820entry_t);
		if (!guest_handle_okay(buffer, fmap.map.nr_entries) ||
		    copy_from_guest(buf, buffer, fmap.map.nr_entries))
			goto out;
	}
	rc = domain_set_memory_map(d, buf, fmap.map.nr_entries);
out:
	xfree(buf);
	put_domain(d);
	return rc;
}

/*
 * Make room at gfn of translated d for a new mapping of mfn (Xen's
 * add_to_physmap_one): a hypervisor page there is unhooked, d's own RAM is
 * given back; device memory is -EPERM, another domain's frame -ENXIO.
 * d->physmap_lock held.
 */
static int physmap_clear_slot_locked(struct domain *d, gfn_t gfn, mfn_t mfn)
{
	enum p2m_type t = p2m_invalid;
	mfn_t prev;

	ASSERT(spin_is_held_by_me(&d->physmap_lock));
	prev = p2m_lookup(d, gfn, &t);

	if (t == p2m_invalid || mfn_eq(prev, mfn))
		return 0;
	if (t == p2m_mmio_direct)
		return -EPERM;
	if (t == p2m_special)
		return p2m_remove_entry(d, gfn, prev);
	return memop_remove_page_locked(d, gfn);
}

/*
 * XENMAPSPACE_gmfn_foreign: map frame fgfn of domain fid at gfn of td (a
 * control domain mapping a guest's memory, e.g. to build it). The p2m entry
 * holds its own reference on the frame until removed. fgfn is not checked
 * yet: it goes through fid's p2m, or names a machine frame if fid is PV.
 */
static int physmap_add_foreign(struct domain *td, domid_t fid, gfn_t fgfn, gfn_t gfn)
{
	struct page_info *pg = NULL;
	struct domain *fd;
	enum p2m_type t = p2m_invalid;
	mfn_t mfn;
	int rc;

	/* As Xen's rcu_lock_remote_domain_by_id: not found -ESRCH, the caller itself -EPERM. */
	fd = get_domain_by_id(fid);
	if (!fd)
		return -ESRCH;
	rc = -EPERM;
	if (fd == current->domain)
		goto out;
	rc = -EINVAL;
	if (fd == td)
		goto out;
	rc = priv_foreign_map(td, fd);
	if (rc)
		goto out;
	rc = -EINVAL;
	if (fd->auto_translated) {
		if (!p2m_gfn_ok(fgfn))
			goto out;
		mfn = p2m_lookup(fd, fgfn, &t);
		if (t != p2m_ram_rw && t != p2m_ram_ro)
			goto out;
	} else {
		mfn = _mfn(gfn_x(fgfn)); /* PV: its gfn is the mfn */
	}
	if (!mfn_valid(mfn) || !get_page(mfn_to_page(mfn), fd))
		goto out;
	pg = mfn_to_page(mfn);

	spin_lock(&td->physmap_lock);
	rc = physmap_clear_slot_locked(td, gfn, mfn);
	if (!rc)
		rc = p2m_set_entry(td, gfn, mfn, p2m_map_foreign);
	spin_unlock(&td->physmap_lock);
out:
	if (pg)
		put_page(pg); /* ours; the p2m entry took its own */
	put_domain(fd);
	return rc;
}

/* XENMAPSPACE_gmfn: move d's frame at gfn from to gfn to (both checked by the caller). */
static int physmap_move_gmfn(struct domain *d, gfn_t from, gfn_t to)
{
	enum p2m_type t = p2m_invalid;
	struct page_info *pg;
	mfn_t mfn;
	int rc;

	spin_lock(&d->physmap_lock);
	rc = -EINVAL;
	mfn = p2m_lookup(d, from, &t);
	if (t != p2m_ram_rw || !mfn_valid(mfn) || !get_page(mfn_to_page(mfn), d))
		goto out;
	pg = mfn_to_page(mfn);
	rc = 0;
	if (!gfn_eq(from, to)) {
		rc = physmap_clear_slot_locked(d, to, mfn);
		if (!rc)
			rc = p2m_set_entry(d, to, mfn, p2m_ram_rw);
		if (!rc)
			p2m_remove_entry(d, from, mfn);
	}
	put_page(pg);
out:
	spin_unlock(&d->physmap_lock);
	return rc;
}

/*
 * One add_to_physmap(_batch) entry for translated d (permission checked):
 * idx and gpfn as the guest gave them, checked here. 0 or -errno.
 */
static int physmap_add_one(struct domain *d, unsigned int space, domid_t foreign_domid,
			   xen_ulong_t idx, xen_pfn_t gpfn)
{
	mfn_t mfn = INVALID_MFN;
	gfn_t gfn = _gfn(gpfn);
	int rc;

	if (gpfn == MEMOP_INVALID_GFN || !p2m_gfn_ok(gfn))
		return -EINVAL;
	switch (space) {
	case XENMAPSPACE_shared_info:
		if (idx != 0 || !d->shared_info)
			return -EINVAL;
		mfn = page_to_mfn(virt_to_page(d->shared_info));
		break;
	case XENMAPSPACE_grant_table:
		/* Status frames exist only with grant tables v2, which we do not offer. */
		if ((idx & XENMAPIDX_grant_table_status) || idx > UINT32_MAX)
			return -EINVAL;
		rc = gnttab_get_shared_frame(d, (unsigned int)idx, &mfn);
		if (rc)
			return rc;
		break;
	case XENMAPSPACE_gmfn:
		if (idx > P2M_MAX_GFN)
			return -EINVAL;
		return physmap_move_gmfn(d, _gfn(idx), gfn);
	case XENMAPSPACE_gmfn_foreign:
		return physmap_add_foreign(d, foreign_domid, _gfn(idx), gfn);
	default:
		/* dev_mmio and unknown spaces: no frame, as Xen on x86. */
		return -EINVAL;
	}
	/* Hypervisor pages: mapped p2m_special, holding no reference. */
	spin_lock(&d->physmap_lock);
	rc = physmap_clear_slot_locked(d, gfn, mfn);
	if (!rc)
		rc = p2m_set_entry(d, gfn, mfn, p2m_special);
	if (!rc && space == XENMAPSPACE_shared_info) {
		/*
		 * As Xen (xenmem_add_to_physmap_one unmaps the frame's old gfn):
		 * shared_info moves, it is never at two gfns. Mapping it at ever
		 * new gfns once made each one cost a p2m node and NPT tables.
		 */
		if (d->shared_info_mapped && !gfn_eq(d->shared_info_gfn, gfn))
			p2m_remove_entry(d, d->shared_info_gfn, mfn);
		d->shared_info_mapped = true;
		d->shared_info_gfn = gfn;
	}
	if (!rc && space == XENMAPSPACE_grant_table) {
		/*
		 * As Xen (gnttab_set_frame_gfn): a grant frame appears at one gfn
		 * only; its previous place is unhooked if it still holds it.
		 */
		gfn_t old = gnttab_get_frame_gfn(d, (unsigned int)idx);

		if (!gfn_eq(old, INVALID_GFN) && !gfn_eq(old, gfn))
			p2m_remove_entry(d, old, mfn);
		gnttab_set_frame_gfn(d, (unsigned int)idx, gfn);
	}
	spin_unlock(&d->physmap_lock);
	return rc;
}

/* Xen's xatp_permission_check: translated targets only, the caller itself or a control domain. */
static int physmap_permission(struct domain *d, unsigned int space)
{
	struct domain *curr = current->domain;

	if (!d->auto_translated)
		return -EACCES;
	if (space == XENMAPSPACE_dev_mmio && (!has_role(d, ROLE_HARDWARE) || d != curr))
		return -EACCES;
	return priv_target(curr, d);
}

/* XENMEM_add_to_physmap (gmfn_range continues with the frames done in cmd). */
static long memop_add_to_physmap(unsigned long start, XEN_GUEST_HANDLE(xen_add_to_physmap_t) arg)
{
	struct xen_add_to_physmap xatp;
	unsigned int done = 0;
	struct domain *d;
	long rc;

	if (start != (uint16_t)start)
		return -EDOM;
	if (copy_from_guest(&xatp, arg, 1))
		return -EFAULT;
	/* Foreign frames only through add_to_physmap_batch, as Xen. */
	if (xatp.space == XENMAPSPACE_gmfn_foreign)
		return -ENOSYS;
	d = get_domain_by_any_id(xatp.domid, current->domain);
	if (!d)
		return -ESRCH;
	rc = physmap_permission(d, xatp.space);
	if (rc)
		goto out;
	if (xatp.space != XENMAPSPACE_gmfn_range) {
		rc = physmap_add_one(d, xatp.space, DOMID_INVALID, xatp.idx, xatp.gpfn);
		goto out;
	}

	rc = -EILSEQ;
	if (xatp.size < start)
		goto out;
	rc = -EOVERFLOW;
	if (xatp.gpfn + xatp.size < xatp.gpfn || xatp.idx + xatp.size < xatp.idx)
		goto out;
	rc = 0;
	xatp.idx += start;
	xatp.gpfn += start;
	xatp.size -= (uint16_t)start;
	while (xatp.size > done) {
		rc = physmap_add_one(d, XENMAPSPACE_gmfn, DOMID_INVALID, xatp.idx, xatp.gpfn);
		if (rc < 0)
			break;
		xatp.idx++;
		xatp.gpfn++;
		if (xatp.size > ++done && hypercall_preempt_check()) {
			rc = (long)(start + done);
			break;
		}
	}
out:
	put_domain(d);
	if (xatp.space == XENMAPSPACE_gmfn_range && rc > 0)
		return hypercall_create_continuation(
		    __HYPERVISOR_memory_op, "lh",
		    XENMEM_add_to_physmap | ((unsigned long)rc << MEMOP_EXTENT_SHIFT), arg.p);
	return rc;
}

/* XENMEM_add_to_physmap_batch: per-entry results in errs[]; 0, or -errno for the call. */
static long memop_add_to_physmap_batch(unsigned long start,
				       XEN_GUEST_HANDLE(xen_add_to_physmap_batch_t) arg)
{
	struct xen_add_to_physmap_batch b;
	domid_t foreign = DOMID_INVALID;
	unsigned int extent = (unsigned int)start;
	struct domain *d;
	long rc;

	if (start != (uint16_t)start)
		return -EDOM;
	if (copy_from_guest(&b, arg, 1))
		return -EFAULT;
	if (b.space == XENMAPSPACE_gmfn_range)
		return -EOPNOTSUPP;
	d = get_domain_by_any_id(b.domid, current->domain);
	if (!d)
		return -ESRCH;
	rc = physmap_permission(d, b.space);
	if (rc)
		goto out;

	rc = -EILSEQ;
	if (b.size < extent)
		goto out;
	if (b.size == extent) {
		rc = extent ? -EILSEQ : 0;
		goto out;
	}
	rc = -EFAULT;
	if (!guest_handle_okay(b.idxs, b.size) || !guest_handle_okay(b.gpfns, b.size) ||
	    !guest_handle_okay(b.errs, b.size))
		goto out;
	if (b.space == XENMAPSPACE_dev_mmio && b.u.res0) {
		rc = -EOPNOTSUPP;
		goto out;
	}
	if (b.space == XENMAPSPACE_gmfn_foreign)
		foreign = b.u.foreign_domid;

	rc = 0;
	while (b.size > extent) {
		xen_ulong_t idx;
		xen_pfn_t gpfn;
		int err;

		if (copy_from_guest_offset(&idx, b.idxs, extent, 1) ||
		    copy_from_guest_offset(&gpfn, b.gpfns, extent, 1)) {
			rc = -EFAULT;
			break;
		}
		if (gpfn == MEMOP_INVALID_GFN) {
			rc = -EINVAL;
			break;
		}
		err = physmap_add_one(d, b.space, foreign, idx, gpfn);
		if (copy_to_guest_offset(b.errs, extent, &err, 1)) {
			rc = -EFAULT;
			break;
		}
		if (b.size > ++extent && hypercall_preempt_check()) {
			rc = extent;
			break;
		}
	}
out:
	put_domain(d);
	if (rc > 0)
		return hypercall_create_continuation(
		    __HYPERVISOR_memory_op, "lh",
		    XENMEM_add_to_physmap_batch | ((unsigned long)rc << MEMOP_EXTENT_SHIFT), arg.p);
	return rc;
}

/*
 * XENMEM_remove_from_physmap: unmap whatever frame is at gpfn. As Xen, d's
 * own RAM stays d's (allocated, unmapped); a foreign entry's reference goes.
 * Grant mappings are -ENOENT here (GNTTABOP_unmap_grant_ref owns them).
 */
static long memop_remove_from_physmap(XEN_GUEST_HANDLE(xen_remove_from_physmap_t) arg)
{
	struct xen_remove_from_physmap x;
	enum p2m_type t = p2m_invalid;
	struct domain *d;
	gfn_t gfn;
	mfn_t mfn;
	long rc;

	if (copy_from_guest(&x, arg, 1))
		return -EFAULT;
	d = get_domain_by_any_id(x.domid, current->domain);
	if (!d)
		return -ESRCH;
	rc = d->auto_translated ? priv_target(current->domain, d) : -EACCES;
	if (rc)
		goto out;
	rc = -ENOENT;
	gfn = _gfn(x.gpfn);
	if (!p2m_gfn_ok(gfn))
		goto out;
	spin_lock(&d->physmap_lock);
	mfn = p2m_lookup(d, gfn, &t);
	if (t == p2m_ram_rw || t == p2m_ram_ro || t == p2m_map_foreign || t == p2m_special)
		rc = p2m_remove_entry(d, gfn, mfn);
	spin_unlock(&d->physmap_lock);
out:
	put_domain(d);
	return rc;
}

long do_memory_op(const struct hypercall_args *args)
{
	unsigned long cmd = args->a[0];
	XEN_GUEST_HANDLE(void) arg = guest_handle_from_arg(args->a[1], void);
	unsigned long start_extent = cmd >> MEMOP_EXTENT_SHIFT;
	unsigned int op = (unsigned int)(cmd & MEMOP_CMD_MASK);

	switch (op) {
	case XENMEM_increase_reservation:
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
		return memop_reservation(op, start_extent,
					 guest_handle_cast(arg, xen_memory_reservation_t));
	case XENMEM_add_to_physmap:
		return memop_add_to_physmap(start_extent,
					    guest_handle_cast(arg, xen_add_to_physmap_t));
	case XENMEM_add_to_physmap_batch:
		return memop_add_to_physmap_batch(
		    start_extent, guest_handle_cast(arg, xen_add_to_physmap_batch_t));
	default:
		break;
	}
	/* The remaining commands take no continuation. */
	if (start_extent)
		return -EINVAL;
	switch (op) {
	case XENMEM_maximum_ram_page:
		return (long)max_page;
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_gpfn:
		return memop_domain_stat(op, guest_handle_cast(arg, xen_memory_domain_t));
	case XENMEM_remove_from_physmap:
		return memop_remove_from_physmap(guest_handle_cast(arg, xen_remove_from_physmap_t));
	case XENMEM_memory_map:
		return memop_memory_map(guest_handle_cast(arg, xen_memory_map_t));
	case XENMEM_set_memory_map:
		return memop_set_memory_map(guest_handle_cast(arg, xen_foreign_memory_map_t));
	default:
		/*
		 * exchange, machine_memory_map, machphys_*, PoD targets, sharing,
		 * paging, access, claim_pages, vnuma, reserved device memory,
		 * acquire_resource: not implemented (docs/abi.md).
		 */
		return -ENOSYS;
	}
}
