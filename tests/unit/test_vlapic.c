/*
 * The virtual x2APIC's register model (arch/x86/hvm/vlapic.c): reset
 * state, x2APIC MSR read/write rules (#GP cases), priorities and the choice
 * of the vector to inject, EOI, ICR/SELF_IPI requests, destination matching.
 */
#include <asm/vlapic.h>
#include <tessera/errno.h>
#include "unit.h"

UNIT_SUITE(vlapic);

static struct vlapic l;

static uint64_t rd(uint32_t msr)
{
	uint64_t v = 0xdeadbeef;

	CU_ASSERT_EQUAL(vlapic_msr_read(&l, msr, &v), 0);
	return v;
}

static void enable(void)
{
	uint64_t ipi;

	CU_ASSERT(vlapic_msr_write(&l, X2APIC_SVR, VLAPIC_SVR_ENABLE | 0xff, &ipi) >= 0);
}

UNIT_TEST(vlapic, reset_is_x2apic_mode_with_madt_id_and_bsp_on_vcpu0)
{
	vlapic_reset(&l, 2, false);
	CU_ASSERT_EQUAL(l.apic_base, 0xfee00000UL | VLAPIC_BASE_EN | VLAPIC_BASE_EXTD);
	CU_ASSERT_EQUAL(rd(X2APIC_ID), 2);
	CU_ASSERT_EQUAL(rd(X2APIC_LVR), 0x50014);
	CU_ASSERT_EQUAL(rd(X2APIC_SVR), 0xff);
	CU_ASSERT_EQUAL(rd(X2APIC_LVT_TIMER), VLAPIC_LVT_MASKED);
	CU_ASSERT_EQUAL(rd(X2APIC_LDR), (0u << 16) | (1u << 2));
	CU_ASSERT_FALSE(vlapic_enabled(&l));
	vlapic_reset(&l, 0, true);
	CU_ASSERT(l.apic_base & VLAPIC_BASE_BSP);
	CU_ASSERT_EQUAL(l.sipi_vector, -1);
}

UNIT_TEST(vlapic, apic_base_moves_between_modes_as_the_sdm_allows)
{
	const uint64_t base = 0xfee00000UL | VLAPIC_BASE_BSP;
	uint64_t v;

	vlapic_reset(&l, 0, true);
	CU_ASSERT_EQUAL(vlapic_base_write(&l, l.apic_base), 0);
	/* x2APIC -> xAPIC directly, another base, BSP cleared, EXTD without EN: #GP. */
	CU_ASSERT_EQUAL(vlapic_base_write(&l, l.apic_base & ~VLAPIC_BASE_EXTD), -EINVAL);
	CU_ASSERT_EQUAL(vlapic_base_write(&l, 0xfed00000UL | VLAPIC_BASE_EN | VLAPIC_BASE_EXTD |
						  VLAPIC_BASE_BSP),
			-EINVAL);
	CU_ASSERT_EQUAL(vlapic_base_write(&l, 0xfee00000UL | VLAPIC_BASE_EN | VLAPIC_BASE_EXTD),
			-EINVAL);
	CU_ASSERT_EQUAL(vlapic_base_write(&l, base | VLAPIC_BASE_EXTD), -EINVAL);
	/* x2APIC -> disabled -> xAPIC -> x2APIC; disabled -> x2APIC is not a step. */
	CU_ASSERT_EQUAL(vlapic_base_write(&l, base), 0);
	CU_ASSERT_FALSE(vlapic_x2apic_mode(&l) || vlapic_xapic_mode(&l));
	CU_ASSERT_EQUAL(vlapic_msr_read(&l, X2APIC_ID, &v), -EINVAL);
	CU_ASSERT_EQUAL(vlapic_base_write(&l, base | VLAPIC_BASE_EN | VLAPIC_BASE_EXTD), -EINVAL);
	CU_ASSERT_EQUAL(vlapic_base_write(&l, base | VLAPIC_BASE_EN), 0);
	CU_ASSERT(vlapic_xapic_mode(&l));
	/* The MSRs exist in x2APIC mode only. */
	CU_ASSERT_EQUAL(vlapic_msr_read(&l, X2APIC_ID, &v), -EINVAL);
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_TPR, 0, &v), -EINVAL);
	CU_ASSERT_EQUAL(vlapic_base_write(&l, base | VLAPIC_BASE_EN | VLAPIC_BASE_EXTD), 0);
	CU_ASSERT(vlapic_x2apic_mode(&l));
	CU_ASSERT_EQUAL(rd(X2APIC_ID), 0);
}

