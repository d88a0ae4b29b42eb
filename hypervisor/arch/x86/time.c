/*
 * System time and the one-shot timer.
 *
 * NOW() is nanoseconds since time_init() on the boot CPU, from the TSC
 * (calibrated against the PIT) scaled by a fixed-point multiplier. The TSCs
 * of all CPUs are assumed synchronised (true under QEMU and on hardware with
 * an invariant TSC that firmware started together).
 *
 * Each CPU's local APIC timer runs in one-shot mode, calibrated against the
 * TSC. arch_timer_set_deadline() records the deadline per CPU and programs
 * the count; the interrupt re-programs itself if it came early (the count
 * was clamped to 32 bits, or rounding) and otherwise calls timer_interrupt().
 *
 * Locking: none. The calibration values are written once on the boot CPU
 * before any other CPU runs; the per-CPU deadline is only touched by its own
 * CPU with interrupts off.
 */
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/irq_vectors.h>
#include <asm/percpu.h>
#include <asm/system.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/panic.h>
#include <tessera/percpu.h>
#include <tessera/selftest.h>
#include <tessera/timer.h>

#define PIT_HZ 1193182u
#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_MODE 0x43
#define PIT_PORT_B 0x61 /* bit 0: channel 2 gate, bit 1: speaker, bit 5: channel 2 output */
#define CALIBRATE_MS 20u
#define CALIBRATE_PIT_TICKS (PIT_HZ * CALIBRATE_MS / 1000)

uint64_t tsc_hz, apic_timer_hz;
static uint64_t tsc_at_boot;
static uint64_t tsc_to_ns_mult; /* 0 until calibrated: NOW() is then 0 */
static uint64_t ns_to_apic_mult;
static uint64_t us_to_tsc_mult;

/* The deadline this CPU's APIC timer is armed for (0 = stopped). */
static DEFINE_PER_CPU(s_time_t, apic_deadline);
/* Expiries delivered to timer_interrupt(), for the self-test. */
static DEFINE_PER_CPU(unsigned long, apic_timer_expiries);

s_time_t NOW(void)
{
	uint64_t mult = READ_ONCE(tsc_to_ns_mult);
	int64_t delta;

	if (!mult)
		return 0;
	/* A CPU whose TSC is a hair behind the boot CPU's must not see time before 0. */
	delta = (int64_t)(rdtsc() - tsc_at_boot);
	if (delta < 0)
		return 0;
	return (s_time_t)time_scale((uint64_t)delta, mult);
}

s_time_t console_timestamp(void)
{
	return NOW();
}

void udelay(unsigned long us)
{
	uint64_t start = rdtsc(), cycles = time_scale(us, us_to_tsc_mult);

	while (rdtsc() - start < cycles)
		cpu_relax();
}

/*
 * TSC cycles during CALIBRATE_MS measured by PIT channel 2 in mode 0 (its
 * output, read back through port 0x61, rises at terminal count). 0 if the
 * output never rises (no PIT, or no port 0x61 readback).
 */
static uint64_t pit_ch2_measure(void)
{
	uint8_t portb = inb(PIT_PORT_B);
	uint64_t t0, t1;

	outb(PIT_PORT_B, (portb & ~0x02) | 0x01); /* gate on, speaker off */
	outb(PIT_MODE, 0xb0);			  /* channel 2, lobyte/hibyte, mode 0 */
	outb(PIT_CH2, CALIBRATE_PIT_TICKS & 0xff);
	outb(PIT_CH2, CALIBRATE_PIT_TICKS >> 8);
	t0 = rdtsc();
	while (!(inb(PIT_PORT_B) & 0x20)) {
		/* Give up after ~2^34 cycles: several seconds on any CPU we run on. */
		if (rdtsc() - t0 > (1ULL << 34)) {
			outb(PIT_PORT_B, portb);
			return 0;
		}
	}
	t1 = rdtsc();
	outb(PIT_PORT_B, portb);
	return t1 - t0;
}

/* The same with channel 0 in rate-generator mode, polling its latched count. */
static uint64_t pit_ch0_measure(void)
{
	uint32_t elapsed = 0;
	uint16_t prev, cur;
	uint64_t t0;

	outb(PIT_MODE, 0x34); /* channel 0, lobyte/hibyte, mode 2 */
	outb(PIT_CH0, 0xff);
	outb(PIT_CH0, 0xff);
	outb(PIT_MODE, 0x00); /* latch */
	prev = inb(PIT_CH0);
	prev |= (uint16_t)inb(PIT_CH0) << 8;
	t0 = rdtsc();
	while (elapsed < CALIBRATE_PIT_TICKS) {
		outb(PIT_MODE, 0x00);
		cur = inb(PIT_CH0);
		cur |= (uint16_t)inb(PIT_CH0) << 8;
		elapsed += (uint16_t)(prev - cur); /* counts down, wraps at 0xffff */
		prev = cur;
		if (rdtsc() - t0 > (1ULL << 34))
			return 0;
	}
	/* Scale to exactly CALIBRATE_PIT_TICKS so the caller's division stays the same. */
	return (rdtsc() - t0) * CALIBRATE_PIT_TICKS / elapsed;
}

