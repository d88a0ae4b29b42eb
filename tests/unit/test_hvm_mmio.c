/*
 * The small instruction decoder behind accesses to guest-physical addresses
 * with nothing behind them (arch/x86/hvm/mmio.c, with emulate.c's fetch and
 * register numbering): each emulated form completes as Xen's unclaimed MMIO
 * (reads all ones, writes dropped) with the registers and RIP the CPU would
 * leave, and anything else is refused with the bytes named. The real
 * sources are built into this test with a fake vendor (a register file
 * here) and the fake guest memory of tests/unit/fake (paging off: the
 * instruction bytes sit at RIP in that buffer). The CR4 write policy of
 * emulate.c (hvm_set_cr4) is checked against a small fake CPUID here too.
 */
#include <string.h>
#define hvm_funcs mmio_unit_funcs /* this file's vendor, not another test's */
#include <asm/hvm.h>
#include <asm/vlapic.h>
#include <asm/x86-defns.h>
#include <tessera/domain.h>
#include "fake_guest.h"
#include "unit.h"

static uint64_t fk_regs[HVM_REG_RFLAGS + 1];
static bool long_mode = true;

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
	reg->attr = long_mode ? X86_SEG_AR_L : X86_SEG_AR_DB;
	/* 32-bit code reaches the fake buffer (above 4 GiB) through its CS base. */
	reg->base = long_mode ? 0 : FAKE_GUEST_BASE;
}

static uint64_t fk_cr4;
static bool fk_flushed;

static uint64_t fk_get_cr(struct vcpu *v, unsigned int cr)
{
	(void)v;
	return cr == 0 ? X86_CR0_PE : cr == 4 ? fk_cr4 : 0; /* paging off: gva = the buffer's */
}

static void fk_set_cr4(struct vcpu *v, uint64_t cr4, bool flush)
{
	(void)v;
	fk_cr4 = cr4;
	fk_flushed = flush;
}

static uint64_t fk_get_efer(struct vcpu *v)
{
	(void)v;
	return long_mode ? EFER_LMA : 0;
}

static const struct hvm_function_table fk_vendor = {
    .name = "fake",
    .get_reg = fk_get_reg,
    .set_reg = fk_set_reg,
    .get_segment = fk_get_segment,
    .get_cr = fk_get_cr,
    .get_efer = fk_get_efer,
    .set_cr4 = fk_set_cr4,
};
const struct hvm_function_table *mmio_unit_funcs = &fk_vendor;

/* What the rest of the HVM layer provides (hvm.c, cpuid.c, vlapic_ipi.c). */
bool hvm_64bit_mode(struct vcpu *v)
{
	(void)v;
	return long_mode;
}

void hvm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c,
	       uint32_t *d)
{
	(void)v;
	(void)sub;
	*a = *b = *c = *d = 0;
	if (leaf == 0)
		*a = 1; /* no leaf 7: no SMEP, UMIP, ... */
	if (leaf == 1)
		*d = X86_BIT(6) | X86_BIT(13) | X86_BIT(24) | X86_BIT(25); /* PAE PGE FXSR SSE */
}

bool vlapic_guest_mmio(struct vcpu *v, uint64_t gpa, unsigned int size, bool write, uint64_t *val)
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

UNIT_SUITE(hvm_mmio);

static struct domain *d;

static void setup(void)
{
	fake_abi_setup(256);
	d = fake_domain_create(1, ROLE_GUEST, 1);
	CU_ASSERT_FATAL(d != NULL);
	memset(fk_regs, 0, sizeof(fk_regs));
	long_mode = true;
}

static void teardown(void)
{
	CU_ASSERT_EQUAL(fake_abi_teardown(), 0);
}

/* Put the bytes at a fresh RIP and emulate an access to an unbacked gpa: 0 or -1. */
static int run(const uint8_t *insn, size_t len, bool write, uint64_t *rip)
{
	char why[128] = "";
	int ret;

	*rip = fake_guest_put(d, insn, len);
	fk_regs[HVM_REG_RIP] = *rip;
	ret = hvm_emulate_mmio(d->vcpu[0], 0xfed00000UL, write, why, sizeof(why));
	if (ret)
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "not emulated"));
	return ret;
}

