/*
 * Domains and vCPUs: what the scheduler needs, and the ABI state that
 * hypercalls act on (memory, event channels, grant tables, params).
 *
 * Locking: a vCPU's scheduling fields (processor, is_running, sched_priv,
 * runstate) change under the schedule lock of the CPU it is assigned to
 * (see tessera/sched.h); pause_flags change by atomic bit operations.
 */
#ifndef TESSERA_DOMAIN_H
#define TESSERA_DOMAIN_H

#include <asm/domain.h> /* struct arch_vcpu, struct arch_domain */
#include <tessera/bitmap.h>
#include <tessera/list.h>
#include <tessera/percpu.h>
#include <tessera/spinlock.h>
#include <tessera/types.h>

struct vcpu_info;
struct shared_info;
struct page_info;

typedef uint16_t domid_t;

/* DOMID_* (the idle domain owns one idle vCPU per CPU: DOMID_IDLE) come from the ABI. */
#include <public/xen.h>

/* Runstates, with the values of the ABI's RUNSTATE_* (so they copy out unchanged). */
enum vcpu_runstate_state {
	VCPU_RUNSTATE_RUNNING = 0,  /* on a CPU */
	VCPU_RUNSTATE_RUNNABLE = 1, /* ready, waiting for a CPU */
	VCPU_RUNSTATE_BLOCKED = 2,  /* waiting for an event */
	VCPU_RUNSTATE_OFFLINE = 3,  /* down, or paused by the system */
	VCPU_RUNSTATE_COUNT = 4,
};

struct vcpu_runstate {
	int state;			    /* enum vcpu_runstate_state */
	s_time_t state_entry_time;	    /* when it entered state (system time) */
	s_time_t time[VCPU_RUNSTATE_COUNT]; /* ns spent in each state, up to state_entry_time */
};

/* Bits of vcpu->pause_flags: each is a reason the vCPU may not run. */
#define VPF_blocked 0 /* waiting for an event (SCHEDOP_block) */
#define VPF_down 1    /* not brought up yet, or taken down (VCPUOP_down) */

struct domain;
struct evtchn_domain;
struct grant_table;
struct p2m;
struct timer;
struct vcpu_hvm_context;

/* Roles (DESIGN.md section 2): what a domain may do beyond its own resources. */
#define ROLE_CONTROL (1u << 0)	/* domctl/sysctl, foreign mappings, creating domains */
#define ROLE_XENSTORE (1u << 1) /* introduce/release domains, map store rings */
#define ROLE_HARDWARE (1u << 2) /* I/O ports, MMIO, physical IRQs */
#define ROLE_GUEST 0u		/* no role: its own resources and what others grant it */

/* How a domain runs: the same numbers as the boot bundle's modes. */
enum guest_mode {
	GUEST_MODE_PVH = 1,
	GUEST_MODE_PV = 2,
	GUEST_MODE_HVM = 3,
};

/* Life cycle of a domain (Xen's is_dying). */
enum domain_state {
	DOMAIN_ALIVE = 0,
	DOMAIN_DYING = 1, /* destroy started: resources being released, may continue */
	DOMAIN_DEAD = 2,  /* everything released; the struct goes when the last reference does */
};

struct vcpu {
	unsigned int vcpu_id;
	unsigned int processor; /* CPU it runs on or is queued for */
	struct domain *domain;
	bool is_running;	   /* on its CPU right now (set by schedule()) */
	unsigned long pause_flags; /* VPF_* bits; runnable when none is set */
	void *sched_priv;	   /* the scheduler's per-vCPU data */
	struct vcpu_runstate runstate;

	/* --- ABI state (common/domain.c, event channels, vcpu_op) --- */
	int pause_count;	     /* domain_pause/vcpu_pause nesting: VPF_paused while > 0 */
	struct vcpu_info *vcpu_info; /* where the guest sees it: in shared_info or registered */
	struct page_info *vcpu_info_page; /* page holding a registered vcpu_info (a reference) */
	uint16_t virq_to_evtchn[64]; /* NR_VIRQS: port bound to each VIRQ on this vCPU, 0 = none */
	int poll_evtchn;	     /* SCHEDOP_poll: the single port polled, -1 for several */
	struct timer *singleshot_timer; /* VCPUOP_set_singleshot_timer / set_timer_op */
	bool is_initialised;		/* has a context (VCPUOP_initialise or the builder) */
	/* --- guest services (common/sched_op.c, vcpu_op.c); see vcpu_op_destroy() --- */
	struct timer *poll_timer;     /* SCHEDOP_poll timeout (allocated on first use) */
	struct timer *periodic_timer; /* VCPUOP_set_periodic_timer (allocated on first use) */
	s_time_t periodic_period;     /* its period in ns; 0 = stopped */
	uint64_t runstate_guest;      /* VCPUOP_register_runstate_memory_area: guest VA, 0 = none */
	/* VCPUOP_initialise of a PVH/HVM vCPU: the validated context for the arch to load
	 * before the vCPU first runs (it frees it and sets the pointer NULL); owned by v. */
	struct vcpu_hvm_context *hvm_init_ctx;
	struct arch_vcpu arch; /* the arch's state (x86: asm/domain.h) */
};

