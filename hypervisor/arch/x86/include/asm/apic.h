/*
 * The local APIC (xAPIC through MMIO, or x2APIC through MSRs when the CPU
 * has it: one accessor pair hides which) and the IOAPICs, which Tessera only
 * masks for now: every interrupt it takes is a local APIC one (timer, IPIs).
 */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <asm/msr-index.h>
#include <asm/regs.h>
#include <tessera/types.h>

/* Register offsets in the xAPIC MMIO page; the x2APIC MSR is 0x800 + offset / 16. */
#define APIC_ID 0x020
#define APIC_LVR 0x030
#define APIC_TPR 0x080
#define APIC_EOI 0x0b0
#define APIC_LDR 0x0d0
#define APIC_DFR 0x0e0
#define APIC_SVR 0x0f0
#define APIC_ESR 0x280
#define APIC_ICR 0x300
#define APIC_ICR2 0x310
#define APIC_LVTT 0x320
#define APIC_LVTTHMR 0x330
#define APIC_LVTPC 0x340
#define APIC_LVT0 0x350
#define APIC_LVT1 0x360
#define APIC_LVTERR 0x370
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0

#define APIC_SVR_ENABLE (1u << 8)
#define APIC_LVT_MASKED (1u << 16)
#define APIC_LVT_DM_NMI (4u << 8)
#define APIC_TDCR_DIV1 0xb

/* ICR: delivery modes, level, shorthands. */
#define APIC_DM_FIXED (0u << 8)
#define APIC_DM_NMI (4u << 8)
#define APIC_DM_INIT (5u << 8)
#define APIC_DM_STARTUP (6u << 8)
#define APIC_ICR_BUSY (1u << 12)
#define APIC_INT_ASSERT (1u << 14)
#define APIC_INT_LEVELTRIG (1u << 15)
#define APIC_DEST_SELF (1u << 18)
#define APIC_DEST_ALLBUT (3u << 18)

/* True once the boot CPU chose x2APIC mode (CPUID.1:ECX[21]); every CPU then uses it. */
extern bool x2apic_enabled;

uint32_t apic_read(unsigned int reg);
void apic_write(unsigned int reg, uint32_t v);
/* This CPU's APIC ID (8 bits in xAPIC mode, 32 in x2APIC mode). */
uint32_t apic_current_id(void);

/* Boot CPU: choose the mode, map the xAPIC page, set up its local APIC. After acpi_init(). */
void apic_init_bsp(void);
/* Any CPU: global enable (and x2APIC mode if chosen), SVR, TPR, LVTs (all masked but error). */
void apic_setup_this_cpu(void);

/* End of interrupt for the vector being serviced. */
void ack_APIC_irq(void);

/* A fixed IPI to one CPU (by logical number), to all others, or an NMI to all others. */
void send_IPI(unsigned int cpu, uint8_t vector);
void send_IPI_allbutself(uint8_t vector);
void send_NMI_allbutself(void);
/* Raw ICR write (INIT, STARTUP, ...) to APIC ID dest; waits for xAPIC delivery. */
void apic_send_icr(uint32_t dest, uint32_t low);

/* Interrupt handlers for the error and spurious vectors (registered by apic_init_bsp). */
void apic_error_interrupt(struct cpu_user_regs *regs);
void apic_spurious_interrupt(struct cpu_user_regs *regs);

/* Mask every IOAPIC redirection entry (from the MADT) and both 8259 PICs. */
void io_apic_init(void);

#endif
