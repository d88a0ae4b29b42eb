/*
 * Tessera public ABI: HYPERVISOR_domctl, the toolstack's per-domain control
 * interface (create, destroy, pause, inspect domains).  Only a domain with
 * the control role may call it (docs/security.md).
 *
 * Xen treats domctl as an unstable toolstack interface and so does Tessera:
 * this is OUR interface (docs/abi.md, "domctl and sysctl").  It keeps Xen
 * 4.17's command numbers, interface version and the layouts of the
 * structures below so that tool libraries written against Xen's need little
 * change; make test-abi checks those layouts like the rest of the ABI.  Only
 * the argument structures of the commands Tessera implements are declared;
 * the other command numbers are listed and return -ENOSYS.
 */
#ifndef TESSERA_PUBLIC_DOMCTL_H
#define TESSERA_PUBLIC_DOMCTL_H

#include "xen.h"

/* Caller and hypervisor must agree on this exactly; any other value gets -EACCES. */
#define XEN_DOMCTL_INTERFACE_VERSION 0x00000015

/*
 * x86 part of createdomain / getdomaininfo: which platform devices the
 * hypervisor emulates.  A PVH guest asks for the local APIC only (or
 * nothing), a full HVM guest for everything but vPCI, a PV guest for nothing.
 */
struct xen_arch_domainconfig {
#define _XEN_X86_EMU_LAPIC 0
#define XEN_X86_EMU_LAPIC (1U << _XEN_X86_EMU_LAPIC)
#define _XEN_X86_EMU_HPET 1
#define XEN_X86_EMU_HPET (1U << _XEN_X86_EMU_HPET)
#define _XEN_X86_EMU_PM 2
#define XEN_X86_EMU_PM (1U << _XEN_X86_EMU_PM)
#define _XEN_X86_EMU_RTC 3
#define XEN_X86_EMU_RTC (1U << _XEN_X86_EMU_RTC)
#define _XEN_X86_EMU_IOAPIC 4
#define XEN_X86_EMU_IOAPIC (1U << _XEN_X86_EMU_IOAPIC)
#define _XEN_X86_EMU_PIC 5
#define XEN_X86_EMU_PIC (1U << _XEN_X86_EMU_PIC)
#define _XEN_X86_EMU_VGA 6
#define XEN_X86_EMU_VGA (1U << _XEN_X86_EMU_VGA)
#define _XEN_X86_EMU_IOMMU 7
#define XEN_X86_EMU_IOMMU (1U << _XEN_X86_EMU_IOMMU)
#define _XEN_X86_EMU_PIT 8
#define XEN_X86_EMU_PIT (1U << _XEN_X86_EMU_PIT)
#define _XEN_X86_EMU_USE_PIRQ 9
#define XEN_X86_EMU_USE_PIRQ (1U << _XEN_X86_EMU_USE_PIRQ)
#define _XEN_X86_EMU_VPCI 10
#define XEN_X86_EMU_VPCI (1U << _XEN_X86_EMU_VPCI)
#define XEN_X86_EMU_ALL                                                                            \
	(XEN_X86_EMU_LAPIC | XEN_X86_EMU_HPET | XEN_X86_EMU_PM | XEN_X86_EMU_RTC |                 \
	 XEN_X86_EMU_IOAPIC | XEN_X86_EMU_PIC | XEN_X86_EMU_VGA | XEN_X86_EMU_IOMMU |              \
	 XEN_X86_EMU_PIT | XEN_X86_EMU_USE_PIRQ | XEN_X86_EMU_VPCI)
	uint32_t emulation_flags; /* XEN_X86_EMU_* */
#define XEN_X86_MSR_RELAXED (1U << 0)
	uint32_t misc_flags;
};
#define XEN_X86_MISC_FLAGS_MAX XEN_X86_MSR_RELAXED

/*
 * XEN_DOMCTL_createdomain.  domctl.domain is IN/OUT: a free id below
 * DOMID_FIRST_RESERVED asks for that id; 0 or a reserved id asks the
 * hypervisor to pick one.  The id chosen comes back in domctl.domain.
 */
