/*
 * HYPERVISOR_hvm_op: parameters of PVH/HVM domains (HVM_PARAM_*) and the
 * few services such guests use (per-vCPU upcall vector, the time). As Xen
 * 4.17's do_hvm_op (xen/arch/x86/hvm/hvm.c), including who may touch which
 * parameter: hvm_allow_set_param/hvm_allow_get_param. Sub-ops that are
 * -ENOSYS are listed in docs/abi.md.
 *
 * Where params go: d->hvm_params[]; the HVM layer reads CALLBACK_IRQ and
 * v->arch.hvm.evtchn_upcall_vector when it delivers an upcall, and
 * arch_vcpu_kick() tells it to look again after either changes. Portable
 * apart from that field: the host unit tests compile it as it is
 * (tests/unit/misc.mk, test_hvm_op.c).
 *
 * Locking: a parameter is one 64-bit word, written with WRITE_ONCE and read
 * with READ_ONCE; concurrent setters of the same parameter race as in Xen
 * (last writer wins); the "set once" parameters are checked and set under
 * d->domain_lock so two setters cannot both pass the check.
 */
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/sched.h>
#include <public/xen.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/guest_access.h>
#include <tessera/hypercall.h>
#include <tessera/privilege.h>
#include <tessera/time.h>

_Static_assert(HVM_NR_PARAMS <= sizeof(((struct domain *)0)->hvm_params) / sizeof(uint64_t),
	       "d->hvm_params holds every HVM_PARAM_*");

/* The size of a 32-bit TSS, the least HVM_PARAM_VM86_TSS_SIZED may give. */
#define HVM_TSS32_SIZE 104
/* The most of one worth having: the TSS, a 256-bit redirection bitmap, a 64K-bit I/O bitmap, 1 pad
 * byte. */
#define HVM_TSS32_SIZE_MAX (HVM_TSS32_SIZE + 0x100 / 8 + 0x10000 / 8 + 1)
/* HVM_PARAM_VM86_TSS (legacy): the size old hvmloaders assume. */
#define HVM_VM86_TSS_LEGACY_SIZE 128

static bool hvm_domain(const struct domain *d)
{
	return d->mode != GUEST_MODE_PV;
}

/*
 * Which parameters the domain itself may read/write (Xen's lists); others
 * are for its controller only (-EPERM to the guest). Deprecated ones are
 * -EINVAL for everybody.
 */
static int hvm_param_access(const struct domain *d, uint32_t index, bool write)
{
	switch (index) {
	case HVM_PARAM_CALLBACK_IRQ:
	case HVM_PARAM_VM86_TSS:
	case HVM_PARAM_VM86_TSS_SIZED:
	case HVM_PARAM_ACPI_IOPORTS_LOCATION:
	case HVM_PARAM_VM_GENERATION_ID_ADDR:
	case HVM_PARAM_STORE_EVTCHN:
	case HVM_PARAM_CONSOLE_EVTCHN:
	case HVM_PARAM_X87_FIP_WIDTH:
		return 0;
	case HVM_PARAM_STORE_PFN:
	case HVM_PARAM_CONSOLE_PFN:
	case HVM_PARAM_ALTP2M:
		/* Readable by the guest (how it finds its rings), set by the toolstack. */
		if (!write)
			return 0;
		break;
	case HVM_PARAM_PAE_ENABLED:
	case HVM_PARAM_DM_DOMAIN:
	case HVM_PARAM_MEMORY_EVENT_CR0:
	case HVM_PARAM_MEMORY_EVENT_CR3:
	case HVM_PARAM_MEMORY_EVENT_CR4:
	case HVM_PARAM_MEMORY_EVENT_INT3:
	case HVM_PARAM_NESTEDHVM:
	case HVM_PARAM_MEMORY_EVENT_SINGLE_STEP:
	case HVM_PARAM_BUFIOREQ_EVTCHN:
	case HVM_PARAM_MEMORY_EVENT_MSR:
		return -EINVAL;
	default:
		break;
	}
	return d == current->domain ? -EPERM : 0;
}

static bool hvm_param_set_once(uint32_t index)
{
	switch (index) {
	case HVM_PARAM_VIRIDIAN:
	case HVM_PARAM_IOREQ_PFN:
	case HVM_PARAM_BUFIOREQ_PFN:
	case HVM_PARAM_IOREQ_SERVER_PFN:
	case HVM_PARAM_NR_IOREQ_SERVER_PAGES:
	case HVM_PARAM_ALTP2M:
	case HVM_PARAM_MCA_CAP:
		return true;
	default:
		return false;
	}
}