UNIT_TEST(vlapic, xapic_mmio_registers)
{
	uint64_t ipi = 0;

	vlapic_reset(&l, 2, false);
	CU_ASSERT_EQUAL(vlapic_base_write(&l, 0xfee00000UL), 0);
	CU_ASSERT_EQUAL(vlapic_base_write(&l, 0xfee00000UL | VLAPIC_BASE_EN), 0);
	/* xAPIC's ID is in bits 31:24; version, SVR, TPR as in x2APIC. */
	CU_ASSERT_EQUAL(vlapic_mmio_read(&l, 0x20), 2u << 24);
	CU_ASSERT_EQUAL(vlapic_mmio_read(&l, 0x30), 0x50014);
	CU_ASSERT_EQUAL(vlapic_mmio_read(&l, 0xf0), 0xff);
	CU_ASSERT_EQUAL(vlapic_mmio_write(&l, 0xf0, 0x1ff, &ipi), VLAPIC_EOI_DONE);
	CU_ASSERT(vlapic_enabled(&l));
	CU_ASSERT_EQUAL(vlapic_mmio_write(&l, 0x80, 0x20, &ipi), VLAPIC_DONE);
	CU_ASSERT_EQUAL(vlapic_mmio_read(&l, 0x80), 0x20);
	/* Read-only and write-only registers neither fault nor change. */
	CU_ASSERT_EQUAL(vlapic_mmio_write(&l, 0x20, 0x7u << 24, &ipi), VLAPIC_DONE);
	CU_ASSERT_EQUAL(vlapic_mmio_read(&l, 0x20), 2u << 24);
	CU_ASSERT_EQUAL(vlapic_mmio_read(&l, 0xb0), 0);
	/* EOI takes any value in xAPIC mode (x2APIC: only 0); TPR's reserved bits are ignored. */
	vlapic_set_irr(&l, 0x41);
	CU_ASSERT_EQUAL(vlapic_pending(&l), 0x41);
	vlapic_ack(&l, 0x41);
	CU_ASSERT_EQUAL(vlapic_mmio_write(&l, 0xb0, 0x1234, &ipi), VLAPIC_EOI_DONE);
	CU_ASSERT_EQUAL(vlapic_mmio_read(&l, 0x100 + 0x20), 0); /* ISR bank 2: vector 0x41 gone */
	CU_ASSERT_EQUAL(vlapic_mmio_write(&l, 0x80, 0xff10, &ipi), VLAPIC_DONE);
	CU_ASSERT_EQUAL(vlapic_mmio_read(&l, 0x80), 0x10);
	CU_ASSERT_EQUAL(vlapic_mmio_write(&l, 0x80, 0, &ipi), VLAPIC_DONE);
	/* Logical ID and DFR are xAPIC's own. */
	CU_ASSERT_EQUAL(vlapic_mmio_read(&l, 0xe0), 0xffffffffu);
	CU_ASSERT_EQUAL(vlapic_mmio_write(&l, 0xd0, 0x04ffffffu, &ipi), VLAPIC_DONE);
	CU_ASSERT_EQUAL(vlapic_mmio_read(&l, 0xd0), 0x04000000u);
	CU_ASSERT(vlapic_match_dest(&l, 0x06, true));
	CU_ASSERT_FALSE(vlapic_match_dest(&l, 0x01, true));
	CU_ASSERT(vlapic_match_dest(&l, 2, false));
	/* The ICR in two halves: the high one holds the 8-bit destination, the low one sends. */
	CU_ASSERT_EQUAL(vlapic_mmio_write(&l, 0x310, 0x03000000u, &ipi), VLAPIC_DONE);
	CU_ASSERT_EQUAL(vlapic_mmio_write(&l, 0x300, 0x4041u, &ipi), VLAPIC_SEND_IPI);
	CU_ASSERT_EQUAL(VLAPIC_ICR_DEST(ipi), 3);
	CU_ASSERT_EQUAL(VLAPIC_ICR_VECTOR(ipi), 0x41);
	CU_ASSERT_EQUAL(vlapic_mmio_read(&l, 0x310), 0x03000000u);
	CU_ASSERT_EQUAL(vlapic_mmio_read(&l, 0x300), 0x4041u);
	/* Destination 0xff is the broadcast. */
	CU_ASSERT_EQUAL(vlapic_mmio_write(&l, 0x310, 0xff000000u, &ipi), VLAPIC_DONE);
	CU_ASSERT_EQUAL(vlapic_mmio_write(&l, 0x300, 0x4041u, &ipi), VLAPIC_SEND_IPI);
	CU_ASSERT_EQUAL(VLAPIC_ICR_DEST(ipi), VLAPIC_BROADCAST);
}