struct xen_domctl_createdomain {
	uint32_t ssidref;	    /* security label: must be 0 */
	xen_domain_handle_t handle; /* the toolstack's UUID for the domain */
#define _XEN_DOMCTL_CDF_hvm 0
#define XEN_DOMCTL_CDF_hvm (1U << _XEN_DOMCTL_CDF_hvm) /* HVM container (PVH or HVM) */
#define _XEN_DOMCTL_CDF_hap 1
#define XEN_DOMCTL_CDF_hap (1U << _XEN_DOMCTL_CDF_hap) /* nested paging */
#define _XEN_DOMCTL_CDF_s3_integrity 2
#define XEN_DOMCTL_CDF_s3_integrity (1U << _XEN_DOMCTL_CDF_s3_integrity)
#define _XEN_DOMCTL_CDF_oos_off 3
#define XEN_DOMCTL_CDF_oos_off (1U << _XEN_DOMCTL_CDF_oos_off)
#define _XEN_DOMCTL_CDF_xs_domain 4
#define XEN_DOMCTL_CDF_xs_domain (1U << _XEN_DOMCTL_CDF_xs_domain) /* the xenstore domain */
#define _XEN_DOMCTL_CDF_iommu 5
#define XEN_DOMCTL_CDF_iommu (1U << _XEN_DOMCTL_CDF_iommu)
#define _XEN_DOMCTL_CDF_nested_virt 6
#define XEN_DOMCTL_CDF_nested_virt (1U << _XEN_DOMCTL_CDF_nested_virt)
#define XEN_DOMCTL_CDF_vpmu (1U << 7)
#define XEN_DOMCTL_CDF_MAX XEN_DOMCTL_CDF_vpmu
	uint32_t flags; /* XEN_DOMCTL_CDF_* */
#define _XEN_DOMCTL_IOMMU_no_sharept 0
#define XEN_DOMCTL_IOMMU_no_sharept (1U << _XEN_DOMCTL_IOMMU_no_sharept)
#define XEN_DOMCTL_IOMMU_MAX XEN_DOMCTL_IOMMU_no_sharept
	uint32_t iommu_opts;	     /* must be 0 without CDF_iommu */
	uint32_t max_vcpus;	     /* 1 and up */
	uint32_t max_evtchn_port;    /* highest event channel port; 0 = default */
	int32_t max_grant_frames;    /* negative = the hypervisor's default */
	int32_t max_maptrack_frames; /* negative = the hypervisor's default */
#define XEN_DOMCTL_GRANT_version_mask 0xf
#define XEN_DOMCTL_GRANT_version(v) ((v)&XEN_DOMCTL_GRANT_version_mask)
	uint32_t grant_opts;   /* highest grant table version allowed */
	uint32_t vmtrace_size; /* processor trace buffer per vCPU: must be 0 */
	uint32_t cpupool_id;   /* CPU pool: must be 0 */
	struct xen_arch_domainconfig arch;
};

/* XEN_DOMCTL_getdomaininfo (and each entry of sysctl getdomaininfolist). */
struct xen_domctl_getdomaininfo {
	domid_t domain; /* the domain described (also in domctl.domain) */
	uint16_t pad1;
#define _XEN_DOMINF_dying 0
#define XEN_DOMINF_dying (1U << _XEN_DOMINF_dying) /* torn down, waiting for references */
#define _XEN_DOMINF_hvm_guest 1
#define XEN_DOMINF_hvm_guest (1U << _XEN_DOMINF_hvm_guest) /* PVH or HVM */
#define _XEN_DOMINF_shutdown 2
#define XEN_DOMINF_shutdown (1U << _XEN_DOMINF_shutdown) /* every vCPU stopped after a shutdown */
#define _XEN_DOMINF_paused 3
#define XEN_DOMINF_paused (1U << _XEN_DOMINF_paused) /* paused by the toolstack */
#define _XEN_DOMINF_blocked 4
#define XEN_DOMINF_blocked (1U << _XEN_DOMINF_blocked) /* every online vCPU blocked */
#define _XEN_DOMINF_running 5
#define XEN_DOMINF_running (1U << _XEN_DOMINF_running) /* some vCPU on a CPU now */
#define _XEN_DOMINF_debugged 6
#define XEN_DOMINF_debugged (1U << _XEN_DOMINF_debugged)
#define _XEN_DOMINF_xs_domain 7
#define XEN_DOMINF_xs_domain (1U << _XEN_DOMINF_xs_domain) /* holds the xenstore role */
#define _XEN_DOMINF_hap 8
#define XEN_DOMINF_hap (1U << _XEN_DOMINF_hap)
#define XEN_DOMINF_shutdownmask 255 /* SHUTDOWN_* reason, at ... */
#define XEN_DOMINF_shutdownshift 16 /* ... this bit of flags */
	uint32_t flags;		    /* XEN_DOMINF_* */
	uint64_aligned_t tot_pages; /* frames the domain owns */
	uint64_aligned_t max_pages; /* its limit (max_mem) */
	uint64_aligned_t outstanding_pages;
	uint64_aligned_t shr_pages;
	uint64_aligned_t paged_pages;
	uint64_aligned_t shared_info_frame; /* guest frame of shared_info */
	uint64_aligned_t cpu_time;	    /* ns its vCPUs have run, summed */
	uint32_t nr_online_vcpus;	    /* vCPUs up */
#define XEN_INVALID_MAX_VCPU_ID (~0U)
	uint32_t max_vcpu_id; /* highest vCPU id created */
	uint32_t ssidref;
	xen_domain_handle_t handle;
	uint32_t cpupool;
	uint8_t gpaddr_bits; /* guest-physical address width */
	uint8_t pad2[7];
	struct xen_arch_domainconfig arch_config;
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_getdomaininfo_t);

