/*
 * Hypercalls, Xen's 64-bit convention (public/arch-x86/xen-x86_64.h):
 * rax = number, arguments in rdi, rsi, rdx, r10, r8, result in rax.
 * Made by a bare vmmcall (as Linux 6.1.123+ on AMD) or through the
 * hypercall page (a 32-byte stub per hypercall, filled in by the
 * hypervisor after the guest writes the page's address to the MSR that
 * CPUID leaf base+2 names): arch/x86/hypercall.c. A future PV (ring 3)
 * entry would supply its own uk_hypercall() behind the same wrappers.
 *
 * Arguments are passed unchecked, so tests can hand the hypervisor bad
 * pointers and numbers. Locking: none (each call is self-contained).
 */
#ifndef UK_HYPERCALL_H
#define UK_HYPERCALL_H

#include <public/xen.h>
#include <stdint.h>

long uk_hypercall(unsigned long nr, unsigned long a1, unsigned long a2, unsigned long a3,
		  unsigned long a4, unsigned long a5);

/* 0 or -ENODEV (no leaves) / -EIO (page not filled in): switch to the hypercall page. */
int uk_hypercall_use_page(void);
/* Whether calls go through the page (1) or vmmcall (0). */
int uk_hypercall_via_page(void);
/* The MSR the page's address was written to (0 if none). */
uint32_t uk_hypercall_page_msr(void);

#define UK_HC(a) ((unsigned long)(a))

static inline long HYPERVISOR_xen_version(int cmd, void *arg)
{
	return uk_hypercall(__HYPERVISOR_xen_version, UK_HC(cmd), UK_HC(arg), 0, 0, 0);
}
static inline long HYPERVISOR_console_io(int cmd, unsigned int count, const void *buf)
{
	return uk_hypercall(__HYPERVISOR_console_io, UK_HC(cmd), count, UK_HC(buf), 0, 0);
}
static inline long HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{
	return uk_hypercall(__HYPERVISOR_memory_op, cmd, UK_HC(arg), 0, 0, 0);
}
static inline long HYPERVISOR_event_channel_op(int cmd, void *arg)
{
	return uk_hypercall(__HYPERVISOR_event_channel_op, UK_HC(cmd), UK_HC(arg), 0, 0, 0);
}
static inline long HYPERVISOR_grant_table_op(unsigned int cmd, void *uop, unsigned int count)
{
	return uk_hypercall(__HYPERVISOR_grant_table_op, cmd, UK_HC(uop), count, 0, 0);
}
static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{
	return uk_hypercall(__HYPERVISOR_sched_op, UK_HC(cmd), UK_HC(arg), 0, 0, 0);
}
static inline long HYPERVISOR_vcpu_op(int cmd, unsigned int vcpuid, void *arg)
{
	return uk_hypercall(__HYPERVISOR_vcpu_op, UK_HC(cmd), vcpuid, UK_HC(arg), 0, 0);
}
static inline long HYPERVISOR_hvm_op(unsigned long op, void *arg)
{
	return uk_hypercall(__HYPERVISOR_hvm_op, op, UK_HC(arg), 0, 0, 0);
}
static inline long HYPERVISOR_domctl(void *arg)
{
	return uk_hypercall(__HYPERVISOR_domctl, UK_HC(arg), 0, 0, 0, 0);
}
static inline long HYPERVISOR_sysctl(void *arg)
{
	return uk_hypercall(__HYPERVISOR_sysctl, UK_HC(arg), 0, 0, 0, 0);
}
static inline long HYPERVISOR_multicall(void *calls, unsigned int nr)
{
	return uk_hypercall(__HYPERVISOR_multicall, UK_HC(calls), nr, 0, 0, 0);
}

/* HVMOP_get_param / set_param for DOMID_SELF. */
long hvm_get_param(unsigned int idx, uint64_t *value);
long hvm_set_param(unsigned int idx, uint64_t value);

#endif /* UK_HYPERCALL_H */
