/*
 * The evtchn suite's shared set-up (see evtchn_test.h): the fake machine,
 * domains with all their vCPUs and a scratch argument area each, one
 * wrapper per EVTCHNOP, and the guest's view of the 2-level state. The
 * tests themselves are in test_evtchn_{bind,send,close,random}.c.
 */
#include <string.h>

#include "evtchn_test.h"

UNIT_SUITE(evtchn);

#define NR_FRAMES 4096

/* One scratch argument area per domain, reused: long random runs do not exhaust guest memory. */
#define MAX_DOMID 8
static uint64_t scratch_gva[MAX_DOMID];
static void *scratch_host[MAX_DOMID];

void ev_setup(void)
{
	fake_abi_setup(NR_FRAMES);
	memset(scratch_gva, 0, sizeof(scratch_gva));
	memset(scratch_host, 0, sizeof(scratch_host));
}

void ev_teardown(void)
{
	CU_ASSERT_EQUAL(fake_abi_teardown(), 0);
}

/* domain_create makes vCPU 0; the tests want them all. */
static void ev_add_vcpus(struct domain *d)
{
	for (unsigned int i = 1; i < d->max_vcpus; i++)
		CU_ASSERT_PTR_NOT_NULL_FATAL(vcpu_create(d, i));
}

struct domain *ev_mkdom(domid_t id, uint32_t roles, unsigned int vcpus)
{
	struct domain *d = fake_domain_create(id, roles, vcpus);

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	ev_add_vcpus(d);
	scratch_gva[id] = fake_guest_alloc(d, 64, &scratch_host[id]);
	return d;
}

/* A domain made from args, with all its vCPUs and its scratch area. */
struct domain *ev_mkdom_with(domid_t id, const struct domain_create_args *args)
{
	struct domain *d = NULL;

	CU_ASSERT_EQUAL_FATAL(domain_create(id, args, &d), 0);
	fake_guest_attach(d, 0);
	ev_add_vcpus(d);
	scratch_gva[id] = fake_guest_alloc(d, 64, &scratch_host[id]);
	return d;
}

/* A domain with a given port limit. */
struct domain *ev_mkdom_limit(domid_t id, uint32_t max_port)
{
	struct domain_create_args args = fake_domain_args("lim", ROLE_GUEST, 1);

	args.max_evtchn_port = max_port;
	return ev_mkdom_with(id, &args);
}

/* Run EVTCHNOP cmd as d's vCPU vcpu with *op (size bytes) in guest memory; copy the result back. */
long evtop_on(struct domain *d, unsigned int vcpu, int cmd, void *op, size_t size)
{
	long rc;

	CU_ASSERT_FATAL(size <= 64);
	memcpy(scratch_host[d->domain_id], op, size);
	fake_set_current(d->vcpu[vcpu]);
	rc = fake_hypercall2(__HYPERVISOR_event_channel_op, (unsigned long)cmd,
			     scratch_gva[d->domain_id]);
	memcpy(op, scratch_host[d->domain_id], size);
	return rc;
}

long ev_alloc_unbound(struct domain *caller, domid_t dom, domid_t remote, uint32_t *port)
{
	struct evtchn_alloc_unbound op = {.dom = dom, .remote_dom = remote, .port = 0xdead};
	long rc = evtop(caller, EVTCHNOP_alloc_unbound, &op);

	if (port)
		*port = op.port;
	return rc;
}

long ev_bind_interdomain(struct domain *caller, domid_t rdom, uint32_t rport, uint32_t *lport)
{
	struct evtchn_bind_interdomain op = {.remote_dom = rdom, .remote_port = rport};
	long rc = evtop(caller, EVTCHNOP_bind_interdomain, &op);

	if (lport)
		*lport = op.local_port;
	return rc;
}

long ev_bind_virq(struct domain *caller, uint32_t virq, uint32_t vcpu, uint32_t *port)
{
	struct evtchn_bind_virq op = {.virq = virq, .vcpu = vcpu};
	long rc = evtop(caller, EVTCHNOP_bind_virq, &op);

	if (port)
		*port = op.port;
	return rc;
}

long ev_bind_ipi(struct domain *caller, uint32_t vcpu, uint32_t *port)
{
	struct evtchn_bind_ipi op = {.vcpu = vcpu};
	long rc = evtop(caller, EVTCHNOP_bind_ipi, &op);

	if (port)
		*port = op.port;
	return rc;
}

long ev_close(struct domain *caller, uint32_t port)
{
	struct evtchn_close op = {.port = port};

	return evtop(caller, EVTCHNOP_close, &op);
}

long ev_send(struct domain *caller, uint32_t port)
{
	struct evtchn_send op = {.port = port};

	return evtop(caller, EVTCHNOP_send, &op);
}

long ev_unmask(struct domain *caller, uint32_t port)
{
	struct evtchn_unmask op = {.port = port};

	return evtop(caller, EVTCHNOP_unmask, &op);
}

long ev_bind_vcpu(struct domain *caller, uint32_t port, uint32_t vcpu)
{
	struct evtchn_bind_vcpu op = {.port = port, .vcpu = vcpu};

	return evtop(caller, EVTCHNOP_bind_vcpu, &op);
}

long ev_reset(struct domain *caller, domid_t dom)
{
	struct evtchn_reset op = {.dom = dom};

	return evtop(caller, EVTCHNOP_reset, &op);
}

long ev_status(struct domain *caller, domid_t dom, uint32_t port, struct evtchn_status *out)
{
	struct evtchn_status op = {.dom = dom, .port = port, .status = 0xff};
	long rc = evtop(caller, EVTCHNOP_status, &op);

	if (out)
		*out = op;
	return rc;
}

/* The status of a port that must be readable; 0xff on failure. */
uint32_t ev_status_of(struct domain *d, uint32_t port)
{
	struct evtchn_status st;

	if (ev_status(d, DOMID_SELF, port, &st))
		return 0xff;
	return st.status;
}

/* --- the guest's view of the 2-level state --- */
bool ev_pending(struct domain *d, uint32_t port)
{
	return (d->shared_info->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

void ev_set_mask(struct domain *d, uint32_t port, bool on)
{
	if (on)
		d->shared_info->evtchn_mask[port / 64] |= 1UL << (port % 64);
	else
		d->shared_info->evtchn_mask[port / 64] &= ~(1UL << (port % 64));
}

bool ev_sel(struct vcpu *v, uint32_t port)
{
	return (v->vcpu_info->evtchn_pending_sel >> (port / 64)) & 1;
}

bool ev_upcall(struct vcpu *v)
{
	return v->vcpu_info->evtchn_upcall_pending != 0;
}

/* What a guest's upcall handler does: take everything, clear it. */
void ev_guest_ack_all(struct domain *d)
{
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		if (!d->vcpu[i])
			continue;
		d->vcpu[i]->vcpu_info->evtchn_upcall_pending = 0;
		d->vcpu[i]->vcpu_info->evtchn_pending_sel = 0;
	}
	memset(d->shared_info->evtchn_pending, 0, sizeof(d->shared_info->evtchn_pending));
}

/* Interdomain pair: b allocates for a, a binds; returns a's port, *bport b's. */
uint32_t ev_connect(struct domain *a, struct domain *b, uint32_t *bport)
{
	uint32_t rp = 0, lp = 0;

	CU_ASSERT_EQUAL_FATAL(ev_alloc_unbound(b, DOMID_SELF, a->domain_id, &rp), 0);
	CU_ASSERT_EQUAL_FATAL(ev_bind_interdomain(a, b->domain_id, rp, &lp), 0);
	if (bport)
		*bport = rp;
	return lp;
}
