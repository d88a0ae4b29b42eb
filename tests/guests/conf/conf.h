/*
 * Helpers shared by the conformance test kernels (tests/guests/conf/, one per area),
 * test-only: things the unikernel's API does not offer because only a
 * test needs them (the caller's own domid, privilege detection, a gfn
 * with nothing behind it, addresses a hypercall must refuse).
 *
 * The same kernels run on Tessera (make test-guests: unprivileged boot
 * domains) and as the PVH dom0 of Xen 4.17 (make test-xen). A check whose
 * answer depends on privilege asks conf_privileged() and either expects
 * the privileged answer or skips (CONF_NEED_GUEST).
 *
 * Locking: none; tests run one at a time on one vCPU.
 */
#ifndef CONF_H
#define CONF_H

#include <public/event_channel.h>
#include <public/features.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <uk/events.h>
#include <uk/gnttab.h>
#include <uk/kernel.h>
#include <uk/sched.h>
#include <uk/test.h>
#include <uk/time.h>

/*
 * An address every hypercall must refuse with -EFAULT (never a crash):
 * 4 TiB is outside the guest's page tables (the unikernel maps the first
 * 4 GiB only), so the hypervisor's walk of them fails. The other kind,
 * a gfn with nothing behind it, comes from conf_hole(). (Non-canonical
 * addresses are no such test: Xen 4.17's walk for hypercall copies
 * ignores the upper bits, as the page tables' indices do.)
 */
#define CONF_BAD_VA ((void *)0x40000000000UL)

/* A domid no plan uses (below DOMID_FIRST_RESERVED, so "not found" rather than "reserved"). */
#define CONF_NO_DOMAIN ((domid_t)0x7fe0)
/* An event channel port beyond any 2-level table (4096 ports). */
#define CONF_BAD_PORT 5000u
/* A grant reference beyond any table (64 frames of 512 entries at most). */
#define CONF_BAD_REF 0xfffffu

/* The caller's own domid (DOMID_SELF is not accepted everywhere, e.g. a grant's domid). */
domid_t conf_domid(void);
/* XENFEAT_dom0: Xen's hardware domain (or Tessera's hardware role). */
int conf_privileged(void);
/* XENVER_get_features submap 0 (0 if the call fails). */
uint32_t conf_features(void);

/* Skips the rest of a test that needs an unprivileged caller. */
#define CONF_NEED_GUEST()                                                                          \
	do {                                                                                       \
		if (conf_privileged()) {                                                           \
			test_skip("needs an unprivileged guest (this domain has dom0's "           \
				  "privileges here)");                                             \
			return;                                                                    \
		}                                                                                  \
	} while (0)

/*
 * A page of ours whose gfn holds nothing: a fresh page given back with
 * XENMEM_decrease_reservation. conf_hole_fill() populates it again and
 * frees it. Touching a hole through its address reads all ones and drops
 * writes (as Xen's unclaimed MMIO; tests/guests/conf/cpu.c checks it).
 */
void *conf_hole(void);
int conf_hole_fill(void *p);

/*
 * A fresh frame at p's gfn, whatever is there now (our RAM or nothing):
 * decrease, then populate; returns populate's extents done (1 = fine).
 * For pages of ours whose gfn the hypervisor may have unhooked: Xen keeps
 * one gfn per frame of a domain, so mapping a grant of our own frame at
 * another gfn takes the frame away from its first gfn (Tessera keeps both).
 */
long conf_renew(void *p);

/* XENMEM_decrease_reservation / populate_physmap of one gfn: extents done (0 or 1). */
long conf_decrease(unsigned long gfn);
long conf_populate(unsigned long gfn);

/* Polls cond (yielding to other threads) until it holds or ms pass; returns cond. */
#define CONF_WAIT(cond, ms)                                                                        \
	({                                                                                         \
		s_time_t conf_end_ = NOW() + MILLISECS(ms);                                        \
		while (!(cond) && NOW() < conf_end_)                                               \
			thread_yield();                                                            \
		!!(cond);                                                                          \
	})

/* EVTCHNOP_status of (dom, port): the hypercall's result, st filled in. */
long conf_evtchn_status(domid_t dom, evtchn_port_t port, struct evtchn_status *st);
/* EVTCHNOP_close of a port (raw: no uk handler bookkeeping). */
long conf_evtchn_close(evtchn_port_t port);
/* EVTCHNOP_alloc_unbound for DOMID_SELF (raw, the port is not given a handler). */
long conf_evtchn_alloc(domid_t remote, evtchn_port_t *port);

/*
 * Privileged instructions that may fault (uk_fault_catch): each returns
 * the exception vector it raised, or -1 when it completed.
 */
#define CONF_NO_FAULT (-1)
int conf_rdmsr(uint32_t msr, uint64_t *val);
int conf_wrmsr(uint32_t msr, uint64_t val);
uint64_t conf_read_cr4(void);
int conf_write_cr4(uint64_t val);
int conf_rdtscp(uint64_t *tsc, uint32_t *aux);
int conf_rdpmc(uint32_t ctr, uint64_t *val);
int conf_wbinvd(void);

#endif /* CONF_H */
