/*
 * The register frame the interrupt/exception entry stubs (entry.S) build on
 * the stack, lowest address first. The hardware pushes rip..ss; the stub
 * pushes the error code slot (zero when the CPU gives none), writes the
 * vector into its upper half and pushes the general registers.
 *
 * The order from r15 up to ss is the one of Xen's public struct
 * cpu_user_regs (x86_64), so PV trap bouncing can later copy it as is.
 */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#ifndef __ASSEMBLY__
#include <tessera/types.h>

struct cpu_user_regs {
	uint64_t r15;
	uint64_t r14;
	uint64_t r13;
	uint64_t r12;
	uint64_t rbp;
	uint64_t rbx;
	uint64_t r11;
	uint64_t r10;
	uint64_t r9;
	uint64_t r8;
	uint64_t rax;
	uint64_t rcx;
	uint64_t rdx;
	uint64_t rsi;
	uint64_t rdi;
	uint32_t error_code;   /* 0 for vectors without one */
	uint32_t entry_vector; /* written by the entry stub */
	uint64_t rip;
	uint64_t cs;
	uint64_t rflags;
	uint64_t rsp;
	uint64_t ss;
};

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
