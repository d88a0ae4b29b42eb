/*
 * The lock checker of CONFIG_LOCK_DEBUG builds (tessera/spinlock.h, the
 * hierarchy in docs/locking.md). Each lock records the CPU holding it; each
 * CPU keeps the locks it holds, in the order taken. Taking a lock (blocking)
 * whose level is not above every level this CPU holds is an inversion, and
 * panics before the CPU starts waiting, so the report names both locks
 * instead of a deadlock hanging the machine. A trylock cannot deadlock and is
 * not checked, only recorded. The pair classes (two domains' event locks, two
 * CPUs' timer heaps) may hold a second lock of their level if its address is
 * higher than the first's.
 *
 * Interrupt handlers start a new chain (irq_depth): the locks they take are
 * checked against each other, not against what the interrupted code held, as
 * no lock of theirs is ever taken with interrupts on.
 *
 * Locking: none; all state is the calling CPU's own, or in the lock it holds.
 */
#include <tessera/panic.h>
#include <tessera/percpu.h>
#include <tessera/spinlock.h>

#ifdef CONFIG_LOCK_DEBUG

#define LOCKS_HELD_MAX 16

struct held_lock {
	const spinlock_t *lock;
	unsigned int irq_depth; /* the chain it belongs to */
};

struct lock_cpu {
	unsigned int nr;
	unsigned int irq_depth;
	struct held_lock held[LOCKS_HELD_MAX];
};

static DEFINE_PER_CPU(struct lock_cpu, lock_cpus);

static const char *const level_names[NR_LOCK_LEVELS] = {
    [LOCK_LEVEL_NONE] = "none",
    [LOCK_LEVEL_SYSCTL] = "sysctl",
    [LOCK_LEVEL_DOMCTL] = "domctl",
    [LOCK_LEVEL_DOMLIST] = "domlist",
    [LOCK_LEVEL_DOMAIN] = "domain",
    [LOCK_LEVEL_CONS_BACKEND] = "cons_backend",
    [LOCK_LEVEL_EVTCHN_ALL] = "evtchn_all",
    [LOCK_LEVEL_EVENT] = "event",
    [LOCK_LEVEL_EVTCHN_FIFO] = "evtchn_fifo",
    [LOCK_LEVEL_PHYSMAP] = "physmap",
    [LOCK_LEVEL_MAPTRACK] = "maptrack",
    [LOCK_LEVEL_GRANT] = "grant",
    [LOCK_LEVEL_P2M] = "p2m",
    [LOCK_LEVEL_PAGE_ALLOC] = "page_alloc",
    [LOCK_LEVEL_SCHED] = "sched",
    [LOCK_LEVEL_CSCHED] = "csched",
    [LOCK_LEVEL_TIMER] = "timer",
    [LOCK_LEVEL_GNTTAB_LIFE] = "gnttab_life",
    [LOCK_LEVEL_DOMAIN_EXIT] = "domain_exit",
    [LOCK_LEVEL_WALLCLOCK] = "wallclock",
    [LOCK_LEVEL_RTC] = "rtc",
    [LOCK_LEVEL_IOREMAP] = "ioremap",
    [LOCK_LEVEL_PAGING] = "paging",
    [LOCK_LEVEL_XMALLOC] = "xmalloc",
    [LOCK_LEVEL_HEAP] = "heap",
    [LOCK_LEVEL_HVM_E9] = "hvm_e9",
    [LOCK_LEVEL_DOM_CONSOLE] = "dom_console",
    [LOCK_LEVEL_CONSOLE_RX] = "console_rx",
    [LOCK_LEVEL_CALL_FUNCTION] = "call_function",
    [LOCK_LEVEL_CONSOLE] = "console",
    [LOCK_LEVEL_TEST_A] = "test_a",
    [LOCK_LEVEL_TEST_B] = "test_b",
};

const char *spin_debug_level_name(unsigned int level)
{
	return level < NR_LOCK_LEVELS && level_names[level] ? level_names[level] : "?";
}

static bool level_is_pair(unsigned int level)
{
	return level == LOCK_LEVEL_EVENT || level == LOCK_LEVEL_TIMER;
}

void spin_debug_lock(spinlock_t *l)
{
	unsigned int cpu = smp_processor_id();
	struct lock_cpu *lc = &per_cpu(lock_cpus, cpu);

	if (l->level == LOCK_LEVEL_NONE || l->level >= NR_LOCK_LEVELS)
		panic("lock %p has no level (spin_lock_init/DEFINE_SPINLOCK)", (void *)l);
	if (l->holder == cpu + 1)
		panic("lock %p (%s) taken twice by CPU%u", (void *)l,
		      spin_debug_level_name(l->level), cpu);
	for (unsigned int i = 0; i < lc->nr; i++) {
		const spinlock_t *h = lc->held[i].lock;

		if (lc->held[i].irq_depth != lc->irq_depth)
			continue;
		if (h->level < l->level)
			continue;
		if (h->level == l->level && level_is_pair(l->level) && h < l)
			continue;
		panic("lock order: CPU%u takes %p (%s) holding %p (%s); see docs/locking.md", cpu,
		      (void *)l, spin_debug_level_name(l->level), (const void *)h,
		      spin_debug_level_name(h->level));
	}
}

void spin_debug_locked(spinlock_t *l)
{
	unsigned int cpu = smp_processor_id();
	struct lock_cpu *lc = &per_cpu(lock_cpus, cpu);

	if (lc->nr == LOCKS_HELD_MAX)
		panic("CPU%u holds more than %u locks", cpu, LOCKS_HELD_MAX);
	lc->held[lc->nr++] = (struct held_lock){l, lc->irq_depth};
	l->holder = (uint16_t)(cpu + 1);
}

/* Drop l from this CPU's list; false if it was not there. */
static bool forget(struct lock_cpu *lc, const spinlock_t *l)
{
	for (unsigned int i = lc->nr; i-- > 0;) {
		if (lc->held[i].lock != l)
			continue;
		for (unsigned int j = i + 1; j < lc->nr; j++)
			lc->held[j - 1] = lc->held[j];
		lc->nr--;
		return true;
	}
	return false;
}

void spin_debug_unlock(spinlock_t *l)
{
	unsigned int cpu = smp_processor_id();

	if (l->holder != cpu + 1 || !forget(&per_cpu(lock_cpus, cpu), l))
		panic("lock %p (%s) released by CPU%u, which does not hold it (holder %d)",
		      (void *)l, spin_debug_level_name(l->level), cpu, (int)l->holder - 1);
	l->holder = 0;
}

void spin_debug_init(spinlock_t *l)
{
	forget(&this_cpu(lock_cpus), l);
}

void spin_debug_irq_enter(void)
{
	this_cpu(lock_cpus).irq_depth++;
}

void spin_debug_irq_exit(void)
{
	this_cpu(lock_cpus).irq_depth--;
}

unsigned int spin_debug_nr_held(void)
{
	return this_cpu(lock_cpus).nr;
}

bool spin_is_held_by_me(const spinlock_t *l)
{
	return spin_is_locked(l) && l->holder == smp_processor_id() + 1;
}

#endif
