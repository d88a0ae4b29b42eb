/*
 * The virtual x2APIC's register model (asm/vlapic.h): the register file
 * behind MSRs 0x800-0x8FF, interrupt request/in-service bookkeeping and
 * priorities. Portable C with no vendor state or scheduler: the plumbing
 * (vlapic_ipi.c) turns its answers into injections and IPIs, and host unit
 * tests (tests/unit/test_vlapic.c) run this file as it is.
 *
 * A vCPU starts in x2APIC mode: APIC_BASE reads EN|EXTD (and BSP on vCPU 0)
 * at 0xFEE00000 (Linux PVH sees x2APIC enabled "by the BIOS" and stays in
 * it, arch/x86/kernel/apic/apic.c check_x2apic). The guest may leave it for
 * xAPIC mode through the disabled state (SDM vol. 3A 11.12.5), as Xen's
 * vLAPIC has both modes: the same registers are then reached through the
 * MMIO page at 0xFEE00000 (vlapic_mmio_*; the vendor's nested page fault
 * path decodes the access, hvm/mmio.c), with xAPIC's 8-bit ID and
 * destinations, a writable logical ID (LDR) and DFR, and the ICR in two
 * halves. The base address stays at 0xFEE00000.
 *
 * x2APIC register rules (Intel SDM vol. 3A 11.12.1.2/11.12.1.3): a read of
 * a write-only register (EOI, SELF_IPI) or of an absent one, and a write of
 * a read-only one, is #GP; so is a non-zero write to EOI or ESR and a write
 * with bits 63:32 set except to the ICR.
 *
 * Locking: see asm/vlapic.h (IRR atomic; the rest on the vCPU's own CPU).
 */
#include <asm/vlapic.h>
#include <tessera/errno.h>
#include <tessera/string.h>

static int vlapic_reg_read(const struct vlapic *l, uint32_t msr, uint64_t *val);
static int vlapic_reg_write(struct vlapic *l, uint32_t msr, uint64_t val, uint64_t *ipi);

/* The highest set bit of a 256-bit bitmap, or -1. */
static int vlapic_highest(const unsigned long *map)
{
	for (int w = 3; w >= 0; w--) {
		unsigned long x = __atomic_load_n(&map[w], __ATOMIC_RELAXED);

		if (x)
			return w * 64 + 63 - __builtin_clzl(x);
	}
	return -1;
}

/* Bits 31:0 of bank i (registers ISR0..7, TMR0..7, IRR0..7 hold 32 vectors each). */
static uint32_t vlapic_bank(const unsigned long *map, unsigned int i)
{
	return (uint32_t)(__atomic_load_n(&map[i / 2], __ATOMIC_RELAXED) >> ((i % 2) * 32));
}