/* XEN_DOMCTL_max_mem: the domain's memory limit in KiB (rounded down to pages). */
struct xen_domctl_max_mem {
	uint64_aligned_t max_memkb;
};

/* XEN_DOMCTL_setvcpucontext / XEN_DOMCTL_getvcpucontext. */
struct xen_domctl_vcpucontext {
	uint32_t vcpu;
	XEN_GUEST_HANDLE_64(vcpu_guest_context_t) ctxt; /* IN (set; null = reset) or OUT (get) */
};

/* XEN_DOMCTL_max_vcpus: create every vCPU up to max (which must equal createdomain's max_vcpus). */
struct xen_domctl_max_vcpus {
	uint32_t max;
};

/* XEN_DOMCTL_settimeoffset: seconds added to the domain's wallclock. */
struct xen_domctl_settimeoffset {
	int64_aligned_t time_offset_seconds;
};

/*
 * XEN_DOMCTL_tessera_gnttab_seed (Tessera's own, no Xen equivalent): write
 * one of the target's reserved grant entries (GNTTAB_RESERVED_CONSOLE or
 * GNTTAB_RESERVED_XENSTORE, public/grant_table.h) so that grantee may map
 * the target's frame gfn, as a domain builder does before the guest runs.
 * Xen's libxenguest does this by mapping the new domain's grant-table frame
 * (xc_dom_gnttab_seed); Tessera does not let grant-table frames be mapped
 * by foreign domains, so its builder asks the hypervisor instead.
 */
struct xen_domctl_tessera_gnttab_seed {
	uint32_t ref;	 /* a reserved entry: below 8 */
	domid_t grantee; /* the domain that may map the frame */
#define XEN_DOMCTL_TESSERA_SEED_readonly 1
	uint16_t flags;	      /* XEN_DOMCTL_TESSERA_SEED_*: others -EINVAL */
	uint64_aligned_t gfn; /* the target's frame (a v1 entry holds 32 bits) */
};

/*
 * XEN_DOMCTL_tessera_get_boot_name (Tessera's own, no Xen equivalent): the
 * name the boot plan gave a domain the hypervisor built at boot (the boot
 * bundle's "name", the prefix of its console lines), so that the control
 * domain can write it into the store as a toolstack writes the names of
 * the domains it creates. OUT only: NUL-terminated, the rest of the array
 * zero. A domain with no boot name (one made by domctl createdomain):
 * -ENOENT.
 */
#define XEN_DOMCTL_TESSERA_BOOT_NAME_LEN 32
struct xen_domctl_tessera_get_boot_name {
	char name[XEN_DOMCTL_TESSERA_BOOT_NAME_LEN];
};

