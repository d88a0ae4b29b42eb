/*
 * Time and timers of the unikernel (uk/time.h).
 *
 * NOW() reads vCPU 0's pvclock (Xen public/xen.h struct vcpu_time_info):
 * the hypervisor bumps version to odd, updates, bumps it to even; we
 * retry until we read one even version on both sides. Nanoseconds =
 * system_time + ((tsc - tsc_timestamp) shifted by tsc_shift) * mul >> 32.
 *
 * Timers: a list sorted by deadline; the head's deadline is programmed
 * with VCPUOP_set_singleshot_timer (no VCPU_SSHOTTMR_future: a deadline
 * already past fires at once, as Xen does without the flag); VIRQ_TIMER
 * runs the expired callbacks and reprograms.
 *
 * Locking: the list changes with interrupts off; callbacks run from the
 * VIRQ_TIMER handler with interrupts off.
 */
#include <public/vcpu.h>
#include <uk/events.h>
#include <uk/kernel.h>
#include <uk/time.h>

static struct uk_list timers = UK_LIST_INIT(timers);
static evtchn_port_t timer_port;
unsigned long timer_virq_count;

s_time_t NOW(void)
{
	const volatile struct vcpu_time_info *t;
	uint32_t ver, mul;
	uint64_t tsc, ts, sys, delta;
	int8_t shift;

	if (!uk_vcpu_info)
		return 0;
	t = &uk_vcpu_info->time;
	do {
		ver = t->version;
		rmb();
		ts = t->tsc_timestamp;
		sys = t->system_time;
		mul = t->tsc_to_system_mul;
		shift = t->tsc_shift;
		tsc = rdtsc();
		rmb();
	} while ((ver & 1) || ver != t->version);
	/*
	 * Modulo 2^64, read as signed: Xen offsets an HVM guest's TSC so that it
	 * starts near 0, and tsc_timestamp can lie before that zero ("negative");
	 * an unsigned comparison froze NOW() at system_time there.
	 */
	delta = (int64_t)(tsc - ts) > 0 ? tsc - ts : 0;
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return (s_time_t)(sys + (uint64_t)(((unsigned __int128)delta * mul) >> 32));
}

/* Interrupts off. */
static void program(void)
{
	struct vcpu_set_singleshot_timer st = {.flags = 0};

	if (uk_list_empty(&timers)) {
		HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL);
		return;
	}
	st.timeout_abs_ns = (uint64_t)uk_list_first(&timers, struct uk_timer, node)->deadline;
	HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st);
}

static void timer_virq(evtchn_port_t port, void *data)
{
	s_time_t now = NOW();

	(void)port;
	(void)data;
	timer_virq_count++;
	while (!uk_list_empty(&timers)) {
		struct uk_timer *t = uk_list_first(&timers, struct uk_timer, node);

		if (t->deadline > now)
			break;
		uk_list_del(&t->node);
		t->armed = 0;
		t->fn(t, t->data);
		now = NOW();
	}
	program();
}

int time_init(void)
{
	return (int)evtchn_bind_virq(VIRQ_TIMER, timer_virq, NULL, &timer_port);
}

void timer_init(struct uk_timer *t, void (*fn)(struct uk_timer *t, void *data), void *data)
{
	uk_list_init(&t->node);
	t->fn = fn;
	t->data = data;
	t->armed = 0;
	t->deadline = 0;
}

void timer_set(struct uk_timer *t, s_time_t deadline)
{
	unsigned long flags = irq_save();
	struct uk_list *pos;

	if (t->armed)
		uk_list_del(&t->node);
	t->deadline = deadline;
	for (pos = timers.next; pos != &timers; pos = pos->next)
		if (uk_container_of(pos, struct uk_timer, node)->deadline > deadline)
			break;
	uk_list_add_before(&t->node, pos);
	t->armed = 1;
	if (timers.next == &t->node)
		program();
	irq_restore(flags);
}

void timer_stop(struct uk_timer *t)
{
	unsigned long flags = irq_save();

	if (t->armed) {
		int was_first = timers.next == &t->node;

		uk_list_del(&t->node);
		t->armed = 0;
		if (was_first)
			program();
	}
	irq_restore(flags);
}