uint32_t vlapic_x2apic_ldr(uint32_t id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

void vlapic_reset(struct vlapic *l, uint32_t apic_id, bool bsp)
{
	memset(l, 0, sizeof(*l));
	l->apic_base =
	    VLAPIC_BASE_ADDR | VLAPIC_BASE_EN | VLAPIC_BASE_EXTD | (bsp ? VLAPIC_BASE_BSP : 0);
	l->id = apic_id;
	l->svr = 0xff; /* spurious vector 0xff, software-disabled */
	for (unsigned int i = 0; i < VLAPIC_NR_LVT; i++)
		l->lvt[i] = VLAPIC_LVT_MASKED;
	l->sipi_vector = -1;
}

bool vlapic_enabled(const struct vlapic *l)
{
	return (l->apic_base & VLAPIC_BASE_EN) && (l->svr & VLAPIC_SVR_ENABLE);
}

void vlapic_set_irr(struct vlapic *l, uint8_t vec)
{
	if (vec < 16)
		return; /* 0-15 are illegal vectors (SDM 11.5.2: "illegal vector" error) */
	set_bit(vec, l->irr);
}

uint32_t vlapic_ppr(const struct vlapic *l)
{
	int isrv = vlapic_highest(l->isr);
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

	return (l->tpr & 0xf0) >= isr_class ? l->tpr & 0xff : isr_class;
}

int vlapic_pending(const struct vlapic *l)
{
	int irrv;

	if (!vlapic_enabled(l))
		return -1; /* requests stay in the IRR until the guest enables its APIC */
	irrv = vlapic_highest(l->irr);
	if (irrv < 0 || ((uint32_t)irrv & 0xf0) <= (vlapic_ppr(l) & 0xf0))
		return -1;
	return irrv;
}

void vlapic_ack(struct vlapic *l, uint8_t vec)
{
	clear_bit(vec, l->irr);
	__set_bit(vec, l->isr);
}

/* EOI: retire the highest in-service vector (SDM 11.8.5). */
static void vlapic_eoi(struct vlapic *l)
{
	int v = vlapic_highest(l->isr);

	if (v >= 0) {
		__clear_bit((unsigned int)v, l->isr);
		__clear_bit((unsigned int)v, l->tmr);
	}
}

bool vlapic_match_dest(const struct vlapic *l, uint32_t dest, bool logical)
{
	uint32_t ldr;

	if (dest == VLAPIC_BROADCAST)
		return true;
	if (!logical)
		return dest == l->id;
	if (vlapic_xapic_mode(l)) {
		/* xAPIC logical (SDM 11.6.2.2): flat (DFR model 0xF) or cluster (0x0), 8 bits. */
		uint32_t mda = dest & 0xff, id = l->xapic_ldr >> 24;

		if ((l->xapic_dfr >> 28) == 0xf)
			return (mda & id) != 0;
		return (mda >> 4) == (id >> 4) && (mda & id & 0xf) != 0;
	}
	/* Cluster model (SDM 11.12.10.2): same cluster, and one of the 16 member bits in common. */
	ldr = vlapic_x2apic_ldr(l->id);
	return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff) != 0;
}

/*
 * IA32_APIC_BASE (SDM vol. 3A 11.4.4, 11.12.5 figure 11-27): the base stays at
 * 0xFEE00000 and BSP is read-only; the modes move disabled -> xAPIC -> x2APIC
 * and back to disabled from either, never x2APIC -> xAPIC or disabled -> x2APIC
 * directly, and EXTD without EN is invalid. Disabling resets the APIC's state
 * (but its ID), as a hardware APIC does.
 */
int vlapic_base_write(struct vlapic *l, uint64_t val)
{
	uint64_t fixed = VLAPIC_BASE_ADDR | (l->apic_base & VLAPIC_BASE_BSP);
	uint64_t mode = val & (VLAPIC_BASE_EN | VLAPIC_BASE_EXTD);
	uint64_t old = l->apic_base & (VLAPIC_BASE_EN | VLAPIC_BASE_EXTD);
	const uint64_t x2 = VLAPIC_BASE_EN | VLAPIC_BASE_EXTD;

	if ((val & ~(VLAPIC_BASE_EN | VLAPIC_BASE_EXTD)) != fixed)
		return -EINVAL;
	if (mode == VLAPIC_BASE_EXTD || (old == x2 && mode == VLAPIC_BASE_EN) ||
	    (old == 0 && mode == x2))
		return -EINVAL;
	if (mode == old)
		return 0;
	if (!mode) {
		vlapic_reset(l, l->id, l->apic_base & VLAPIC_BASE_BSP);
		l->apic_base = fixed;
		return 0;
	}
	if (mode == VLAPIC_BASE_EN) {
		l->xapic_ldr = 0;
		l->xapic_dfr = 0xffffffffu; /* flat model */
	}
	l->apic_base = fixed | mode;
	return 0;
}

int vlapic_msr_read(const struct vlapic *l, uint32_t msr, uint64_t *val)
{
	if (!vlapic_x2apic_mode(l))
		return -EINVAL; /* the MSRs exist in x2APIC mode only */
	return vlapic_reg_read(l, msr, val);
}

int vlapic_msr_write(struct vlapic *l, uint32_t msr, uint64_t val, uint64_t *ipi)
{
	if (!vlapic_x2apic_mode(l))
		return -EINVAL;
	return vlapic_reg_write(l, msr, val, ipi);
}

/*
 * xAPIC MMIO (SDM vol. 3A table 11-1): register offset off (16-byte
 * aligned, 32-bit accesses). Reads of write-only or absent registers give
 * 0 and writes to read-only ones are ignored, as on hardware (no #GP for
 * MMIO).
 */
