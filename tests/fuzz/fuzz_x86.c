/*
 * libFuzzer harness over the HVM layer's own instruction work (docs/testing.md,
 * "The x86 emulation fuzzer"): the decoder for accesses to guest-physical
 * addresses with nothing behind them (arch/x86/hvm/mmio.c, hvm_emulate_mmio)
 * with emulate.c's instruction fetch and register numbering, and emulate.c's
 * CR4 write policy (hvm_set_cr4). As in tests/unit/test_hvm_mmio.c the real
 * sources are included here with a fake vendor (a register file) and the fake
 * guest memory of tests/unit/fake (paging off: the bytes sit at RIP in that
 * buffer). The input is the bytes put at RIP, then a struct fx86_head
 * (tests/fuzz/fuzz_x86.h).
 *
 * Each rule broken is an abort(), which libFuzzer reports with the input:
 * - a refused access leaves every register and RIP as they were, and its
 *   reason is NUL-terminated inside the buffer given, nothing written past it;
 * - a completed one advances RIP by 1..15 bytes, never past the bytes that
 *   could be read (or leaves it, for a REP STOS with elements to go), and
 *   changes only what the instruction names: nothing for a store, the
 *   destination for a load (all ones of the access size, zero- or
 *   sign-extended as the opcode says), RDI and RCX for STOS; prefixes,
 *   opcode and the length of ModRM, SIB, displacement and immediate are
 *   decoded again here, independently, to know which and how far RIP goes;
 * - hvm_set_cr4 accepts exactly the values allowed by an independent mask
 *   computed here from the fake CPUID bits (plus PAE in long mode, PCIDE only
 *   from long mode with CR3's PCID 0), leaves CR4 as it was on refusal, and
 *   asks for a TLB flush exactly when a paging bit changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define hvm_funcs fx86_funcs /* this file's vendor */
#include <asm/hvm.h>
#include <asm/vlapic.h>
#include <asm/x86-defns.h>
#include <tessera/bootinfo.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include "fake_guest.h"
#include "fuzz_x86.h"

/* The register file, by enum hvm_reg; the harness's own numbering table (not hvm_gpr). */
static uint64_t fk_regs[HVM_REG_RFLAGS + 1];
static const enum hvm_reg fx86_enc[16] = {
    HVM_REG_RAX, HVM_REG_RCX, HVM_REG_RDX, HVM_REG_RBX, HVM_REG_RSP, HVM_REG_RBP,
    HVM_REG_RSI, HVM_REG_RDI, HVM_REG_R8,  HVM_REG_R9,	HVM_REG_R10, HVM_REG_R11,
    HVM_REG_R12, HVM_REG_R13, HVM_REG_R14, HVM_REG_R15,
};
static struct fx86_head h;
static uint64_t fk_cr4;
static bool fk_flushed;
static unsigned int fk_set_cr4_calls;

static bool fx86_lm(void)
{
	return h.flags & FX86_LM;
}

static uint64_t fk_get_reg(struct vcpu *v, enum hvm_reg r)
{
	(void)v;
	return fk_regs[r];
}

static void fk_set_reg(struct vcpu *v, enum hvm_reg r, uint64_t val)
{
	(void)v;
	fk_regs[r] = val;
}

static void fk_get_segment(struct vcpu *v, enum x86_segment seg, struct segment_register *reg)
{
	(void)v;
	(void)seg;
	memset(reg, 0, sizeof(*reg));
	reg->attr = fx86_lm() ? X86_SEG_AR_L : (h.flags & FX86_DB) ? X86_SEG_AR_DB : 0;
	/* Outside long mode the fake buffer (above 4 GiB) is reached through CS's base. */
	reg->base = fx86_lm() ? 0 : FAKE_GUEST_BASE;
}

static uint64_t fk_get_cr(struct vcpu *v, unsigned int cr)
{
	(void)v;
	return cr == 0 ? X86_CR0_PE : cr == 3 ? h.cr3 : cr == 4 ? fk_cr4 : 0;
}

static void fk_set_cr4(struct vcpu *v, uint64_t cr4, bool flush)
{
	(void)v;
	fk_cr4 = cr4;
	fk_flushed = flush;
	fk_set_cr4_calls++;
}

static uint64_t fk_get_efer(struct vcpu *v)
{
	(void)v;
	return fx86_lm() ? EFER_LMA : 0;
}

