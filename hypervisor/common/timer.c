/*
 * Software timers (see tessera/timer.h): one min-heap of armed timers per
 * CPU, the earliest programmed into that CPU's hardware one-shot.
 *
 * Locking: each CPU's heap has its own spinlock, taken irqsave because
 * set_timer() may be called from interrupt handlers. A timer is protected by
 * the lock of the CPU it belongs to (t->cpu); as migrate_timer() can change
 * t->cpu, timer_lock() re-checks it after taking the lock. migrate_timer()
 * holds two heap locks, lower CPU number first. Callbacks run with no timer
 * lock held. Lock order: docs/locking.md; nothing is taken while a heap lock
 * is held except the second heap lock of a migration, and xmalloc is never
 * called under one.
 */
#include <asm/system.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/panic.h>
#include <tessera/percpu.h>
#include <tessera/softirq.h>
#include <tessera/spinlock.h>
#include <tessera/time.h>
#include <tessera/timer.h>

/* Slots in a CPU's first heap array; it doubles from there. */
#define TIMER_HEAP_INITIAL 16

struct timer_cpu {
	spinlock_t lock;
	struct timer **heap;   /* heap[0] is the earliest */
	unsigned int size;     /* armed timers */
	unsigned int capacity; /* slots in heap[] */
	unsigned int reserved; /* initialised timers of this CPU (<= capacity) */
	uint64_t next_seq;
	struct timer *running; /* timer whose callback runs now, or NULL */
	bool in_softirq;       /* the expiry loop runs: it reprograms at its end */
	s_time_t deadline;     /* programmed into the hardware; 0 = none */
};

/* tc->deadline after the hardware fired: matches no deadline, so the next one is written. */
#define TIMER_DEADLINE_UNKNOWN ((s_time_t)-1)

static DEFINE_PER_CPU(struct timer_cpu, timer_cpus);

/* Does a fire before b? Equal deadlines fire in the order they were armed. */
static bool timer_before(const struct timer *a, const struct timer *b)
{
	return a->expires < b->expires || (a->expires == b->expires && a->seq < b->seq);
}

static void heap_place(struct timer_cpu *tc, struct timer *t, unsigned int idx)
{
	tc->heap[idx] = t;
	t->heap_idx = idx;
}

static void heap_sift_up(struct timer_cpu *tc, unsigned int idx)
{
	struct timer *t = tc->heap[idx];

	while (idx > 0) {
		unsigned int parent = (idx - 1) / 2;

		if (!timer_before(t, tc->heap[parent]))
			break;
		heap_place(tc, tc->heap[parent], idx);
		idx = parent;
	}
	heap_place(tc, t, idx);
}

static void heap_sift_down(struct timer_cpu *tc, unsigned int idx)
{
	struct timer *t = tc->heap[idx];

	for (;;) {
		unsigned int child = 2 * idx + 1;

		if (child >= tc->size)
			break;
		if (child + 1 < tc->size && timer_before(tc->heap[child + 1], tc->heap[child]))
			child++;
		if (!timer_before(tc->heap[child], t))
			break;
		heap_place(tc, tc->heap[child], idx);
		idx = child;
	}
	heap_place(tc, t, idx);
}

static void heap_insert(struct timer_cpu *tc, struct timer *t)
{
	ASSERT(spin_is_held_by_me(&tc->lock));
	/* Cannot overflow: every initialised timer holds a reserved slot. */
	BUG_ON(tc->size >= tc->capacity);
	t->seq = tc->next_seq++;
	heap_place(tc, t, tc->size++);
	heap_sift_up(tc, t->heap_idx);
	t->status = TIMER_STATUS_in_heap;
}

static void heap_remove(struct timer_cpu *tc, struct timer *t)
{
	unsigned int idx = t->heap_idx;
	struct timer *moved;

	ASSERT(spin_is_held_by_me(&tc->lock));
	ASSERT(idx < tc->size && tc->heap[idx] == t);
	t->status = TIMER_STATUS_inactive;
	if (idx == --tc->size)
		return;
	moved = tc->heap[tc->size];
	heap_place(tc, moved, idx);
	/* The last timer took the hole: it may belong higher up or lower down. */
	heap_sift_up(tc, idx);
	heap_sift_down(tc, moved->heap_idx);
}

/* What the hardware of this heap's CPU should be set to: the earliest deadline, or 0. */
static s_time_t heap_deadline(const struct timer_cpu *tc)
{
	if (!tc->size)
		return 0;
	return tc->heap[0]->expires > 0 ? tc->heap[0]->expires : 1; /* 0 would mean "stop" */
}

/*
 * The earliest deadline of cpu's heap may have changed (tc->lock held): program
 * our own hardware now, or make the other CPU do it from its timer softirq.
 */
