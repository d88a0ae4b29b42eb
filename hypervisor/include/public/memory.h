/*
 * Tessera public ABI: HYPERVISOR_memory_op (reservations, physmap changes,
 * memory maps, resource mapping).  The paging/sharing/access commands are
 * listed by number only; Tessera returns -ENOSYS for them.
 * Follows Xen 4.17 (make test-abi).
 */
#ifndef TESSERA_PUBLIC_MEMORY_H
#define TESSERA_PUBLIC_MEMORY_H

#include "xen.h"

/* Commands (first argument).  Bits 6 and up of cmd carry a continuation. */
#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_maximum_ram_page 2
#define XENMEM_current_reservation 3
#define XENMEM_maximum_reservation 4
#define XENMEM_machphys_mfn_list 5
#define XENMEM_populate_physmap 6
#define XENMEM_add_to_physmap 7
#define XENMEM_memory_map 9
#define XENMEM_machine_memory_map 10
#define XENMEM_exchange 11
#define XENMEM_machphys_mapping 12
#define XENMEM_set_memory_map 13
#define XENMEM_maximum_gpfn 14
#define XENMEM_remove_from_physmap 15
#define XENMEM_set_pod_target 16
#define XENMEM_get_pod_target 17
#define XENMEM_get_sharing_freed_pages 18
#define XENMEM_get_sharing_shared_pages 19
#define XENMEM_paging_op 20
#define XENMEM_access_op 21
#define XENMEM_sharing_op 22
#define XENMEM_add_to_physmap_batch 23
#define XENMEM_claim_pages 24
#define XENMEM_machphys_compat_mfn_list 25
#define XENMEM_get_vnumainfo 26
#define XENMEM_reserved_device_memory_map 27
#define XENMEM_acquire_resource 28

/*
 * xen_memory_reservation.mem_flags: bits 0-7 limit the machine address
 * width, bits 8-15 hold a NUMA node + 1, then modifiers.
 */
#define XENMEMF_address_bits(x) (x)
#define XENMEMF_get_address_bits(x) ((x)&0xffu)
#define XENMEMF_node(x) (((x) + 1) << 8)
#define XENMEMF_get_node(x) ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand (1 << 16)
#define XENMEMF_exact_node_request (1 << 17)
#define XENMEMF_exact_node(n) (XENMEMF_node(n) | XENMEMF_exact_node_request)
#define XENMEMF_vnode (1 << 18)

/*
 * increase/decrease_reservation and populate_physmap: nr_extents extents of
 * 2^extent_order frames each.  extent_start lists the frames (IN for
 * decrease and populate, OUT for increase).  Returns the number done.
 */
struct xen_memory_reservation {
	XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
	xen_ulong_t nr_extents;
	unsigned int extent_order;
	unsigned int mem_flags; /* XENMEMF_* */
	domid_t domid;
};
typedef struct xen_memory_reservation xen_memory_reservation_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_reservation_t);

/* Trade the frames of in for freshly allocated frames described by out. */
struct xen_memory_exchange {
	struct xen_memory_reservation in;
	struct xen_memory_reservation out;
	xen_ulong_t nr_exchanged; /* OUT: input extents done so far */
};
typedef struct xen_memory_exchange xen_memory_exchange_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_exchange_t);

/* Argument of current/maximum_reservation and maximum_gpfn. */
struct xen_memory_domain {
	domid_t domid;
};

/* Frames holding the machine-to-physical table (PV). */
struct xen_machphys_mfn_list {
	unsigned int max_extents;
	XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
	unsigned int nr_extents; /* OUT */
};
typedef struct xen_machphys_mfn_list xen_machphys_mfn_list_t;
DEFINE_XEN_GUEST_HANDLE(xen_machphys_mfn_list_t);

/* Where the machine-to-physical table is mapped (PV). */
struct xen_machphys_mapping {
	xen_ulong_t v_start;
	xen_ulong_t v_end;
	xen_ulong_t max_mfn;
};
typedef struct xen_machphys_mapping xen_machphys_mapping_t;
DEFINE_XEN_GUEST_HANDLE(xen_machphys_mapping_t);

/* What add_to_physmap places at gpfn. */
#define XENMAPSPACE_shared_info 0
#define XENMAPSPACE_grant_table                                                                    \
	1		   /* idx = table frame, | XENMAPIDX_grant_table_status for v2 status */
