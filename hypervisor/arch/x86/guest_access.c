/*
 * Guest memory access for hypercall arguments (tessera/guest_access.h):
 * a guest virtual address of a PVH/HVM vCPU is translated by walking the
 * guest's own page tables (CR3, each table frame found through the p2m),
 * then the resulting guest frame through the p2m, and the target frame is
 * accessed through the direct map. Supported: paging off (gva = gpa,
 * 32-bit) and long-mode 4-level paging with 1 GiB / 2 MiB pages; legacy
 * 32-bit and PAE paging are refused (-EFAULT: Linux PVH runs in long mode
 * when it makes hypercalls). Permissions are those of a supervisor access:
 * present, and writable for writes when CR0.WP is set.
 *
 * Frames are pinned with a page reference for the access, so a concurrent
 * decrease_reservation by another vCPU cannot free one under us.
 *
 * Locking: none of its own; p2m_lookup takes the p2m lock.
 */
#include <asm/page.h>
#include <asm/hvm.h>
#include <asm/x86-defns.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/guest_access.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include <tessera/page_info.h>
#include <tessera/sched.h>
#include <tessera/string.h>

/*
 * Take a reference on the frame behind gfn if the guest may access it this
 * way; its page, or NULL. RAM, grant and foreign maps and the hypervisor's
 * special pages (shared_info, grant frames) qualify; MMIO does not.
 */
static struct page_info *ga_get_gfn(struct domain *d, uint64_t gfn, bool write, bool *ref)
{
	enum p2m_type t, t2;
	mfn_t mfn = p2m_lookup(d, _gfn(gfn), &t);
	struct page_info *pg;
	struct domain *owner;

	if (mfn_x(mfn) == INVALID_MFN_RAW || !mfn_valid(mfn))
		return NULL;
	switch (t) {
	case p2m_ram_rw:
	case p2m_grant_map_rw:
	case p2m_map_foreign:
	case p2m_special:
		break;
	case p2m_ram_ro:
	case p2m_grant_map_ro:
		if (write)
			return NULL;
		break;
	default:
		return NULL;
	}
	pg = mfn_to_page(mfn);
	*ref = t != p2m_special;
	if (!*ref)
		return pg; /* hypervisor pages live as long as the domain (no references) */
	/*
	 * The lookup took no reference: another vCPU may have given the frame
	 * back (decrease_reservation, grant unmap) and the heap handed it to
	 * another domain since. Own RAM must still be d's; a grant or foreign
	 * frame must still be what gfn maps once our reference holds it.
	 */
	if (t == p2m_ram_rw || t == p2m_ram_ro)
		return get_page(pg, d) ? pg : NULL;
	owner = page_get_owner(pg);
	if (!owner || !get_page(pg, owner))
		return NULL;
	if (!mfn_eq(p2m_lookup(d, _gfn(gfn), &t2), mfn) || t2 != t) {
		put_page(pg);
		return NULL;
	}
	return pg;
}

static void ga_put(struct page_info *pg, bool ref)
{
	if (ref)
		put_page(pg);
}

/* Read entry idx of the guest page table at gfn; false if it is not accessible RAM. */
static bool ga_read_pte(struct domain *d, uint64_t gfn, unsigned int idx, uint64_t *pte)
{
	bool ref;
	struct page_info *pg = ga_get_gfn(d, gfn, false, &ref);

	if (!pg)
		return false;
	*pte = READ_ONCE(((const uint64_t *)page_to_virt(pg))[idx]);
	ga_put(pg, ref);
	return true;
}

/* Translate gva for v: the gpa, or ~0 on a fault. */
static uint64_t ga_translate(struct vcpu *v, uint64_t gva, bool write)
{
	uint64_t cr0 = hvm_get_cr(v, 0);
	uint64_t table, pte = 0;

	if (!(cr0 & X86_CR0_PG))
		return gva >> 32 ? ~0UL : gva;
	if (!(hvm_get_efer(v) & EFER_LMA) || !(hvm_get_cr(v, 4) & X86_CR4_PAE))
		return ~0UL; /* legacy or PAE paging: not supported for hypercall arguments */
	/* Canonical addresses only (48-bit: LA57 is hidden from guests). */
	if ((uint64_t)((int64_t)(gva << 16) >> 16) != gva)
		return ~0UL;
	table = hvm_get_cr(v, 3) & PTE_ADDR_MASK;
	for (unsigned int level = 4; level >= 1; level--) {
		unsigned int idx = (gva >> (12 + 9 * (level - 1))) & 511;

		if (!ga_read_pte(v->domain, table >> PAGE_SHIFT, idx, &pte))
			return ~0UL;
		if (!(pte & PTE_P))
			return ~0UL;
		if (write && !(pte & PTE_W) && (cr0 & X86_CR0_WP))
			return ~0UL;
		if ((level == 3 || level == 2) && (pte & PTE_PSE)) {
			uint64_t size = 1UL << (12 + 9 * (level - 1));

			return ((pte & PTE_ADDR_MASK) & ~(size - 1)) | (gva & (size - 1));
		}
		table = pte & PTE_ADDR_MASK;
	}
	return (pte & PTE_ADDR_MASK) | (gva & (PAGE_SIZE - 1));
}

