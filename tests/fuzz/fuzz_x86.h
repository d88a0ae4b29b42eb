/*
 * The input of the x86 emulation fuzzer (tests/fuzz/fuzz_x86.c), shared with
 * its seed generator (tests/fuzz/x86_mkseeds.c) so both read one layout:
 * FX86_CODE_MAX bytes placed at the guest's RIP (instruction and junk; first,
 * and the head kept small, so that most mutations hit them), then this head
 * (host byte order). A short input is padded with zeros.
 */
#ifndef FUZZ_X86_H
#define FUZZ_X86_H

#include <stdint.h>

#define FX86_LM 0x01	   /* 64-bit code: CS.L and EFER.LMA */
#define FX86_DB 0x02	   /* CS.D (32-bit code when not FX86_LM; without it 16-bit) */
#define FX86_WRITE 0x04	   /* the fault says write (the decoder goes by the instruction) */
#define FX86_RIP_HIGH 0x08 /* outside long mode, junk in RIP's upper half (ignored by the CPU) */
#define FX86_AT_END 0x10   /* RIP at the buffer's end minus (place % 17): bytes cut short */
#define FX86_CODE_MAX 20

struct fx86_head {
	uint8_t flags;
	uint8_t place;	   /* FX86_AT_END: bytes left; else offset before a page boundary */
	uint8_t whylen;	   /* reason buffer: 1 + whylen % 128 bytes */
	uint8_t cpuid_max; /* CPUID leaf 0 EAX (leaf 7 is offered when >= 7) */
	uint32_t cpuid1_ecx, cpuid1_edx, cpuid7_ebx, cpuid7_ecx;
	uint32_t rip_high; /* with FX86_RIP_HIGH */
	uint64_t gpa;
	uint64_t cr4_old, cr4_new, cr3;
	/* RAX, RCX, RDI as given; the other registers fill * (their encoding number + 1). */
	uint64_t rax, rcx, rdi, fill;
	uint64_t rflags;
};

#endif
