/*
 * Bringing up the secondary CPUs (APs) listed in the MADT, one at a time,
 * with INIT-SIPI-SIPI and the trampoline (trampoline.S); stopping them
 * (NMI); and the two IPIs of the running system: event check (wake a CPU so
 * its idle loop runs softirqs) and call function (on_selected_cpus).
 *
 * Locking: AP start-up is serialised by the boot CPU (one AP in flight; the
 * ap_boot_* variables are its hand-over). call_lock serialises cross-calls:
 * it is taken with spin_trylock in a loop that keeps serving requests aimed
 * at the waiting CPU. Nothing else is taken while it is held.
 */
#include <asm/hvm.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/boot.h>
#include <asm/irq_vectors.h>
#include <asm/layout.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#include <asm/system.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/panic.h>
#include <tessera/percpu.h>
#include <tessera/sched.h>
#include <tessera/selftest.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>

BUILD_BUG_ON(NR_CPUS > 64);

#define AP_ALIVE_TIMEOUT SECONDS(2)
#define AP_ONLINE_TIMEOUT SECONDS(10)

volatile bool cpus_stopping;

extern char boot_stack_top[];
extern const uint8_t trampoline_start[], trampoline_end[], trampoline_cr3[];

/* Hand-over to the AP being started (read by ap_start64 and ap_start_c). */
uint64_t ap_boot_cr3, ap_boot_stack;
static uint64_t ap_boot_cr4;
static volatile unsigned int ap_boot_cpu;
static volatile bool ap_alive;

/* Temporary tables for the trampoline: the first GiB at 0 and at HV_VIRT_BASE. */
static uint64_t tramp_l4[512] __aligned(4096);
static uint64_t tramp_l3[512] __aligned(4096);
static uint64_t tramp_l2[512] __aligned(4096);

/* IPIs taken, per CPU (the smp_ipi self-test reads them). */
static DEFINE_PER_CPU(unsigned long, event_check_count);

void ap_start_c(void) __noreturn;

cpu_bitmask_t cpu_online_mask(void)
{
	cpu_bitmask_t m = 0;
	unsigned int c;

	for_each_online_cpu(c) m |= 1ULL << c;
	return m;
}

/* ---- AP start-up ---- */

/* The C entry of every AP, on its own stack, with the hypervisor's CR3. */
void ap_start_c(void)
{
	unsigned int cpu = ap_boot_cpu;
	uint32_t apic_id = cpu_infos[cpu].apic_id;

	write_cr4(ap_boot_cr4);
	percpu_init_this_cpu(cpu, apic_id);
	WRITE_ONCE(ap_alive, true);

	traps_init_ap(cpu);
	apic_setup_this_cpu();
	if (apic_current_id() != apic_id)
		pr_warn("CPU%u: MADT said APIC ID %u, the APIC says %u", cpu, apic_id,
			apic_current_id());
	time_init_ap();
	hvm_cpu_up();

	__atomic_store_n(&cpu_infos[cpu].online, true, __ATOMIC_RELEASE);
	__atomic_fetch_add(&nr_cpus_online, 1, __ATOMIC_RELEASE);
	idle_loop();
}

static void trampoline_setup(void)
{
	size_t len = trampoline_end - trampoline_start;
	uint8_t *tramp = maddr_to_virt(_paddr(TRAMPOLINE_PA));
	uint32_t cr3;

	BUILD_BUG_ON(TRAMPOLINE_PA >= 0x100000 || (TRAMPOLINE_PA & 0xfff));
	for (unsigned int i = 0; i < 512; i++)
		tramp_l2[i] = ((uint64_t)i << 21) | PTE_P | PTE_W | PTE_PSE;
	tramp_l3[0] = paddr_x(virt_to_maddr(tramp_l2)) | PTE_P | PTE_W;
	tramp_l3[L3_INDEX(HV_VIRT_BASE)] = paddr_x(virt_to_maddr(tramp_l2)) | PTE_P | PTE_W;
	tramp_l4[0] = paddr_x(virt_to_maddr(tramp_l3)) | PTE_P | PTE_W;
	tramp_l4[L4_INDEX(HV_VIRT_BASE)] = paddr_x(virt_to_maddr(tramp_l3)) | PTE_P | PTE_W;
	/* The trampoline loads CR3 in 32-bit mode. */
	BUG_ON(paddr_x(virt_to_maddr(tramp_l4)) >> 32);
	cr3 = (uint32_t)paddr_x(virt_to_maddr(tramp_l4));

	BUG_ON(len > PAGE_SIZE);
	memcpy(tramp, trampoline_start, len);
	memcpy(tramp + (trampoline_cr3 - trampoline_start), &cr3, sizeof(cr3));

	ap_boot_cr3 = read_cr3();
	ap_boot_cr4 = read_cr4();
}

static bool wait_until(volatile bool *flag, s_time_t timeout)
{
	s_time_t end = NOW() + timeout;

	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE)) {
		if (NOW() > end)
			return false;
		cpu_relax();
	}
	return true;
}

