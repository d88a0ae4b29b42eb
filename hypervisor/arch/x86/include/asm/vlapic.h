/*
 * The virtual local APIC of a PVH vCPU: an x2APIC reached through MSRs
 * 0x800-0x8FF, or in xAPIC mode through the MMIO page at 0xFEE00000 (as
 * Xen's vLAPIC), as a Linux PVH guest needs one even with a single vCPU
 * (docs/architecture.md, "The virtual x2APIC").
 *
 * Two layers:
 *  - the register model (arch/x86/hvm/vlapic.c): struct vlapic, the MSR
 *    reads and writes, IRR/ISR/TMR, TPR/PPR, EOI and the choice of the next
 *    vector to inject. Portable: no vendor state, no vCPU, no scheduler; host unit
 *    tests compile it as it is (tests/unit/test_vlapic.c).
 *  - the plumbing (arch/x86/hvm/vlapic_ipi.c): what an ICR or SELF_IPI write
 *    does to other vCPUs (fixed IPIs, INIT/SIPI), kicking a vCPU whose IRR
 *    gained a vector, and the per-vCPU event-channel upcall vector.
 *
 * Facts: Intel SDM vol. 3A ch. 11 (APIC) and 11.12 (x2APIC); AMD APM vol. 2
 * ch. 16 (local APIC), 16.11 (x2APIC).
 *
 * Locking: IRR bits are set with atomic bit operations from any CPU
 * (vlapic_set_irr); everything else of a vlapic is touched only by the CPU
 * running its vCPU, or while the vCPU is down or paused.
 */
#ifndef ASM_VLAPIC_H
#define ASM_VLAPIC_H

#include <asm/msr-index.h>
#include <tessera/bitmap.h>
#include <tessera/types.h>

/* IA32_APIC_BASE (MSR_APIC_BASE) bits (SDM vol. 3A 11.4.4, 11.12.1): asm/msr-index.h. */
#define VLAPIC_BASE_BSP APIC_BASE_BSP
#define VLAPIC_BASE_EXTD APIC_BASE_EXTD
#define VLAPIC_BASE_EN APIC_BASE_ENABLE
#define VLAPIC_BASE_ADDR 0xfee00000UL

/* x2APIC MSRs (SDM vol. 3A table 11-6): 0x800 + (xAPIC offset >> 4). */
#define VLAPIC_MSR_FIRST MSR_X2APIC_FIRST
#define VLAPIC_MSR_LAST MSR_X2APIC_LAST
#define X2APIC_ID 0x802u
#define X2APIC_LVR 0x803u
#define X2APIC_TPR 0x808u
#define X2APIC_PPR 0x80au
#define X2APIC_EOI 0x80bu
#define X2APIC_LDR 0x80du
#define X2APIC_SVR 0x80fu
#define X2APIC_ISR0 0x810u
#define X2APIC_TMR0 0x818u
#define X2APIC_IRR0 0x820u
#define X2APIC_ESR 0x828u
#define X2APIC_LVT_CMCI 0x82fu
#define X2APIC_ICR 0x830u
#define X2APIC_LVT_TIMER 0x832u
#define X2APIC_LVT_THERMAL 0x833u
#define X2APIC_LVT_PERF 0x834u
#define X2APIC_LVT_LINT0 0x835u
#define X2APIC_LVT_LINT1 0x836u
#define X2APIC_LVT_ERROR 0x837u
#define X2APIC_TMICT 0x838u
#define X2APIC_TMCCT 0x839u
#define X2APIC_TDCR 0x83eu
#define X2APIC_SELF_IPI 0x83fu

/* Version register: version 0x14 (integrated APIC), 6 LVT entries (max LVT index 5). */
#define VLAPIC_VERSION 0x00050014u

#define VLAPIC_SVR_ENABLE (1u << 8)
#define VLAPIC_LVT_MASKED (1u << 16)

/* ICR fields (SDM vol. 3A 11.6.1; x2APIC: destination in bits 63:32). */
#define VLAPIC_ICR_VECTOR(icr) ((uint8_t)(icr))
#define VLAPIC_ICR_MODE(icr) (((icr) >> 8) & 7)
#define VLAPIC_ICR_LOGICAL (1UL << 11)
#define VLAPIC_ICR_ASSERT (1UL << 14)
#define VLAPIC_ICR_LEVEL (1UL << 15)
#define VLAPIC_ICR_SHORTHAND(icr) (((icr) >> 18) & 3)
#define VLAPIC_ICR_DEST(icr) ((uint32_t)((icr) >> 32))
enum vlapic_dm {
	VLAPIC_DM_FIXED = 0,
	VLAPIC_DM_LOWEST = 1,
	VLAPIC_DM_SMI = 2,
	VLAPIC_DM_NMI = 4,
	VLAPIC_DM_INIT = 5,
	VLAPIC_DM_STARTUP = 6,
};
enum vlapic_shorthand {
	VLAPIC_SH_NONE = 0,
	VLAPIC_SH_SELF = 1,
	VLAPIC_SH_ALL = 2,
	VLAPIC_SH_OTHERS = 3,
};
#define VLAPIC_BROADCAST 0xffffffffu

/* The LVT registers in index order (LVT_CMCI first, as its MSR is the lowest). */
enum vlapic_lvt {
	VLAPIC_LVT_CMCI = 0,
	VLAPIC_LVT_TIMER,
	VLAPIC_LVT_THERMAL,
	VLAPIC_LVT_PERF,
	VLAPIC_LVT_LINT0,
	VLAPIC_LVT_LINT1,
	VLAPIC_LVT_ERROR,
	VLAPIC_NR_LVT,
};