struct xen_domctl {
	uint32_t cmd;
#define XEN_DOMCTL_createdomain 1
#define XEN_DOMCTL_destroydomain 2
#define XEN_DOMCTL_pausedomain 3
#define XEN_DOMCTL_unpausedomain 4
#define XEN_DOMCTL_getdomaininfo 5
#define XEN_DOMCTL_setvcpuaffinity 9
#define XEN_DOMCTL_shadow_op 10
#define XEN_DOMCTL_max_mem 11
#define XEN_DOMCTL_setvcpucontext 12
#define XEN_DOMCTL_getvcpucontext 13
#define XEN_DOMCTL_getvcpuinfo 14
#define XEN_DOMCTL_max_vcpus 15
#define XEN_DOMCTL_scheduler_op 16
#define XEN_DOMCTL_setdomainhandle 17
#define XEN_DOMCTL_setdebugging 18
#define XEN_DOMCTL_irq_permission 19
#define XEN_DOMCTL_iomem_permission 20
#define XEN_DOMCTL_ioport_permission 21
#define XEN_DOMCTL_hypercall_init 22
#define XEN_DOMCTL_settimeoffset 24
#define XEN_DOMCTL_getvcpuaffinity 25
#define XEN_DOMCTL_real_mode_area 26
#define XEN_DOMCTL_resumedomain 27
#define XEN_DOMCTL_sendtrigger 28
#define XEN_DOMCTL_subscribe 29
#define XEN_DOMCTL_gethvmcontext 33
#define XEN_DOMCTL_sethvmcontext 34
#define XEN_DOMCTL_set_address_size 35
#define XEN_DOMCTL_get_address_size 36
#define XEN_DOMCTL_assign_device 37
#define XEN_DOMCTL_bind_pt_irq 38
#define XEN_DOMCTL_memory_mapping 39
#define XEN_DOMCTL_ioport_mapping 40
#define XEN_DOMCTL_set_ext_vcpucontext 42
#define XEN_DOMCTL_get_ext_vcpucontext 43
#define XEN_DOMCTL_set_opt_feature 44
#define XEN_DOMCTL_test_assign_device 45
#define XEN_DOMCTL_set_target 46
#define XEN_DOMCTL_deassign_device 47
#define XEN_DOMCTL_unbind_pt_irq 48
#define XEN_DOMCTL_get_device_group 50
#define XEN_DOMCTL_debug_op 54
#define XEN_DOMCTL_gethvmcontext_partial 55
#define XEN_DOMCTL_vm_event_op 56
#define XEN_DOMCTL_mem_sharing_op 57
#define XEN_DOMCTL_gettscinfo 59
#define XEN_DOMCTL_settscinfo 60
#define XEN_DOMCTL_getpageframeinfo3 61
#define XEN_DOMCTL_setvcpuextstate 62
#define XEN_DOMCTL_getvcpuextstate 63
#define XEN_DOMCTL_set_access_required 64
#define XEN_DOMCTL_audit_p2m 65
#define XEN_DOMCTL_set_virq_handler 66
#define XEN_DOMCTL_set_broken_page_p2m 67
#define XEN_DOMCTL_setnodeaffinity 68
#define XEN_DOMCTL_getnodeaffinity 69
#define XEN_DOMCTL_cacheflush 71
#define XEN_DOMCTL_get_vcpu_msrs 72
#define XEN_DOMCTL_set_vcpu_msrs 73
#define XEN_DOMCTL_setvnumainfo 74
#define XEN_DOMCTL_psr_cmt_op 75
#define XEN_DOMCTL_monitor_op 77
#define XEN_DOMCTL_psr_alloc 78
#define XEN_DOMCTL_soft_reset 79
#define XEN_DOMCTL_vuart_op 81
#define XEN_DOMCTL_get_cpu_policy 82
#define XEN_DOMCTL_set_cpu_policy 83
#define XEN_DOMCTL_vmtrace_op 84
#define XEN_DOMCTL_get_paging_mempool_size 85
#define XEN_DOMCTL_set_paging_mempool_size 86
#define XEN_DOMCTL_gdbsx_guestmemio 1000
#define XEN_DOMCTL_gdbsx_pausevcpu 1001
#define XEN_DOMCTL_gdbsx_unpausevcpu 1002
#define XEN_DOMCTL_gdbsx_domstatus 1003
/* Tessera's own commands (docs/abi.md 4.1), numbered apart from Xen's. */
#define XEN_DOMCTL_tessera_gnttab_seed 2000
#define XEN_DOMCTL_tessera_get_boot_name 2001
	uint32_t interface_version; /* XEN_DOMCTL_INTERFACE_VERSION */
	domid_t domain;		    /* the target domain */
	uint16_t _pad[3];
	union {
		struct xen_domctl_createdomain createdomain;
		struct xen_domctl_getdomaininfo getdomaininfo;
		struct xen_domctl_max_mem max_mem;
		struct xen_domctl_vcpucontext vcpucontext;
		struct xen_domctl_max_vcpus max_vcpus;
		struct xen_domctl_settimeoffset settimeoffset;
		struct xen_domctl_tessera_gnttab_seed tessera_gnttab_seed;
		struct xen_domctl_tessera_get_boot_name tessera_get_boot_name;
		uint8_t pad[128]; /* fixes the union's size for every command */
	} u;
};
typedef struct xen_domctl xen_domctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_t);

#endif