/*
 * The 10 ms wait after INIT is for old CPUs only: like Linux, skip it on
 * Intel family 6 and later and on AMD family 0xf and later (which covers
 * QEMU's CPU models), where the SIPI may follow at once.
 */
static unsigned long init_delay_us(void)
{
	uint32_t a, b, c, d, family;
	bool amd, intel;

	cpuid(0, &a, &b, &c, &d);
	amd = b == 0x68747541;	 /* "Auth"enticAMD */
	intel = b == 0x756e6547; /* "Genu"ineIntel */
	cpuid(1, &a, &b, &c, &d);
	family = (a >> 8) & 0xf;
	if (family == 0xf)
		family += (a >> 20) & 0xff;
	if ((intel && family >= 6) || (amd && family >= 0xf))
		return 10;
	return 10000;
}

/* Start CPU cpu at apic_id: 0, or -ETIME if it did not answer (it is then sent back to INIT). */
static int smp_boot_one(unsigned int cpu, uint32_t apic_id)
{
	void *stack = alloc_xenheap_pages(STACK_ORDER);

	if (!stack) {
		pr_err("CPU%u: APIC ID %u: no memory for its stack; skipped", cpu, apic_id);
		return -ENOMEM;
	}
	cpu_infos[cpu].apic_id = apic_id;
	cpu_infos[cpu].stack_top = (uint8_t *)stack + STACK_SIZE;
	ap_boot_cpu = cpu;
	ap_boot_stack = (uint64_t)(uintptr_t)cpu_infos[cpu].stack_top;
	WRITE_ONCE(ap_alive, false);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	apic_send_icr(apic_id, APIC_DM_INIT | APIC_INT_ASSERT | APIC_INT_LEVELTRIG);
	udelay(init_delay_us());
	for (int i = 0; i < 2 && !READ_ONCE(ap_alive); i++) {
		apic_send_icr(apic_id, APIC_DM_STARTUP | (TRAMPOLINE_PA >> 12));
		udelay(200);
	}
	if (!wait_until(&ap_alive, AP_ALIVE_TIMEOUT)) {
		pr_err("CPU%u: APIC ID %u did not answer INIT-SIPI-SIPI; skipped", cpu, apic_id);
		/* Back to wait-for-SIPI, so a late start cannot run on the next CPU's hand-over. */
		apic_send_icr(apic_id, APIC_DM_INIT | APIC_INT_ASSERT | APIC_INT_LEVELTRIG);
		free_xenheap_pages(stack, STACK_ORDER);
		cpu_infos[cpu].stack_top = NULL;
		return -ETIME;
	}
	if (!wait_until(&cpu_infos[cpu].online, AP_ONLINE_TIMEOUT)) {
		/* It runs our code but is stuck: its stack stays allocated, its number unused. */
		pr_err("CPU%u: APIC ID %u started but did not come online; skipped", cpu, apic_id);
		return -ETIME;
	}
	pr_info("CPU%u: APIC ID %u online", cpu, apic_id);
	return 0;
}

static void event_check_interrupt(struct cpu_user_regs *regs);
static void call_function_interrupt(struct cpu_user_regs *regs);

void smp_boot_cpus(void)
{
	uint32_t bsp_apic_id = get_cpu_info()->apic_id;
	unsigned int next = 1, failed = 0;

	if (!cpu_infos[0].stack_top)
		cpu_infos[0].stack_top = boot_stack_top;
	__atomic_store_n(&cpu_infos[0].online, true, __ATOMIC_RELEASE);
	nr_cpus_online = 1;
	set_intr_handler(EVENT_CHECK_VECTOR, event_check_interrupt);
	set_intr_handler(CALL_FUNCTION_VECTOR, call_function_interrupt);
	pr_info("CPU0: APIC ID %u online (boot CPU)", bsp_apic_id);

	if (acpi_madt.nr_cpus > 1) {
		trampoline_setup();
		for (unsigned int i = 0; i < acpi_madt.nr_cpus; i++) {
			uint32_t apic_id = acpi_madt.cpus[i].apic_id;

			if (apic_id == bsp_apic_id)
				continue;
			if (next >= NR_CPUS) {
				pr_warn(
				    "SMP: NR_CPUS (%u) reached; APIC ID %u and later not started",
				    NR_CPUS, apic_id);
				break;
			}
			/* A CPU that failed keeps its number: it may still wake up holding it. */
			if (smp_boot_one(next++, apic_id))
				failed++;
		}
	}
	/* The trampoline no longer needs the low identity map (mm.h contract). */
	paging_map_identity_low(false);
	pr_info("SMP: %u CPU%s online%s", nr_cpus_online, nr_cpus_online == 1 ? "" : "s",
		failed ? " (some did not start)" : "");
}

/* ---- Stopping and IPIs ---- */

void arch_stop_other_cpus(void)
{
	cpus_stopping = true;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (nr_cpus_online > 1)
		send_NMI_allbutself();
}

void arch_send_softirq_ipi(unsigned int cpu)
{
	if (cpu >= NR_CPUS || cpu == smp_processor_id() || !READ_ONCE(cpu_infos[cpu].online))
		return;
	send_IPI(cpu, EVENT_CHECK_VECTOR);
}

