/*
 * Hypercall dispatch (common/hypercall.c): one table indexed by hypercall
 * number. Each entry carries the handler and the role the caller needs for
 * the whole hypercall; finer checks (per sub-op, per target domain) are made
 * by the handler through tessera/privilege.h. Arguments arrive as the
 * guest's registers; handlers convert them.
 *
 * Continuations: a long operation checks hypercall_preempt_check() and, when
 * it should stop, returns hypercall_create_continuation(...) with updated
 * arguments. The arch then re-executes the hypercall instruction with them,
 * so the guest sees one call.
 */
#ifndef TESSERA_HYPERCALL_H
#define TESSERA_HYPERCALL_H

#include <tessera/types.h>

#define HYPERCALL_MAX_ARGS 5
#define NR_HYPERCALLS 64

struct hypercall_args {
	unsigned long a[HYPERCALL_MAX_ARGS]; /* rdi, rsi, rdx, r10, r8 (64-bit guests) */
};

typedef long hypercall_fn(const struct hypercall_args *args);

struct hypercall_entry {
	hypercall_fn *fn;
	const char *name;
	uint32_t roles_needed; /* ROLE_* bits the caller needs (any of them); 0 = any domain */
};

/*
 * Run hypercall nr for the current vCPU. Returns the value for the guest's
 * rax: >= 0, a negative Xen errno, or -ERESTART when a continuation was set
 * up (args updated in place: the arch re-executes with them).
 */
long hypercall_dispatch(unsigned long nr, struct hypercall_args *args);

/* Internal "restart me" code, never seen by guests. */
#define ERESTART 85

/* Should a long operation stop now (softirq pending, or time slice over)? */
bool hypercall_preempt_check(void);

/*
 * Record the continuation: the hypercall nr restarts with these arguments
 * ("format" letters, one per argument: 'i' int, 'l' long, 'h' handle/pointer).
 * Returns -ERESTART for the handler to return.
 */
long hypercall_create_continuation(unsigned int nr, const char *format, ...);

/* Handlers, one per hypercall number we implement (do_<name>). */
hypercall_fn do_memory_op, do_xen_version, do_console_io, do_grant_table_op, do_vcpu_op,
    do_sched_op, do_event_channel_op, do_hvm_op, do_sysctl, do_domctl, do_set_timer_op,
    do_multicall;

#endif