static const struct hvm_function_table fk_vendor = {
    .name = "fuzz",
    .get_reg = fk_get_reg,
    .set_reg = fk_set_reg,
    .get_segment = fk_get_segment,
    .get_cr = fk_get_cr,
    .get_efer = fk_get_efer,
    .set_cr4 = fk_set_cr4,
};
const struct hvm_function_table *fx86_funcs = &fk_vendor;

/* What the rest of the HVM layer provides (hvm.c, cpuid.c, vlapic_ipi.c), from the input. */
#define hvm_64bit_mode fx86_64bit_mode
#define hvm_cpuid fx86_cpuid
#define vlapic_guest_mmio fx86_vlapic_guest_mmio
bool fx86_64bit_mode(struct vcpu *v);
void fx86_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c,
		uint32_t *d);
bool fx86_vlapic_guest_mmio(struct vcpu *v, uint64_t gpa, unsigned int size, bool write,
			    uint64_t *val);

bool fx86_64bit_mode(struct vcpu *v)
{
	(void)v;
	return fx86_lm();
}

void fx86_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c,
		uint32_t *d)
{
	(void)v;
	(void)sub;
	*a = *b = *c = *d = 0;
	if (leaf == 0)
		*a = h.cpuid_max;
	if (leaf == 1) {
		*c = h.cpuid1_ecx;
		*d = h.cpuid1_edx;
	}
	if (leaf == 7 && h.cpuid_max >= 7) {
		*b = h.cpuid7_ebx;
		*c = h.cpuid7_ecx;
	}
}

/* No xAPIC page here: every access is to nothing. */
bool fx86_vlapic_guest_mmio(struct vcpu *v, uint64_t gpa, unsigned int size, bool write,
			    uint64_t *val)
{
	(void)v;
	(void)gpa;
	(void)size;
	(void)write;
	(void)val;
	return false;
}

#include "../../hypervisor/arch/x86/hvm/emulate.c"
#include "../../hypervisor/arch/x86/hvm/mmio.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Symbols the unit tests' own files give some linked sources (as fuzz_hypercall.c). */
__attribute__((weak)) struct boot_info fake_version_boot_info = {.cmdline = "console=com1"};
__attribute__((weak)) void fake_console_io_log(enum log_level level, const char *fmt, ...);
__attribute__((weak)) void fake_console_io_log(enum log_level level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

static struct domain *fx86_dom;

#define FX86_CHECK(cond, ...)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz-x86: " __VA_ARGS__);                                 \
			fprintf(stderr, " (%s:%d)\n", __FILE__, __LINE__);                         \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fake_abi_setup(256);
	fx86_dom = fake_domain_create(1, ROLE_GUEST, 1);
	if (!fx86_dom)
		abort();
	return 0;
}

/* Which registers a completed access may change, from its prefixes and opcode alone. */
enum fx86_form { FX86_STORE, FX86_LOAD, FX86_STOS };

struct fx86_expect {
	enum fx86_form form;
	unsigned int len; /* the whole instruction's */
	enum hvm_reg dst; /* a load's destination */
	uint64_t dst_val; /* and its value after */
	unsigned int stos_size, stos_asize;
	bool rep;
};

/* All ones of src bytes, zero- or sign-extended into a dst-byte write of old (as the CPU). */
static uint64_t fx86_ones(uint64_t old, unsigned int src, unsigned int dst, bool sign)
{
	uint64_t v = sign || src == 8 ? ~0UL : (1UL << (8 * src)) - 1;

	if (dst == 1)
		return (old & ~0xffUL) | (v & 0xff);
	if (dst == 2)
		return (old & ~0xffffUL) | (v & 0xffff);
	if (dst == 4)
		return v & 0xffffffffUL;
	return v;
}

