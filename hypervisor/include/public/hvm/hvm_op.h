/*
 * Tessera public ABI: HYPERVISOR_hvm_op (parameters and the few HVM/PVH
 * guest services).  The altp2m and mem-access families are listed by
 * number only; Tessera returns -ENOSYS for them.
 * Follows Xen 4.17 (make test-abi).
 */
#ifndef TESSERA_PUBLIC_HVM_HVM_OP_H
#define TESSERA_PUBLIC_HVM_HVM_OP_H

#include "../xen.h"
#include "../event_channel.h"

#define HVMOP_set_param 0	/* arg: xen_hvm_param */
#define HVMOP_get_param 1	/* arg: xen_hvm_param */
#define HVMOP_flush_tlbs 5	/* no argument */
#define HVMOP_pagetable_dying 9 /* arg: xen_hvm_pagetable_dying */
#define HVMOP_get_time 10	/* arg: xen_hvm_get_time */
#define HVMOP_xentrace 11	/* arg: xen_hvm_xentrace */
#define HVMOP_set_mem_access 12
#define HVMOP_get_mem_access 13
#define HVMOP_get_mem_type 15		  /* arg: xen_hvm_get_mem_type */
#define HVMOP_set_evtchn_upcall_vector 23 /* arg: xen_hvm_evtchn_upcall_vector */
#define HVMOP_guest_request_vm_event 24
#define HVMOP_altp2m 25
#define HVMOP_ALTP2M_INTERFACE_VERSION 0x00000001

/* Read or write parameter index (HVM_PARAM_*) of domid. */
struct xen_hvm_param {
	domid_t domid;
	uint16_t pad;
	uint32_t index;
	uint64_t value;
};
typedef struct xen_hvm_param xen_hvm_param_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_param_t);

/* Memory types reported by HVMOP_get_mem_type. */
typedef enum {
	HVMMEM_ram_rw,
	HVMMEM_ram_ro,
	HVMMEM_mmio_dm,
	HVMMEM_unused,
	HVMMEM_ioreq_server
} hvmmem_type_t;

/* The guest tells the hypervisor a page-table root at gpa is being torn down. */
struct xen_hvm_pagetable_dying {
	domid_t domid;
	uint16_t pad[3];
	uint64_t gpa;
};
typedef struct xen_hvm_pagetable_dying xen_hvm_pagetable_dying_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_pagetable_dying_t);

/* Current system time in ns. */
struct xen_hvm_get_time {
	uint64_t now;
};
typedef struct xen_hvm_get_time xen_hvm_get_time_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_get_time_t);

/* A guest-emitted trace record with up to 7 words of payload. */
struct xen_hvm_xentrace {
	uint16_t event;
	uint16_t extra_bytes;
	uint8_t extra[7 * sizeof(uint32_t)];
};
typedef struct xen_hvm_xentrace xen_hvm_xentrace_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_xentrace_t);

struct xen_hvm_get_mem_type {
	domid_t domid;
	uint16_t mem_type; /* OUT: hvmmem_type_t */
	uint16_t pad[2];
	uint64_t pfn;
};
typedef struct xen_hvm_get_mem_type xen_hvm_get_mem_type_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_get_mem_type_t);

/* Per-vCPU event upcall delivered as a plain interrupt vector (PVH/PVHVM). */
struct xen_hvm_evtchn_upcall_vector {
	uint32_t vcpu;
	uint8_t vector;
};
typedef struct xen_hvm_evtchn_upcall_vector xen_hvm_evtchn_upcall_vector_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_evtchn_upcall_vector_t);

#endif /* TESSERA_PUBLIC_HVM_HVM_OP_H */
