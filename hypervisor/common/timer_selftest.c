/*
 * SELFTEST(timers): software timers on the real timer hardware. Arms timers
 * out of order on this CPU (and one on every other online CPU), waits until
 * all fired and checks they fired in deadline order, each on its own CPU.
 *
 * The wait polls NOW() with interrupts on instead of halting, so a broken
 * one-shot timer makes the test fail after its timeout instead of hanging.
 */
#include <asm/system.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/percpu.h>
#include <tessera/selftest.h>
#include <tessera/softirq.h>
#include <tessera/time.h>
#include <tessera/timer.h>

#define ST_LOCAL 5

static struct timer st_local[ST_LOCAL];
static struct timer st_remote[NR_CPUS];
static volatile unsigned int st_order[ST_LOCAL];
static volatile unsigned int st_fired;
static volatile unsigned int st_remote_cpu[NR_CPUS];
static volatile unsigned int st_remote_fired;

static void st_local_fn(void *data)
{
	unsigned int n = __atomic_fetch_add(&st_fired, 1, __ATOMIC_SEQ_CST);

	if (n < ST_LOCAL)
		st_order[n] = (unsigned int)(uintptr_t)data;
}

static void st_remote_fn(void *data)
{
	st_remote_cpu[(uintptr_t)data] = smp_processor_id();
	__atomic_fetch_add(&st_remote_fired, 1, __ATOMIC_SEQ_CST);
}

SELFTEST(timers)
{
	/* Timer i is due delay_ms[i] from now; rank[i] is its place in the firing order. */
	static const unsigned int delay_ms[ST_LOCAL] = {4, 1, 5, 2, 3};
	static const unsigned int rank[ST_LOCAL] = {3, 0, 4, 1, 2};
	unsigned int self = smp_processor_id(), cpu, nr_remote = 0;
	s_time_t start = NOW(), timeout;
	int ret = 0;
	bool irqs = local_irq_is_enabled();

	for (unsigned long spin = 0; NOW() == start; spin++) {
		if (spin > 100000000UL) {
			pr_err("timers: NOW() does not advance");
			return -ENODEV;
		}
		cpu_relax();
	}
	st_fired = st_remote_fired = 0;
	for (unsigned int i = 0; i < ST_LOCAL; i++)
		if (init_timer(&st_local[i], st_local_fn, (void *)(uintptr_t)i, self))
			return -ENOMEM;
	for_each_online_cpu(cpu)
	{
		if (cpu == self)
			continue;
		st_remote_cpu[cpu] = NR_CPUS;
		if (init_timer(&st_remote[cpu], st_remote_fn, (void *)(uintptr_t)cpu, cpu))
			return -ENOMEM;
		nr_remote++;
	}

	start = NOW();
	for (unsigned int i = 0; i < ST_LOCAL; i++)
		set_timer(&st_local[i], start + MILLISECS(delay_ms[i]));
	for_each_online_cpu(cpu) if (cpu != self) set_timer(&st_remote[cpu], start + MILLISECS(2));

	timeout = start + SECONDS(2);
	local_irq_enable();
	while ((st_fired < ST_LOCAL || st_remote_fired < nr_remote) && NOW() < timeout) {
		do_softirq();
		cpu_relax();
	}
	if (!irqs)
		local_irq_disable();

	if (st_fired != ST_LOCAL || st_remote_fired != nr_remote) {
		pr_err("timers: %u of %u local and %u of %u remote timers fired within 2 s",
		       st_fired, ST_LOCAL, st_remote_fired, nr_remote);
		ret = -ETIMEDOUT;
	}
	for (unsigned int n = 0; n < ST_LOCAL && n < st_fired; n++) {
		if (rank[st_order[n]] != n) {
			pr_err("timers: firing %u was timer %u (%u ms), out of deadline order", n,
			       st_order[n], delay_ms[st_order[n]]);
			ret = -EINVAL;
		}
	}
	for_each_online_cpu(cpu)
	{
		if (cpu == self)
			continue;
		if (st_remote_cpu[cpu] != cpu && st_remote_fired == nr_remote) {
			pr_err("timers: CPU%u's timer ran on CPU%u", cpu, st_remote_cpu[cpu]);
			ret = -EINVAL;
		}
		kill_timer(&st_remote[cpu]);
	}
	for (unsigned int i = 0; i < ST_LOCAL; i++)
		kill_timer(&st_local[i]);
	if (!ret)
		pr_info("timers: %u local timers in deadline order, %u remote CPUs", ST_LOCAL,
			nr_remote);
	return ret;
}
