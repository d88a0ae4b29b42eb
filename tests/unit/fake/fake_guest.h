/*
 * Fake guest memory and the fake arch hooks of the ABI core, for host unit
 * tests of hypercall handlers.
 *
 * Each domain given fake memory (fake_guest_attach) sees a flat buffer at
 * guest virtual address FAKE_GUEST_BASE; its vCPUs share it. arch_copy_*
 * copy within that buffer and fail (bytes not copied) outside it or past its
 * end, byte-exactly. Tests allocate guest structures in it, set the current
 * vCPU (whose domain is the hypercall's caller), and make hypercalls with
 * fake_hypercall(), which re-executes continuations as the arch does.
 *
 * Typical test:
 *   fake_abi_setup(4096);                          // fake machine, scheduler, guests
 *   domain_create(1, &args, &d); fake_guest_attach(d, 0); fake_set_current(d->vcpu[0]);
 *   struct evtchn_alloc_unbound *op; uint64_t gva = fake_guest_alloc(d, sizeof(*op), (void **)&op);
 *   ... fill *op ...; rc = fake_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound,
 * gva); fake_abi_teardown();                           // kills every domain, checks for leaks
 */
#ifndef FAKE_GUEST_H
#define FAKE_GUEST_H

#include <tessera/domain.h>
#include <tessera/hypercall.h>
#include <tessera/p2m.h>
#include <public/xen.h>

#define FAKE_GUEST_BASE 0x0000100000000000UL
#define FAKE_GUEST_DEFAULT_SIZE (256 * 1024)
#define FAKE_GUEST_MAX 16 /* domains with fake memory at once */

/*
 * A fresh fake machine of nr_frames frames (all in the heap), the scheduler
 * (once per process), no current vCPU, empty logs; records the free page
 * count for fake_abi_teardown's leak check.
 */
void fake_abi_setup(unsigned long nr_frames);
/*
 * Kill and release every domain still on the list (resuming -ERESTART), drop
 * the fake guest memory, and check the heap is back to its count at setup.
 * Returns the number of frames leaked (0 = fine); tests CU_ASSERT it.
 */
long fake_abi_teardown(void);
/* Free frames right after fake_abi_setup. */
extern unsigned long fake_abi_free_at_setup;

/* Give d (size bytes, 0 = default) of zeroed fake guest memory; replaces any it had. */
void fake_guest_attach(struct domain *d, size_t size);
/* Forget d's memory (done by fake_abi_teardown for all). */
void fake_guest_detach(struct domain *d);
/* Allocate size bytes (16-aligned, zeroed) in d's memory: the guest address; *host (if host) its
 * host view. */
uint64_t fake_guest_alloc(struct domain *d, size_t size, void **host);
/* Copy size bytes from src into fresh guest memory of d: the guest address. */
uint64_t fake_guest_put(struct domain *d, const void *src, size_t size);
/* The host view of guest address gva of d, or NULL outside its buffer. */
void *fake_guest_host(struct domain *d, uint64_t gva);
/* The end (one past the last byte) of d's buffer, as a guest address. */
uint64_t fake_guest_end(struct domain *d);

/* Make v the current vCPU of the current fake CPU; returns the previous one. */
struct vcpu *fake_set_current(struct vcpu *v);

/*
 * Failure injection for copies: after this many more successful
 * arch_copy_* calls, the next one fails whole (returns len); -1 = never.
 */
extern long fake_copy_fail_after;
extern unsigned long fake_copy_from_calls, fake_copy_to_calls;

/* arch_p2m_update log: calls made, the last call's arguments; fail_next makes the next return it.
 */
struct fake_p2m_call {
	struct domain *d;
	gfn_t gfn;
	mfn_t mfn;
	enum p2m_type t;
	unsigned int order;
};
extern unsigned long fake_p2m_update_calls;
extern struct fake_p2m_call fake_p2m_last;
extern int fake_p2m_update_fail_next;

/* arch_vcpu_kick log (the fake also wakes a blocked vCPU, as the x86 hook does). */
extern unsigned long fake_vcpu_kicks;
extern struct vcpu *fake_vcpu_last_kicked;

/*
 * Preemption: hypercall_preempt_check() is true when a softirq is pending on
 * this CPU. fake_preempt_after(n): the check answers false n more times, then
 * true once (and again after another n), until fake_preempt_after(-1).
 */
void fake_preempt_after(long n);
extern unsigned long fake_preempt_checks;

/*
 * Make hypercall nr with up to five arguments as the current vCPU, as the
 * arch would: re-dispatch while it returns -ERESTART (a continuation), with
 * the arguments the continuation stored. fake_hypercall_restarts counts the
 * re-executions of the last call.
 */
long fake_hypercall(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2,
		    unsigned long a3, unsigned long a4);
#define fake_hypercall2(nr, a0, a1) fake_hypercall((nr), (a0), (a1), 0, 0, 0)
#define fake_hypercall3(nr, a0, a1, a2) fake_hypercall((nr), (a0), (a1), (a2), 0, 0)
extern unsigned long fake_hypercall_restarts;

/*
 * Test handlers behind two hypercall numbers of the host-test table:
 * FAKE_HC_OPEN (any caller) and FAKE_HC_CONTROL (control role needed).
 * Set the function pointers; NULL answers -ENOSYS.
 */
#define FAKE_HC_OPEN __HYPERVISOR_arch_6
#define FAKE_HC_CONTROL __HYPERVISOR_arch_7
extern hypercall_fn *fake_hc_open_fn, *fake_hc_control_fn;
hypercall_fn fake_hc_open, fake_hc_control;

/* A default domain_create_args for tests (PVH, 1 vCPU, guest role). */
struct domain_create_args fake_domain_args(const char *name, uint32_t roles, unsigned int vcpus);
/* domain_create + fake_guest_attach(d, 0); NULL on failure. */
struct domain *fake_domain_create(domid_t domid, uint32_t roles, unsigned int vcpus);
/* Run domain_kill to completion (resuming -ERESTART). */
void fake_domain_kill(struct domain *d);

#endif
