/*
 * The guest-physical map of an auto-translated (PVH/HVM) domain: guest frame
 * number -> machine frame and type (common/p2m.c, portable). It is the
 * authority; the arch mirrors each change into the hardware table (NPT)
 * through arch_p2m_update(). Entries are 4 KiB records; a whole aligned
 * 2 MiB block set at once (p2m_set_entry_order, order 9) is also told to the
 * arch as one block, so the NPT can map it with one 2 MiB leaf.
 *
 * References: an entry of type p2m_ram_* for a frame the domain owns holds no
 * extra reference (ownership keeps it); p2m_grant_map_* and p2m_map_foreign
 * entries hold one reference on the foreign frame, dropped when removed.
 *
 * Locking: p2m->lock (irqsave), inside domain locks, outside heap_lock
 * (docs/locking.md).
 */
#ifndef TESSERA_P2M_H
#define TESSERA_P2M_H

#include <tessera/p2m_limit.h> /* P2M_MAX_GFN */
#include <tessera/types.h>

struct domain;

enum p2m_type {
	p2m_invalid = 0,  /* nothing mapped */
	p2m_ram_rw,	  /* the domain's own RAM */
	p2m_ram_ro,	  /* own RAM, read-only */
	p2m_grant_map_rw, /* another domain's frame through a grant */
	p2m_grant_map_ro,
	p2m_map_foreign, /* another domain's frame, mapped by a control domain */
	p2m_special, /* hypervisor-owned pages shared with the guest (shared_info, grant frames) */
	p2m_mmio_direct, /* device memory (hardware role) */
};

/* May gfn have a p2m entry at all? (A guest-supplied frame is checked before use.) */
static inline bool p2m_gfn_ok(gfn_t gfn)
{
	return gfn_x(gfn) <= P2M_MAX_GFN;
}

int p2m_init(struct domain *d);
/* Remove every entry (dropping the references they hold) and free the p2m. Preemptible: -ERESTART.
 */
int p2m_teardown(struct domain *d);
/* Map gfn to mfn with type t, replacing any entry (its reference dropped); 0 or -errno. */
int p2m_set_entry(struct domain *d, gfn_t gfn, mfn_t mfn, enum p2m_type t);
/*
 * Map the 2^order frames from mfn at gfn.. with type t in one step: order 0
 * is p2m_set_entry; order P2M_ORDER_2M needs gfn and mfn 512-aligned, frames
 * that all fit t, and a type that holds no reference (own RAM, special,
 * MMIO). All or nothing: 0 or -errno with the p2m unchanged. Entries it
 * replaces are dropped as by p2m_set_entry.
 */
#define P2M_ORDER_2M 9
int p2m_set_entry_order(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned int order,
			enum p2m_type t);
/* Remove gfn's entry if it maps mfn (INVALID_MFN: whatever it maps); 0, -ENOENT. */
int p2m_remove_entry(struct domain *d, gfn_t gfn, mfn_t mfn);
/* What gfn maps: the mfn (INVALID_MFN if none) and, if t, its type. */
mfn_t p2m_lookup(struct domain *d, gfn_t gfn, enum p2m_type *t);
/* The highest gfn ever mapped (XENMEM_maximum_gpfn), 0 if none. */
gfn_t p2m_max_mapped_gfn(struct domain *d);

/*
 * The hypervisor's own access to a domain's guest-physical memory
 * (common/guest_phys.c): through the p2m and the direct map, page by page,
 * each page held by a reference for the copy. Only the domain's own RAM:
 * writes need p2m_ram_rw, reads p2m_ram_rw or p2m_ram_ro; any other entry,
 * or none, is -EFAULT (the bytes before the bad page are done). For the
 * domain builder now, and for guest copies once guest addresses are
 * translated to guest-physical ones.
 */
int copy_to_guest_phys(struct domain *d, paddr_t gpa, const void *src, size_t len);
int copy_from_guest_phys(struct domain *d, void *dst, paddr_t gpa, size_t len);
int clear_guest_phys(struct domain *d, paddr_t gpa, size_t len);

/*
 * Paging memory: the p2m's nodes and the arch's table pages (NPT) for d
 * come from the heap and are charged to d, up to p2m_paging_limit(d) pages:
 * P2M_PAGING_BASE plus one page per P2M_PAGING_FRAMES_PER_PAGE frames of
 * max_pages (a fixed default, as Xen's paging pool is sized by the
 * toolstack from the memory size). A set that needs a page beyond the limit
 * fails with -ENOMEM: the domain gets the error, never the host.
 * p2m_paging_charge takes one page's charge (false: over the limit),
 * p2m_paging_uncharge gives it back when the page is freed.
 */
#define P2M_PAGING_BASE 512UL		 /* 2 MiB */
#define P2M_PAGING_FRAMES_PER_PAGE 128UL /* 4 KiB of tables per 512 KiB of RAM */
unsigned long p2m_paging_limit(const struct domain *d);
bool p2m_paging_charge(struct domain *d);
void p2m_paging_uncharge(struct domain *d);

/* The arch's mirror of each change, arch_p2m_update(), is declared in tessera/arch.h. */

#endif
