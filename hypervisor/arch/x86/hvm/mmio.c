/*
 * Guest-physical accesses with nothing behind them (a gfn the guest gave
 * back, a device it probes, e.g. the HPET at 0xfed00000): as Xen 4.17,
 * whose hvmemul sends an access no device claims to its null handler, the
 * access completes: a read gives all ones, a write is dropped, and the
 * guest goes on. The vendor's nested page fault handler calls
 * hvm_emulate_mmio for such an access; the instruction is decoded from its
 * bytes here, kept small: the forms Linux and small kernels use to touch
 * device memory (MOV load and store, of a register, an immediate or with an
 * absolute address, MOVZX,
 * MOVSX, STOS with or without REP). Anything else is refused and the
 * vendor crashes the domain, saying which bytes it could not decode. Each
 * domain logs at most MMIO_LOG_BURST such accesses per second.
 *
 * The one device behind such addresses is the vLAPIC's xAPIC page
 * (vlapic_guest_mmio), while the vCPU has its APIC in xAPIC mode.
 *
 * Locking: none; runs on the CPU running v (the log counters are racy
 * between vCPUs of one domain: at worst a line more or less).
 */
#include <asm/hvm.h>
#include <asm/vlapic.h>
#include <asm/x86-defns.h>
#include <tessera/console.h>
#include <tessera/format.h>
#include <tessera/time.h>

#define MMIO_LOG_BURST 5

enum mmio_kind { MMIO_LOAD, MMIO_LOAD_ZX, MMIO_LOAD_SX, MMIO_STORE, MMIO_STORE_IMM, MMIO_STOS };

struct mmio_insn {
	enum mmio_kind kind;
	unsigned int len;   /* bytes, prefixes included */
	unsigned int size;  /* bytes accessed in memory */
	unsigned int dst;   /* register size written by a load */
	unsigned int reg;   /* the ModRM reg operand (0-15) */
	bool high_byte;	    /* reg is AH, CH, DH or BH */
	bool rep;	    /* STOS with REP */
	unsigned int asize; /* address size of STOS: 4 or 8 */
	uint64_t imm;
};

/* ModRM, SIB and displacement of a memory operand (32/64-bit addressing): bytes, or 0. */
static unsigned int modrm_len(const uint8_t *p, unsigned int avail)
{
	unsigned int mod = p[0] >> 6, rm = p[0] & 7, n = 1;

	if (mod == 3)
		return 0; /* a register: no memory access */
	if (rm == 4) {
		if (avail < 2)
			return 0;
		n++;
		if (mod == 0 && (p[1] & 7) == 5)
			n += 4;
	} else if (mod == 0 && rm == 5) {
		n += 4; /* disp32 (RIP-relative in 64-bit mode) */
	}
	n += mod == 1 ? 1 : mod == 2 ? 4 : 0;
	return n <= avail ? n : 0;
}

