/*
 * The register frame the interrupt/exception entry stubs (entry.S) build on
 * the stack, lowest address first. The hardware pushes rip..ss; the stub
 * pushes the error code slot (zero when the CPU gives none), writes the
 * vector into its upper half and pushes the general registers.
 *
 * It is the ABI's struct cpu_user_regs (public/arch-x86/xen-x86_64.h), so PV
 * trap bouncing can copy it as is. The stubs push a full 64-bit cs and ss;
 * the ABI names their low 16 bits cs/ss and the rest padding. The frame ends
 * at ss: the struct's es, ds, fs and gs lie beyond it and must not be used on
 * a frame from these stubs (they belong to guest frames, as in Xen).
 */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#ifndef __ASSEMBLY__
#include <tessera/types.h>
#include <public/xen.h> /* struct cpu_user_regs: the hypervisor uses the ABI's frame */

/* Did the interrupted context run below ring 0 (a PV guest)? */
static inline bool regs_guest_mode(const struct cpu_user_regs *regs)
{
	return (regs->cs & 3) != 0;
}
#endif

/* Offsets for entry.S; checked against the struct in traps.c. */
#define UREGS_r15 0
#define UREGS_rbp 32
#define UREGS_rdi 112
#define UREGS_error_code 120
#define UREGS_entry_vector 124
#define UREGS_rip 128
#define UREGS_cs 136
#define UREGS_rflags 144
#define UREGS_rsp 152
#define UREGS_ss 160
#define UREGS_size 168

#endif
