/*
 * Cooperative threads (uk/sched.h). A run queue in FIFO order; the
 * current thread is not on it. schedule() picks the head; when the queue
 * is empty it halts with interrupts on (sti; hlt), so an upcall (an event
 * handler or a timer callback waking a thread) ends the halt. The halt
 * runs on the stack of the thread that gave up the CPU.
 *
 * A thread that exits cannot free the stack it runs on: it goes on the
 * dead list, and the next thread to return from a switch frees its stack.
 * The struct itself stays until thread_join (an unjoined thread's ~100
 * bytes are never reclaimed).
 *
 * Locking: every list change happens with interrupts off; switches too.
 */
#include <uk/kernel.h>
#include <uk/sched.h>

#define STACK_ORDER 2 /* 16 KiB */
#define THREAD_MAGIC 0x7468726561640a00UL

enum thread_state { T_RUNNABLE, T_RUNNING, T_BLOCKED, T_DEAD };

struct thread {
	unsigned long magic;
	struct uk_list node; /* run queue, wait queue or dead list */
	unsigned long sp;
	void *stack;
	enum thread_state state;
	char name[24];
	struct uk_waitq joiners;
	struct uk_timer timer; /* sleeps and wait deadlines */
	int timed_out;
};

static struct uk_list runq = UK_LIST_INIT(runq);
static struct uk_list dead = UK_LIST_INIT(dead);
static struct thread boot_thread = {.magic = THREAD_MAGIC, .name = "boot", .state = T_RUNNING};
static struct thread *current = &boot_thread;

void uk_switch(unsigned long *prev_sp, unsigned long next_sp); /* arch/x86/entry.S */
void uk_thread_start(void);
void __attribute__((noreturn)) uk_thread_entry(void (*fn)(void *), void *arg);

static void reap(void)
{
	while (!uk_list_empty(&dead)) {
		struct thread *t = uk_list_first(&dead, struct thread, node);

		uk_list_del(&t->node);
		page_free(t->stack, STACK_ORDER);
		t->stack = NULL;
	}
}

/* Interrupts off; current is already queued, blocked or dead. */
static void schedule(void)
{
	struct thread *prev = current, *next;

	while (uk_list_empty(&runq)) {
		if (prev->state == T_RUNNABLE)
			break;
		irq_enable_and_halt();
		irq_disable();
	}
	next = uk_list_first(&runq, struct thread, node);
	uk_list_del(&next->node);
	next->state = T_RUNNING;
	if (next != prev) {
		current = next;
		uk_switch(&prev->sp, next->sp);
	}
	reap();
}

void __attribute__((noreturn)) uk_thread_entry(void (*fn)(void *), void *arg)
{
	reap();
	irq_enable();
	fn(arg);
	thread_exit();
}

struct thread *thread_create(const char *name, void (*fn)(void *arg), void *arg)
{
	struct thread *t = calloc(1, sizeof(*t));
	unsigned long *sp, flags;

	if (!t)
		return NULL;
	t->stack = page_alloc(STACK_ORDER);
	if (!t->stack) {
		free(t);
		return NULL;
	}
	t->magic = THREAD_MAGIC;
	strlcpy(t->name, name ? name : "thread", sizeof(t->name));
	waitq_init(&t->joiners);
	timer_init(&t->timer, NULL, NULL);
	/* What uk_switch pops: r15 r14 r13 r12 rbx rbp, then the return address. */
	sp = (unsigned long *)((char *)t->stack + (PAGE_SIZE << STACK_ORDER));
	*--sp = (unsigned long)uk_thread_start;
	*--sp = 0;		    /* rbp */
	*--sp = 0;		    /* rbx */
	*--sp = (unsigned long)fn;  /* r12 */
	*--sp = (unsigned long)arg; /* r13 */
	*--sp = 0;		    /* r14 */
	*--sp = 0;		    /* r15 */
	t->sp = (unsigned long)sp;
	flags = irq_save();
	t->state = T_RUNNABLE;
	uk_list_add_tail(&t->node, &runq);
	irq_restore(flags);
	return t;
}

