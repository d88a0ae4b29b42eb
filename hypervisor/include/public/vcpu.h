/*
 * Tessera public ABI: HYPERVISOR_vcpu_op (bring vCPUs up and down, runstate,
 * per-vCPU timers, where vcpu_info lives).  Follows Xen 4.17 (make test-abi).
 */
#ifndef TESSERA_PUBLIC_VCPU_H
#define TESSERA_PUBLIC_VCPU_H

#include "xen.h"

#define VCPUOP_initialise 0 /* arg: vcpu_guest_context (PV) or vcpu_hvm_context */
#define VCPUOP_up 1
#define VCPUOP_down 2
#define VCPUOP_is_up 3		   /* returns 1 or 0 */
#define VCPUOP_get_runstate_info 4 /* arg: vcpu_runstate_info */
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_set_periodic_timer 6
#define VCPUOP_stop_periodic_timer 7
#define VCPUOP_set_singleshot_timer 8
#define VCPUOP_stop_singleshot_timer 9
#define VCPUOP_register_vcpu_info 10
#define VCPUOP_send_nmi 11
#define VCPUOP_get_physid 12
#define VCPUOP_register_vcpu_time_memory_area 13

/* Where a vCPU has spent its time (ns per RUNSTATE_* state). */
#define RUNSTATE_running 0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked 2
#define RUNSTATE_offline 3
struct vcpu_runstate_info {
	int state;		   /* RUNSTATE_* */
	uint64_t state_entry_time; /* XEN_RUNSTATE_UPDATE set while being written */
	uint64_t time[4];
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_runstate_info_t);
#define XEN_RUNSTATE_UPDATE (xen_mk_ullong(1) << 63)

/* Have the hypervisor keep a copy of the runstate at a guest virtual address. */
struct vcpu_register_runstate_memory_area {
	union {
		XEN_GUEST_HANDLE(vcpu_runstate_info_t) h;
		struct vcpu_runstate_info *v;
		uint64_t p;
	} addr;
};
typedef struct vcpu_register_runstate_memory_area vcpu_register_runstate_memory_area_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_runstate_memory_area_t);

struct vcpu_set_periodic_timer {
	uint64_t period_ns;
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_set_periodic_timer_t);

/* One-shot VIRQ_TIMER at an absolute system time. */
struct vcpu_set_singleshot_timer {
	uint64_t timeout_abs_ns;
	uint32_t flags; /* VCPU_SSHOTTMR_* */
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_set_singleshot_timer_t);
/* Fail with -ETIME instead of firing at once when the time has passed. */
#define _VCPU_SSHOTTMR_future (0)
#define VCPU_SSHOTTMR_future (1U << _VCPU_SSHOTTMR_future)

/* Move this vCPU's vcpu_info to frame mfn (a gfn for translated guests) + offset. */
struct vcpu_register_vcpu_info {
	uint64_t mfn;
	uint32_t offset;
	uint32_t rsvd;
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_vcpu_info_t);

/* Physical CPU identity: APIC id in the low half, ACPI id in the high half. */
struct vcpu_get_physid {
	uint64_t phys_id;
};
typedef struct vcpu_get_physid vcpu_get_physid_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_get_physid_t);
#define xen_vcpu_physid_to_x86_apicid(physid) ((uint32_t)(physid))
#define xen_vcpu_physid_to_x86_acpiid(physid) ((uint32_t)((physid) >> 32))

/* Have the hypervisor keep a copy of vcpu_time_info at a guest virtual address. */
DEFINE_XEN_GUEST_HANDLE(vcpu_time_info_t);
struct vcpu_register_time_memory_area {
	union {
		XEN_GUEST_HANDLE(vcpu_time_info_t) h;
		struct vcpu_time_info *v;
		uint64_t p;
	} addr;
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_time_memory_area_t);

#endif /* TESSERA_PUBLIC_VCPU_H */
