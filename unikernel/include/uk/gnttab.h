/*
 * Grant table client, v1 (Xen public/grant_table.h): kernel/gnttab.c.
 *
 * The shared entries live in frames the hypervisor maps into our physmap
 * with XENMEM_add_to_physmap(XENMAPSPACE_grant_table) (UK_GNTTAB_FRAMES
 * frames, 512 entries each). References 0..7 are reserved (as Linux:
 * GNTTAB_NR_RESERVED_ENTRIES, used by toolstacks for console and store);
 * gnttab_grant_access hands out the others.
 *
 * Locking: the free-reference list changes with interrupts off.
 */
#ifndef UK_GNTTAB_H
#define UK_GNTTAB_H

#include <public/grant_table.h>
#include <stdint.h>

#define UK_GNTTAB_FRAMES 1
#define UK_GNTTAB_NR_ENTRIES (UK_GNTTAB_FRAMES * 4096 / sizeof(grant_entry_v1_t))
#define UK_GNTTAB_RESERVED 8

/* Maps the grant frames: 0 or -Exxx. */
int gnttab_init(void);
/* The shared entries (for tests that write entries themselves). */
grant_entry_v1_t *gnttab_shared(void);

/* Grants domid access to our frame gfn: a reference >= UK_GNTTAB_RESERVED, or -ENOSPC. */
long gnttab_grant_access(domid_t domid, unsigned long gfn, int readonly);
/* Writes an entry at a chosen ref (reserved refs included): 0 or -EINVAL. */
int gnttab_grant_access_ref(grant_ref_t ref, domid_t domid, unsigned long gfn, int readonly);
/* Ends access: 0, or -EBUSY while the grantee still has it mapped (the entry is kept). */
int gnttab_end_access(grant_ref_t ref);

/* GNTTABOP_map_grant_ref of (domid, ref) at our frame gfn (host_addr = its address, as HVM). */
long gnttab_map(domid_t domid, grant_ref_t ref, unsigned long gfn, int readonly,
		grant_handle_t *handle);
long gnttab_unmap(unsigned long gfn, grant_handle_t handle);
/* Both return the hypercall's error, else the operation's GNTST_* status (0 = okay). */

/* One GNTTABOP_copy: the hypercall's error, else the op's status. */
long gnttab_copy(struct gnttab_copy *op);

#endif /* UK_GNTTAB_H */