/* Decode the instruction at v's RIP: 0, or -1 if it is none of the forms above. */
static int mmio_decode(struct vcpu *v, const uint8_t *b, unsigned int len, struct mmio_insn *in)
{
	bool lm = hvm_64bit_mode(v), opsize16 = false, addr_override = false;
	unsigned int i = 0, rex = 0, op, ml, opsize;
	struct segment_register cs;

	hvm_get_segment(v, x86_seg_cs, &cs);
	if (!lm && !(cs.attr & X86_SEG_AR_DB))
		return -1; /* 16-bit code: not decoded */
	*in = (struct mmio_insn){0};
	for (; i < len; i++) {
		uint8_t p = b[i];

		if (p == 0x66)
			opsize16 = true;
		else if (p == 0x67)
			addr_override = true;
		else if (p == 0xf3)
			in->rep = true;
		else if (p == 0x26 || p == 0x2e || p == 0x36 || p == 0x3e || p == 0x64 || p == 0x65)
			;
		else if (lm && (p & 0xf0) == 0x40) {
			rex = p;
			i++;
			break; /* REX comes last */
		} else
			break;
		rex = 0;
	}
	if (i >= len)
		return -1;
	opsize = (rex & 8) ? 8 : opsize16 ? 2 : 4;
	op = b[i++];
	if (op == 0x0f) {
		if (i >= len)
			return -1;
		op = 0x0f00 | b[i++];
	}
	in->asize = lm ? (addr_override ? 4 : 8) : (addr_override ? 2 : 4);
	if (op == 0xaa || op == 0xab) {
		if (in->asize == 2)
			return -1;
		in->kind = MMIO_STOS;
		in->size = op == 0xaa ? 1 : opsize;
		in->len = i;
		return 0;
	}
	if (in->asize == 2 || in->rep)
		return -1;
	if (op >= 0xa0 && op <= 0xa3) {
		/* mov al/eAX to or from an absolute address (moffs, address-size bytes) */
		in->kind = (op & 2) ? MMIO_STORE : MMIO_LOAD;
		in->size = in->dst = (op & 1) ? opsize : 1;
		in->reg = 0;
		in->len = i + in->asize;
		return in->len <= len ? 0 : -1;
	}
	if (i >= len)
		return -1;
	ml = modrm_len(b + i, len - i);
	if (!ml)
		return -1;
	in->reg = ((b[i] >> 3) & 7) | ((rex & 4) << 1);
	switch (op) {
	case 0x88: /* mov r/m8, r8 */
	case 0x8a: /* mov r8, r/m8 */
		in->kind = op == 0x88 ? MMIO_STORE : MMIO_LOAD;
		in->size = in->dst = 1;
		in->high_byte = !rex && in->reg >= 4;
		if (in->high_byte)
			in->reg -= 4;
		break;
	case 0x89: /* mov r/m, r */
	case 0x8b: /* mov r, r/m */
		in->kind = op == 0x89 ? MMIO_STORE : MMIO_LOAD;
		in->size = in->dst = opsize;
		break;
	case 0xc6: /* mov r/m8, imm8 */
	case 0xc7: /* mov r/m, imm16/32 (sign-extended to 64) */
		if (in->reg & 7)
			return -1;
		in->kind = MMIO_STORE_IMM;
		in->size = op == 0xc6 ? 1 : opsize;
		{
			unsigned int n = op == 0xc6 ? 1 : opsize == 2 ? 2 : 4, k;

			if (i + ml + n > len)
				return -1;
			for (k = 0; k < n; k++)
				in->imm |= (uint64_t)b[i + ml + k] << (8 * k);
			if (n == 4 && (in->imm & 0x80000000UL))
				in->imm |= 0xffffffff00000000UL;
			ml += n;
		}
		break;
	case 0x0fb6: /* movzx r, r/m8 */
	case 0x0fb7: /* movzx r, r/m16 */
	case 0x0fbe: /* movsx r, r/m8 */
	case 0x0fbf: /* movsx r, r/m16 */
		in->kind = (op & 8) ? MMIO_LOAD_SX : MMIO_LOAD_ZX;
		in->size = (op & 1) ? 2 : 1;
		in->dst = opsize;
		break;
	default:
		return -1;
	}
	in->len = i + ml;
	return 0;
}

/* Write the low size bytes of val to register reg as the CPU does (32-bit writes zero-extend). */
static void mmio_set_reg(struct vcpu *v, unsigned int reg, bool high, unsigned int size,
			 uint64_t val)
{
	enum hvm_reg r = hvm_gpr(reg);
	uint64_t old = hvm_get_reg(v, r);

	switch (size) {
	case 1:
		if (high)
			val = (old & ~0xff00UL) | ((val & 0xff) << 8);
		else
			val = (old & ~0xffUL) | (val & 0xff);
		break;
	case 2:
		val = (old & ~0xffffUL) | (val & 0xffff);
		break;
	case 4:
		val = (uint32_t)val;
		break;
	default:
		break;
	}
	hvm_set_reg(v, r, val);
}

static uint64_t mmio_sext(uint64_t val, unsigned int size)
{
	unsigned int sh = 64 - 8 * size;

	return (uint64_t)((int64_t)(val << sh) >> sh);
}

static void mmio_log(struct vcpu *v, uint64_t gpa, bool write, unsigned int size);

/* The access itself: the xAPIC page in xAPIC mode, else nobody (reads all ones, writes dropped). */
static uint64_t mmio_read(struct vcpu *v, uint64_t gpa, unsigned int size)
{
	uint64_t val;

	if (vlapic_guest_mmio(v, gpa, size, false, &val))
		return val;
	mmio_log(v, gpa, false, size);
	return size == 8 ? ~0UL : (1UL << (8 * size)) - 1;
}

