/*
 * The vendor-neutral HVM layer (arch/x86/hvm/): PVH (and later HVM) guests
 * run under hardware virtualization with nested paging. What every such
 * guest shares is in arch/x86/hvm/: the hypercall calling convention
 * (asm/hvm/hypercall.h) and page (hypercall.c), Xen's CPUID leaves and the CPUID policy (cpuid.c),
 * the MSR policy (msr.c), port I/O (io.c), the virtual x2APIC (vlapic*.c) and the glue below
 * (hvm.c). The vendor decodes its exits and calls those; they reach rbx..r15 in struct hvm_gprs,
 * the rest through the table's accessors or what the exit handler passes. SVM/NPT implements the
 * table now (arch/x86/hvm/svm/); VMX/EPT can join later as another table (Xen's hvm_function_table,
 * Jailhouse's vcpu_vendor_*).
 *
 * Locking: the accessors act on v's state, so they are for the CPU running
 * v, or for v paused.
 */
#ifndef ASM_HVM_H
#define ASM_HVM_H

#include <tessera/compiler.h>
#include <tessera/domain.h>

struct vcpu_hvm_context;

/* Segment registers, in the order of the instruction encoding (ES=0 .. GS=5). */
enum x86_segment {
	x86_seg_es,
	x86_seg_cs,
	x86_seg_ss,
	x86_seg_ds,
	x86_seg_fs,
	x86_seg_gs,
	x86_seg_tr,
	x86_seg_ldtr,
	x86_seg_gdtr,
	x86_seg_idtr,
};

/* A segment register; attr is the packed attribute word of asm/x86-defns.h (X86_SEG_AR_*). */
struct segment_register {
	uint16_t sel;
	uint16_t attr;
	uint32_t limit;
	uint64_t base;
};

/* The guest's general registers, stack and instruction pointers and flags. */
enum hvm_reg {
	HVM_REG_RAX,
	HVM_REG_RBX,
	HVM_REG_RCX,
	HVM_REG_RDX,
	HVM_REG_RSI,
	HVM_REG_RDI,
	HVM_REG_RBP,
	HVM_REG_RSP,
	HVM_REG_R8,
	HVM_REG_R9,
	HVM_REG_R10,
	HVM_REG_R11,
	HVM_REG_R12,
	HVM_REG_R13,
	HVM_REG_R14,
	HVM_REG_R15,
	HVM_REG_RIP,
	HVM_REG_RFLAGS,
};

struct hvm_function_table {
	const char *name;		      /* "SVM" */
	int (*cpu_up)(void);		      /* enable on the calling CPU */
	int (*domain_init)(struct domain *d); /* nested page table root */
	void (*domain_destroy)(struct domain *d);
	int (*vcpu_init)(struct vcpu *v); /* the vendor's control block, guest register file */
	void (*vcpu_destroy)(struct vcpu *v);
	/* Apply the PVH entry state (docs: PVH ABI): 32-bit flat protected mode, paging off. */
	void (*set_pvh_start)(struct vcpu *v, uint32_t entry, uint32_t ebx);
	/* Load a VCPUOP_initialise context (public/hvm/hvm_vcpu.h, validated) before the first run.
	 */
	void (*load_init_ctx)(struct vcpu *v, const struct vcpu_hvm_context *ctx);
	/* The state after INIT and a SIPI with this vector: real mode at vector << 12. */
	void (*set_sipi_start)(struct vcpu *v, uint8_t vector);
	/* Enter the guest on this CPU and handle exits until it must be rescheduled; returns then.
	 */
	void (*run)(struct vcpu *v);
	/* Mirror one p2m change (order 0: 4 KiB, 9: an aligned 2 MiB block) into the nested page
	 * table. */
	int (*p2m_update)(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned int order, int p2m_type);
	/* The nested page table's leaf entry for gfn (0 if none), for crash reports. */
	uint64_t (*nested_pt_entry)(struct domain *d, gfn_t gfn);

