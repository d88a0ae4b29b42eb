/*
 * The vendor-neutral HVM layer (arch/x86/hvm/): PVH (and later HVM) guests
 * run under hardware virtualization with nested paging. SVM/NPT implements
 * it now (arch/x86/hvm/svm/); VMX/EPT can join later behind the same
 * function table (Xen's hvm_function_table, Jailhouse's vcpu_vendor_*).
 */
#ifndef ASM_HVM_H
#define ASM_HVM_H

#include <tessera/domain.h>

struct hvm_function_table {
	const char *name;		      /* "SVM" */
	int (*cpu_up)(void);		      /* enable on the calling CPU */
	int (*domain_init)(struct domain *d); /* nested page table root */
	void (*domain_destroy)(struct domain *d);
	int (*vcpu_init)(struct vcpu *v); /* VMCB/VMCS, guest register file */
	void (*vcpu_destroy)(struct vcpu *v);
	/* Apply the PVH entry state (docs: PVH ABI): 32-bit flat protected mode, paging off. */
	void (*set_pvh_start)(struct vcpu *v, uint32_t entry, uint32_t ebx);
	/* Enter the guest on this CPU and handle exits until it must be rescheduled; returns then.
	 */
	void (*run)(struct vcpu *v);
	/* Mirror one p2m change (order 0: 4 KiB, 9: an aligned 2 MiB block) into the nested page
	 * table. */
	int (*p2m_update)(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned int order, int p2m_type);
};

/* Detect SVM+NPT on the boot CPU and enable it there; false when absent (no PVH/HVM then). */
bool hvm_init(void);
/* Enable hardware virtualization on an AP (after hvm_init succeeded on the BSP). */
void hvm_cpu_up(void);
/* Is PVH/HVM available? */
bool hvm_enabled(void);
extern const struct hvm_function_table *hvm_funcs;

/*
 * The vendor-neutral part of domain and vCPU creation (arch/x86/domain.c):
 * 0 or -errno; destroy undoes initialise and does nothing if it failed.
 */
int hvm_domain_initialise(struct domain *d);
void hvm_domain_destroy(struct domain *d);
int hvm_vcpu_initialise(struct vcpu *v);
void hvm_vcpu_destroy(struct vcpu *v);

/* Set vCPU v to start at the PVH entry point with %ebx = start_info (guest-physical). */
int hvm_vcpu_set_pvh_start(struct vcpu *v, uint32_t entry, uint32_t start_info_gpa);

#endif