struct vlapic {
	uint64_t apic_base; /* IA32_APIC_BASE as the guest reads it */
	uint32_t id;	    /* x2APIC ID = the MADT's (PVH_LAPIC_ID) */
	uint32_t tpr;	    /* bits 7:0 */
	uint32_t svr;
	uint32_t esr;
	uint32_t lvt[VLAPIC_NR_LVT];
	uint32_t timer_icr, timer_dcr; /* stored only: Linux PVH uses Xen's clock event */
	uint64_t icr;		       /* last ICR written (reads back; no busy bit in x2APIC) */
	uint32_t xapic_ldr, xapic_dfr; /* xAPIC mode's logical ID and destination format */
	DECLARE_BITMAP(irr, 256);      /* requested: set atomically by any CPU */
	DECLARE_BITMAP(isr, 256);      /* in service: injected, not yet EOI'd */
	DECLARE_BITMAP(tmr, 256);      /* level-triggered (never set: all our sources are edge) */
	/* INIT/SIPI (SDM vol. 3A 8.4.4): INIT arms wait_sipi; the first SIPI then starts the vCPU.
	 */
	bool wait_sipi;
	bool init_warned;	  /* an INIT to it while running was logged (once) */
	volatile int sipi_vector; /* -1 none; else the start page (vector << 12), taken at run */
};

/* What a write asks the plumbing to do beyond the register file. */
enum vlapic_action {
	VLAPIC_DONE = 0, /* nothing more */
	VLAPIC_SEND_IPI, /* *ipi holds an ICR value to deliver (ICR or SELF_IPI write) */
	VLAPIC_EOI_DONE, /* an EOI retired a vector: re-evaluate injection */
};

/* Power-up state (SDM vol. 3A 11.4.7.1), but already in x2APIC mode (EN|EXTD, as Xen PVH). */
void vlapic_reset(struct vlapic *l, uint32_t apic_id, bool bsp);
/* RDMSR of an x2APIC MSR: 0 and *val, or -EINVAL (#GP: not a readable register). */
int vlapic_msr_read(const struct vlapic *l, uint32_t msr, uint64_t *val);
/*
 * WRMSR of an x2APIC MSR: a vlapic_action (>= 0; for VLAPIC_SEND_IPI *ipi is
 * the ICR to deliver) or -EINVAL (#GP: read-only register, reserved bits).
 */
int vlapic_msr_write(struct vlapic *l, uint32_t msr, uint64_t val, uint64_t *ipi);
/* WRMSR of IA32_APIC_BASE: mode changes as the SDM allows (base fixed), else -EINVAL (#GP). */
int vlapic_base_write(struct vlapic *l, uint64_t val);
/* Which mode APIC_BASE selects: x2APIC (EN|EXTD), xAPIC (EN; the MMIO page), or neither. */
bool vlapic_x2apic_mode(const struct vlapic *l);
bool vlapic_xapic_mode(const struct vlapic *l);
/* xAPIC MMIO register at offset off (16-byte aligned) of the APIC page: read, write (a
 * vlapic_action, as vlapic_msr_write; never an error: MMIO does not fault). */
uint32_t vlapic_mmio_read(const struct vlapic *l, unsigned int off);
int vlapic_mmio_write(struct vlapic *l, unsigned int off, uint32_t val, uint64_t *ipi);

/* Is the APIC enabled in hardware (APIC_BASE.EN) and software (SVR bit 8)? */
bool vlapic_enabled(const struct vlapic *l);
/* Request vector vec (16..255; lower ones are ignored): set its IRR bit. Any CPU. */
void vlapic_set_irr(struct vlapic *l, uint8_t vec);
/* The processor priority (SDM vol. 3A 11.8.3.1). */
uint32_t vlapic_ppr(const struct vlapic *l);
/* The vector to inject next: the highest IRR one whose class beats the PPR; -1 if none. */
int vlapic_pending(const struct vlapic *l);
/* The vector was injected: move it from IRR to ISR. */
void vlapic_ack(struct vlapic *l, uint8_t vec);
/* Does this APIC accept destination dest (physical or logical; x2APIC rules, SDM 11.12.10, or
 * in xAPIC mode its flat/cluster logical rules on the low 8 bits)? */
bool vlapic_match_dest(const struct vlapic *l, uint32_t dest, bool logical);
/* The x2APIC logical ID (LDR) derived from id: cluster in 31:16, one bit of 15:0. */
uint32_t vlapic_x2apic_ldr(uint32_t id);

/* ---- plumbing (vlapic_ipi.c): PVH/HVM vCPUs ---- */
struct vcpu;
/* v's vlapic, or NULL (not an HVM vCPU). Vendor code provides it. */
struct vlapic *vcpu_vlapic(struct vcpu *v);
/* An access to the xAPIC page at gpa by v in xAPIC mode: true if it was one (handled; *val
 * for a read of size bytes), false if not the APIC's (v not in xAPIC mode, another page). */
bool vlapic_guest_mmio(struct vcpu *v, uint64_t gpa, unsigned int size, bool write, uint64_t *val);
/* WRMSR/RDMSR of 0x800-0x8FF from v's exit handler: 0, or -1 for #GP. */
int vlapic_guest_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
int vlapic_guest_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);
/* Set vec in v's IRR and make v notice (wake it, IPI its CPU). */
void vlapic_deliver(struct vcpu *v, uint8_t vec);
/* Make v re-evaluate its pending interrupts: unblock it, IPI its CPU if it is in guest mode. */
void hvm_vcpu_kick(struct vcpu *v);

#endif