struct thread *thread_current(void)
{
	return current;
}

const char *thread_name(const struct thread *t)
{
	return t->name;
}

void thread_yield(void)
{
	unsigned long flags = irq_save();

	current->state = T_RUNNABLE;
	uk_list_add_tail(&current->node, &runq);
	schedule();
	irq_restore(flags);
}

void thread_exit(void)
{
	irq_disable();
	current->state = T_DEAD;
	waitq_wake_all(&current->joiners);
	if (current != &boot_thread)
		uk_list_add_tail(&current->node, &dead);
	schedule();
	uk_panic("a dead thread ran again");
}

void thread_join(struct thread *t)
{
	unsigned long flags = irq_save();

	while (t->state != T_DEAD) {
		irq_restore(flags);
		waitq_wait(&t->joiners, 0);
		flags = irq_save();
	}
	/* Dead: its stack is freed by the reaper, which may not have run yet. */
	reap();
	irq_restore(flags);
	if (t->magic != THREAD_MAGIC)
		uk_panic("thread_join(%p): not a thread", (void *)t);
	t->magic = 0;
	free(t);
}

void thread_block(void)
{
	unsigned long flags = irq_save();

	current->state = T_BLOCKED;
	schedule();
	irq_restore(flags);
}

void thread_wake(struct thread *t)
{
	unsigned long flags = irq_save();

	if (t->state == T_BLOCKED) {
		/* It may sit on a wait queue: that queue's owner removes it (waitq_wait). */
		t->state = T_RUNNABLE;
		uk_list_del(&t->node);
		uk_list_add_tail(&t->node, &runq);
	}
	irq_restore(flags);
}

static void wake_timer(struct uk_timer *tm, void *data)
{
	struct thread *t = data;

	(void)tm;
	t->timed_out = 1;
	thread_wake(t);
}

void thread_sleep_until(s_time_t deadline)
{
	struct thread *t = current;

	while (NOW() < deadline) {
		unsigned long flags = irq_save();

		timer_init(&t->timer, wake_timer, t);
		t->timed_out = 0;
		timer_set(&t->timer, deadline);
		t->state = T_BLOCKED;
		schedule();
		timer_stop(&t->timer);
		irq_restore(flags);
	}
}

void thread_sleep_ns(s_time_t ns)
{
	thread_sleep_until(NOW() + ns);
}

void waitq_init(struct uk_waitq *wq)
{
	uk_list_init(&wq->waiters);
}

int waitq_wait(struct uk_waitq *wq, s_time_t deadline)
{
	struct thread *t = current;
	unsigned long flags = irq_save();
	int rc;

	if (deadline && NOW() >= deadline) {
		irq_restore(flags);
		return -ETIMEDOUT;
	}
	t->timed_out = 0;
	if (deadline) {
		timer_init(&t->timer, wake_timer, t);
		timer_set(&t->timer, deadline);
	}
	t->state = T_BLOCKED;
	uk_list_add_tail(&t->node, &wq->waiters);
	schedule();
	/* Woken (by waitq_wake_all or the timer): thread_wake moved us off the queue already. */
	uk_list_del(&t->node);
	if (deadline)
		timer_stop(&t->timer);
	rc = t->timed_out ? -ETIMEDOUT : 0;
	irq_restore(flags);
	return rc;
}

void waitq_wake_all(struct uk_waitq *wq)
{
	unsigned long flags = irq_save();

	while (!uk_list_empty(&wq->waiters))
		thread_wake(uk_list_first(&wq->waiters, struct thread, node));
	irq_restore(flags);
}

void sched_start(void (*fn)(void *arg), void *arg)
{
	irq_disable();
	if (!thread_create("main", fn, arg))
		uk_panic("no memory for the first thread");
	boot_thread.state = T_DEAD; /* the boot stack is static: never reaped, never resumed */
	schedule();
	uk_panic("the boot context ran again");
}
