/*
 * Hypercall dispatch (tessera/hypercall.h): one table indexed by the
 * __HYPERVISOR_* number, each entry the handler and the roles the caller
 * needs for the hypercall as a whole (finer checks, per sub-op and target,
 * are the handler's, through tessera/privilege.h). A number without a
 * handler is -ENOSYS, as Xen answers for hypercalls it does not implement.
 *
 * Continuations: the dispatcher records, per CPU, which call it is running
 * and where its arguments are; hypercall_create_continuation() rewrites
 * those arguments and the arch re-executes the hypercall with them (a
 * handler that returns -ERESTART without creating one restarts with its
 * arguments unchanged). Dispatches nest (multicall runs its entries
 * through hypercall_dispatch), so the record is saved and restored.
 *
 * Locking: none; the per-CPU record is only touched by its own CPU.
 */
#include <stdarg.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/hypercall.h>
#include <tessera/panic.h>
#include <tessera/percpu.h>
#include <tessera/softirq.h>
#include <public/xen.h>

#ifdef TESSERA_HOST_TEST
hypercall_fn fake_hc_open, fake_hc_control;
#endif

#define HC(nr_, fn_, roles_) [nr_] = {.fn = (fn_), .name = #fn_, .roles_needed = (roles_)}

/*
 * domctl and sysctl are the toolstack's: the control role for the whole
 * call (domctl also admits the xenstore role, for getdomaininfo alone).
 * Everything else is open to every domain and checks its targets.
 */
static const struct hypercall_entry hypercall_table[NR_HYPERCALLS] = {
    HC(__HYPERVISOR_memory_op, do_memory_op, 0),
    HC(__HYPERVISOR_xen_version, do_xen_version, 0),
    HC(__HYPERVISOR_console_io, do_console_io, 0),
    HC(__HYPERVISOR_set_timer_op, do_set_timer_op, 0),
    HC(__HYPERVISOR_grant_table_op, do_grant_table_op, 0),
    HC(__HYPERVISOR_event_channel_op, do_event_channel_op, 0),
    HC(__HYPERVISOR_sched_op, do_sched_op, 0),
    HC(__HYPERVISOR_vcpu_op, do_vcpu_op, 0),
    HC(__HYPERVISOR_hvm_op, do_hvm_op, 0),
    HC(__HYPERVISOR_multicall, do_multicall, 0),
    HC(__HYPERVISOR_sysctl, do_sysctl, ROLE_CONTROL),
    /* The xenstore domain's getdomaininfo: do_domctl checks the command (priv_domctl). */
    HC(__HYPERVISOR_domctl, do_domctl, ROLE_CONTROL | ROLE_XENSTORE),
#ifdef TESSERA_HOST_TEST
    /* Host tests only: two arch numbers run test handlers (tests/unit/fake/fake_guest.c). */
    HC(__HYPERVISOR_arch_6, fake_hc_open, 0),
    HC(__HYPERVISOR_arch_7, fake_hc_control, ROLE_CONTROL),
#endif
};

struct hypercall_state {
	unsigned long nr;
	struct hypercall_args *args;
	bool continued;
};

static DEFINE_PER_CPU(struct hypercall_state *, hypercall_running);

long hypercall_dispatch(unsigned long nr, struct hypercall_args *args)
{
	struct hypercall_state st = {.nr = nr, .args = args}, *outer;
	const struct hypercall_entry *e;
	struct vcpu *v = current;
	unsigned int locks_held = spin_debug_nr_held();
	long ret;

	BUG_ON(!v || is_idle_vcpu(v)); /* only a guest vCPU makes hypercalls */
	if (nr >= NR_HYPERCALLS)
		return -ENOSYS;
	e = &hypercall_table[nr];
	if (!e->fn)
		return -ENOSYS;
	if (e->roles_needed && !(v->domain->roles & e->roles_needed))
		return -EPERM;

	outer = this_cpu(hypercall_running);
	this_cpu(hypercall_running) = &st;
	ret = e->fn(args);
	this_cpu(hypercall_running) = outer;
	ASSERT(spin_debug_nr_held() == locks_held); /* no handler returns holding a lock */
	/* -ERESTART without a continuation: re-execute with the same arguments. */
	return ret;
}

bool hypercall_preempt_check(void)
{
	return softirq_pending(smp_processor_id()) != 0;
}

long hypercall_create_continuation(unsigned int nr, const char *format, ...)
{
	struct hypercall_state *st = this_cpu(hypercall_running);
	va_list ap;
	unsigned int i;

	/* Our own invariants: only a handler continues, and only itself. */
	BUG_ON(!st || st->nr != nr);
	va_start(ap, format);
	for (i = 0; format[i]; i++) {
		BUG_ON(i >= HYPERCALL_MAX_ARGS);
		switch (format[i]) {
		case 'i':
			st->args->a[i] = va_arg(ap, unsigned int);
			break;
		case 'l':
			st->args->a[i] = va_arg(ap, unsigned long);
			break;
		case 'h':
			st->args->a[i] = (unsigned long)(uintptr_t)va_arg(ap, void *);
			break;
		default:
			BUG();
		}
	}
	va_end(ap);
	st->continued = true;
	return -ERESTART;
}