/* Bits of vcpu->pause_flags beyond the scheduler's. */
#define VPF_paused 2  /* paused by domain_pause/vcpu_pause (count in pause_count) */
#define VPF_polling 3 /* in SCHEDOP_poll */

/*
 * A guest's CONSOLEIO_write state (common/console_io.c): the line being
 * assembled until its newline, and a token bucket limiting its bytes/second.
 * All zero at creation is the valid initial state, but for the lock's level
 * (domain_create).
 */
#define DOMAIN_CONSOLE_LINE 160
struct domain_console {
	spinlock_t lock;
	bool primed;  /* bucket filled once (first write) */
	uint16_t len; /* bytes in line */
	char line[DOMAIN_CONSOLE_LINE];
	uint32_t tokens;      /* bytes that may be printed now */
	s_time_t refill_time; /* when tokens were last topped up */
	uint64_t dropped;     /* bytes dropped since the last report */
};

struct e820entry;

struct domain {
	domid_t domain_id;
	unsigned int max_vcpus;
	struct vcpu **vcpu; /* max_vcpus entries; NULL where not created */

	/* --- ABI state (common/domain.c) --- */
	char name[32];	/* the boot plan's name; "" if not built at boot */
	uint32_t roles; /* ROLE_* bits */
	enum guest_mode mode;
	bool auto_translated;	/* guest frame numbers go through the p2m (PVH, HVM) */
	uint8_t handle[16];	/* xen_domain_handle_t: the toolstack's UUID */
	spinlock_t domain_lock; /* state, pause and shutdown fields below */
	int refcnt;		/* references: the domain list holds one while alive */
	enum domain_state state;
	struct domain *next_in_list; /* the domain list, sorted by domid */

	int pause_count; /* domain_pause nesting */
	unsigned int
	    controller_pause_count; /* outstanding domctl pauses (each also in pause_count) */
	bool is_shutting_down;	    /* SCHEDOP_shutdown received */
	bool is_shut_down;	    /* every vCPU has stopped after a shutdown */
	uint8_t shutdown_code;	    /* SHUTDOWN_* reason, valid when is_shutting_down */

	spinlock_t page_alloc_lock; /* page_list, tot_pages, max_pages */
	struct list_head page_list; /* frames the domain owns (PGC_allocated) */
	unsigned long tot_pages;    /* frames owned */
	unsigned long max_pages;    /* limit (domctl max_mem); 0 until set */

	struct shared_info *shared_info; /* one xenheap page shared with the guest */
	bool shared_info_mapped;	 /* shared_info is in the physmap, at shared_info_gfn */
	gfn_t shared_info_gfn;		 /* (physmap_lock; memory.c) */
	struct evtchn_domain *evtchn;	 /* event channels (common/event_channel.c) */
	spinlock_t event_lock; /* guards evtchn and every port of d (common/event_channel.c);
				* outlives the table, so others may lock it while d dies */
	struct grant_table *grant_table; /* common/grant_table.c */
	struct p2m *p2m;	     /* guest-physical map when auto_translated (common/p2m.c) */
	unsigned long paging_pages;  /* p2m nodes + NPT tables held, charged to d (p2m.c) */
	uint64_t hvm_params[40];     /* HVM_NR_PARAMS: HVM_PARAM_* values (hvm_op) */
	int64_t time_offset_seconds; /* wallclock offset (domctl settimeoffset) */
	/* --- sched_op (common/sched_op.c) --- */
	bool shutdown_code_set;	    /* SCHEDOP_shutdown_code stored shutdown_code ahead of a
				     * shutdown: domain_shutdown keeps it (domain_lock) */
	unsigned int teardown_step; /* domain_kill progress, so -ERESTART resumes (domain.c) */
	bool teardown_busy;	    /* a domain_kill call is running (domain_lock) */
	/* --- memory_op (common/memory.c) --- */
	spinlock_t physmap_lock; /* serialises memory_op's physmap changes (outside p2m lock) */
	struct e820entry *memory_map; /* XENMEM_memory_map: set by the builder/toolstack */
	unsigned int nr_memory_map;   /* entries in memory_map; 0 = none set */
	/* --- console_io (common/console_io.c) --- */
	struct domain_console console;
	/* --- exit policy (common/domain_exit.c) --- */
	uint8_t exit_policy;	 /* enum domain_exit_policy: what follows a shutdown */
	struct arch_domain arch; /* the arch's state (x86: asm/domain.h) */
};