static void timer_reprogram(struct timer_cpu *tc, unsigned int cpu)
{
	s_time_t deadline = heap_deadline(tc);

	ASSERT(spin_is_held_by_me(&tc->lock));
	if (deadline == READ_ONCE(tc->deadline))
		return;
	if (cpu != smp_processor_id()) {
		cpu_raise_softirq(cpu, TIMER_SOFTIRQ);
		return;
	}
	if (tc->in_softirq)
		return; /* the expiry loop programs the final deadline */
	WRITE_ONCE(tc->deadline, deadline);
	arch_timer_set_deadline(deadline);
}

/* Lock the heap t belongs to, following a concurrent migration. */
static struct timer_cpu *timer_lock(const struct timer *t, unsigned long *flags)
{
	for (;;) {
		unsigned int cpu = READ_ONCE(t->cpu);
		struct timer_cpu *tc = &per_cpu(timer_cpus, cpu);

		*flags = spin_lock_irqsave(&tc->lock);
		if (likely(READ_ONCE(t->cpu) == cpu))
			return tc;
		spin_unlock_irqrestore(&tc->lock, *flags);
	}
}

/* Reserve one heap slot on cpu, growing its array if needed (may allocate). */
static int timer_reserve_slot(unsigned int cpu)
{
	struct timer_cpu *tc = &per_cpu(timer_cpus, cpu);

	for (;;) {
		struct timer **fresh, **stale = NULL;
		unsigned int cap;
		unsigned long flags = spin_lock_irqsave(&tc->lock);

		if (tc->reserved < tc->capacity) {
			tc->reserved++;
			spin_unlock_irqrestore(&tc->lock, flags);
			return 0;
		}
		cap = tc->capacity ? tc->capacity * 2 : TIMER_HEAP_INITIAL;
		spin_unlock_irqrestore(&tc->lock, flags);

		fresh = xmalloc_bytes(cap * sizeof(*fresh));
		if (!fresh)
			return -ENOMEM;

		flags = spin_lock_irqsave(&tc->lock);
		if (tc->capacity < cap) {
			for (unsigned int i = 0; i < tc->size; i++)
				fresh[i] = tc->heap[i];
			stale = tc->heap;
			tc->heap = fresh;
			tc->capacity = cap;
		} else {
			stale = fresh; /* another CPU grew it meanwhile */
		}
		spin_unlock_irqrestore(&tc->lock, flags);
		xfree(stale);
	}
}

static void timer_release_slot(struct timer_cpu *tc)
{
	ASSERT(spin_is_held_by_me(&tc->lock));
	ASSERT(tc->reserved > tc->size);
	tc->reserved--;
}

int init_timer(struct timer *t, void (*fn)(void *data), void *data, unsigned int cpu)
{
	int ret;

	BUG_ON(cpu >= NR_CPUS || !fn);
	ret = timer_reserve_slot(cpu);
	if (ret)
		return ret;
	t->expires = 0;
	t->fn = fn;
	t->data = data;
	t->cpu = cpu;
	t->heap_idx = 0;
	t->seq = 0;
	t->status = TIMER_STATUS_inactive;
	return 0;
}

void set_timer(struct timer *t, s_time_t expires)
{
	unsigned long flags;
	struct timer_cpu *tc = timer_lock(t, &flags);

	BUG_ON(t->status == TIMER_STATUS_invalid);
	if (t->status != TIMER_STATUS_killed) {
		if (t->status == TIMER_STATUS_in_heap)
			heap_remove(tc, t);
		t->expires = expires;
		heap_insert(tc, t);
		timer_reprogram(tc, t->cpu);
	}
	spin_unlock_irqrestore(&tc->lock, flags);
}

void stop_timer(struct timer *t)
{
	unsigned long flags;
	struct timer_cpu *tc = timer_lock(t, &flags);

	if (t->status == TIMER_STATUS_in_heap) {
		heap_remove(tc, t);
		timer_reprogram(tc, t->cpu);
	}
	spin_unlock_irqrestore(&tc->lock, flags);
}

void kill_timer(struct timer *t)
{
	unsigned long flags;
	struct timer_cpu *tc = timer_lock(t, &flags);

	BUG_ON(t->status == TIMER_STATUS_invalid);
	if (t->status == TIMER_STATUS_killed)
		goto out;
	if (t->status == TIMER_STATUS_in_heap) {
		heap_remove(tc, t);
		timer_reprogram(tc, t->cpu);
	}
	t->status = TIMER_STATUS_killed;
	timer_release_slot(tc);
	/* The callback may be running on its CPU right now: its caller may free t after we return.
	 */
	while (tc->running == t && t->cpu != smp_processor_id()) {
		spin_unlock_irqrestore(&tc->lock, flags);
		cpu_relax();
		tc = timer_lock(t, &flags);
	}
out:
	spin_unlock_irqrestore(&tc->lock, flags);
}

