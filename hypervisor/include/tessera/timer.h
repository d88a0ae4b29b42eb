/*
 * Software timers. Each CPU keeps its armed timers in a min-heap ordered by
 * deadline (ties: the timer armed first fires first); the hardware one-shot
 * of that CPU is programmed for the earliest. When it fires, the arch calls
 * timer_interrupt(), which raises TIMER_SOFTIRQ; the softirq runs every
 * expired timer of the CPU in deadline order, with interrupts on and no
 * timer lock held, so a callback may arm, stop or kill any timer (itself
 * included).
 *
 * Memory: the heaps grow from xmalloc, but only in init_timer() and
 * migrate_timer(): each initialised timer reserves a heap slot on its CPU,
 * so set_timer() never allocates and never fails. init_timer() and
 * migrate_timer() therefore may fail (-ENOMEM) and must be called where
 * xmalloc may be (no spinlock held). Every initialised timer must be
 * killed with kill_timer() before its memory is reused.
 */
#ifndef TESSERA_TIMER_H
#define TESSERA_TIMER_H

#include <tessera/types.h>

enum timer_status {
	TIMER_STATUS_invalid = 0, /* never initialised (zeroed memory) */
	TIMER_STATUS_inactive,	  /* initialised, not armed */
	TIMER_STATUS_in_heap,	  /* armed: waiting in its CPU's heap */
	TIMER_STATUS_killed,	  /* killed: set_timer() is ignored */
};

struct timer {
	s_time_t expires;	/* deadline (system time, ns) while armed */
	void (*fn)(void *data); /* called on cpu, in softirq context */
	void *data;
	unsigned int cpu; /* the CPU whose heap holds it and that runs fn */
	uint8_t status;	  /* enum timer_status */
	/* Private to common/timer.c. */
	unsigned int heap_idx;
	uint64_t seq; /* arming order, to break deadline ties */
};

/* Boot CPU, once, after softirq_init(). */
void timer_subsys_init(void);

/* Set t up to call fn(data) on cpu; reserves a heap slot there. 0 or -ENOMEM. */
int init_timer(struct timer *t, void (*fn)(void *data), void *data, unsigned int cpu);
/* Arm (or re-arm) t for expires; a deadline in the past fires at the next timer softirq. */
void set_timer(struct timer *t, s_time_t expires);
/* Disarm t if armed. Does not wait for a callback running on another CPU. */
void stop_timer(struct timer *t);
/* Disarm t for good and release its heap slot; waits for a callback running on another CPU. */
void kill_timer(struct timer *t);
/* Move t (armed or not) to new_cpu's heap; 0 or -ENOMEM (then t is unchanged). */
int migrate_timer(struct timer *t, unsigned int new_cpu);

/* Is t armed? (A snapshot: it can fire right after.) */
bool timer_is_active(const struct timer *t);

/* Called by the arch's one-shot timer interrupt handler, interrupts off. */
void timer_interrupt(void);

/* Log this CPU's armed timers. */
void timer_dump(void);

#endif
