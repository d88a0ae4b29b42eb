/*
 * libxenctrl: host facts, memory ops on a domain, HVM params and event
 * channel allocation for another domain (Xen's xc_misc.c, xc_domain.c and
 * xc_evtchn.c subsets). No locking: one thread per handle.
 */
#include <errno.h>
#include <string.h>
#include <public/hvm/hvm_op.h>
#include "xc_private.h"

int xc_physinfo(xc_interface *xch, xc_physinfo_t *info)
{
	struct xen_sysctl op;

	if (!info) {
		errno = EINVAL;
		return -1;
	}
	memset(&op, 0, sizeof(op));
	op.cmd = XEN_SYSCTL_physinfo;
	if (xc__sysctl(xch, &op))
		return -1;
	*info = op.u.physinfo;
	return 0;
}

int xc_domain_set_memory_map(xc_interface *xch, uint32_t domid, struct e820entry entries[],
			     uint32_t nr_entries)
{
	size_t size = (size_t)nr_entries * sizeof(entries[0]);
	struct xen_foreign_memory_map fmap;
	void *buf;
	long ret;

	if (!entries || !nr_entries) {
		errno = EINVAL;
		return -1;
	}
	buf = xc__bounce_in(xch, entries, size);
	if (!buf)
		return -1;
	memset(&fmap, 0, sizeof(fmap));
	fmap.domid = (domid_t)domid;
	fmap.map.nr_entries = nr_entries;
	set_xen_guest_handle(fmap.map.buffer, buf);
	ret = xc__memory_op(xch, XENMEM_set_memory_map, &fmap, sizeof(fmap));
	xc__bounce_out(xch, buf, NULL, size);
	return ret < 0 ? -1 : 0;
}

int xc_domain_populate_physmap(xc_interface *xch, uint32_t domid, unsigned long nr_extents,
			       unsigned int extent_order, unsigned int mem_flags,
			       xen_pfn_t *extent_start)
{
	size_t size = nr_extents * sizeof(xen_pfn_t);
	struct xen_memory_reservation r;
	void *buf;
	long ret;

	if (!extent_start || !nr_extents || nr_extents > (~(size_t)0) / sizeof(xen_pfn_t)) {
		errno = EINVAL;
		return -1;
	}
	buf = xc__bounce_in(xch, extent_start, size);
	if (!buf)
		return -1;
	memset(&r, 0, sizeof(r));
	set_xen_guest_handle(r.extent_start, buf);
	r.nr_extents = nr_extents;
	r.extent_order = extent_order;
	r.mem_flags = mem_flags;
	r.domid = (domid_t)domid;
	ret = xc__memory_op(xch, XENMEM_populate_physmap, &r, sizeof(r));
	xc__bounce_out(xch, buf, ret > 0 ? extent_start : NULL, size);
	return (int)ret;
}

int xc_domain_populate_physmap_exact(xc_interface *xch, uint32_t domid, unsigned long nr_extents,
				     unsigned int extent_order, unsigned int mem_flags,
				     xen_pfn_t *extent_start)
{
	int done = xc_domain_populate_physmap(xch, domid, nr_extents, extent_order, mem_flags,
					      extent_start);

	if (done < 0)
		return -1;
	if ((unsigned long)done != nr_extents) {
		/* As Xen: a short count is ENOMEM (what was done stays populated). */
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int xc_domain_remove_from_physmap(xc_interface *xch, uint32_t domid, xen_pfn_t gpfn)
{
	struct xen_remove_from_physmap x = {.domid = (domid_t)domid, .gpfn = gpfn};

	return xc__memory_op(xch, XENMEM_remove_from_physmap, &x, sizeof(x)) < 0 ? -1 : 0;
}

static int hvm_param(xc_interface *xch, unsigned long op, struct xen_hvm_param *p)
{
	void *buf = xc__bounce_in(xch, p, sizeof(*p));
	long ret;

	if (!buf)
		return -1;
	ret = xc__hypercall(xch, __HYPERVISOR_hvm_op, op, (unsigned long)buf, 0);
	xc__bounce_out(xch, buf, ret < 0 ? NULL : p, sizeof(*p));
	return ret < 0 ? -1 : 0;
}

int xc_hvm_param_set(xc_interface *handle, uint32_t dom, uint32_t param, uint64_t value)
{
	struct xen_hvm_param p = {.domid = (domid_t)dom, .index = param, .value = value};

	return hvm_param(handle, HVMOP_set_param, &p);
}

int xc_hvm_param_get(xc_interface *handle, uint32_t dom, uint32_t param, uint64_t *value)
{
	struct xen_hvm_param p = {.domid = (domid_t)dom, .index = param};

	if (!value) {
		errno = EINVAL;
		return -1;
	}
	if (hvm_param(handle, HVMOP_get_param, &p))
		return -1;
	*value = p.value;
	return 0;
}

xc_evtchn_port_or_error_t xc_evtchn_alloc_unbound(xc_interface *xch, uint32_t dom,
						  uint32_t remote_dom)
{
	struct evtchn_alloc_unbound a = {.dom = (domid_t)dom, .remote_dom = (domid_t)remote_dom};
	void *buf = xc__bounce_in(xch, &a, sizeof(a));
	long ret;

	if (!buf)
		return -1;
	ret = xc__hypercall(xch, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound,
			    (unsigned long)buf, 0);
	xc__bounce_out(xch, buf, ret < 0 ? NULL : &a, sizeof(a));
	return ret < 0 ? -1 : (xc_evtchn_port_or_error_t)a.port;
}