int migrate_timer(struct timer *t, unsigned int new_cpu)
{
	struct timer_cpu *from, *to = &per_cpu(timer_cpus, new_cpu);
	unsigned int old_cpu;
	unsigned long flags;
	bool armed;
	int ret;

	BUG_ON(new_cpu >= NR_CPUS || t->status == TIMER_STATUS_invalid);
	ret = timer_reserve_slot(new_cpu);
	if (ret)
		return ret;
	for (;;) {
		old_cpu = READ_ONCE(t->cpu);
		from = &per_cpu(timer_cpus, old_cpu);
		if (old_cpu == new_cpu) {
			flags = spin_lock_irqsave(&to->lock);
			timer_release_slot(to);
			spin_unlock_irqrestore(&to->lock, flags);
			return 0;
		}
		/* Two heap locks: lower CPU number first. */
		flags = spin_lock_irqsave(old_cpu < new_cpu ? &from->lock : &to->lock);
		spin_lock(old_cpu < new_cpu ? &to->lock : &from->lock);
		if (READ_ONCE(t->cpu) == old_cpu)
			break;
		spin_unlock(&from->lock);
		spin_unlock(&to->lock);
		local_irq_restore(flags);
	}
	if (t->status == TIMER_STATUS_killed) {
		timer_release_slot(to);
		goto out;
	}
	armed = t->status == TIMER_STATUS_in_heap;
	if (armed) {
		heap_remove(from, t);
		timer_reprogram(from, old_cpu);
	}
	timer_release_slot(from);
	WRITE_ONCE(t->cpu, new_cpu);
	if (armed) {
		heap_insert(to, t);
		timer_reprogram(to, new_cpu);
	}
out:
	spin_unlock(&from->lock);
	spin_unlock(&to->lock);
	local_irq_restore(flags);
	return 0;
}

bool timer_is_active(const struct timer *t)
{
	return READ_ONCE(t->status) == TIMER_STATUS_in_heap;
}

/*
 * TIMER_SOFTIRQ: run the timers that are due, earliest first. One pass runs
 * only timers armed before it started, so a callback that re-arms itself in
 * the past cannot hold this CPU in the loop; it runs in the next pass.
 */
static void timer_softirq_action(void)
{
	unsigned int cpu = smp_processor_id();
	struct timer_cpu *tc = &per_cpu(timer_cpus, cpu);
	unsigned long flags = spin_lock_irqsave(&tc->lock);
	uint64_t seq_limit = tc->next_seq;
	s_time_t now = NOW();

	tc->in_softirq = true;
	while (tc->size && tc->heap[0]->expires <= now && tc->heap[0]->seq < seq_limit) {
		struct timer *t = tc->heap[0];
		void (*fn)(void *) = t->fn;
		void *data = t->data;

		heap_remove(tc, t);
		tc->running = t;
		spin_unlock_irqrestore(&tc->lock, flags);
		fn(data);
		flags = spin_lock_irqsave(&tc->lock);
		tc->running = NULL;
	}
	tc->in_softirq = false;
	if (tc->size && tc->heap[0]->expires <= NOW())
		raise_softirq(TIMER_SOFTIRQ); /* still due: another pass, no hardware needed */
	else
		timer_reprogram(tc, cpu);
	spin_unlock_irqrestore(&tc->lock, flags);
}

void timer_interrupt(void)
{
	/* The one-shot is spent: program the next deadline (or the stop) whatever it is. */
	WRITE_ONCE(this_cpu(timer_cpus).deadline, TIMER_DEADLINE_UNKNOWN);
	raise_softirq(TIMER_SOFTIRQ);
}

void timer_dump(void)
{
	unsigned int cpu = smp_processor_id();
	struct timer_cpu *tc = &per_cpu(timer_cpus, cpu);
	unsigned long flags = spin_lock_irqsave(&tc->lock);
	s_time_t now = NOW();

	pr_info("CPU%u timers: %u armed, %u reserved, hardware deadline %ld", cpu, tc->size,
		tc->reserved, (long)tc->deadline);
	for (unsigned int i = 0; i < tc->size; i++)
		pr_info("  [%u] in %ld ns: %p(%p)", i, (long)(tc->heap[i]->expires - now),
			(void *)tc->heap[i]->fn, tc->heap[i]->data);
	spin_unlock_irqrestore(&tc->lock, flags);
}

void timer_subsys_init(void)
{
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		spin_lock_init(&per_cpu(timer_cpus, cpu).lock, LOCK_LEVEL_TIMER);
	open_softirq(TIMER_SOFTIRQ, timer_softirq_action);
}