/* The upcall may now go another way: have the arch re-evaluate every vCPU with one pending. */
static void hvm_kick_pending(struct domain *d)
{
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = READ_ONCE(d->vcpu[i]);

		if (v && v->vcpu_info && READ_ONCE(v->vcpu_info->evtchn_upcall_pending))
			arch_vcpu_kick(v);
	}
}

/*
 * Check (and for a few, transform) the value for index, as Xen's
 * hvm_set_param; on success index and value say what to store.
 */
static int hvm_param_check(struct domain *d, uint32_t *index, uint64_t *value)
{
	uint64_t v = *value;

	switch (*index) {
	case HVM_PARAM_TIMER_MODE:
		return v > HVMPTM_one_missed_tick_pending ? -EINVAL : 0;
	case HVM_PARAM_VIRIDIAN:
		return (v & ~(uint64_t)HVMPV_feature_mask) || !(v & HVMPV_base_freq) ? -EINVAL : 0;
	case HVM_PARAM_DM_DOMAIN:
		/* Only DOMID_SELF, stored as the setter's id (controllers only: guests got
		 * -EINVAL). */
		if (v != DOMID_SELF)
			return -EINVAL;
		*value = current->domain->domain_id;
		return 0;
	case HVM_PARAM_ACPI_S_STATE:
		if (v == 0)
			return 0;		   /* "resume": never suspended */
		return v == 3 ? -ENOSYS : -EINVAL; /* S3 is not implemented (docs/abi.md) */
	case HVM_PARAM_ACPI_IOPORTS_LOCATION:
		return v > 1 ? -EINVAL : 0; /* PM timer block version 0 or 1 */
	case HVM_PARAM_ALTP2M:
		if (v > XEN_ALTP2M_limited)
			return -EINVAL;
		return v ? -EOPNOTSUPP : 0; /* no altp2m (HVMOP_altp2m is -ENOSYS) */
	case HVM_PARAM_TRIPLE_FAULT_REASON:
		return v > SHUTDOWN_MAX ? -EINVAL : 0;
	case HVM_PARAM_NR_IOREQ_SERVER_PAGES:
		return v == 0 || v > 64 ? -EINVAL : 0;
	case HVM_PARAM_X87_FIP_WIDTH:
		return v != 0 && v != 4 && v != 8 ? -EINVAL : 0;
	case HVM_PARAM_MCA_CAP:
		return v & ~XEN_HVM_MCA_CAP_MASK ? -EINVAL : 0;
	case HVM_PARAM_VM86_TSS:
		/* The legacy form: a 32-bit address, stored as the sized form with hvmloader's 128
		 * bytes. */
		if (v != (uint32_t)v) {
			if (d == current->domain)
				domain_crash(d, "HVM_PARAM_VM86_TSS above 4 GiB");
			return -EINVAL;
		}
		if (v)
			*value = v | ((uint64_t)HVM_VM86_TSS_LEGACY_SIZE << 32);
		*index = HVM_PARAM_VM86_TSS_SIZED;
		return 0;
	case HVM_PARAM_VM86_TSS_SIZED:
		if ((v >> 32) < HVM_TSS32_SIZE) {
			if (d == current->domain)
				domain_crash(d, "HVM_PARAM_VM86_TSS_SIZED too small");
			return -EINVAL;
		}
		if ((v >> 32) > HVM_TSS32_SIZE_MAX)
			*value = (uint32_t)v | ((uint64_t)HVM_TSS32_SIZE_MAX << 32);
		return 0;
	default:
		return 0;
	}
}

static int hvm_set_param(struct domain *d, uint32_t index, uint64_t value)
{
	int ret = hvm_param_access(d, index, true);

	if (ret)
		return ret;
	ret = hvm_param_check(d, &index, &value);
	if (ret)
		return ret;
	if (hvm_param_set_once(index)) {
		spin_lock(&d->domain_lock);
		if (d->hvm_params[index] != 0 && d->hvm_params[index] != value)
			ret = -EEXIST;
		else
			WRITE_ONCE(d->hvm_params[index], value);
		spin_unlock(&d->domain_lock);
		return ret;
	}
	WRITE_ONCE(d->hvm_params[index], value);
	if (index == HVM_PARAM_CALLBACK_IRQ)
		hvm_kick_pending(d);
	return 0;
}

