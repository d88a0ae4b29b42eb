/*
 * Descriptor tables, exceptions and interrupts (arch/x86/traps.c, desc.c,
 * entry.S). Every vector enters through one stub that saves a struct
 * cpu_user_regs; exceptions 0-31 are handled here (fatal in the hypervisor,
 * except #BP and NMI), vectors 32-255 go to the handler registered for them.
 */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <asm/regs.h>
#include <tessera/types.h>

/* Exception vectors. */
#define TRAP_divide_error 0
#define TRAP_debug 1
#define TRAP_nmi 2
#define TRAP_int3 3
#define TRAP_overflow 4
#define TRAP_bounds 5
#define TRAP_invalid_op 6
#define TRAP_no_device 7
#define TRAP_double_fault 8
#define TRAP_invalid_tss 10
#define TRAP_no_segment 11
#define TRAP_stack_error 12
#define TRAP_gp_fault 13
#define TRAP_page_fault 14
#define TRAP_x87_error 16
#define TRAP_alignment_check 17
#define TRAP_machine_check 18
#define TRAP_simd_error 19
#define TRAP_virtualisation 20
#define TRAP_control_protection 21
#define TRAP_hypervisor_injection 28
#define TRAP_vmm_communication 29
#define TRAP_security 30
#define FIRST_INTR_VECTOR 32

/* #PF error code bits. */
#define PFEC_present (1U << 0)
#define PFEC_write (1U << 1)
#define PFEC_user (1U << 2)
#define PFEC_reserved (1U << 3)
#define PFEC_insn_fetch (1U << 4)
#define PFEC_prot_key (1U << 5)
#define PFEC_shadow_stack (1U << 6)

typedef void (*intr_handler_t)(struct cpu_user_regs *regs);

/* Boot CPU: load its GDT, TSS (static IST stacks for NMI, #DF, #MC) and the IDT. Before mm_init. */
void traps_init_bsp(void);
/* Secondary CPU: the same with IST stacks from the xen heap; after percpu_init_this_cpu(cpu). */
void traps_init_ap(unsigned int cpu);

/*
 * Route vector (>= 32) to fn, called with interrupts off on the interrupted
 * stack; fn sends the LAPIC EOI itself. NULL unregisters. Registration is a
 * single pointer store: set handlers up before the vector can fire.
 */
void set_intr_handler(uint8_t vector, intr_handler_t fn);

/* Print a symbolised trace starting at regs (rip, then the frame chain from regs->rbp). */
void show_stack_trace(const struct cpu_user_regs *regs);

/* Called by entry.S with the saved frame of every interrupt and exception. */
void traps_dispatch(struct cpu_user_regs *regs);

#endif