/* Decode prefixes and opcode of a completed access: false if no emulated form has them. */
static bool fx86_expect(const uint8_t *b, unsigned int avail, struct fx86_expect *e)
{
	unsigned int i = 0, op, opsize, reg = 0;
	bool lm = fx86_lm(), o16 = false, a16 = false;
	uint8_t rex = 0;
	uint64_t old;

	memset(e, 0, sizeof(*e));
	while (i < avail) {
		uint8_t p = b[i];

		if (p == 0x66 || p == 0x67 || p == 0xf3 || p == 0x26 || p == 0x2e || p == 0x36 ||
		    p == 0x3e || p == 0x64 || p == 0x65) {
			o16 |= p == 0x66;
			a16 |= p == 0x67;
			e->rep |= p == 0xf3;
			i++;
			continue;
		}
		if (lm && p >= 0x40 && p <= 0x4f) {
			rex = p;
			i++;
		}
		break;
	}
	if (i >= avail)
		return false;
	op = b[i++];
	if (op == 0x0f) {
		if (i >= avail)
			return false;
		op = 0x100 | b[i++];
	}
	opsize = (rex & 8) ? 8 : o16 ? 2 : 4;
	e->len = i;
	if (op >= 0xa0 && op <= 0xa3) /* an absolute address of the address size */
		e->len = i + (lm ? (a16 ? 4 : 8) : (a16 ? 2 : 4));
	if (op != 0xa0 && op != 0xa1 && op != 0xa2 && op != 0xa3 && op != 0xaa && op != 0xab) {
		unsigned int mod, rm;

		if (i >= avail || (b[i] >> 6) == 3)
			return false; /* no ModRM, or a register operand: no memory access */
		reg = ((b[i] >> 3) & 7) | ((rex & 4) ? 8 : 0);
		mod = b[i] >> 6;
		rm = b[i] & 7;
		/* ModRM, SIB (rm 4), then disp8 (mod 1) or disp32 (mod 2, or no base) */
		e->len = i + 1 + (rm == 4) + (mod == 1 ? 1 : mod == 2 ? 4 : 0);
		if (mod == 0 && (rm == 5 || (rm == 4 && i + 1 < avail && (b[i + 1] & 7) == 5)))
			e->len += 4;
		if (op == 0xc6)
			e->len += 1;
		if (op == 0xc7)
			e->len += opsize == 2 ? 2 : 4; /* imm16, or imm32 (REX.W over 66) */
	}
	switch (op) {
	case 0x88:
	case 0x89:
	case 0xa2:
	case 0xa3:
	case 0xc6:
	case 0xc7:
		e->form = FX86_STORE;
		return true;
	case 0xaa:
	case 0xab:
		e->form = FX86_STOS;
		e->stos_size = op == 0xaa ? 1 : opsize;
		e->stos_asize = lm ? (a16 ? 4 : 8) : (a16 ? 2 : 4);
		return true;
	}
	e->form = FX86_LOAD;
	if (op == 0x8a && !rex && reg >= 4) { /* AH, CH, DH, BH */
		e->dst = fx86_enc[reg - 4];
		old = fk_regs[e->dst];
		e->dst_val = (old & ~0xff00UL) | 0xff00UL;
		return true;
	}
	if (op == 0xa0 || op == 0xa1)
		reg = 0;
	e->dst = fx86_enc[reg];
	old = fk_regs[e->dst];
	switch (op) {
	case 0x8a:
	case 0xa0:
		e->dst_val = fx86_ones(old, 1, 1, false);
		return true;
	case 0x8b:
	case 0xa1:
		e->dst_val = fx86_ones(old, opsize, opsize, false);
		return true;
	case 0x1b6:
	case 0x1b7:
	case 0x1be:
	case 0x1bf:
		e->dst_val = fx86_ones(old, (op & 1) ? 2 : 1, opsize, op >= 0x1be);
		return true;
	}
	return false;
}

/* RIP's advance from before to after (32 bits outside long mode). */
static uint64_t fx86_advance(uint64_t before, uint64_t after)
{
	if (fx86_lm() || after == before)
		return after - before; /* left alone (REP STOS to go): upper half as it was */
	FX86_CHECK(after >> 32 == 0, "RIP %#lx outside long mode", (unsigned long)after);
	return (uint32_t)(after - before);
}