UNIT_TEST(vlapic, x2apic_access_rules_give_gp)
{
	uint64_t v, ipi;

	vlapic_reset(&l, 4, false);
	/* Write-only registers cannot be read; absent ones neither. */
	CU_ASSERT_EQUAL(vlapic_msr_read(&l, X2APIC_EOI, &v), -EINVAL);
	CU_ASSERT_EQUAL(vlapic_msr_read(&l, X2APIC_SELF_IPI, &v), -EINVAL);
	CU_ASSERT_EQUAL(vlapic_msr_read(&l, 0x809, &v), -EINVAL);
	CU_ASSERT_EQUAL(vlapic_msr_read(&l, 0x8ff, &v), -EINVAL);
	/* Read-only registers cannot be written. */
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_ID, 0, &ipi), -EINVAL);
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_LVR, 0, &ipi), -EINVAL);
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_LDR, 0, &ipi), -EINVAL);
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_PPR, 0, &ipi), -EINVAL);
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_IRR0, 0, &ipi), -EINVAL);
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_TMCCT, 0, &ipi), -EINVAL);
	/* Non-zero EOI/ESR, reserved TPR bits, high bits outside the ICR. */
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_EOI, 1, &ipi), -EINVAL);
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_ESR, 1, &ipi), -EINVAL);
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_TPR, 0x100, &ipi), -EINVAL);
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_SVR, 1UL << 32, &ipi), -EINVAL);
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_SELF_IPI, 0x100, &ipi), -EINVAL);
	/* Allowed ones read back. */
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_ESR, 0, &ipi), VLAPIC_DONE);
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_TPR, 0x20, &ipi), VLAPIC_DONE);
	CU_ASSERT_EQUAL(rd(X2APIC_TPR), 0x20);
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_TMICT, 12345, &ipi), VLAPIC_DONE);
	CU_ASSERT_EQUAL(rd(X2APIC_TMICT), 12345);
	CU_ASSERT_EQUAL(rd(X2APIC_TMCCT), 0);
}

UNIT_TEST(vlapic, lvts_stay_masked_while_software_disabled)
{
	uint64_t ipi;

	vlapic_reset(&l, 0, true);
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_LVT_LINT0, 0x700, &ipi), VLAPIC_DONE);
	CU_ASSERT_EQUAL(rd(X2APIC_LVT_LINT0), 0x10700);
	enable();
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_LVT_LINT0, 0x700, &ipi), VLAPIC_DONE);
	CU_ASSERT_EQUAL(rd(X2APIC_LVT_LINT0), 0x700);
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_LVT_ERROR, 0xfe, &ipi), VLAPIC_DONE);
	CU_ASSERT_EQUAL(rd(X2APIC_LVT_ERROR), 0xfe);
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_LVT_CMCI, 0xf0, &ipi), VLAPIC_DONE);
	CU_ASSERT_EQUAL(rd(X2APIC_LVT_CMCI), 0xf0);
	/* Software disable masks them all again. */
	CU_ASSERT(vlapic_msr_write(&l, X2APIC_SVR, 0xff, &ipi) >= 0);
	CU_ASSERT_EQUAL(rd(X2APIC_LVT_LINT0), 0x10700);
	CU_ASSERT_EQUAL(rd(X2APIC_LVT_ERROR), 0x100fe);
}

UNIT_TEST(vlapic, requests_wait_for_the_apic_to_be_enabled)
{
	vlapic_reset(&l, 0, true);
	vlapic_set_irr(&l, 0xf3);
	CU_ASSERT_EQUAL(vlapic_pending(&l), -1);
	CU_ASSERT_EQUAL(rd(X2APIC_IRR0 + 7), 1u << (0xf3 - 0xe0));
	enable();
	CU_ASSERT_EQUAL(vlapic_pending(&l), 0xf3);
	/* Vectors below 16 are illegal and never requested. */
	vlapic_reset(&l, 0, true);
	enable();
	vlapic_set_irr(&l, 5);
	CU_ASSERT_EQUAL(vlapic_pending(&l), -1);
}