	/* ---- guest state of v (current or paused) ---- */
	uint64_t (*get_cr)(struct vcpu *v, unsigned int cr); /* CR0, CR2, CR3 or CR4 */
	uint64_t (*get_efer)(struct vcpu *v);		     /* as the guest reads it */
	void (*set_efer)(struct vcpu *v, uint64_t efer);     /* validated by the caller */
	uint64_t (*get_pat)(struct vcpu *v);
	void (*set_pat)(struct vcpu *v, uint64_t pat); /* validated by the caller */
	unsigned int (*get_cpl)(struct vcpu *v);
	void (*get_segment)(struct vcpu *v, enum x86_segment seg, struct segment_register *reg);
	uint64_t (*get_reg)(struct vcpu *v, enum hvm_reg reg);
	void (*set_reg)(struct vcpu *v, enum hvm_reg reg, uint64_t val);
	/* Set CR4 (validated by hvm_set_cr4); flush v's guest TLB when flush. */
	void (*set_cr4)(struct vcpu *v, uint64_t cr4, bool flush);
	/* Log v's state for a crash report (where it was, paging, the event in flight). */
	void (*dump_state)(struct vcpu *v);
	/* The 3-byte hypercall instruction the hypercall page's stubs use (SVM: vmmcall). */
	uint8_t hypercall_insn[3];
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

/* Before v's run loop on CPU cpu (the vendor's run calls it): a first-run context, an
 * INIT-SIPI start, the pvclock. */
void hvm_vcpu_prepare_run(struct vcpu *v, unsigned int cpu);
/* hvm_upcall_vector, hvm_intr_pending: asm/hvm/intr.h (inline: every guest entry asks). */

/* ---- guest state accessors (through the vendor's table) ---- */
static inline uint64_t hvm_get_cr(struct vcpu *v, unsigned int cr)
{
	return hvm_funcs->get_cr(v, cr);
}
static inline uint64_t hvm_get_efer(struct vcpu *v)
{
	return hvm_funcs->get_efer(v);
}
static inline void hvm_set_efer(struct vcpu *v, uint64_t efer)
{
	hvm_funcs->set_efer(v, efer);
}
static inline uint64_t hvm_get_pat(struct vcpu *v)
{
	return hvm_funcs->get_pat(v);
}
static inline void hvm_set_pat(struct vcpu *v, uint64_t pat)
{
	hvm_funcs->set_pat(v, pat);
}
static inline unsigned int hvm_get_cpl(struct vcpu *v)
{
	return hvm_funcs->get_cpl(v);
}
static inline void hvm_get_segment(struct vcpu *v, enum x86_segment seg,
				   struct segment_register *reg)
{
	hvm_funcs->get_segment(v, seg, reg);
}
static inline uint64_t hvm_get_reg(struct vcpu *v, enum hvm_reg reg)
{
	return hvm_funcs->get_reg(v, reg);
}
static inline void hvm_set_reg(struct vcpu *v, enum hvm_reg reg, uint64_t val)
{
	hvm_funcs->set_reg(v, reg, val);
}
static inline uint64_t hvm_nested_pt_entry(struct domain *d, gfn_t gfn)
{
	return hvm_funcs->nested_pt_entry(d, gfn);
}
/* Is v in 64-bit mode (EFER.LMA and CS.L)? */
bool hvm_64bit_mode(struct vcpu *v);

/* emulate.c: the longest x86 instruction. */
#define HVM_INSN_MAX 15
/* Read the bytes at v's CS:RIP into buf (HVM_INSN_MAX); *len = how many could be read (at
 * least to the end of RIP's page); 0, or -1 when RIP's page is not mapped. */
int hvm_fetch_insn(struct vcpu *v, uint8_t *buf, unsigned int *len);
/* The register of encoding number n (0 rax, 1 rcx, ... 15 r15). */
enum hvm_reg hvm_gpr(unsigned int n);
/* MOV to CR4 by v: 0 (set), or -1 for #GP (a bit v's CPUID hides, reserved, PAE/PCIDE rules). */
int hvm_set_cr4(struct vcpu *v, uint64_t val);

/*
 * mmio.c: v's access to gpa (write or read) found nothing behind it: decode its instruction,
 * complete it (reads all ones, writes dropped) and step over it. 0, or -1 with why filled in
 * when the instruction is not one emulated (the caller crashes the domain then).
 */
int hvm_emulate_mmio(struct vcpu *v, uint64_t gpa, bool write, char *why, size_t whylen);

/* hvm.c: log v's state, then crash its domain with the formatted reason (only that domain). */
void hvm_crash(struct vcpu *v, const char *fmt, ...) __printf(2, 3);

/* guest_access.c: for crash reports, print gva's walk through v's page tables. */
void arch_dump_guest_walk(struct vcpu *v, uint64_t gva);

/* hypercall.c. (The calling convention, hvm_hypercall, is asm/hvm/hypercall.h.) */
/* Fill the hypercall page at guest-physical val (the Xen hypercall MSR): 0, or -EINVAL. */
int hvm_write_hypercall_page(struct vcpu *v, uint64_t val);

/* cpuid.c: what CPUID leaf/sub returns in v (Xen's leaves at 0x40000000 and the filtered
 * host leaves). */
void hvm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c,
	       uint32_t *d);
/* The FPU/XSAVE support (today svm/xstate.c): adjust leaf 1 (XSAVE, OSXSAVE, AVX) and fill
 * leaf 0xD for v. */
void hvm_cpuid_xstate(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
		      uint32_t *c, uint32_t *d);

/* msr.c: RDMSR/WRMSR of msr by v: 0 (and *val for a read), or -1 for #GP. */
int hvm_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
int hvm_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);
/* Does v's CPUID offer RDTSCP (and its TSC_AUX MSR)? */
bool hvm_has_rdtscp(struct vcpu *v);

/* io.c: port I/O. No devices (PVH): reads float high, writes are dropped, except port 0xE9
 * (the log) and the FADT's sleep and reset registers. */
/* IN of size 1, 2 or 4 bytes: the value read (the caller merges it into rax). */
uint32_t hvm_portio_read(struct vcpu *v, uint16_t port, unsigned int size);
/* OUT of size 1, 2 or 4 bytes. */
void hvm_portio_write(struct vcpu *v, uint16_t port, unsigned int size, uint32_t val);
/* INS/OUTS as the vendor decoded it. */
struct hvm_string_io {
	uint16_t port;
	unsigned int size;    /* element size: 1, 2 or 4 */
	bool in, rep;	      /* INS (else OUTS); with a REP prefix */
	uint64_t addr_mask;   /* the address size: 0xffff, 0xffffffff or ~0 */
	enum x86_segment seg; /* OUTS source segment (INS always writes ES) */
	uint64_t next_rip;    /* the instruction after it */
};
/* Do up to a batch of elements (the rest re-executes, rcx not yet 0); crash v's domain on an
 * unmapped address. */
void hvm_string_io(struct vcpu *v, const struct hvm_string_io *io);

#endif
