/*
 * HYPERVISOR_multicall(call_list, nr_calls): run a batch of hypercalls in
 * one trap, as Xen 4.17's do_multicall (xen/common/multicall.c). Each entry
 * { op, result, args[6] } is copied in once, run through the dispatcher
 * exactly as if the guest had made it (same privilege checks), and its
 * result written back to the entry's result field. The multicall itself
 * returns 0 once every entry ran (their own failures are in their
 * results), or -EFAULT if the list cannot be read or a result not written.
 *
 * Preemption: between entries, if the CPU is wanted elsewhere, the
 * multicall continues later with the remaining entries. An entry that
 * itself continues (returns -ERESTART) gets its updated arguments written
 * back into its own entry, and the multicall continues from that entry.
 *
 * A multicall inside a multicall is refused with -EINVAL in that entry's
 * result, as Xen's re-entry check gives.
 *
 * Locking: none; all state is the current vCPU's hypercall.
 */
#include <public/xen.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/guest_access.h>
#include <tessera/hypercall.h>

long do_multicall(const struct hypercall_args *args)
{
	/* The guest's address, as an integer: no C pointer arithmetic on it (guest_access.h). */
	uintptr_t list = (uintptr_t)args->a[0];
	uint32_t nr_calls = (uint32_t)args->a[1];
	uint32_t i;

	for (i = 0; i < nr_calls; i++, list += sizeof(multicall_entry_t)) {
		struct hypercall_args sub = {{0}};
		multicall_entry_t call;
		long ret;

		if (i && hypercall_preempt_check())
			goto preempted;
		if (raw_copy_from_guest(&call, (const void *)list, sizeof(call)))
			return -EFAULT;
		for (unsigned int a = 0; a < HYPERCALL_MAX_ARGS; a++)
			sub.a[a] = call.args[a];

		if (call.op == __HYPERVISOR_multicall)
			ret = -EINVAL; /* no nesting */
		else
			ret = hypercall_dispatch(call.op, &sub);

		if (ret == -ERESTART) {
			/* The entry continues: its new arguments replace the old ones in the
			 * guest's list. */
			for (unsigned int a = 0; a < HYPERCALL_MAX_ARGS; a++)
				call.args[a] = sub.a[a];
			if (raw_copy_to_guest((void *)list, &call, sizeof(call)))
				return -EFAULT;
			goto preempted;
		}
		call.result = (xen_ulong_t)ret;
		/* By address arithmetic: the guest's list need not be aligned. */
		if (raw_copy_to_guest((void *)(list + offsetof(multicall_entry_t, result)),
				      &call.result, sizeof(call.result)))
			return -EFAULT;
	}
	return 0;

preempted:
	return hypercall_create_continuation(__HYPERVISOR_multicall, "hi", (void *)list,
					     nr_calls - i);
}