UNIT_TEST(vlapic, highest_request_above_ppr_is_injected_and_eoi_retires_it)
{
	uint64_t ipi;

	vlapic_reset(&l, 0, true);
	enable();
	vlapic_set_irr(&l, 0x31);
	vlapic_set_irr(&l, 0xf3);
	CU_ASSERT_EQUAL(vlapic_pending(&l), 0xf3);
	vlapic_ack(&l, 0xf3);
	CU_ASSERT_EQUAL(rd(X2APIC_ISR0 + 7), 1u << (0xf3 - 0xe0));
	CU_ASSERT_EQUAL(rd(X2APIC_IRR0 + 7), 0);
	CU_ASSERT_EQUAL(rd(X2APIC_PPR), 0xf0);
	/* 0x31 is below the in-service class: it waits. */
	CU_ASSERT_EQUAL(vlapic_pending(&l), -1);
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_EOI, 0, &ipi), VLAPIC_EOI_DONE);
	CU_ASSERT_EQUAL(rd(X2APIC_ISR0 + 7), 0);
	CU_ASSERT_EQUAL(vlapic_pending(&l), 0x31);
	/* A TPR of class 3 holds it back; class 2 lets it through. */
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_TPR, 0x30, &ipi), VLAPIC_DONE);
	CU_ASSERT_EQUAL(vlapic_pending(&l), -1);
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_TPR, 0x2f, &ipi), VLAPIC_DONE);
	CU_ASSERT_EQUAL(vlapic_pending(&l), 0x31);
}

UNIT_TEST(vlapic, nested_eoi_retires_the_highest_in_service_first)
{
	uint64_t ipi;

	vlapic_reset(&l, 0, true);
	enable();
	vlapic_set_irr(&l, 0x40);
	vlapic_ack(&l, 0x40);
	vlapic_set_irr(&l, 0x80);
	CU_ASSERT_EQUAL(vlapic_pending(&l), 0x80);
	vlapic_ack(&l, 0x80);
	CU_ASSERT_EQUAL(rd(X2APIC_PPR), 0x80);
	vlapic_msr_write(&l, X2APIC_EOI, 0, &ipi);
	CU_ASSERT_EQUAL(rd(X2APIC_ISR0 + 2), 1u << 0);
	CU_ASSERT_EQUAL(rd(X2APIC_ISR0 + 4), 0);
	CU_ASSERT_EQUAL(rd(X2APIC_PPR), 0x40);
}

UNIT_TEST(vlapic, icr_and_self_ipi_writes_ask_for_delivery)
{
	uint64_t ipi = 0;

	vlapic_reset(&l, 0, true);
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_ICR, (2UL << 32) | 0x4000 | 0xf0, &ipi),
			VLAPIC_SEND_IPI);
	CU_ASSERT_EQUAL(VLAPIC_ICR_DEST(ipi), 2);
	CU_ASSERT_EQUAL(VLAPIC_ICR_VECTOR(ipi), 0xf0);
	CU_ASSERT_EQUAL(VLAPIC_ICR_MODE(ipi), VLAPIC_DM_FIXED);
	CU_ASSERT_EQUAL(rd(X2APIC_ICR), (2UL << 32) | 0x4000 | 0xf0);
	/* Reserved bits (delivery status 12, 13, 16-17, 20-31) are not kept. */
	vlapic_msr_write(&l, X2APIC_ICR, 0xffff3000UL | 0x500, &ipi);
	CU_ASSERT_EQUAL(ipi, 0xc0000UL | 0x500);
	CU_ASSERT_EQUAL(VLAPIC_ICR_MODE(ipi), VLAPIC_DM_INIT);
	CU_ASSERT_EQUAL(VLAPIC_ICR_SHORTHAND(ipi), VLAPIC_SH_OTHERS);
	CU_ASSERT_EQUAL(vlapic_msr_write(&l, X2APIC_SELF_IPI, 0x42, &ipi), VLAPIC_SEND_IPI);
	CU_ASSERT_EQUAL(VLAPIC_ICR_SHORTHAND(ipi), VLAPIC_SH_SELF);
	CU_ASSERT_EQUAL(VLAPIC_ICR_VECTOR(ipi), 0x42);
	CU_ASSERT_EQUAL(VLAPIC_ICR_MODE(ipi), VLAPIC_DM_FIXED);
}

UNIT_TEST(vlapic, destinations_match_physical_logical_and_broadcast)
{
	vlapic_reset(&l, 0x12, false);
	CU_ASSERT(vlapic_match_dest(&l, 0x12, false));
	CU_ASSERT_FALSE(vlapic_match_dest(&l, 0x10, false));
	CU_ASSERT(vlapic_match_dest(&l, VLAPIC_BROADCAST, false));
	/* Logical: cluster 1, bit 2. */
	CU_ASSERT_EQUAL(vlapic_x2apic_ldr(0x12), 0x10004);
	CU_ASSERT(vlapic_match_dest(&l, 0x10004, true));
	CU_ASSERT(vlapic_match_dest(&l, 0x10006, true));
	CU_ASSERT_FALSE(vlapic_match_dest(&l, 0x00004, true));
	CU_ASSERT_FALSE(vlapic_match_dest(&l, 0x10001, true));
}