static void loads_give_all_ones_sized_as_the_cpu_writes_them(void);
UNIT_TEST(hvm_mmio, loads_give_all_ones_sized_as_the_cpu_writes_them)
{
	setup();
	loads_give_all_ones_sized_as_the_cpu_writes_them();
	teardown();
}
static void loads_give_all_ones_sized_as_the_cpu_writes_them(void)
{
	static const uint8_t mov_r32[] = {0x8b, 0x00};		   /* mov (%rax), %eax */
	static const uint8_t mov_r8_high[] = {0x8a, 0x20};	   /* mov (%rax), %ah */
	static const uint8_t mov_r13[] = {0x4c, 0x8b, 0x2c, 0xc8}; /* mov (%rax,%rcx,8), %r13 */
	static const uint8_t movzx_w[] = {0x66, 0x0f, 0xb6, 0x40,
					  0x10}; /* movzbw 0x10(%rax), %ax */
	static const uint8_t movsx_q[] = {0x48, 0x0f, 0xbf, 0x98,
					  0,	1,    0,    0}; /* movswq 0x100(%rax),%rbx */
	static const uint8_t moffs[] = {0xa1, 0, 0, 0xd0, 0xfe,
					0,    0, 0, 0}; /* movabs 0xfed00000,%eax */
	uint64_t rip;

	fk_regs[HVM_REG_RAX] = 0x1122334455667788UL;
	CU_ASSERT_EQUAL(run(mov_r32, sizeof(mov_r32), false, &rip), 0);
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RAX], 0xffffffffUL); /* 32-bit writes zero-extend */
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RIP], rip + 2);
	fk_regs[HVM_REG_RAX] = 0x1122334455667788UL;
	CU_ASSERT_EQUAL(run(mov_r8_high, sizeof(mov_r8_high), false, &rip), 0);
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RAX], 0x112233445566ff88UL); /* AH only */
	CU_ASSERT_EQUAL(run(mov_r13, sizeof(mov_r13), false, &rip), 0);
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_R13], ~0UL);
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RIP], rip + 4);
	fk_regs[HVM_REG_RAX] = 0x1122334455667788UL;
	CU_ASSERT_EQUAL(run(movzx_w, sizeof(movzx_w), false, &rip), 0);
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RAX], 0x11223344556600ffUL); /* 16-bit destination */
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RIP], rip + 5);
	CU_ASSERT_EQUAL(run(movsx_q, sizeof(movsx_q), false, &rip), 0);
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RBX], ~0UL);
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RIP], rip + 8);
	CU_ASSERT_EQUAL(run(moffs, sizeof(moffs), false, &rip), 0);
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RAX], 0xffffffffUL);
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RIP], rip + 9);
}

static void stores_are_dropped_and_stepped_over(void);
UNIT_TEST(hvm_mmio, stores_are_dropped_and_stepped_over)
{
	setup();
	stores_are_dropped_and_stepped_over();
	teardown();
}
static void stores_are_dropped_and_stepped_over(void)
{
	static const uint8_t imm32[] = {0xc7, 0x80, 0x10, 0, 0, 0, 0x78, 0x56, 0x34, 0x12};
	static const uint8_t rip_rel[] = {0x48, 0x89, 0x05, 0x10,
					  0,	0,    0};	      /* mov %rax, 0x10(%rip) */
	static const uint8_t imm8[] = {0xc6, 0x44, 0x24, 0x08, 0x5a}; /* movb $0x5a, 8(%rsp) */
	uint64_t rip;

	fk_regs[HVM_REG_RAX] = 7;
	CU_ASSERT_EQUAL(run(imm32, sizeof(imm32), true, &rip), 0);
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RIP], rip + 10);
	CU_ASSERT_EQUAL(run(rip_rel, sizeof(rip_rel), true, &rip), 0);
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RIP], rip + 7);
	CU_ASSERT_EQUAL(run(imm8, sizeof(imm8), true, &rip), 0);
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RIP], rip + 5);
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RAX], 7);
}

static void rep_stos_does_one_element_per_exit(void);
UNIT_TEST(hvm_mmio, rep_stos_does_one_element_per_exit)
{
	setup();
	rep_stos_does_one_element_per_exit();
	teardown();
}
static void rep_stos_does_one_element_per_exit(void)
{
	static const uint8_t rep_stosl[] = {0xf3, 0xab};
	uint64_t rip;

	fk_regs[HVM_REG_RCX] = 2;
	fk_regs[HVM_REG_RDI] = 0x1000;
	CU_ASSERT_EQUAL(run(rep_stosl, sizeof(rep_stosl), true, &rip), 0);
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RCX], 1);
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RDI], 0x1004);
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RIP], rip); /* again from the same instruction */
	fk_regs[HVM_REG_RFLAGS] = X86_EFLAGS_DF;
	CU_ASSERT_EQUAL(hvm_emulate_mmio(d->vcpu[0], 0xfed00000UL, true, (char[64]){0}, 64), 0);
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RCX], 0);
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RDI], 0x1000); /* DF: down */
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RIP], rip + 2);
}

