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
		panic("lock %p (level %u) taken twice by CPU%u", (void *)l, l->level, cpu);
	for (unsigned int i = 0; i < lc->nr; i++) {
		const spinlock_t *h = lc->held[i].lock;

		if (lc->held[i].irq_depth != lc->irq_depth)
			continue;
		if (h->level < l->level)
			continue;
		if (h->level == l->level && level_is_pair(l->level) && h < l)
			continue;
		panic("lock order: CPU%u takes %p (level %u) holding %p (level %u); "
		      "see docs/locking.md",
		      cpu, (void *)l, l->level, (const void *)h, h->level);
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
		panic("lock %p (level %u) released by CPU%u, which does not hold it (holder %d)",
		      (void *)l, l->level, cpu, (int)l->holder - 1);
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

bool spin_is_held_by_me(const spinlock_t *l)
{
	return spin_is_locked(l) && l->holder == smp_processor_id() + 1;
}

#endif
