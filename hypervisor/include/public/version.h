/*
 * Tessera public ABI: HYPERVISOR_xen_version.  Tessera answers with the Xen
 * version it is compatible with (4.17); the strings name Tessera.
 * Follows Xen 4.17 (make test-abi).
 */
#ifndef TESSERA_PUBLIC_VERSION_H
#define TESSERA_PUBLIC_VERSION_H

#include "xen.h"

/* XENVER_version returns (major << 16) | minor directly; no argument. */
#define XENVER_version 0
#define XENVER_extraversion 1	     /* arg: xen_extraversion_t */
#define XENVER_compile_info 2	     /* arg: xen_compile_info */
#define XENVER_capabilities 3	     /* arg: xen_capabilities_info_t */
#define XENVER_changeset 4	     /* arg: xen_changeset_info_t */
#define XENVER_platform_parameters 5 /* arg: xen_platform_parameters */
#define XENVER_get_features 6	     /* arg: xen_feature_info */
#define XENVER_pagesize 7	     /* returns the page size */
#define XENVER_guest_handle 8	     /* arg: xen_domain_handle_t */
#define XENVER_commandline 9	     /* arg: xen_commandline_t (privileged) */
#define XENVER_build_id 10	     /* arg: xen_build_id */

typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))

struct xen_compile_info {
	char compiler[64];
	char compile_by[16];
	char compile_domain[32];
	char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;

/* Space-separated guest types the hypervisor runs, e.g. "xen-3.0-x86_64 hvm-3.0-x86_64". */
typedef char xen_capabilities_info_t[1024];
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))

typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN (sizeof(xen_changeset_info_t))

struct xen_platform_parameters {
	xen_ulong_t virt_start; /* lowest hypervisor virtual address (PV) */
};
typedef struct xen_platform_parameters xen_platform_parameters_t;

/* IN: submap_idx; OUT: 32 XENFEAT_* bits of that submap. */
struct xen_feature_info {
	unsigned int submap_idx;
	uint32_t submap;
};
typedef struct xen_feature_info xen_feature_info_t;

#include "features.h"

typedef char xen_commandline_t[1024];

/* IN: len = room in buf; OUT: bytes written. */
struct xen_build_id {
	uint32_t len;
	__extension__ unsigned char buf[XEN_FLEX_ARRAY_DIM];
};
typedef struct xen_build_id xen_build_id_t;

#endif /* TESSERA_PUBLIC_VERSION_H */