static int hvm_get_param(struct domain *d, uint32_t index, uint64_t *value)
{
	int ret = hvm_param_access(d, index, false);

	if (ret)
		return ret;
	switch (index) {
	case HVM_PARAM_ACPI_S_STATE:
		*value = 0; /* never suspended */
		break;
	case HVM_PARAM_VM86_TSS:
		*value = (uint32_t)READ_ONCE(d->hvm_params[HVM_PARAM_VM86_TSS_SIZED]);
		break;
	default:
		*value = READ_ONCE(d->hvm_params[index]);
		break;
	}
	return 0;
}

/* HVMOP_set_param / HVMOP_get_param on domid (DOMID_SELF allowed). */
static long hvmop_param(XEN_GUEST_HANDLE(xen_hvm_param_t) arg, bool set)
{
	struct xen_hvm_param a;
	struct domain *d;
	long ret;

	if (copy_from_guest(&a, arg, 1))
		return -EFAULT;
	if (a.index >= HVM_NR_PARAMS)
		return -EINVAL;
	d = get_domain_by_any_id(a.domid, current->domain);
	if (!d)
		return -ESRCH;
	/*
	 * As Xen: a PV domain has no HVM params; then XSM_TARGET (itself or its controller),
	 * plus Tessera's rule that the xenstore domain reads others' store ring and port.
	 */
	ret = -EINVAL;
	if (!hvm_domain(d))
		goto out;
	ret =
	    set ? priv_target(current->domain, d) : priv_hvm_get_param(current->domain, d, a.index);
	if (ret)
		goto out;
	if (set) {
		ret = hvm_set_param(d, a.index, a.value);
	} else {
		uint64_t value;

		ret = hvm_get_param(d, a.index, &value);
		if (!ret) {
			a.value = value;
			if (copy_to_guest(arg, &a, 1))
				ret = -EFAULT;
		}
	}
out:
	put_domain(d);
	return ret;
}

/* HVMOP_set_evtchn_upcall_vector: this vCPU's upcalls as interrupt vector (>= 0x10). */
static long hvmop_set_evtchn_upcall_vector(XEN_GUEST_HANDLE(xen_hvm_evtchn_upcall_vector_t) arg)
{
	struct domain *d = current->domain;
	struct xen_hvm_evtchn_upcall_vector op;
	struct vcpu *v;

	if (!hvm_domain(d))
		return -EINVAL;
	if (copy_from_guest(&op, arg, 1))
		return -EFAULT;
	if (op.vector < 0x10)
		return -EINVAL; /* exceptions and reserved vectors */
	if (op.vcpu >= d->max_vcpus || !(v = READ_ONCE(d->vcpu[op.vcpu])))
		return -ENOENT;
	WRITE_ONCE(v->arch.hvm.evtchn_upcall_vector, op.vector);
	/* As Xen's hvm_assert_evtchn_irq: an upcall already pending goes out by the new way. */
	if (v->vcpu_info && READ_ONCE(v->vcpu_info->evtchn_upcall_pending))
		arch_vcpu_kick(v);
	return 0;
}

long do_hvm_op(const struct hypercall_args *args)
{
	unsigned long op = args->a[0];
	XEN_GUEST_HANDLE(void) arg = guest_handle_from_arg(args->a[1], void);

	switch (op) {
	case HVMOP_set_param:
		return hvmop_param(guest_handle_cast(arg, xen_hvm_param_t), true);

	case HVMOP_get_param:
		return hvmop_param(guest_handle_cast(arg, xen_hvm_param_t), false);

	case HVMOP_set_evtchn_upcall_vector:
		return hvmop_set_evtchn_upcall_vector(
		    guest_handle_cast(arg, xen_hvm_evtchn_upcall_vector_t));

	case HVMOP_get_time: {
		struct xen_hvm_get_time t = {.now = (uint64_t)NOW()};

		return copy_to_guest(guest_handle_cast(arg, xen_hvm_get_time_t), &t, 1) ? -EFAULT
											: 0;
	}

	/*
	 * -ENOSYS (docs/abi.md): flush_tlbs needs the arch's remote flush;
	 * pagetable_dying is a shadow-paging hint (and answering 0 would make
	 * Linux issue it on every exit_mmap); the rest are tracing, memory
	 * introspection and altp2m, which Tessera does not have.
	 */
	case HVMOP_flush_tlbs:
	case HVMOP_pagetable_dying:
	case HVMOP_get_mem_type:
	case HVMOP_xentrace:
	case HVMOP_set_mem_access:
	case HVMOP_get_mem_access:
	case HVMOP_guest_request_vm_event:
	case HVMOP_altp2m:
	default:
		return -ENOSYS;
	}
}
