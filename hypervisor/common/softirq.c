/*
 * Softirqs (see tessera/softirq.h).
 *
 * Locking: none. The pending words are only changed by atomic OR (raise,
 * from any CPU) and atomic AND (the owning CPU taking a bit before running
 * its handler), so a raise that races with do_softirq() is never lost: the
 * bit is either taken by the running loop or still set when it looks again.
 * The handler table is written at init only.
 */
#include <asm/system.h>
#include <tessera/arch.h>
#include <tessera/panic.h>
#include <tessera/percpu.h>
#include <tessera/softirq.h>
#include <tessera/spinlock.h>

static DEFINE_PER_CPU(unsigned long, softirq_bits);
static softirq_handler_t softirq_handlers[NR_SOFTIRQS];

void softirq_init(void)
{
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		__atomic_store_n(&per_cpu(softirq_bits, cpu), 0, __ATOMIC_RELAXED);
}

void open_softirq(unsigned int nr, softirq_handler_t fn)
{
	BUG_ON(nr >= NR_SOFTIRQS);
	softirq_handlers[nr] = fn;
}

void raise_softirq(unsigned int nr)
{
	ASSERT(nr < NR_SOFTIRQS);
	__atomic_fetch_or(&this_cpu(softirq_bits), 1UL << nr, __ATOMIC_SEQ_CST);
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
	unsigned long old;

	ASSERT(nr < NR_SOFTIRQS && cpu < NR_CPUS);
	old = __atomic_fetch_or(&per_cpu(softirq_bits, cpu), 1UL << nr, __ATOMIC_SEQ_CST);
	/*
	 * A bit that was already set has an IPI on its way, or its CPU will see
	 * it before it halts again (the idle loop checks with interrupts off).
	 */
	if (cpu != smp_processor_id() && !(old & (1UL << nr)))
		arch_send_softirq_ipi(cpu);
}

unsigned long softirq_pending(unsigned int cpu)
{
	return __atomic_load_n(&per_cpu(softirq_bits, cpu), __ATOMIC_SEQ_CST);
}

void do_softirq(void)
{
	unsigned long *bits = &this_cpu(softirq_bits);
	unsigned long pending;

	ASSERT(local_irq_is_enabled());
	ASSERT(spin_debug_nr_held() == 0); /* handlers run with no lock held */
	/* Look again after every handler so a lower number raised meanwhile goes first. */
	while ((pending = __atomic_load_n(bits, __ATOMIC_SEQ_CST)) != 0) {
		unsigned int nr = (unsigned int)__builtin_ctzl(pending);

		__atomic_fetch_and(bits, ~(1UL << nr), __ATOMIC_SEQ_CST);
		if (softirq_handlers[nr])
			softirq_handlers[nr]();
		ASSERT(spin_debug_nr_held() == 0);
	}
}