static void tsc_calibrate(void)
{
	uint64_t cycles = pit_ch2_measure();

	if (!cycles) {
		pr_warn("TSC: PIT channel 2 gave no reading; polling channel 0");
		cycles = pit_ch0_measure();
	}
	if (!cycles)
		panic("TSC: cannot calibrate: the PIT does not count");
	tsc_hz = cycles * PIT_HZ / CALIBRATE_PIT_TICKS;
	tsc_to_ns_mult = 0; /* keep NOW() at 0 until every value below is set */
	us_to_tsc_mult = time_scale_mult(1000000, tsc_hz);
	tsc_at_boot = rdtsc();
	WRITE_ONCE(tsc_to_ns_mult, time_scale_mult(tsc_hz, 1000000000));
	pr_info("TSC: %lu MHz", (unsigned long)((tsc_hz + 500000) / 1000000));
}

/* Count APIC timer ticks (divide by 1) over 2 ms of TSC: ample resolution, short boot. */
static void apic_timer_calibrate(void)
{
	uint64_t t0, t1, window = tsc_hz / 500;
	uint32_t left;

	apic_write(APIC_TDCR, APIC_TDCR_DIV1);
	apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, 0xffffffffu);
	t0 = rdtsc();
	while ((t1 = rdtsc()) - t0 < window)
		cpu_relax();
	left = apic_read(APIC_TMCCT);
	apic_write(APIC_TMICT, 0);
	apic_timer_hz = (uint64_t)(0xffffffffu - left) * tsc_hz / (t1 - t0);
	if (!apic_timer_hz)
		panic("APIC timer: does not count");
	ns_to_apic_mult = time_scale_mult(1000000000, apic_timer_hz);
	pr_info("APIC timer: %lu MHz, %s mode", (unsigned long)((apic_timer_hz + 500000) / 1000000),
		x2apic_enabled ? "x2APIC" : "xAPIC");
}

/* Load the count for deadline; the interrupt sorts out an early expiry. */
static void apic_timer_program(s_time_t deadline)
{
	s_time_t delta = deadline - NOW();
	uint64_t ticks = 1;

	if (delta > 0)
		ticks = time_scale((uint64_t)delta, ns_to_apic_mult) + 1; /* round up */
	if (ticks > 0xffffffffu)
		ticks = 0xffffffffu;
	apic_write(APIC_TMICT, (uint32_t)ticks);
}

void arch_timer_set_deadline(s_time_t deadline)
{
	unsigned long flags = local_irq_save();

	this_cpu(apic_deadline) = deadline;
	/* Before time_init the APIC is not set up: the deadline is only recorded. */
	if (READ_ONCE(ns_to_apic_mult)) {
		if (deadline)
			apic_timer_program(deadline);
		else
			apic_write(APIC_TMICT, 0);
	}
	local_irq_restore(flags);
}

static void apic_timer_interrupt(struct cpu_user_regs *regs)
{
	unsigned int cpu = smp_processor_id();
	s_time_t deadline = per_cpu(apic_deadline, cpu);

	ack_APIC_irq();
	if (!deadline)
		return; /* stopped after this expiry was already pending */
	if (NOW() < deadline) {
		apic_timer_program(deadline);
		return;
	}
	per_cpu(apic_deadline, cpu) = 0;
	per_cpu(apic_timer_expiries, cpu)++;
	timer_interrupt();
}

/* This CPU's timer: one-shot, unmasked, armed for a deadline recorded before it existed. */
static void apic_timer_setup_this_cpu(void)
{
	apic_write(APIC_TDCR, APIC_TDCR_DIV1);
	apic_write(APIC_TMICT, 0); /* a zero count never fires */
	apic_write(APIC_LVTT, LOCAL_TIMER_VECTOR);
	if (this_cpu(apic_deadline))
		apic_timer_program(this_cpu(apic_deadline));
}

void time_init(void)
{
	acpi_init();
	io_apic_init();
	apic_init_bsp();
	tsc_calibrate();
	apic_timer_calibrate();
	set_intr_handler(LOCAL_TIMER_VECTOR, apic_timer_interrupt);
	apic_timer_setup_this_cpu();
}

void time_init_ap(void)
{
	apic_timer_setup_this_cpu();
}

/* A deadline 5 ms ahead fires on this CPU, and not before NOW() reached it. */
SELFTEST(apic_timer)
{
	unsigned int cpu = smp_processor_id();
	unsigned long before = per_cpu(apic_timer_expiries, cpu), flags;
	s_time_t start = NOW(), fired_at = 0;
	int ret = 0;

	if (!tsc_hz || !apic_timer_hz)
		return -ENODEV;
	flags = local_irq_save();
	arch_timer_set_deadline(start + MILLISECS(5));
	local_irq_enable();
	while (READ_ONCE(per_cpu(apic_timer_expiries, cpu)) == before) {
		if (NOW() - start > SECONDS(2)) {
			ret = -ETIME;
			break;
		}
		cpu_relax();
	}
	fired_at = NOW();
	local_irq_restore(flags);
	if (ret) {
		pr_err("apic_timer: no interrupt 2 s after a 5 ms deadline");
		return ret;
	}
	pr_info("apic_timer: fired after %lu us", (unsigned long)((fired_at - start) / 1000));
	if (fired_at - start < MILLISECS(5))
		return -EINVAL;
	return 0;
}