#define XENMAPSPACE_gmfn 2 /* move a frame of the caller */
#define XENMAPSPACE_gmfn_range 3   /* the same for size frames */
#define XENMAPSPACE_gmfn_foreign 4 /* a frame of another domain (batch only) */
#define XENMAPSPACE_dev_mmio 5
#define XENMAPIDX_grant_table_status 0x80000000

/* Translated guests: put a special frame into the physical address space. */
struct xen_add_to_physmap {
	domid_t domid;
	uint16_t size;	    /* gmfn_range only */
	unsigned int space; /* XENMAPSPACE_* */
	xen_ulong_t idx;
	xen_pfn_t gpfn;
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_t);

/* Many frames at once; errs gets a per-frame error code. */
struct xen_add_to_physmap_batch {
	domid_t domid;
	uint16_t space;
	uint16_t size;
	union xen_add_to_physmap_batch_extra {
		domid_t foreign_domid; /* gmfn_foreign */
		uint16_t res0;
	} u;
	XEN_GUEST_HANDLE(xen_ulong_t) idxs;
	XEN_GUEST_HANDLE(xen_pfn_t) gpfns;
	XEN_GUEST_HANDLE(int) errs;
};
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_batch_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_batch_t);

struct xen_remove_from_physmap {
	domid_t domid;
	xen_pfn_t gpfn;
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_remove_from_physmap_t);

/* An E820-style map: buffer holds up to nr_entries 20-byte entries. */
struct xen_memory_map {
	unsigned int nr_entries; /* IN: room, OUT: entries written */
	XEN_GUEST_HANDLE(void) buffer;
};
typedef struct xen_memory_map xen_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_map_t);

/* set_memory_map: the map a domain will see. */
struct xen_foreign_memory_map {
	domid_t domid;
	struct xen_memory_map map;
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_foreign_memory_map_t);

/* Populate-on-demand target (HVM). */
struct xen_pod_target {
	uint64_t target_pages;
	uint64_t tot_pages;	  /* OUT */
	uint64_t pod_cache_pages; /* OUT */
	uint64_t pod_entries;	  /* OUT */
	domid_t domid;
};
typedef struct xen_pod_target xen_pod_target_t;

/* Map frames of a domain resource (grant table, ioreq server pages). */
#define XENMEM_resource_ioreq_server 0
#define XENMEM_resource_grant_table 1
#define XENMEM_resource_vmtrace_buf 2
#define XENMEM_resource_grant_table_id_shared 0
#define XENMEM_resource_grant_table_id_status 1
#define XENMEM_resource_ioreq_server_frame_bufioreq 0
#define XENMEM_resource_ioreq_server_frame_ioreq(n) (1 + (n))
struct xen_mem_acquire_resource {
	domid_t domid;
	uint16_t type; /* XENMEM_resource_* */
	uint32_t id;
	uint32_t nr_frames; /* IN: wanted (0 = ask the size), OUT: available */
	uint32_t pad;
	uint64_t frame; /* first frame of the resource */
	XEN_GUEST_HANDLE(xen_pfn_t) frame_list;
};
typedef struct xen_mem_acquire_resource xen_mem_acquire_resource_t;
DEFINE_XEN_GUEST_HANDLE(xen_mem_acquire_resource_t);

/* Virtual NUMA layout of a domain. */
struct xen_vmemrange {
	uint64_t start;
	uint64_t end;
	unsigned int flags;
	unsigned int nid;
};
typedef struct xen_vmemrange xen_vmemrange_t;
DEFINE_XEN_GUEST_HANDLE(xen_vmemrange_t);

struct xen_vnuma_topology_info {
	domid_t domid;
	uint16_t pad;
	unsigned int nr_vnodes;
	unsigned int nr_vcpus;
	unsigned int nr_vmemranges;
	union {
		XEN_GUEST_HANDLE(uint) h;
		uint64_t pad;
	} vdistance;
	union {
		XEN_GUEST_HANDLE(uint) h;
		uint64_t pad;
	} vcpu_to_vnode;
	union {
		XEN_GUEST_HANDLE(xen_vmemrange_t) h;
		uint64_t pad;
	} vmemrange;
};
typedef struct xen_vnuma_topology_info xen_vnuma_topology_info_t;
DEFINE_XEN_GUEST_HANDLE(xen_vnuma_topology_info_t);

#endif /* TESSERA_PUBLIC_MEMORY_H */