/* Copy between buf and v's gva, page by page; the bytes not copied. */
static unsigned long ga_copy(struct vcpu *v, uint64_t gva, void *buf, unsigned long len, bool write)
{
	uint8_t *b = buf;

	if (!v || !v->arch.hvm.initialised)
		return len; /* no guest address space (PV comes later) */
	while (len) {
		unsigned long chunk = PAGE_SIZE - (gva & (PAGE_SIZE - 1));
		uint64_t gpa = ga_translate(v, gva, write);
		struct page_info *pg;
		bool ref;
		uint8_t *p;

		if (chunk > len)
			chunk = len;
		if (gpa == ~0UL)
			break;
		pg = ga_get_gfn(v->domain, gpa >> PAGE_SHIFT, write, &ref);
		if (!pg)
			break;
		p = (uint8_t *)page_to_virt(pg) + (gpa & (PAGE_SIZE - 1));
		if (write)
			memcpy(p, b, chunk);
		else
			memcpy(b, p, chunk);
		ga_put(pg, ref);
		b += chunk;
		gva += chunk;
		len -= chunk;
	}
	return len;
}

unsigned long arch_copy_from_guest(struct vcpu *v, void *to, uint64_t gva, unsigned long len)
{
	return ga_copy(v, gva, to, len, false);
}

unsigned long arch_copy_to_guest(struct vcpu *v, uint64_t gva, const void *from, unsigned long len)
{
	return ga_copy(v, gva, (void *)from, len, true);
}

/* Up to this many present entries of a table are printed where a walk stops. */
#define GA_DUMP_ENTRIES 6

/*
 * For a crash report: walk gva through v's page tables and print each
 * level (table frame, its owner, index, entry); where the walk stops,
 * print the table's present entries, so a page table that was overwritten
 * shows what overwrote it. Long-mode 4-level paging only.
 */
void arch_dump_guest_walk(struct vcpu *v, uint64_t gva)
{
	uint64_t table = hvm_get_cr(v, 3) & PTE_ADDR_MASK, pte;

	if (!(hvm_get_cr(v, 0) & X86_CR0_PG) || !(hvm_get_efer(v) & EFER_LMA))
		return;
	for (unsigned int level = 4; level >= 1; level--) {
		unsigned int idx = (gva >> (12 + 9 * (level - 1))) & 511, shown = 0, present = 0;
		enum p2m_type t;
		mfn_t mfn = p2m_lookup(v->domain, _gfn(table >> PAGE_SHIFT), &t);
		const struct domain *owner =
		    mfn_valid(mfn) ? page_get_owner(mfn_to_page(mfn)) : NULL;

		if (!ga_read_pte(v->domain, table >> PAGE_SHIFT, idx, &pte)) {
			pr_warn("  walk %#lx: L%u table gfn %#lx is not readable RAM",
				(unsigned long)gva, level, (unsigned long)(table >> PAGE_SHIFT));
			return;
		}
		pr_warn(
		    "  walk %#lx: L%u table gfn %#lx (mfn %#lx, owner d%d, npt %#lx) [%u] = %#lx",
		    (unsigned long)gva, level, (unsigned long)(table >> PAGE_SHIFT),
		    (unsigned long)mfn_x(mfn), owner ? (int)owner->domain_id : -1,
		    (unsigned long)hvm_nested_pt_entry(v->domain, _gfn(table >> PAGE_SHIFT)), idx,
		    (unsigned long)pte);
		if (!(pte & PTE_P)) {
			for (unsigned int i = 0; i < 512; i++) {
				uint64_t e;

				if (!ga_read_pte(v->domain, table >> PAGE_SHIFT, i, &e) || !e)
					continue;
				present++;
				if (shown++ < GA_DUMP_ENTRIES)
					pr_warn("    [%u] = %#lx", i, (unsigned long)e);
			}
			pr_warn("    %u non-zero entries in that table", present);
			return;
		}
		if ((level == 3 || level == 2) && (pte & PTE_PSE))
			return;
		table = pte & PTE_ADDR_MASK;
	}
	pr_warn("  walk %#lx: page gfn %#lx npt %#lx", (unsigned long)gva,
		(unsigned long)(table >> PAGE_SHIFT),
		(unsigned long)hvm_nested_pt_entry(v->domain, _gfn(table >> PAGE_SHIFT)));
}
