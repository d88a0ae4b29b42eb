/*
 * The hypervisor's access to a domain's guest-physical memory (declared in
 * tessera/p2m.h): look each page up in the p2m, take a reference on the
 * frame so it cannot be freed and reused while we copy (the guest may give
 * it back with decrease_reservation at any time), copy through the direct
 * map, drop the reference. Portable; used by the domain builder.
 *
 * Only the domain's own RAM is touched, as Xen's hvm_copy_*_guest_phys
 * refuses grant, foreign and MMIO entries: the frame must be owned by d
 * (get_page checks it) and mapped p2m_ram_rw (writes) or p2m_ram_rw/ro
 * (reads).
 *
 * Locking: the p2m lock inside p2m_lookup only; no lock is held while
 * copying.
 */
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include <tessera/page_info.h>
#include <tessera/string.h>

/* Guest pages are 4 KiB (the p2m's granularity). */
#define GPHYS_PAGE_SHIFT 12
#define GPHYS_PAGE_SIZE (1UL << GPHYS_PAGE_SHIFT)

enum gphys_op { GPHYS_TO, GPHYS_FROM, GPHYS_CLEAR };

/* One page's worth: [gpa, gpa + len) lies inside one page. */
static int gphys_page(struct domain *d, enum gphys_op op, paddr_t gpa, void *buf, size_t len)
{
	enum p2m_type t;
	mfn_t mfn = p2m_lookup(d, _gfn(paddr_x(gpa) >> GPHYS_PAGE_SHIFT), &t);
	struct page_info *pg;
	uint8_t *va;
	bool ok = t == p2m_ram_rw || (op == GPHYS_FROM && t == p2m_ram_ro);

	if (!ok || mfn_eq(mfn, INVALID_MFN) || !mfn_valid(mfn))
		return -EFAULT;
	pg = mfn_to_page(mfn);
	if (!get_page(pg, d))
		return -EFAULT;
	va = (uint8_t *)page_to_virt(pg) + (paddr_x(gpa) & (GPHYS_PAGE_SIZE - 1));
	switch (op) {
	case GPHYS_TO:
		memcpy(va, buf, len);
		break;
	case GPHYS_FROM:
		memcpy(buf, va, len);
		break;
	case GPHYS_CLEAR:
		memset(va, 0, len);
		break;
	}
	put_page(pg);
	return 0;
}

static int gphys_copy(struct domain *d, enum gphys_op op, paddr_t gpa, void *buf, size_t len)
{
	uint8_t *p = buf;
	uint64_t a = paddr_x(gpa);

	if (!d || !d->p2m)
		return -EFAULT;
	/* The range may not wrap or pass the highest frame a p2m holds. */
	if (len && (a + len - 1 < a || ((a + len - 1) >> GPHYS_PAGE_SHIFT) > P2M_MAX_GFN))
		return -EFAULT;
	while (len) {
		size_t chunk = GPHYS_PAGE_SIZE - (paddr_x(gpa) & (GPHYS_PAGE_SIZE - 1));
		int ret;

		if (chunk > len)
			chunk = len;
		ret = gphys_page(d, op, gpa, p, chunk);
		if (ret)
			return ret;
		gpa = paddr_add(gpa, chunk);
		len -= chunk;
		if (p)
			p += chunk;
	}
	return 0;
}

int copy_to_guest_phys(struct domain *d, paddr_t gpa, const void *src, size_t len)
{
	return gphys_copy(d, GPHYS_TO, gpa, (void *)src, len);
}

int copy_from_guest_phys(struct domain *d, void *dst, paddr_t gpa, size_t len)
{
	return gphys_copy(d, GPHYS_FROM, gpa, dst, len);
}

int clear_guest_phys(struct domain *d, paddr_t gpa, size_t len)
{
	return gphys_copy(d, GPHYS_CLEAR, gpa, NULL, len);
}
