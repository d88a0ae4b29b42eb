/*
 * Seed corpus of the x86 emulation fuzzer (tests/fuzz/fuzz_x86.c), written at
 * build time into the directory given: one input per instruction form of
 * tests/unit/test_hvm_mmio.c (loads, stores, STOS, refused forms, 32-bit code,
 * bytes cut short at the end of memory), each with a CR4 write from the same
 * test's CPUID (PAE PGE FXSR SSE) or one with leaf 7 and VMX offered.
 * Usage: x86_mkseeds DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_x86.h"

static const char *outdir;
static unsigned int nr_written;

/* CR4 bits (as asm/x86-defns.h). */
#define CR4_PAE (1ULL << 5)
#define CR4_PGE (1ULL << 7)
#define CR4_PCE (1ULL << 8)
#define CR4_OSFXSR (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define CR4_VMXE (1ULL << 13)
#define CR4_PCIDE (1ULL << 17)
#define CR4_SMEP (1ULL << 20)
#define CR4_BASE (CR4_PAE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT)

static void emit(const char *name, const struct fx86_head *h, const void *code, size_t len)
{
	char path[4096];
	FILE *f;

	unsigned char buf[FX86_CODE_MAX + sizeof(*h)];

	/* The code (zero-padded), then the head. */
	memset(buf, 0, sizeof(buf));
	if (len)
		memcpy(buf, code, len);
	memcpy(buf + FX86_CODE_MAX, h, sizeof(*h));
	snprintf(path, sizeof(path), "%s/seed-%s", outdir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, sizeof(buf), f) != sizeof(buf) || fclose(f)) {
		perror(path);
		exit(1);
	}
	nr_written++;
}

/* The unit test's machine: long mode, the HPET's gpa, RAX with a pattern, its CPUID. */
static struct fx86_head head(uint8_t flags, uint64_t cr4_new)
{
	struct fx86_head h;

	memset(&h, 0, sizeof(h));
	h.flags = flags;
	h.whylen = 127;
	h.cpuid_max = 1;
	h.cpuid1_edx = (1U << 6) | (1U << 13) | (1U << 24) | (1U << 25); /* PAE PGE FXSR SSE */
	h.gpa = 0xfed00000ULL;
	h.cr4_old = CR4_BASE;
	h.cr4_new = cr4_new;
	h.rax = 0x1122334455667788ULL;
	h.fill = 0x0101010101010101ULL;
	return h;
}

#define SEED(name, flags, cr4, ...)                                                                \
	do {                                                                                       \
		static const unsigned char code_[] = {__VA_ARGS__};                                \
		struct fx86_head h_ = head(flags, cr4);                                            \
		emit(name, &h_, code_, sizeof(code_));                                             \
	} while (0)

int main(int argc, char **argv)
{
	struct fx86_head h;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	outdir = argv[1];

	/* Loads. */
	SEED("mov-r32", FX86_LM, CR4_BASE | CR4_PCE, 0x8b, 0x00);
	SEED("mov-r8-high", FX86_LM, CR4_BASE & ~CR4_PGE, 0x8a, 0x20);
	SEED("mov-r13-sib", FX86_LM, CR4_BASE | CR4_VMXE, 0x4c, 0x8b, 0x2c, 0xc8);
	SEED("movzx-w", FX86_LM, CR4_BASE & ~CR4_PAE, 0x66, 0x0f, 0xb6, 0x40, 0x10);
	SEED("movsx-q", FX86_LM, CR4_BASE | CR4_SMEP, 0x48, 0x0f, 0xbf, 0x98, 0, 1, 0, 0);
	SEED("moffs", FX86_LM, CR4_BASE | CR4_PCIDE, 0xa1, 0, 0, 0xd0, 0xfe, 0, 0, 0, 0);
	/* Stores. */
	SEED("mov-imm32", FX86_LM | FX86_WRITE, CR4_BASE, 0xc7, 0x80, 0x10, 0, 0, 0, 0x78, 0x56,
	     0x34, 0x12);
	/* REX.W wins over 0x66: imm32, sign-extended (the harness once took it for imm16). */
	SEED("mov-imm32-rexw-66", FX86_LM | FX86_WRITE, CR4_BASE, 0x66, 0x66, 0x4d, 0xc7, 0x80,
	     0x05, 0, 0, 0, 0, 0, 0, 0x80);
	SEED("mov-rip-rel", FX86_LM | FX86_WRITE, CR4_BASE, 0x48, 0x89, 0x05, 0x10, 0, 0, 0);
	SEED("movb-imm8", FX86_LM | FX86_WRITE, CR4_BASE, 0xc6, 0x44, 0x24, 0x08, 0x5a);
	/* STOS, once and with REP (RCX 2, then DF set). */
	h = head(FX86_LM | FX86_WRITE, CR4_BASE);
	h.rcx = 2;
	h.rdi = 0x1000;
	emit("rep-stosl", &h, (const unsigned char[]){0xf3, 0xab}, 2);
	h.rflags = 1ULL << 10;
	emit("rep-stosl-df", &h, (const unsigned char[]){0xf3, 0x67, 0x48, 0xab}, 4);
	SEED("stosb", FX86_LM | FX86_WRITE, CR4_BASE, 0xaa);
	/* Refused: lock add, movs, a register operand. */
	SEED("lock-add", FX86_LM | FX86_WRITE, CR4_BASE, 0xf0, 0x01, 0x00);
	SEED("movs", FX86_LM, CR4_BASE, 0xa5);
	SEED("reg-form", FX86_LM, CR4_BASE, 0x8b, 0xc0);
	/* 32-bit code: 0x48 is DEC, not REX; RIP with junk above bit 31. */
	h = head(FX86_DB | FX86_RIP_HIGH, CR4_BASE & ~CR4_PAE);
	h.rip_high = 0xdeadbeef;
	emit("dec-then-mov-32", &h, (const unsigned char[]){0x48, 0x8b, 0x00}, 3);
	emit("mov-32", &h, (const unsigned char[]){0x8b, 0x00}, 2);
	h.flags = 0; /* 16-bit code */
	emit("mov-16", &h, (const unsigned char[]){0x8b, 0x00}, 2);
	/* Cut short at the end of memory: imm32 with two of its bytes missing; nothing at all. */
	h = head(FX86_LM | FX86_WRITE | FX86_AT_END, CR4_BASE);
	h.place = 4;
	emit("truncated-imm32", &h, (const unsigned char[]){0xc7, 0x00, 0x01, 0x02}, 4);
	h.place = 0;
	h.whylen = 5; /* a reason buffer too small for the message */
	emit("unreadable", &h, NULL, 0);
	/* CR4 with leaf 7 and VMX offered: SMEP, VMXE, PCIDE from CR3 with PCID 0. */
	h = head(FX86_LM, CR4_BASE | CR4_SMEP | CR4_VMXE | CR4_PCIDE);
	h.cpuid_max = 7;
	h.cpuid1_ecx = (1U << 5) | (1U << 17);
	h.cpuid7_ebx = 1U << 7;
	h.cr3 = 0x1000;
	emit("cr4-leaf7", &h, (const unsigned char[]){0x8b, 0x00}, 2);

	printf("%u seeds in %s\n", nr_written, outdir);
	return 0;
}