static void other_instructions_are_refused_with_their_bytes(void);
UNIT_TEST(hvm_mmio, other_instructions_are_refused_with_their_bytes)
{
	setup();
	other_instructions_are_refused_with_their_bytes();
	teardown();
}
static void other_instructions_are_refused_with_their_bytes(void)
{
	static const uint8_t lock_add[] = {0xf0, 0x01, 0x00};	     /* lock add %eax, (%rax) */
	static const uint8_t movs[] = {0xa5};			     /* movsl */
	static const uint8_t reg_form[] = {0x8b, 0xc0};		     /* mov %eax, %eax: no memory */
	static const uint8_t truncated[] = {0xc7, 0x00, 0x01, 0x02}; /* imm32 cut short */
	uint64_t rip;

	CU_ASSERT_EQUAL(run(lock_add, sizeof(lock_add), true, &rip), -1);
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RIP], rip); /* nothing stepped over */
	CU_ASSERT_EQUAL(run(movs, sizeof(movs), false, &rip), -1);
	CU_ASSERT_EQUAL(run(reg_form, sizeof(reg_form), false, &rip), -1);
	/* At the end of the guest's memory: the bytes that are there do not make the instruction.
	 */
	rip = fake_guest_end(d) - sizeof(truncated);
	memcpy(fake_guest_host(d, rip), truncated, sizeof(truncated));
	fk_regs[HVM_REG_RIP] = rip;
	CU_ASSERT_EQUAL(hvm_emulate_mmio(d->vcpu[0], 0xfed00000UL, true, (char[128]){0}, 128), -1);
}

static void thirty_two_bit_code_has_no_rex(void);
UNIT_TEST(hvm_mmio, thirty_two_bit_code_has_no_rex)
{
	setup();
	thirty_two_bit_code_has_no_rex();
	teardown();
}
static void thirty_two_bit_code_has_no_rex(void)
{
	static const uint8_t dec_then_mov[] = {0x48, 0x8b, 0x00}; /* dec %eax; mov (%eax),%eax */
	static const uint8_t mov[] = {0x8b, 0x00};
	char why[128] = "";

	long_mode = false;
	fk_regs[HVM_REG_RIP] =
	    fake_guest_put(d, dec_then_mov, sizeof(dec_then_mov)) - FAKE_GUEST_BASE;
	CU_ASSERT_EQUAL(hvm_emulate_mmio(d->vcpu[0], 0xfed00000UL, false, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "not emulated (48 8b 00"));
	fk_regs[HVM_REG_RAX] = 0x1122334455667788UL;
	fk_regs[HVM_REG_RIP] = fake_guest_put(d, mov, sizeof(mov)) - FAKE_GUEST_BASE;
	CU_ASSERT_EQUAL(hvm_emulate_mmio(d->vcpu[0], 0xfed00000UL, false, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(fk_regs[HVM_REG_RAX], 0xffffffffUL);
}

static void cr4_follows_the_cpuid(void);
UNIT_TEST(hvm_mmio, cr4_follows_the_cpuid)
{
	setup();
	cr4_follows_the_cpuid();
	teardown();
}
static void cr4_follows_the_cpuid(void)
{
	struct vcpu *v = d->vcpu[0];
	const uint64_t base = X86_CR4_PAE | X86_CR4_PGE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;

	fk_cr4 = base;
	/* Offered bits move; PCE always; a paging bit flushes the TLB, PCE does not. */
	CU_ASSERT_EQUAL(hvm_set_cr4(v, base | X86_CR4_PCE), 0);
	CU_ASSERT_EQUAL(fk_cr4, base | X86_CR4_PCE);
	CU_ASSERT_FALSE(fk_flushed);
	CU_ASSERT_EQUAL(hvm_set_cr4(v, base & ~X86_CR4_PGE), 0);
	CU_ASSERT(fk_flushed);
	fk_cr4 = base;
	/* Hidden by CPUID, reserved, or against the mode: #GP and CR4 unchanged. */
	CU_ASSERT_EQUAL(hvm_set_cr4(v, base | X86_CR4_VMXE), -1);
	CU_ASSERT_EQUAL(hvm_set_cr4(v, base | X86_CR4_UMIP), -1);
	CU_ASSERT_EQUAL(hvm_set_cr4(v, base | X86_CR4_SMEP), -1);
	CU_ASSERT_EQUAL(hvm_set_cr4(v, base | X86_CR4_PCIDE), -1);
	CU_ASSERT_EQUAL(hvm_set_cr4(v, base | X86_BIT(15)), -1);
	CU_ASSERT_EQUAL(hvm_set_cr4(v, base | X86_BIT(63)), -1);
	CU_ASSERT_EQUAL(hvm_set_cr4(v, base & ~X86_CR4_PAE), -1); /* long mode needs PAE */
	CU_ASSERT_EQUAL(fk_cr4, base);
	long_mode = false;
	CU_ASSERT_EQUAL(hvm_set_cr4(v, base & ~X86_CR4_PAE), 0);
}
