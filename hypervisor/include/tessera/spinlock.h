/*
 * Ticket spinlocks: FIFO fair between CPUs. The _irqsave variants also mask
 * interrupts on this CPU; use them for locks also taken from interrupt context.
 *
 * Every lock has a level (enum lock_level): the one lock hierarchy of the
 * hypervisor, written out in docs/locking.md. A CPU takes locks in strictly
 * increasing level; only the classes marked "pair" there may be held twice,
 * the second at the higher address. With CONFIG_LOCK_DEBUG (the QEMU test
 * build, the unit tests and the fuzzer) each lock records its owning CPU and
 * each CPU the locks it holds, so a lock taken out of order, twice, or released
 * by a CPU that does not hold it panics at once (common/spinlock.c); without
 * it the checks compile out and spin_is_held_by_me() falls back to
 * spin_is_locked().
 */
#ifndef TESSERA_SPINLOCK_H
#define TESSERA_SPINLOCK_H

#include <asm/system.h>
#include <tessera/compiler.h>
#include <tessera/types.h>

/* Outermost first; the order and what each guards: docs/locking.md. Keep both in step. */
enum lock_level {
	LOCK_LEVEL_NONE,	  /* never given a level: taking it is a bug (debug builds) */
	LOCK_LEVEL_SYSCTL,	  /* sysctl_lock (try-locked only) */
	LOCK_LEVEL_DOMCTL,	  /* domctl_lock (try-locked only) */
	LOCK_LEVEL_DOMLIST,	  /* domlist_lock */
	LOCK_LEVEL_DOMAIN,	  /* d->domain_lock */
	LOCK_LEVEL_CONS_BACKEND,  /* cons_lock: the PV console backend */
	LOCK_LEVEL_EVTCHN_ALL,	  /* evtchn_all_lock */
	LOCK_LEVEL_EVENT,	  /* d->event_lock (pair: evtchn_lock_pair) */
	LOCK_LEVEL_EVTCHN_FIFO,	  /* ed->fifo_lock: a domain's FIFO event queues */
	LOCK_LEVEL_PHYSMAP,	  /* d->physmap_lock */
	LOCK_LEVEL_MAPTRACK,	  /* gt->maptrack_lock (the mapper's) */
	LOCK_LEVEL_GRANT,	  /* gt->lock (the granter's) */
	LOCK_LEVEL_P2M,		  /* p2m->lock */
	LOCK_LEVEL_PAGE_ALLOC,	  /* d->page_alloc_lock */
	LOCK_LEVEL_SCHED,	  /* per-CPU schedule lock (a second one only by trylock) */
	LOCK_LEVEL_CSCHED,	  /* csched.lock: credit scheduler accounting */
	LOCK_LEVEL_TIMER,	  /* per-CPU timer heap lock (pair: migrate_timer) */
	LOCK_LEVEL_GNTTAB_LIFE,	  /* gnttab_life_lock */
	LOCK_LEVEL_DOMAIN_EXIT,	  /* exit_lock: the teardown queue */
	LOCK_LEVEL_WALLCLOCK,	  /* wc_lock */
	LOCK_LEVEL_RTC,		  /* rtc_lock */
	LOCK_LEVEL_IOREMAP,	  /* ioremap_lock */
	LOCK_LEVEL_PAGING,	  /* paging_lock */
	LOCK_LEVEL_XMALLOC,	  /* xmalloc_lock */
	LOCK_LEVEL_HEAP,	  /* heap_lock */
	LOCK_LEVEL_HVM_E9,	  /* hvm e9_lock: a guest's port 0xe9 line */
	LOCK_LEVEL_DOM_CONSOLE,	  /* d->console.lock: a guest's console line */
	LOCK_LEVEL_CONSOLE_RX,	  /* rx_lock: serial input ring */
	LOCK_LEVEL_CALL_FUNCTION, /* call_lock: cross-CPU calls (try-locked only) */
	LOCK_LEVEL_CONSOLE,	  /* console_lock: the log; innermost */
	LOCK_LEVEL_TEST_A,	  /* two levels for the checker's own unit tests */
	LOCK_LEVEL_TEST_B,
	NR_LOCK_LEVELS
};

typedef struct spinlock {
	volatile uint16_t next;
	volatile uint16_t owner;
	uint8_t level; /* enum lock_level */
#ifdef CONFIG_LOCK_DEBUG
	uint16_t holder; /* CPU number + 1 of the holder; 0 = none */
#endif
} spinlock_t;

#define SPINLOCK_INIT(lvl)                                                                         \
	{                                                                                          \
		.next = 0, .owner = 0, .level = (lvl)                                              \
	}
#define DEFINE_SPINLOCK(name, lvl) spinlock_t name = SPINLOCK_INIT(lvl)

#ifdef CONFIG_LOCK_DEBUG
/* common/spinlock.c. Before waiting: order and recursion checks. */
void spin_debug_lock(spinlock_t *l);
/* After taking l (spin_lock or a successful spin_trylock): record this CPU as holder. */
void spin_debug_locked(spinlock_t *l);
/* Before releasing: this CPU must hold l. */
void spin_debug_unlock(spinlock_t *l);
/* l was (re)initialised: forget it on this CPU (a unit test may abandon a held lock). */
void spin_debug_init(spinlock_t *l);
/* Interrupt handlers start a fresh chain: locks they take are ordered among themselves. */
void spin_debug_irq_enter(void);
void spin_debug_irq_exit(void);
/* True if the calling CPU holds l. */
bool spin_is_held_by_me(const spinlock_t *l);
/* How many locks the calling CPU holds (all chains): 0 where none may be held. */
unsigned int spin_debug_nr_held(void);
/* The level's name in reports, lower case ("event"); "?" if out of range. */
const char *spin_debug_level_name(unsigned int level);
#else
static inline void spin_debug_lock(spinlock_t *l) {}
static inline void spin_debug_locked(spinlock_t *l) {}
static inline void spin_debug_unlock(spinlock_t *l) {}
static inline void spin_debug_init(spinlock_t *l) {}
static inline void spin_debug_irq_enter(void) {}
static inline void spin_debug_irq_exit(void) {}
static inline unsigned int spin_debug_nr_held(void)
{
	return 0;
}
#endif

static inline void spin_lock_init(spinlock_t *l, enum lock_level level)
{
	l->next = 0;
	l->owner = 0;
	l->level = (uint8_t)level;
#ifdef CONFIG_LOCK_DEBUG
	l->holder = 0;
#endif
	spin_debug_init(l);
}

static inline void spin_lock(spinlock_t *l)
{
	uint16_t ticket;

	spin_debug_lock(l);
	ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		cpu_relax();
	spin_debug_locked(l);
}

static inline bool spin_trylock(spinlock_t *l)
{
	uint16_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	uint16_t expected = owner;

	if (!__atomic_compare_exchange_n(&l->next, &expected, (uint16_t)(owner + 1), false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	spin_debug_locked(l);
	return true;
}

static inline void spin_unlock(spinlock_t *l)
{
	spin_debug_unlock(l);
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}

#ifndef CONFIG_LOCK_DEBUG
/* Without owner tracking: held by someone (the best a release build can say). */
static inline bool spin_is_held_by_me(const spinlock_t *l)
{
	return spin_is_locked(l);
}
#endif

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	unsigned long flags = local_irq_save();

	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	spin_unlock(l);
	local_irq_restore(flags);
}

#endif
