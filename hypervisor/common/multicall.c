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
	XEN_GUEST_HANDLE(multicall_entry_t)
	list = guest_handle_from_arg(args->a[0], multicall_entry_t);
	uint32_t nr_calls = (uint32_t)args->a[1];
	uint32_t i;

	for (i = 0; i < nr_calls; i++, guest_handle_add_offset(list, 1)) {
		struct hypercall_args sub = {{0}};
		multicall_entry_t call;
		long ret;

		if (i && hypercall_preempt_check())
			goto preempted;
		if (copy_from_guest(&call, list, 1))
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
			if (copy_to_guest(list, &call, 1))
				return -EFAULT;
			goto preempted;
		}
		call.result = (xen_ulong_t)ret;
		/* The field by offset (guest_access.h): the guest's list need not be aligned. */
		if (copy_field_to_guest(list, &call, result))
			return -EFAULT;
	}
	return 0;

preempted:
	return hypercall_create_continuation(__HYPERVISOR_multicall, "hi", list.p, nr_calls - i);
}
