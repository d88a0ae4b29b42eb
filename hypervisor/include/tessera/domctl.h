/*
 * What domctl (common/domctl.c) offers the rest of the hypervisor: the
 * getdomaininfo record, shared with sysctl getdomaininfolist.
 */
#ifndef TESSERA_DOMCTL_H
#define TESSERA_DOMCTL_H

#include <tessera/domain.h>
#include <public/domctl.h>

/* Fill *info for d (a reference held) as Xen's getdomaininfo: flags, pages, vCPUs, time. */
void domctl_getdomaininfo(struct domain *d, struct xen_domctl_getdomaininfo *info);

#endif
