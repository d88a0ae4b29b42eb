/*
 * The local APIC. The boot CPU chooses the mode once: x2APIC (MSRs) when
 * CPUID.1:ECX[21] says the CPU has it, else xAPIC through its MMIO page;
 * every CPU then runs in that mode and apic_read()/apic_write() hide which.
 * IPIs use physical destination mode with the target's APIC ID.
 *
 * Locking: none. An xAPIC ICR write is two register writes, so senders keep
 * interrupts off across them (an interrupt handler on the same CPU may send
 * an IPI of its own); the ICR is per CPU, so CPUs never contend.
 */
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/irq_vectors.h>
#include <asm/percpu.h>
#include <asm/system.h>
#include <asm/traps.h>
#include <tessera/console.h>
#include <tessera/mm.h>
#include <tessera/panic.h>
#include <tessera/percpu.h>

#define CPUID1_ECX_X2APIC (1u << 21)
#define CPUID1_EDX_APIC (1u << 9)
#define MSR_X2APIC_ICR 0x830

bool x2apic_enabled;
static volatile uint32_t *apic_mmio;
/* Set once the boot CPU's APIC is usable: IPIs before that (an early panic) are skipped. */
static bool apic_ready;

static inline uint32_t x2apic_msr(unsigned int reg)
{
	return MSR_X2APIC_FIRST + (reg >> 4);
}

uint32_t apic_read(unsigned int reg)
{
	if (x2apic_enabled)
		return (uint32_t)rdmsr(x2apic_msr(reg));
	return apic_mmio[reg / 4];
}

void apic_write(unsigned int reg, uint32_t v)
{
	if (x2apic_enabled)
		wrmsr(x2apic_msr(reg), v);
	else
		apic_mmio[reg / 4] = v;
}

uint32_t apic_current_id(void)
{
	uint32_t id = apic_read(APIC_ID);

	return x2apic_enabled ? id : id >> 24;
}

void ack_APIC_irq(void)
{
	apic_write(APIC_EOI, 0);
}

void apic_send_icr(uint32_t dest, uint32_t low)
{
	unsigned long flags = local_irq_save();

	if (x2apic_enabled) {
		/* WRMSR to the ICR is not ordered after earlier stores: the target must see them.
		 */
		__asm__ __volatile__("mfence" ::: "memory");
		wrmsr(MSR_X2APIC_ICR, (uint64_t)dest << 32 | low);
	} else {
		/* Bounded waits: a stuck ICR is not worth hanging a panic path over. */
		for (unsigned int i = 0; (apic_read(APIC_ICR) & APIC_ICR_BUSY) && i < 1000000; i++)
			cpu_relax();
		apic_write(APIC_ICR2, dest << 24);
		apic_write(APIC_ICR, low);
		for (unsigned int i = 0; (apic_read(APIC_ICR) & APIC_ICR_BUSY) && i < 1000000; i++)
			cpu_relax();
	}
	local_irq_restore(flags);
}

void send_IPI(unsigned int cpu, uint8_t vector)
{
	if (!apic_ready || cpu >= NR_CPUS)
		return;
	apic_send_icr(cpu_infos[cpu].apic_id, APIC_DM_FIXED | APIC_INT_ASSERT | vector);
}

void send_IPI_allbutself(uint8_t vector)
{
	if (!apic_ready)
		return;
	apic_send_icr(0, APIC_DEST_ALLBUT | APIC_DM_FIXED | APIC_INT_ASSERT | vector);
}

void send_NMI_allbutself(void)
{
	if (!apic_ready)
		return;
	apic_send_icr(0, APIC_DEST_ALLBUT | APIC_DM_NMI | APIC_INT_ASSERT);
}

void apic_error_interrupt(struct cpu_user_regs *regs)
{
	uint32_t esr;

	/* The ESR latches on a write; x2APIC requires that write to be 0. */
	apic_write(APIC_ESR, 0);
	esr = apic_read(APIC_ESR);
	ack_APIC_irq();
	pr_warn("CPU%u: APIC error, ESR %#x", smp_processor_id(), esr);
}

void apic_spurious_interrupt(struct cpu_user_regs *regs)
{
	/* A spurious interrupt sets no ISR bit: no EOI. */
}

void apic_setup_this_cpu(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	uint32_t maxlvt;

	/* Going to x2APIC goes through xAPIC-enabled: disabled -> x2APIC directly is invalid. */
	if (!(base & APIC_BASE_ENABLE)) {
		base |= APIC_BASE_ENABLE;
		wrmsr(MSR_APIC_BASE, base);
	}
	if (x2apic_enabled && !(base & APIC_BASE_EXTD))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);

	/* Software-enable first: LVT writes made while disabled may not stick. */
	apic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_APIC_VECTOR);
	apic_write(APIC_TPR, 0);
	maxlvt = (apic_read(APIC_LVR) >> 16) & 0xff;

	apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
	if (maxlvt >= 4)
		apic_write(APIC_LVTPC, APIC_LVT_MASKED);
	if (maxlvt >= 5)
		apic_write(APIC_LVTTHMR, APIC_LVT_MASKED);
	/* The 8259s are masked: no ExtINT through LINT0. LINT1 carries the platform NMI to the boot
	 * CPU. */
	apic_write(APIC_LVT0, APIC_LVT_MASKED);
	apic_write(APIC_LVT1, smp_processor_id() == 0 ? APIC_LVT_DM_NMI : APIC_LVT_MASKED);

	apic_write(APIC_ESR, 0);
	apic_write(APIC_ESR, 0);
	apic_write(APIC_LVTERR, ERROR_APIC_VECTOR);
	apic_write(APIC_ESR, 0);
}

void apic_init_bsp(void)
{
	uint32_t a, b, c, d;
	uint64_t base;
	paddr_t pa;

	cpuid(1, &a, &b, &c, &d);
	if (!(d & CPUID1_EDX_APIC))
		panic("this CPU has no local APIC");
	base = rdmsr(MSR_APIC_BASE);
	pa = _paddr(base & 0x000ffffffffff000ULL);
	if (acpi_madt.nr_cpus && paddr_x(acpi_madt.lapic_addr) != paddr_x(pa))
		pr_warn("APIC: MADT says LAPIC at %#lx, APIC_BASE MSR %#lx: using the MSR",
			(unsigned long)paddr_x(acpi_madt.lapic_addr), (unsigned long)paddr_x(pa));

	if (c & CPUID1_ECX_X2APIC) {
		x2apic_enabled = true;
	} else {
		apic_mmio = ioremap(pa, 4096);
		if (!apic_mmio)
			panic("APIC: cannot map the local APIC at %#lx",
			      (unsigned long)paddr_x(pa));
	}

	set_intr_handler(ERROR_APIC_VECTOR, apic_error_interrupt);
	set_intr_handler(SPURIOUS_APIC_VECTOR, apic_spurious_interrupt);
	apic_setup_this_cpu();
	/* percpu_init_this_cpu(0, 0) ran before we could know the real ID. */
	get_cpu_info()->apic_id = apic_current_id();
	apic_ready = true;
	pr_info("APIC: boot CPU APIC ID %u, %s mode", get_cpu_info()->apic_id,
		x2apic_enabled ? "x2APIC" : "xAPIC");
}
