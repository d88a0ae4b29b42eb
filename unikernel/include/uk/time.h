/*
 * Time and timers (kernel/time.c).
 *
 * NOW(): system time in ns from vCPU 0's pvclock (public/xen.h
 * vcpu_time_info): read under its version (odd = being updated, retry if
 * it changed), then system_time + scale(rdtsc - tsc_timestamp).
 *
 * Timers: a list sorted by deadline; the earliest is programmed with
 * VCPUOP_set_singleshot_timer; VIRQ_TIMER runs the expired ones (in
 * interrupt context: callbacks must not block).
 *
 * Locking: the timer list is changed with interrupts off.
 */
#ifndef UK_TIME_H
#define UK_TIME_H

#include <stdint.h>
#include <uk/list.h>

typedef int64_t s_time_t;

#define MILLISECS(ms) ((s_time_t)(ms)*1000000LL)
#define MICROSECS(us) ((s_time_t)(us)*1000LL)
#define SECONDS(s) ((s_time_t)(s)*1000000000LL)

/* Nanoseconds of Xen system time (since the host booted). */
s_time_t NOW(void);

struct uk_timer {
	struct uk_list node;
	s_time_t deadline;
	void (*fn)(struct uk_timer *t, void *data);
	void *data;
	int armed;
};

/* Binds VIRQ_TIMER; 0 or -Exxx. */
int time_init(void);
void timer_init(struct uk_timer *t, void (*fn)(struct uk_timer *t, void *data), void *data);
/* (Re)arms t for the absolute time deadline. */
void timer_set(struct uk_timer *t, s_time_t deadline);
void timer_stop(struct uk_timer *t);
/* VIRQ_TIMER events taken so far (for tests). */
extern unsigned long timer_virq_count;

#endif /* UK_TIME_H */
