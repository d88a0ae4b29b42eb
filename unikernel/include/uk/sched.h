/*
 * Cooperative threads (kernel/sched.c): a thread runs until it yields,
 * blocks or exits; event handlers and timer callbacks (interrupt context)
 * wake threads. When no thread can run, the vCPU halts with interrupts on
 * (sti; hlt) until an upcall.
 *
 * Locking: run queue and wait queues change with interrupts off.
 */
#ifndef UK_SCHED_H
#define UK_SCHED_H

#include <stddef.h>
#include <uk/arch.h>
#include <uk/list.h>
#include <uk/time.h>

struct thread;

/* A new runnable thread running fn(arg) on its own stack (16 KiB); NULL without memory. */
struct thread *thread_create(const char *name, void (*fn)(void *arg), void *arg);
struct thread *thread_current(void);
const char *thread_name(const struct thread *t);
/* Lets other runnable threads run. */
void thread_yield(void);
/* Ends the current thread (also what returning from fn does). */
void __attribute__((noreturn)) thread_exit(void);
/* Waits until t has exited (its memory is freed then). */
void thread_join(struct thread *t);

/* Blocks the current thread until thread_wake() (from a thread or a handler). */
void thread_block(void);
void thread_wake(struct thread *t);
/* Sleeps until NOW() >= deadline. */
void thread_sleep_until(s_time_t deadline);
void thread_sleep_ns(s_time_t ns);

/*
 * Wait queues: a thread waits until woken or the deadline (0: none)
 * passes. uk_wait_event(wq, cond, deadline) re-checks cond after each
 * wake-up: 0 when cond holds, -ETIMEDOUT at the deadline. cond is checked
 * with interrupts off up to the sleep (waitq_wait keeps them off until it
 * halts with sti; hlt), so a handler that makes cond true and wakes wq
 * between the check and the sleep cannot be missed; cond must therefore be
 * a plain read (flags, counters, ring indices).
 */
struct uk_waitq {
	struct uk_list waiters;
};
void waitq_init(struct uk_waitq *wq);
/* 0 when woken, -ETIMEDOUT when the deadline passed first. */
int waitq_wait(struct uk_waitq *wq, s_time_t deadline);
void waitq_wake_all(struct uk_waitq *wq);
#define uk_wait_event(wq, cond, deadline)                                                          \
	({                                                                                         \
		int uk_we_rc_ = 0;                                                                 \
		unsigned long uk_we_flags_ = irq_save();                                           \
		while (!(cond)) {                                                                  \
			if (waitq_wait((wq), (deadline)) && !(cond)) {                             \
				uk_we_rc_ = -ETIMEDOUT;                                            \
				break;                                                             \
			}                                                                          \
		}                                                                                  \
		irq_restore(uk_we_flags_);                                                         \
		uk_we_rc_;                                                                         \
	})

/* Starts the scheduler with the first thread (kernel/start.c); never returns. */
void __attribute__((noreturn)) sched_start(void (*fn)(void *arg), void *arg);

#endif /* UK_SCHED_H */