uint32_t vlapic_mmio_read(const struct vlapic *l, unsigned int off)
{
	uint64_t v = 0;

	switch (off) {
	case 0x20:
		return l->id << 24;
	case 0xd0:
		return l->xapic_ldr;
	case 0xe0:
		return l->xapic_dfr;
	case 0x300:
		return (uint32_t)l->icr;
	case 0x310:
		return (uint32_t)(l->icr >> 32);
	case 0x3f0: /* SELF_IPI is x2APIC only */
		return 0;
	default:
		if (vlapic_reg_read(l, VLAPIC_MSR_FIRST + (off >> 4), &v))
			return 0;
		return (uint32_t)v;
	}
}

int vlapic_mmio_write(struct vlapic *l, unsigned int off, uint32_t val, uint64_t *ipi)
{
	uint32_t dest8;
	int ret;

	switch (off) {
	case 0x20: /* the ID stays the MADT's */
	case 0x3f0:
		return VLAPIC_DONE;
	case 0xd0:
		l->xapic_ldr = val & 0xff000000u;
		return VLAPIC_DONE;
	case 0xe0:
		l->xapic_dfr = (val & 0xf0000000u) | 0x0fffffffu;
		return VLAPIC_DONE;
	case 0x310:
		l->icr = ((uint64_t)(val & 0xff000000u) << 32) | (uint32_t)l->icr;
		return VLAPIC_DONE;
	case 0x300:
		/* The low half sends; the destination is the high half's bits 31:24. */
		l->icr = (l->icr & 0xffffffff00000000UL) | (val & 0x000ccfffu);
		dest8 = (uint32_t)(l->icr >> 56);
		*ipi =
		    (uint32_t)l->icr | ((uint64_t)(dest8 == 0xff ? VLAPIC_BROADCAST : dest8) << 32);
		return VLAPIC_SEND_IPI;
	case 0xb0: /* EOI and ESR: the value written does not matter in xAPIC mode */
	case 0x280:
		val = 0;
		break;
	case 0x80: /* TPR, SVR: reserved bits are ignored rather than refused */
		val &= 0xffu;
		break;
	case 0xf0:
		val &= 0x13ffu;
		break;
	default:
		break;
	}
	ret = vlapic_reg_write(l, VLAPIC_MSR_FIRST + (off >> 4), val, ipi);
	return ret < 0 ? VLAPIC_DONE : ret;
}

bool vlapic_x2apic_mode(const struct vlapic *l)
{
	return (l->apic_base & (VLAPIC_BASE_EN | VLAPIC_BASE_EXTD)) ==
	       (VLAPIC_BASE_EN | VLAPIC_BASE_EXTD);
}

bool vlapic_xapic_mode(const struct vlapic *l)
{
	return (l->apic_base & (VLAPIC_BASE_EN | VLAPIC_BASE_EXTD)) == VLAPIC_BASE_EN;
}

/* The registers both modes share, by x2APIC MSR number. */
static int vlapic_reg_read(const struct vlapic *l, uint32_t msr, uint64_t *val)
{
	uint64_t v;

	switch (msr) {
	case X2APIC_ID:
		v = l->id;
		break;
	case X2APIC_LVR:
		v = VLAPIC_VERSION;
		break;
	case X2APIC_TPR:
		v = l->tpr;
		break;
	case X2APIC_PPR:
		v = vlapic_ppr(l);
		break;
	case X2APIC_LDR:
		v = vlapic_x2apic_ldr(l->id);
		break;
	case X2APIC_SVR:
		v = l->svr;
		break;
	case X2APIC_ISR0 ... X2APIC_ISR0 + 7:
		v = vlapic_bank(l->isr, msr - X2APIC_ISR0);
		break;
	case X2APIC_TMR0 ... X2APIC_TMR0 + 7:
		v = vlapic_bank(l->tmr, msr - X2APIC_TMR0);
		break;
	case X2APIC_IRR0 ... X2APIC_IRR0 + 7:
		v = vlapic_bank(l->irr, msr - X2APIC_IRR0);
		break;
	case X2APIC_ESR:
		v = l->esr;
		break;
	case X2APIC_LVT_CMCI:
		v = l->lvt[VLAPIC_LVT_CMCI];
		break;
	case X2APIC_ICR:
		v = l->icr;
		break;
	case X2APIC_LVT_TIMER ... X2APIC_LVT_ERROR:
		v = l->lvt[VLAPIC_LVT_TIMER + (msr - X2APIC_LVT_TIMER)];
		break;
	case X2APIC_TMICT:
		v = l->timer_icr;
		break;
	case X2APIC_TMCCT:
		v = 0; /* the APIC timer does not count (no guest uses it under PVH) */
		break;
	case X2APIC_TDCR:
		v = l->timer_dcr;
		break;
	default: /* EOI and SELF_IPI are write-only; the rest do not exist */
		return -EINVAL;
	}
	*val = v;
	return 0;
}

