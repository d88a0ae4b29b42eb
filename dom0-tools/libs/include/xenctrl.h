/*
 * libxenctrl, the subset Tessera provides (docs/abi.md, "Tool libraries"):
 * the same function names, types and semantics as Xen 4.17's xenctrl.h, over
 * Tessera's domctl/sysctl (hypervisor/include/public/domctl.h, sysctl.h) and
 * the memory, HVM and event channel hypercalls. Functions return 0 (or a
 * count, or a port) on success and -1 with errno set on failure, as Xen's.
 *
 * One handle is one open hypercall interface; the library takes no locks,
 * so a handle is used by one thread at a time (Xen's
 * XC_OPENFLAG_NON_REENTRANT contract, the only one offered).
 */
#ifndef TESSERA_XENCTRL_H
#define TESSERA_XENCTRL_H

#include <stddef.h>
#include <stdint.h>
#include <public/xen.h>
#include <public/domctl.h>
#include <public/event_channel.h>
#include <public/hvm/params.h>
#include <public/memory.h>
#include <public/sysctl.h>
#include "xentoollog.h"

typedef struct xc_interface_core xc_interface;

enum xc_open_flags {
	XC_OPENFLAG_DUMMY = 1 << 0,
	XC_OPENFLAG_NON_REENTRANT = 1 << 1,
};

/* Loggers are accepted and ignored (xentoollog.h). NULL with errno on failure. */
xc_interface *xc_interface_open(xentoollog_logger *logger, xentoollog_logger *dombuild_logger,
				unsigned open_flags);
int xc_interface_close(xc_interface *xch);

/* Domains. */
typedef struct xc_dominfo {
	uint32_t domid;
	uint32_t ssidref;
	unsigned int dying : 1, crashed : 1, shutdown : 1, paused : 1, blocked : 1, running : 1,
	    hvm : 1, debugged : 1, xenstore : 1, hap : 1;
	unsigned int shutdown_reason; /* only meaningful if shutdown == 1 */
	unsigned long nr_pages;	      /* current number, not maximum */
	unsigned long nr_outstanding_pages;
	unsigned long nr_shared_pages;
	unsigned long nr_paged_pages;
	unsigned long shared_info_frame;
	uint64_t cpu_time;
	unsigned long max_memkb;
	unsigned int nr_online_vcpus;
	unsigned int max_vcpu_id;
	xen_domain_handle_t handle;
	unsigned int cpupool;
	uint8_t gpaddr_bits;
	struct xen_arch_domainconfig arch_config;
} xc_dominfo_t;

typedef xen_domctl_getdomaininfo_t xc_domaininfo_t;

typedef union {
	vcpu_guest_context_t c;
	vcpu_guest_context_t x64;
} vcpu_guest_context_any_t;

int xc_domain_create(xc_interface *xch, uint32_t *pdomid, struct xen_domctl_createdomain *config);
int xc_domain_destroy(xc_interface *xch, uint32_t domid);
int xc_domain_pause(xc_interface *xch, uint32_t domid);
int xc_domain_unpause(xc_interface *xch, uint32_t domid);
/* Up to max_doms domains from first_domid up; the number filled, or -1. */
int xc_domain_getinfo(xc_interface *xch, uint32_t first_domid, unsigned int max_doms,
		      xc_dominfo_t *info);
int xc_domain_getinfolist(xc_interface *xch, uint32_t first_domain, unsigned int max_domains,
			  xc_domaininfo_t *info);
int xc_domain_setmaxmem(xc_interface *xch, uint32_t domid, uint64_t max_memkb);
int xc_domain_max_vcpus(xc_interface *xch, uint32_t domid, unsigned int max);
int xc_vcpu_setcontext(xc_interface *xch, uint32_t domid, uint32_t vcpu,
		       vcpu_guest_context_any_t *ctxt);
int xc_vcpu_getcontext(xc_interface *xch, uint32_t domid, uint32_t vcpu,
		       vcpu_guest_context_any_t *ctxt);

/* Host. */
typedef struct xen_sysctl_physinfo xc_physinfo_t;
int xc_physinfo(xc_interface *xch, xc_physinfo_t *info);

/* Hypervisor version (XENVER_*: the value, or 0 with *arg filled), -1 with errno. */
int xc_version(xc_interface *xch, int cmd, void *arg);
/*
 * The hypervisor's console log (XEN_SYSCTL_readconsole): up to *pnr_chars
 * bytes from *pindex (incremental) or the oldest kept; both updated.
 */
int xc_readconsolering(xc_interface *xch, char *buffer, unsigned int *pnr_chars, int clear,
		       int incremental, uint32_t *pindex);

/* Memory. */
struct e820entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));
int xc_domain_set_memory_map(xc_interface *xch, uint32_t domid, struct e820entry entries[],
			     uint32_t nr_entries);
int xc_domain_populate_physmap(xc_interface *xch, uint32_t domid, unsigned long nr_extents,
			       unsigned int extent_order, unsigned int mem_flags,
			       xen_pfn_t *extent_start);
/* As above, but anything short of all extents is an error (-1, errno ENOMEM). */
int xc_domain_populate_physmap_exact(xc_interface *xch, uint32_t domid, unsigned long nr_extents,
				     unsigned int extent_order, unsigned int mem_flags,
				     xen_pfn_t *extent_start);
int xc_domain_remove_from_physmap(xc_interface *xch, uint32_t domid, xen_pfn_t gpfn);

/* HVM params. */
int xc_hvm_param_set(xc_interface *handle, uint32_t dom, uint32_t param, uint64_t value);
int xc_hvm_param_get(xc_interface *handle, uint32_t dom, uint32_t param, uint64_t *value);

/* Event channels. */
typedef int xc_evtchn_port_or_error_t;
/* A new port of dom that remote_dom may bind; the port, or -1. */
xc_evtchn_port_or_error_t xc_evtchn_alloc_unbound(xc_interface *xch, uint32_t dom,
						  uint32_t remote_dom);

/*
 * Tessera's own (no Xen equivalent, docs/abi.md 4.1): write reserved grant
 * entry ref (GNTTAB_RESERVED_CONSOLE/XENSTORE) of domid so that grantee may
 * map its frame gfn; what Xen's libxenguest does by mapping the grant table.
 */
int xc_tessera_gnttab_seed(xc_interface *xch, uint32_t domid, uint32_t ref, uint32_t grantee,
			   xen_pfn_t gfn, int readonly);

/*
 * Tessera's own (no Xen equivalent, docs/abi.md 4.1): the boot plan's name
 * of domid, a domain the hypervisor built at boot, into name (len bytes,
 * always NUL-terminated, cut to fit). 0, or -1 with errno: ENOENT when the
 * domain has no boot name (a toolstack made it), ESRCH when there is no
 * such domain, EPERM for a caller without the control role.
 */
int xc_tessera_get_boot_name(xc_interface *xch, uint32_t domid, char *name, size_t len);

#endif