static void fx86_check_mmio(uint64_t gva, unsigned int avail)
{
	struct vcpu *v = fx86_dom->vcpu[0];
	uint64_t before[HVM_REG_RFLAGS + 1], n, mask;
	char why[192];
	unsigned int wl = 1 + h.whylen % 128, r;
	struct fx86_expect e;
	uint8_t b[HVM_INSN_MAX] = {0};
	int ret;

	if (avail)
		memcpy(b, fake_guest_host(fx86_dom, gva), avail);
	memcpy(before, fk_regs, sizeof(before));
	memset(why, 0x5a, sizeof(why));
	ret = hvm_emulate_mmio(v, h.gpa, h.flags & FX86_WRITE, why, wl);
	if (ret) {
		FX86_CHECK(ret == -1, "hvm_emulate_mmio returned %d", ret);
		FX86_CHECK(!memcmp(before, fk_regs, sizeof(before)), "refused, registers changed");
		FX86_CHECK(memchr(why, 0, wl), "reason not NUL-terminated within %u bytes", wl);
		for (r = wl; r < sizeof(why); r++)
			FX86_CHECK(why[r] == 0x5a, "reason written past its %u bytes", wl);
		return;
	}
	FX86_CHECK(avail > 0, "completed with no instruction bytes readable");
	FX86_CHECK(fx86_expect(b, avail, &e), "completed an instruction that is no emulated form");
	n = fx86_advance(before[HVM_REG_RIP], fk_regs[HVM_REG_RIP]);
	FX86_CHECK(fk_regs[HVM_REG_RFLAGS] == before[HVM_REG_RFLAGS], "RFLAGS changed");
	for (r = 0; r < 16; r++) {
		enum hvm_reg g = fx86_enc[r];

		if ((e.form == FX86_LOAD && g == e.dst) ||
		    (e.form == FX86_STOS && (g == HVM_REG_RDI || g == HVM_REG_RCX)))
			continue;
		FX86_CHECK(fk_regs[g] == before[g], "register %u changed by a %s", r,
			   e.form == FX86_STORE ? "store" : "load or STOS");
	}
	if (e.form == FX86_LOAD)
		FX86_CHECK(fk_regs[e.dst] == e.dst_val, "load result %#lx, expected %#lx",
			   (unsigned long)fk_regs[e.dst], (unsigned long)e.dst_val);
	if (e.form == FX86_STOS) {
		uint64_t step =
		    (before[HVM_REG_RFLAGS] & X86_EFLAGS_DF) ? -(uint64_t)e.stos_size : e.stos_size;
		uint64_t rcx = before[HVM_REG_RCX], rdi = before[HVM_REG_RDI];

		FX86_CHECK(e.stos_asize != 2, "16-bit STOS addressing emulated");
		mask = e.stos_asize == 8 ? ~0UL : 0xffffffffUL;
		if (!e.rep || (rcx & mask)) { /* REP with RCX 0: nothing done */
			rdi = (rdi & ~mask) | ((rdi + step) & mask);
			if (e.rep)
				rcx = (rcx & ~mask) | ((rcx - 1) & mask);
		}
		FX86_CHECK(fk_regs[HVM_REG_RDI] == rdi && fk_regs[HVM_REG_RCX] == rcx,
			   "STOS left rdi %#lx rcx %#lx, expected %#lx %#lx",
			   (unsigned long)fk_regs[HVM_REG_RDI], (unsigned long)fk_regs[HVM_REG_RCX],
			   (unsigned long)rdi, (unsigned long)rcx);
		if (e.rep && (rcx & mask)) {
			FX86_CHECK(n == 0, "REP STOS with elements to go moved RIP");
			return;
		}
	}
	FX86_CHECK(n >= 1 && n <= HVM_INSN_MAX && n <= avail && n == e.len,
		   "RIP advanced %lu bytes (instruction %u, %u readable)", (unsigned long)n, e.len,
		   avail);
}

/* CR4 bits a CPUID feature bit allows (Intel SDM vol. 3 2.5, CPUID leaves 1 and 7). */
static const struct {
	uint8_t leaf, reg, bit; /* reg: 0 = ebx, 1 = ecx, 2 = edx */
	uint64_t cr4;
} fx86_cr4_features[] = {
    {1, 2, 1, X86_CR4_VME | X86_CR4_PVI},
    {1, 2, 2, X86_CR4_DE},
    {1, 2, 3, X86_CR4_PSE},
    {1, 2, 4, X86_CR4_TSD},
    {1, 2, 6, X86_CR4_PAE},
    {1, 2, 7, X86_CR4_MCE},
    {1, 2, 13, X86_CR4_PGE},
    {1, 2, 24, X86_CR4_OSFXSR},
    {1, 2, 25, X86_CR4_OSXMMEXCPT},
    {1, 1, 5, X86_CR4_VMXE},
    {1, 1, 17, X86_CR4_PCIDE},
    {1, 1, 26, X86_CR4_OSXSAVE},
    {7, 0, 0, X86_CR4_FSGSBASE},
    {7, 0, 7, X86_CR4_SMEP},
    {7, 0, 20, X86_CR4_SMAP},
    {7, 1, 2, X86_CR4_UMIP},
    {7, 1, 3, X86_CR4_PKE},
};