static void mmio_write(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t val)
{
	if (vlapic_guest_mmio(v, gpa, size, true, &val))
		return;
	mmio_log(v, gpa, true, size);
}

static void mmio_log(struct vcpu *v, uint64_t gpa, bool write, unsigned int size)
{
	struct hvm_domain *hd = &v->domain->arch.hvm;
	s_time_t now = NOW();

	if (now - hd->mmio_log_start >= SECONDS(1)) {
		if (hd->mmio_log_count > MMIO_LOG_BURST)
			pr_info("d%u: %u more accesses with nothing behind them not logged",
				v->domain->domain_id, hd->mmio_log_count - MMIO_LOG_BURST);
		hd->mmio_log_start = now;
		hd->mmio_log_count = 0;
	}
	if (hd->mmio_log_count++ < MMIO_LOG_BURST)
		pr_info("d%uv%u: %u-byte %s of gpa %#lx with nothing behind it (rip %#lx): %s",
			v->domain->domain_id, v->vcpu_id, size, write ? "write" : "read",
			(unsigned long)gpa, (unsigned long)hvm_get_reg(v, HVM_REG_RIP),
			write ? "dropped" : "all ones");
}

int hvm_emulate_mmio(struct vcpu *v, uint64_t gpa, bool write, char *why, size_t whylen)
{
	uint8_t b[HVM_INSN_MAX];
	unsigned int len;
	struct mmio_insn in;
	uint64_t rip = hvm_get_reg(v, HVM_REG_RIP), val;

	if (hvm_fetch_insn(v, b, &len)) {
		snprintf(why, whylen, "its instruction at rip %#lx is unreadable",
			 (unsigned long)rip);
		return -1;
	}
	if (mmio_decode(v, b, len, &in)) {
		snprintf(why, whylen,
			 "instruction not emulated (%02x %02x %02x %02x %02x %02x at rip %#lx)",
			 b[0], len > 1 ? b[1] : 0, len > 2 ? b[2] : 0, len > 3 ? b[3] : 0,
			 len > 4 ? b[4] : 0, len > 5 ? b[5] : 0, (unsigned long)rip);
		return -1;
	}
	/* The instruction says whether it reads or writes (each form here does one). */
	(void)write;
	switch (in.kind) {
	case MMIO_LOAD:
		mmio_set_reg(v, in.reg, in.high_byte, in.dst, mmio_read(v, gpa, in.size));
		break;
	case MMIO_LOAD_ZX:
		mmio_set_reg(v, in.reg, false, in.dst, mmio_read(v, gpa, in.size));
		break;
	case MMIO_LOAD_SX:
		mmio_set_reg(v, in.reg, false, in.dst,
			     mmio_sext(mmio_read(v, gpa, in.size), in.size));
		break;
	case MMIO_STORE:
		val = hvm_get_reg(v, hvm_gpr(in.reg));
		mmio_write(v, gpa, in.size, in.high_byte ? val >> 8 : val);
		break;
	case MMIO_STORE_IMM:
		mmio_write(v, gpa, in.size, in.imm);
		break;
	case MMIO_STOS: {
		/* One element per exit (the next may be backed): RDI and RCX move, RIP when done.
		 */
		uint64_t mask = in.asize == 8 ? ~0UL : 0xffffffffUL;
		uint64_t rdi = hvm_get_reg(v, HVM_REG_RDI), rcx = hvm_get_reg(v, HVM_REG_RCX);
		int64_t step = (hvm_get_reg(v, HVM_REG_RFLAGS) & X86_EFLAGS_DF) ? -(int64_t)in.size
										: (int64_t)in.size;

		if (in.rep && !(rcx & mask))
			break; /* nothing to do: done */
		mmio_write(v, gpa, in.size, hvm_get_reg(v, HVM_REG_RAX));
		hvm_set_reg(v, HVM_REG_RDI, (rdi & ~mask) | ((rdi + (uint64_t)step) & mask));
		if (in.rep) {
			rcx = (rcx & ~mask) | ((rcx - 1) & mask);
			hvm_set_reg(v, HVM_REG_RCX, rcx);
			if (rcx & mask)
				return 0; /* again, from the same RIP */
		}
		break;
	}
	}
	rip += in.len;
	hvm_set_reg(v, HVM_REG_RIP, hvm_64bit_mode(v) ? rip : (uint32_t)rip);
	return 0;
}
