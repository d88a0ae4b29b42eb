/*
 * The hooks common code needs from the architecture, one line of contract
 * each. Implemented in arch/x86/.
 */
#ifndef TESSERA_ARCH_H
#define TESSERA_ARCH_H

#include <tessera/compiler.h>
#include <tessera/p2m.h> /* enum p2m_type */
#include <tessera/types.h>

/* Exit status codes written to QEMU's isa-debug-exit (QEMU exits with code*2+1). */
enum hv_exit_code {
	HV_EXIT_SUCCESS = 0x10, /* QEMU status 33: a test run finished cleanly */
	HV_EXIT_PANIC = 0x11,	/* QEMU status 35: the hypervisor panicked */
	HV_EXIT_FAILURE = 0x12, /* QEMU status 37: a self-test failed */
};

/* Stop the machine: end QEMU through isa-debug-exit if present, else halt all CPUs forever. */
void arch_shutdown(enum hv_exit_code code) __noreturn;
/* Stop the other CPUs (NMI or IPI) so that only the caller runs; safe from panic. */
void arch_stop_other_cpus(void);
/* Print a stack trace of the calling context, symbolised. */
void arch_dump_stack(void);

/* Program this CPU's one-shot timer to interrupt at (or just after) deadline; 0 = stop it.
 * The interrupt calls timer_interrupt() (common/timer.c) with interrupts off. */
void arch_timer_set_deadline(s_time_t deadline);
/* Make CPU cpu run its pending softirqs soon (an IPI; a no-op for the calling CPU). */
void arch_send_softirq_ipi(unsigned int cpu);

struct domain;
struct vcpu;
/* Make next this CPU's running vCPU in place of prev (cpu_info->curr = next); called by
 * schedule() with interrupts off and no lock held. Returns when next is the idle vCPU. */
void arch_context_switch(struct vcpu *prev, struct vcpu *next);

/*
 * Guest time (common/time.c). The pvclock in vcpu_time_info lets a guest turn
 * a TSC reading into system time: system_time + ((tsc - tsc_timestamp) <<
 * shift (>> -shift if negative)) * mul >> 32. x86: arch/x86/tsc_scale.c, rtc.c.
 */
/* The TSC-to-ns scale in that form (mul != 0 once time is calibrated; 0 before). */
void arch_get_tsc_scale(uint32_t *mul, int8_t *shift);
/* The TSC now, as the guest's rdtsc sees it (no TSC offset is applied to guests). */
uint64_t arch_read_tsc(void);
/* UTC wallclock in ns since the Unix epoch at system time 0 (x86: the CMOS RTC); 0 if unknown. */
uint64_t arch_boot_wallclock_ns(void);

/* The CPU clock in kHz for sysctl physinfo (x86: the calibrated TSC); 0 until known. */
uint32_t arch_cpu_khz(void);
/* Whether PVH/HVM guests run, with hardware-assisted paging (x86: SVM with NPT). */
bool arch_hvm_hap(void);

struct vcpu_guest_context;
/* domctl setvcpucontext for a PVH/HVM vCPU (paused, not current): load c, or reset to the
 * power-on state when c is NULL. 0 or -errno (-ENOSYS until the arch keeps register state). */
int arch_vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *c);
/* domctl getvcpucontext for a PVH/HVM vCPU (paused, initialised): fill c (zeroed). 0 or -errno. */
int arch_vcpu_get_context(struct vcpu *v, struct vcpu_guest_context *c);

struct vcpu_hvm_context;
/* VCPUOP_initialise of a PVH/HVM vCPU: the structural checks of the guest's context (segments,
 * control registers, EFER; as Xen's arch_set_info_hvm_guest) before it is kept. 0 or -EINVAL. */
int arch_vcpu_check_context(const struct vcpu_hvm_context *c);

/*
 * The ABI core's view of a guest: its memory through its own address space,
 * its hardware p2m, its event upcalls.
 */
/* Copy len bytes between the hypervisor and guest virtual address gva of v; the bytes NOT copied.
 */
unsigned long arch_copy_from_guest(struct vcpu *v, void *to, uint64_t gva, unsigned long len);
unsigned long arch_copy_to_guest(struct vcpu *v, uint64_t gva, const void *from, unsigned long len);
/*
 * Reflect one p2m change (common/p2m.c) into the hardware p2m (NPT); 0 or -errno.
 * order 0: gfn's entry; order P2M_ORDER_2M: the aligned block gfn..gfn+511
 * now maps mfn..mfn+511 with type t (or, with INVALID_MFN, nothing). A
 * later order-0 change inside such a block must keep the other 511.
 */
int arch_p2m_update(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned int order, enum p2m_type t);
/* v has an event upcall pending: interrupt or wake it (PVH: the callback vector). */
void arch_vcpu_kick(struct vcpu *v);

/*
 * Domain and vCPU arch state, called by common/domain.c: for PVH/HVM domains
 * x86 sets up the nested page table and the vendor's per-vCPU state (asm/hvm.h). 0 or -errno;
 * destroy undoes create and tolerates a partial create.
 */
int arch_domain_create(struct domain *d);
void arch_domain_destroy(struct domain *d);
int arch_vcpu_create(struct vcpu *v);
void arch_vcpu_destroy(struct vcpu *v);
/* Run v (current, not idle) in guest mode from idle_loop, interrupts off, until a softirq is
 * pending or v cannot run; returns with interrupts off and v's state saved (x86: hvm_funcs->run).
 */
void arch_vcpu_run(struct vcpu *v);

#endif