/* The wake-up alone is the point: the interrupted idle loop runs softirqs. */
static void event_check_interrupt(struct cpu_user_regs *regs)
{
	ack_APIC_irq();
	this_cpu(event_check_count)++;
}

static DEFINE_SPINLOCK(call_lock, LOCK_LEVEL_CALL_FUNCTION);
static struct {
	void (*fn)(void *arg);
	void *arg;
	bool wait;
	unsigned int remaining; /* targets that have not yet started (!wait) or finished (wait) */
} call_data;
static bool call_pending[NR_CPUS];

/* Run the cross-call request for cpu if there is one; interrupts off. */
static void call_function_serve(unsigned int cpu)
{
	void (*fn)(void *arg);
	void *arg;
	bool wait;

	if (!__atomic_exchange_n(&call_pending[cpu], false, __ATOMIC_ACQ_REL))
		return;
	fn = call_data.fn;
	arg = call_data.arg;
	wait = call_data.wait;
	/* Without wait, the caller may reuse call_data as soon as every target has copied it. */
	if (!wait)
		__atomic_fetch_sub(&call_data.remaining, 1, __ATOMIC_RELEASE);
	fn(arg);
	if (wait)
		__atomic_fetch_sub(&call_data.remaining, 1, __ATOMIC_RELEASE);
}

static void call_function_interrupt(struct cpu_user_regs *regs)
{
	ack_APIC_irq();
	call_function_serve(smp_processor_id());
}

void on_selected_cpus(cpu_bitmask_t mask, void (*fn)(void *arg), void *arg, bool wait)
{
	unsigned int self = smp_processor_id(), n = 0;
	cpu_bitmask_t others;
	unsigned long flags;
	s_time_t start;
	bool warned = false;

	mask &= cpu_online_mask();
	others = mask & ~(1ULL << self);
	if (others) {
		flags = local_irq_save();
		while (!spin_trylock(&call_lock)) {
			call_function_serve(self);
			cpu_relax();
		}
		for (unsigned int c = 0; c < NR_CPUS; c++)
			n += (others >> c) & 1;
		call_data.fn = fn;
		call_data.arg = arg;
		call_data.wait = wait;
		__atomic_store_n(&call_data.remaining, n, __ATOMIC_RELEASE);
		for (unsigned int c = 0; c < NR_CPUS; c++) {
			if (!((others >> c) & 1))
				continue;
			__atomic_store_n(&call_pending[c], true, __ATOMIC_RELEASE);
			send_IPI(c, CALL_FUNCTION_VECTOR);
		}
		start = NOW();
		while (__atomic_load_n(&call_data.remaining, __ATOMIC_ACQUIRE)) {
			if (!warned && NOW() - start > SECONDS(1)) {
				pr_warn("CPU%u: cross-call still waiting for %u CPU(s) after 1 s",
					self,
					__atomic_load_n(&call_data.remaining, __ATOMIC_RELAXED));
				warned = true;
			}
			cpu_relax();
		}
		spin_unlock(&call_lock);
		local_irq_restore(flags);
	}
	if (mask & (1ULL << self)) {
		flags = local_irq_save();
		fn(arg);
		local_irq_restore(flags);
	}
}

void smp_call_function(void (*fn)(void *arg), void *arg, bool wait)
{
	on_selected_cpus(cpu_online_mask() & ~(1ULL << smp_processor_id()), fn, arg, wait);
}

/* ---- Self-test ---- */

static unsigned int ipi_test_hits;
static uint64_t ipi_test_seen;

static void ipi_test_fn(void *arg)
{
	__atomic_fetch_add(&ipi_test_hits, 1, __ATOMIC_RELAXED);
	__atomic_fetch_or(&ipi_test_seen, 1ULL << smp_processor_id(), __ATOMIC_RELAXED);
}

/* Every online CPU runs a cross-call and takes an event-check IPI. */
SELFTEST(smp_ipi)
{
	cpu_bitmask_t online = cpu_online_mask();
	unsigned int self = smp_processor_id(), c, n = 0;

	ipi_test_hits = 0;
	ipi_test_seen = 0;
	on_selected_cpus(online, ipi_test_fn, NULL, true);
	for_each_online_cpu(c) n++;
	if (ipi_test_hits != n || ipi_test_seen != online) {
		pr_err("smp_ipi: call-function reached %u of %u CPUs (mask %#lx of %#lx)",
		       ipi_test_hits, n, (unsigned long)ipi_test_seen, (unsigned long)online);
		return -EIO;
	}

	for_each_online_cpu(c)
	{
		unsigned long before = READ_ONCE(per_cpu(event_check_count, c));
		s_time_t start = NOW();

		if (c == self)
			continue;
		arch_send_softirq_ipi(c);
		while (READ_ONCE(per_cpu(event_check_count, c)) == before) {
			if (NOW() - start > SECONDS(2)) {
				pr_err("smp_ipi: CPU%u took no event-check IPI", c);
				return -ETIME;
			}
			cpu_relax();
		}
	}
	pr_info("smp_ipi: %u CPU%s answered call-function and event-check IPIs", n,
		n == 1 ? "" : "s");
	return 0;
}
