/*
 * Domains and vCPUs: the minimal core the scheduler needs. The domain and
 * ABI work extends these structures (memory, event channels, grant tables,
 * guest state); fields here keep their meaning.
 *
 * Locking: a vCPU's scheduling fields (processor, is_running, sched_priv,
 * runstate) change under the schedule lock of the CPU it is assigned to
 * (see tessera/sched.h); pause_flags change by atomic bit operations.
 */
#ifndef TESSERA_DOMAIN_H
#define TESSERA_DOMAIN_H

#include <tessera/bitmap.h>
#include <tessera/types.h>

typedef uint16_t domid_t;

/* The idle domain owns one idle vCPU per CPU (Xen's DOMID_IDLE value). */
#ifndef DOMID_IDLE
#define DOMID_IDLE 0x7FFFU
#endif

/* Runstates, with the values of the ABI's RUNSTATE_* (so they copy out unchanged). */
enum vcpu_runstate_state {
	VCPU_RUNSTATE_RUNNING = 0,  /* on a CPU */
	VCPU_RUNSTATE_RUNNABLE = 1, /* ready, waiting for a CPU */
	VCPU_RUNSTATE_BLOCKED = 2,  /* waiting for an event */
	VCPU_RUNSTATE_OFFLINE = 3,  /* down, or paused by the system */
	VCPU_RUNSTATE_COUNT = 4,
};

struct vcpu_runstate {
	int state;                              /* enum vcpu_runstate_state */
	s_time_t state_entry_time;              /* when it entered state (system time) */
	s_time_t time[VCPU_RUNSTATE_COUNT];     /* ns spent in each state, up to state_entry_time */
};

/* Bits of vcpu->pause_flags: each is a reason the vCPU may not run. */
#define VPF_blocked 0 /* waiting for an event (SCHEDOP_block) */
#define VPF_down 1    /* not brought up yet, or taken down (VCPUOP_down) */

struct domain;

struct vcpu {
	unsigned int vcpu_id;
	unsigned int processor;        /* CPU it runs on or is queued for */
	struct domain *domain;
	bool is_running;               /* on its CPU right now (set by schedule()) */
	unsigned long pause_flags;     /* VPF_* bits; runnable when none is set */
	void *sched_priv;              /* the scheduler's per-vCPU data */
	struct vcpu_runstate runstate;
};

struct domain {
	domid_t domain_id;
	unsigned int max_vcpus;
	struct vcpu **vcpu;            /* max_vcpus entries; NULL where not created */
};

static inline bool is_idle_domain(const struct domain *d) { return d->domain_id == DOMID_IDLE; }
static inline bool is_idle_vcpu(const struct vcpu *v) { return is_idle_domain(v->domain); }
static inline bool vcpu_runnable(const struct vcpu *v) { return READ_ONCE(v->pause_flags) == 0; }

#endif