/* Creation parameters (domctl createdomain, the boot builder). */
struct domain_create_args {
	const char *name;
	uint32_t roles;
	enum guest_mode mode;
	unsigned int max_vcpus;	      /* 1..MAX_VIRT_CPUS */
	unsigned long max_pages;      /* 0 = no limit until domctl max_mem */
	uint32_t max_evtchn_port;     /* 0 = the default (Xen: 1023 for the 2-level ABI) */
	uint32_t max_grant_frames;    /* 0 = the default (Xen: 64) */
	uint32_t max_maptrack_frames; /* 0 = the default (Xen: 1024) */
	const uint8_t *handle;	      /* 16 bytes or NULL */
};

#define MAX_VIRT_CPUS 128

/*
 * Domain life cycle (common/domain.c). Locking: domlist_lock (irqsave) guards
 * the list and references taken through it; d->domain_lock the domain's state.
 */
/*
 * Create domain domid (DOMID_FIRST_RESERVED and above refused) with vCPU 0; 0 or
 * -EINVAL/-EEXIST/-ENOMEM. As in Xen, the new domain starts paused by its
 * controller (domain_unpause_by_controller starts it) and its vCPUs down.
 * *out (if out) is the domain WITHOUT an extra reference: it stays valid while
 * the domain is on the list; get_domain() to keep it past domain_kill().
 */
int domain_create(domid_t domid, const struct domain_create_args *args, struct domain **out);
/* A reference to the live domain domid, or NULL (not found, or dying). */
struct domain *get_domain_by_id(domid_t domid);
/* A reference to domain domid alive or dying (domctl destroydomain resuming, getdomaininfo). */
struct domain *get_domain_by_id_incl_dying(domid_t domid);
/* As above, with DOMID_SELF meaning the caller's domain. */
struct domain *get_domain_by_any_id(domid_t domid, struct domain *self);
/* Take another reference; false if the domain is dying. */
bool get_domain(struct domain *d);
/* Drop a reference; the last one of a dead domain frees it. */
void put_domain(struct domain *d);
/* Tear the domain down, releasing all it holds; -ERESTART to be called again (preemptible). */
int domain_kill(struct domain *d);
/* Record a shutdown reason (first one wins), stop its vCPUs, raise VIRQ_DOM_EXC. */
void domain_shutdown(struct domain *d, uint8_t reason);
/* Shut down with SHUTDOWN_crash and log why; never affects other domains. */
void domain_crash(struct domain *d, const char *why);
/* Counted pause/unpause of every vCPU (also for the hypervisor's own use). */
void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);
/*
 * domctl pause/unpause, counted as Xen's domain_(un)pause_by_systemcontroller:
 * -EOVERFLOW past DOMAIN_CONTROLLER_PAUSE_MAX outstanding pauses, -EINVAL
 * on an unpause with none outstanding. A new domain starts with one.
 */
#define DOMAIN_CONTROLLER_PAUSE_MAX 255
int domain_pause_by_controller(struct domain *d);
int domain_unpause_by_controller(struct domain *d);
/* Create vCPU id of d (down until brought up); NULL on failure. */
struct vcpu *vcpu_create(struct domain *d, unsigned int id);
/*
 * The per-vCPU state of sched_op/vcpu_op/set_timer_op/hvm_op (timers, a
 * registered vcpu_info page reference, the runstate area, a saved HVM
 * context): release it all. Idempotent; v must not be running. domain_kill
 * calls it after d's event channels are closed (no event delivery may still
 * write into the vcpu_info page it gives back), having stopped the timers
 * before they went (vcpu_time_destroy, sched_poll_destroy); also before
 * freeing v (common/vcpu_op.c).
 */
void vcpu_op_destroy(struct vcpu *v);
/* Copy v's runstate to its registered runstate area (VCPUOP_register_runstate_memory_area),
 * if any, through v's address space: the arch calls it for prev and next at a context switch. */
void vcpu_update_runstate_area(struct vcpu *v);
/* Counted pause of one vCPU (VPF_paused while its count is above zero). */
void vcpu_pause(struct vcpu *v);
void vcpu_unpause(struct vcpu *v);
/* Point v->vcpu_info back at its shared_info slot (ids >= 32: a write-only dummy). */
void vcpu_info_reset(struct vcpu *v);
/*
 * Iterate the domains on the list (alive and dying), in domid order. Each
 * returns a NEW reference (or NULL at the end) that the caller puts;
 * next_domain(d) needs a reference on d and works even if d left the list:
 *   for (d = first_domain(); d; d = n) { n = next_domain(d); ...; put_domain(d); }
 */
struct domain *first_domain(void);
struct domain *next_domain(struct domain *d);

/* The vCPU running on this CPU, and its domain. */
#define current (get_cpu_info()->curr)

static inline bool is_idle_domain(const struct domain *d)
{
	return d->domain_id == DOMID_IDLE;
}
static inline bool is_idle_vcpu(const struct vcpu *v)
{
	return is_idle_domain(v->domain);
}
static inline bool vcpu_runnable(const struct vcpu *v)
{
	return READ_ONCE(v->pause_flags) == 0;
}

#endif
