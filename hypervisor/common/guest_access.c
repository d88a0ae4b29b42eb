/*
 * Raw guest copies on the current vCPU (tessera/guest_access.h): the typed
 * copy_from_guest/copy_to_guest macros end here. The arch translates the
 * guest virtual address (guest page tables, then the p2m) and reports how
 * many bytes it could not move; a hypervisor context with no guest vCPU
 * (the idle vCPU) has no guest memory at all.
 *
 * Locking: none here; the arch walks the current vCPU's tables.
 */
#include <tessera/domain.h>
#include <tessera/guest_access.h>

/* The vCPU whose address space a hypercall argument lives in, or NULL. */
static struct vcpu *guest_vcpu(void)
{
	struct vcpu *v = current;

	return v && !is_idle_vcpu(v) ? v : NULL;
}

unsigned long raw_copy_from_guest(void *to, const void *gva, unsigned long len)
{
	struct vcpu *v = guest_vcpu();

	if (!len)
		return 0;
	if (!v)
		return len;
	return arch_copy_from_guest(v, to, (uint64_t)(uintptr_t)gva, len);
}

unsigned long raw_copy_to_guest(void *gva, const void *from, unsigned long len)
{
	struct vcpu *v = guest_vcpu();

	if (!len)
		return 0;
	if (!v)
		return len;
	return arch_copy_to_guest(v, (uint64_t)(uintptr_t)gva, from, len);
}
