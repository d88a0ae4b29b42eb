/*
 * Descriptor tables: the per-CPU GDT and TSS and the shared IDT.
 *
 * GDT layout. Entries 1..11 sit at the same offsets as in Xen's reserved GDT
 * page (selector 0xe000 + offset), so when PV guests later bring their own
 * GDT frames and these entries move to FIRST_RESERVED_GDT_ENTRY (0x1c00),
 * the guest-visible FLAT_RING3_* selectors come out as Xen's (0xe033 ...).
 * Until then the hypervisor runs with the small table at offset 0.
 */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#define GDT_ENTRIES 16

#define HV_CS 0x08	 /* 64-bit code, DPL 0 (== BOOT_CS64) */
#define HV_DS 0x10	 /* flat data, DPL 0 (== BOOT_DS) */
#define GDT_R3_CS32 0x23 /* ring-3 compatibility-mode code (Xen FLAT_RING3_CS32 low bits) */
#define GDT_R3_DS 0x2b	 /* ring-3 data/stack (FLAT_RING3_DS32/SS64) */
#define GDT_R3_CS64 0x33 /* ring-3 64-bit code (FLAT_RING3_CS64) */
#define HV_CS32 0x38	 /* ring-0 compatibility-mode code, reserved */
#define TSS_SEL 0x40	 /* 16-byte system descriptor: entries 8 and 9 */
#define LDT_SEL 0x50	 /* reserved for a guest LDT: entries 10 and 11 */

/* IST slots (1-based, as the IDT gate field). */
#define IST_NMI 1
#define IST_DF 2
#define IST_MC 3
#define NR_IST_STACKS 3
#define IST_STACK_ORDER 1 /* 8 KiB each: enough for a fatal report */

#ifndef __ASSEMBLY__
#include <tessera/compiler.h>
#include <tessera/types.h>

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3]; /* stack for entry to ring 0..2 from a lower privilege */
	uint64_t reserved1;
	uint64_t ist[7]; /* ist[0] is IST1 */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base; /* == sizeof: no I/O bitmap yet, every port denied at CPL 3 */
} __packed;

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __packed;

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

/* Build this CPU's GDT and TSS (ist_tops: NR_IST_STACKS stack tops) and load them and the IDT. */
void desc_init_cpu(unsigned int cpu, const unsigned long *ist_tops);
/* This CPU's TSS, e.g. for a later rsp0 switch per vCPU. */
struct tss64 *desc_tss(unsigned int cpu);
#endif

#endif
