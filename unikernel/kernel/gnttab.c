/*
 * Grant table client, v1 (uk/gnttab.h). The shared entries: frames the
 * hypervisor puts into our physmap at gnttab_frames with
 * XENMEM_add_to_physmap(XENMAPSPACE_grant_table, idx i). Granting writes
 * domid and frame, then (after a write barrier) flags, as Linux's
 * gnttab_grant_foreign_access; ending access clears flags with cmpxchg
 * unless GTF_reading/GTF_writing show the grantee still has it mapped
 * (Xen public/grant_table.h "GTF_reading/writing ... set by Xen").
 *
 * Locking: the free-reference bitmap changes with interrupts off.
 */
#include <public/memory.h>
#include <uk/gnttab.h>
#include <uk/kernel.h>

static uint8_t gnttab_frames[UK_GNTTAB_FRAMES][4096] __attribute__((aligned(4096)));
static grant_entry_v1_t *shared;
static uint8_t ref_used[UK_GNTTAB_NR_ENTRIES];

int gnttab_init(void)
{
	unsigned int i;

	if (shared)
		return 0;
	for (i = 0; i < UK_GNTTAB_FRAMES; i++) {
		struct xen_add_to_physmap xatp = {.domid = DOMID_SELF,
						  .space = XENMAPSPACE_grant_table,
						  .idx = i,
						  .gpfn = virt_to_gfn(gnttab_frames[i])};
		long rc = HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp);

		if (rc)
			return (int)rc;
	}
	shared = (grant_entry_v1_t *)gnttab_frames;
	return 0;
}

grant_entry_v1_t *gnttab_shared(void)
{
	return shared;
}

int gnttab_grant_access_ref(grant_ref_t ref, domid_t domid, unsigned long gfn, int readonly)
{
	if (!shared || ref >= UK_GNTTAB_NR_ENTRIES || gfn > 0xffffffffUL)
		return -EINVAL;
	WRITE_ONCE(shared[ref].domid, domid);
	WRITE_ONCE(shared[ref].frame, (uint32_t)gfn);
	wmb();
	WRITE_ONCE(shared[ref].flags,
		   (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0)));
	return 0;
}

long gnttab_grant_access(domid_t domid, unsigned long gfn, int readonly)
{
	unsigned long flags;
	grant_ref_t ref;

	if (!shared)
		return -EINVAL;
	flags = irq_save();
	for (ref = UK_GNTTAB_RESERVED; ref < UK_GNTTAB_NR_ENTRIES; ref++)
		if (!ref_used[ref])
			break;
	if (ref == UK_GNTTAB_NR_ENTRIES) {
		irq_restore(flags);
		return -ENOSPC;
	}
	ref_used[ref] = 1;
	irq_restore(flags);
	if (gnttab_grant_access_ref(ref, domid, gfn, readonly)) {
		ref_used[ref] = 0;
		return -EINVAL;
	}
	return ref;
}

int gnttab_end_access(grant_ref_t ref)
{
	uint16_t fl, old;

	if (!shared || ref >= UK_GNTTAB_NR_ENTRIES)
		return -EINVAL;
	fl = READ_ONCE(shared[ref].flags);
	do {
		if (fl & (GTF_reading | GTF_writing))
			return -EBUSY;
		old = fl;
		fl = cmpxchg_u16(&shared[ref].flags, old, 0);
	} while (fl != old);
	ref_used[ref] = 0;
	return 0;
}

long gnttab_map(domid_t domid, grant_ref_t ref, unsigned long gfn, int readonly,
		grant_handle_t *handle)
{
	struct gnttab_map_grant_ref op = {
	    .host_addr = (uint64_t)gfn << PAGE_SHIFT,
	    .flags = GNTMAP_host_map | (readonly ? GNTMAP_readonly : 0),
	    .ref = ref,
	    .dom = domid,
	};
	long rc = HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);

	if (rc)
		return rc;
	if (op.status == GNTST_okay && handle)
		*handle = op.handle;
	return op.status;
}

long gnttab_unmap(unsigned long gfn, grant_handle_t handle)
{
	struct gnttab_unmap_grant_ref op = {
	    .host_addr = (uint64_t)gfn << PAGE_SHIFT,
	    .dev_bus_addr = 0,
	    .handle = handle,
	};
	long rc = HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1);

	return rc ? rc : op.status;
}

long gnttab_copy(struct gnttab_copy *op)
{
	long rc = HYPERVISOR_grant_table_op(GNTTABOP_copy, op, 1);

	return rc ? rc : op->status;
}