static void fx86_check_cr4(void)
{
	struct vcpu *v = fx86_dom->vcpu[0];
	uint64_t allowed = X86_CR4_PCE, val = h.cr4_new, old = h.cr4_old;
	uint64_t paging = X86_CR4_PGE | X86_CR4_PAE | X86_CR4_PSE | X86_CR4_PCIDE | X86_CR4_SMEP |
			  X86_CR4_SMAP | X86_CR4_PKE;
	bool lma = fx86_lm(), ok;
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(fx86_cr4_features) / sizeof(fx86_cr4_features[0]); i++) {
		uint32_t word;

		if (fx86_cr4_features[i].leaf == 7 && h.cpuid_max < 7)
			continue;
		if (fx86_cr4_features[i].leaf == 1)
			word = fx86_cr4_features[i].reg == 1 ? h.cpuid1_ecx : h.cpuid1_edx;
		else
			word = fx86_cr4_features[i].reg == 0 ? h.cpuid7_ebx : h.cpuid7_ecx;
		if (word & (1U << fx86_cr4_features[i].bit))
			allowed |= fx86_cr4_features[i].cr4;
	}
	ok = !(val & ~allowed) && !(lma && !(val & X86_CR4_PAE)) &&
	     !((val & X86_CR4_PCIDE) && !(old & X86_CR4_PCIDE) && (!lma || (h.cr3 & 0xfff)));
	fk_cr4 = old;
	fk_flushed = false;
	fk_set_cr4_calls = 0;
	ret = hvm_set_cr4(v, val);
	FX86_CHECK(ret == 0 || ret == -1, "hvm_set_cr4 returned %d", ret);
	if (ret) {
		FX86_CHECK(!ok, "CR4 %#lx refused, allowed %#lx", (unsigned long)val,
			   (unsigned long)allowed);
		FX86_CHECK(fk_cr4 == old && !fk_set_cr4_calls, "refused CR4 write changed CR4");
		return;
	}
	FX86_CHECK(ok, "CR4 %#lx accepted, allowed %#lx (from %#lx, lma %d, cr3 %#lx)",
		   (unsigned long)val, (unsigned long)allowed, (unsigned long)old, lma,
		   (unsigned long)h.cr3);
	FX86_CHECK(!(val & ~allowed), "CR4 bit outside the CPUID's accepted");
	FX86_CHECK(fk_cr4 == val && fk_set_cr4_calls == 1, "accepted CR4 not set once");
	FX86_CHECK(fk_flushed == !!((val ^ old) & paging), "TLB flush %d for CR4 %#lx -> %#lx",
		   fk_flushed, (unsigned long)old, (unsigned long)val);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct domain *d = fx86_dom;
	uint64_t end = fake_guest_end(d), gva, area;
	uint8_t code[FX86_CODE_MAX];
	size_t room;
	unsigned int avail, r;

	memset(&h, 0, sizeof(h));
	memset(code, 0, sizeof(code));
	memcpy(code, data, size < FX86_CODE_MAX ? size : FX86_CODE_MAX);
	if (size > FX86_CODE_MAX)
		memcpy(&h, data + FX86_CODE_MAX,
		       size - FX86_CODE_MAX < sizeof(h) ? size - FX86_CODE_MAX : sizeof(h));

	/* RIP: cut short at the buffer's end (0 bytes: unreadable), or just before a page end. */
	if (h.flags & FX86_AT_END) {
		avail = h.place % 17;
		gva = end - avail;
		area = end - 64;
		avail = avail > HVM_INSN_MAX ? HVM_INSN_MAX : avail;
	} else {
		gva = FAKE_GUEST_BASE + 2 * PAGE_SIZE - h.place % 32;
		area = gva - 64;
		avail = HVM_INSN_MAX;
	}
	memset(fake_guest_host(d, area), 0, end - area < 128 ? end - area : 128);
	room = end - gva < FX86_CODE_MAX ? end - gva : FX86_CODE_MAX;
	if (room)
		memcpy(fake_guest_host(d, gva), code, room);

	for (r = 0; r < 16; r++)
		fk_regs[fx86_enc[r]] = h.fill * (r + 1);
	fk_regs[HVM_REG_RAX] = h.rax;
	fk_regs[HVM_REG_RCX] = h.rcx;
	fk_regs[HVM_REG_RDI] = h.rdi;
	fk_regs[HVM_REG_RFLAGS] = h.rflags;
	if (fx86_lm())
		fk_regs[HVM_REG_RIP] = gva;
	else
		fk_regs[HVM_REG_RIP] = (gva - FAKE_GUEST_BASE) |
				       ((h.flags & FX86_RIP_HIGH) ? (uint64_t)h.rip_high << 32 : 0);
	fk_cr4 = h.cr4_old;

	fx86_check_mmio(gva, avail);
	fx86_check_cr4();
	return 0;
}
