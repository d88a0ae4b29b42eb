/*
 * Test-only helpers of the conformance kernels (conf.h): own domid,
 * privilege, holes in the physmap, raw event channel calls.
 *
 * The domid: a PVH guest has no hypercall that names it directly (Linux
 * reads it from xenstore). Xen's evtchn_alloc_unbound records DOMID_SELF
 * as remote_dom by the caller's real id, and EVTCHNOP_status reports it,
 * so an unbound port for ourselves tells us who we are on both
 * hypervisors.
 *
 * Locking: none (one vCPU, tests run one at a time).
 */
#include "conf.h"

long conf_evtchn_status(domid_t dom, evtchn_port_t port, struct evtchn_status *st)
{
	memset(st, 0, sizeof(*st));
	st->dom = dom;
	st->port = port;
	return HYPERVISOR_event_channel_op(EVTCHNOP_status, st);
}

long conf_evtchn_close(evtchn_port_t port)
{
	struct evtchn_close op = {.port = port};

	return HYPERVISOR_event_channel_op(EVTCHNOP_close, &op);
}

long conf_evtchn_alloc(domid_t remote, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound op = {.dom = DOMID_SELF, .remote_dom = remote};
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op);

	if (!rc)
		*port = op.port;
	return rc;
}

domid_t conf_domid(void)
{
	static int known;
	static domid_t self;
	struct evtchn_status st;
	evtchn_port_t port;

	if (known)
		return self;
	if (conf_evtchn_alloc(DOMID_SELF, &port))
		uk_panic("conf: EVTCHNOP_alloc_unbound for ourselves failed");
	if (conf_evtchn_status(DOMID_SELF, port, &st) || st.status != EVTCHNSTAT_unbound)
		uk_panic("conf: EVTCHNOP_status of port %u failed", port);
	self = st.u.unbound.dom;
	conf_evtchn_close(port);
	known = 1;
	return self;
}

uint32_t conf_features(void)
{
	struct xen_feature_info fi = {.submap_idx = 0};

	if (HYPERVISOR_xen_version(XENVER_get_features, &fi))
		return 0;
	return fi.submap;
}

int conf_privileged(void)
{
	return !!(conf_features() & (1u << XENFEAT_dom0));
}

static long reservation(unsigned int cmd, unsigned long gfn)
{
	xen_pfn_t frame = gfn;
	struct xen_memory_reservation r = {.nr_extents = 1, .extent_order = 0, .domid = DOMID_SELF};

	set_xen_guest_handle(r.extent_start, &frame);
	return HYPERVISOR_memory_op(cmd, &r);
}

long conf_decrease(unsigned long gfn)
{
	return reservation(XENMEM_decrease_reservation, gfn);
}

long conf_populate(unsigned long gfn)
{
	return reservation(XENMEM_populate_physmap, gfn);
}

long conf_renew(void *p)
{
	conf_decrease(virt_to_gfn(p));
	return conf_populate(virt_to_gfn(p));
}

void *conf_hole(void)
{
	void *p = page_alloc(0);

	if (!p)
		return NULL;
	if (conf_decrease(virt_to_gfn(p)) != 1) {
		page_free(p, 0);
		return NULL;
	}
	return p;
}

int conf_hole_fill(void *p)
{
	if (conf_populate(virt_to_gfn(p)) != 1)
		return -ENOMEM; /* leave the page out of the allocator: it has no frame */
	memset(p, 0, PAGE_SIZE);
	page_free(p, 0);
	return 0;
}

/*
 * One instruction that may fault, through uk_fault_catch: the asm arms the
 * catch with the address after the instruction, which the trap handler
 * resumes at. Each returns the vector taken, or -1.
 */
#define CONF_ARM "lea 1f(%%rip), %%r11\n\tmov %%r11, %[resume]\n\t"

int conf_rdmsr(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;

	uk_fault_catch.vector = -1;
	asm volatile(CONF_ARM "rdmsr\n1:"
		     : "+a"(lo), "+d"(hi), [resume] "=m"(uk_fault_catch.resume)
		     : "c"(msr)
		     : "r11", "memory");
	uk_fault_catch.resume = 0;
	*val = ((uint64_t)hi << 32) | lo;
	return uk_fault_catch.vector;
}

int conf_wrmsr(uint32_t msr, uint64_t val)
{
	uk_fault_catch.vector = -1;
	asm volatile(CONF_ARM "wrmsr\n1:"
		     : [resume] "=m"(uk_fault_catch.resume)
		     : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
		     : "r11", "memory");
	uk_fault_catch.resume = 0;
	return uk_fault_catch.vector;
}

uint64_t conf_read_cr4(void)
{
	uint64_t v;

	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

int conf_write_cr4(uint64_t val)
{
	uk_fault_catch.vector = -1;
	asm volatile(CONF_ARM "mov %[v], %%cr4\n1:"
		     : [resume] "=m"(uk_fault_catch.resume)
		     : [v] "r"(val)
		     : "r11", "memory");
	uk_fault_catch.resume = 0;
	return uk_fault_catch.vector;
}

int conf_rdtscp(uint64_t *tsc, uint32_t *aux)
{
	uint32_t lo = 0, hi = 0, c = 0;

	uk_fault_catch.vector = -1;
	asm volatile(CONF_ARM "rdtscp\n1:"
		     : "+a"(lo), "+d"(hi), "+c"(c), [resume] "=m"(uk_fault_catch.resume)
		     :
		     : "r11", "memory");
	uk_fault_catch.resume = 0;
	*tsc = ((uint64_t)hi << 32) | lo;
	*aux = c;
	return uk_fault_catch.vector;
}

int conf_rdpmc(uint32_t ctr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;

	uk_fault_catch.vector = -1;
	asm volatile(CONF_ARM "rdpmc\n1:"
		     : "+a"(lo), "+d"(hi), [resume] "=m"(uk_fault_catch.resume)
		     : "c"(ctr)
		     : "r11", "memory");
	uk_fault_catch.resume = 0;
	*val = ((uint64_t)hi << 32) | lo;
	return uk_fault_catch.vector;
}

int conf_wbinvd(void)
{
	uk_fault_catch.vector = -1;
	asm volatile(CONF_ARM "wbinvd\n1:"
		     : [resume] "=m"(uk_fault_catch.resume)
		     :
		     : "r11", "memory");
	uk_fault_catch.resume = 0;
	return uk_fault_catch.vector;
}