/* The writable bits of each LVT (SDM 11.5.1): vector, delivery mode, polarity, trigger, mask, timer
 * mode. */
static const uint32_t vlapic_lvt_mask[VLAPIC_NR_LVT] = {
    [VLAPIC_LVT_CMCI] = 0x107ff,  [VLAPIC_LVT_TIMER] = 0x700ff, [VLAPIC_LVT_THERMAL] = 0x107ff,
    [VLAPIC_LVT_PERF] = 0x107ff,  [VLAPIC_LVT_LINT0] = 0x1a7ff, [VLAPIC_LVT_LINT1] = 0x1a7ff,
    [VLAPIC_LVT_ERROR] = 0x100ff,
};

static void vlapic_lvt_write(struct vlapic *l, enum vlapic_lvt i, uint32_t val)
{
	val &= vlapic_lvt_mask[i];
	/* While software-disabled every LVT stays masked (SDM 11.4.7.2). */
	if (!(l->svr & VLAPIC_SVR_ENABLE))
		val |= VLAPIC_LVT_MASKED;
	l->lvt[i] = val;
}

static int vlapic_reg_write(struct vlapic *l, uint32_t msr, uint64_t val, uint64_t *ipi)
{
	uint32_t v32 = (uint32_t)val;

	if (msr != X2APIC_ICR && (val >> 32))
		return -EINVAL;
	switch (msr) {
	case X2APIC_TPR:
		if (v32 & ~0xffu)
			return -EINVAL;
		l->tpr = v32;
		return VLAPIC_DONE;
	case X2APIC_EOI:
		if (v32)
			return -EINVAL;
		vlapic_eoi(l);
		return VLAPIC_EOI_DONE;
	case X2APIC_SVR:
		if (v32 & ~0x13ffu)
			return -EINVAL;
		l->svr = v32 & 0x3ff; /* no EOI-broadcast suppression: LVR bit 24 is clear */
		if (!(l->svr & VLAPIC_SVR_ENABLE))
			for (unsigned int i = 0; i < VLAPIC_NR_LVT; i++)
				l->lvt[i] |= VLAPIC_LVT_MASKED;
		return VLAPIC_EOI_DONE; /* enabling may make a held request deliverable */
	case X2APIC_ESR:
		if (v32)
			return -EINVAL;
		l->esr = 0; /* no error is ever latched */
		return VLAPIC_DONE;
	case X2APIC_LVT_CMCI:
		vlapic_lvt_write(l, VLAPIC_LVT_CMCI, v32);
		return VLAPIC_DONE;
	case X2APIC_LVT_TIMER ... X2APIC_LVT_ERROR:
		vlapic_lvt_write(l, VLAPIC_LVT_TIMER + (msr - X2APIC_LVT_TIMER), v32);
		return VLAPIC_DONE;
	case X2APIC_TMICT:
		l->timer_icr = v32;
		return VLAPIC_DONE;
	case X2APIC_TDCR:
		l->timer_dcr = v32 & 0xb;
		return VLAPIC_DONE;
	case X2APIC_ICR:
		/* Keep vector, mode, dest mode, level, trigger, shorthand and destination. */
		l->icr = val & 0xffffffff000ccfffUL;
		*ipi = l->icr;
		return VLAPIC_SEND_IPI;
	case X2APIC_SELF_IPI:
		if (v32 & ~0xffu)
			return -EINVAL;
		*ipi = (v32 & 0xff) | ((uint64_t)VLAPIC_SH_SELF << 18) | VLAPIC_ICR_ASSERT;
		return VLAPIC_SEND_IPI;
	default: /* ID, LVR, PPR, LDR, ISR/TMR/IRR, TMCCT are read-only; the rest absent */
		return -EINVAL;
	}
}
