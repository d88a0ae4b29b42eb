/*
 * The credit scheduler, after the ideas of Xen's credit1: proportional
 * share by weight, on per-CPU run queues.
 *
 * - Every vCPU has a weight (default 256) and a credit balance. A running
 *   vCPU burns 10 credits per ms (burnt at each 10 ms tick and whenever it
 *   is descheduled). Every 30 ms the accounting hands out one CPU-period of
 *   credit (300) per online CPU among the active vCPUs in proportion to
 *   weight; no vCPU gets more than one CPU can burn (the rest goes to the
 *   others). Balances are clamped to +/-300 so an idle vCPU cannot hoard.
 * - Priority: UNDER with credit >= 0, OVER below; a vCPU that wakes with
 *   credit gets BOOST until its first tick or until it stops running, so
 *   I/O-bound vCPUs get the CPU quickly. IDLE is the idle vCPU.
 * - Each CPU has a run queue sorted by priority, FIFO within a priority.
 *   Slices are 30 ms. A wake-up preempts the CPU's vCPU if it has a higher
 *   priority; a tick preempts when the queue head outranks the runner.
 * - Work stealing: a CPU about to run idle or an OVER vCPU takes a
 *   higher-priority queued (not running) vCPU from another CPU's queue.
 *   Caps are not implemented.
 *
 * Locking: queues and the pri/start/residual fields of a vCPU are under the
 * schedule lock of its CPU. credit is atomic (burnt under the schedule lock,
 * credited by the accounting under csched.lock). csched.lock protects the
 * list of all vCPUs, weights and the accounting; order: docs/locking.md.
 * Stealing takes a second schedule lock with trylock only.
 */
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/list.h>
#include <tessera/mm.h>
#include <tessera/panic.h>
#include <tessera/percpu.h>
#include <tessera/softirq.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include "private.h"

#define CSCHED_DEFAULT_WEIGHT 256
#define CSCHED_CREDITS_PER_MSEC 10
#define CSCHED_TICK MILLISECS(10)
#define CSCHED_TSLICE MILLISECS(30)
#define CSCHED_ACCT_PERIOD MILLISECS(30)
/* What one CPU can burn in a slice / an accounting period. */
#define CSCHED_CREDITS_PER_TSLICE (CSCHED_CREDITS_PER_MSEC * 30)
#define CSCHED_CREDITS_PER_ACCT (CSCHED_CREDITS_PER_MSEC * 30)

struct csched_vcpu {
	struct list_head runq_elem; /* on its CPU's queue while queued, else empty */
	struct list_head all_elem;  /* on csched.all */
	struct vcpu *vcpu;
	int credit; /* atomic */
	int pri;
	unsigned int weight; /* csched.lock */
	bool active;	     /* ran or was runnable since the last accounting (atomic) */
	bool yielded;	     /* queue it behind one lower-priority vCPU next time */
	s_time_t start;	     /* credit burnt up to this time while running */
	s_time_t residual;   /* ns of running not yet turned into credit */
	/* Accounting scratch, csched.lock. */
	bool acct_active, acct_capped;
};

struct csched_pcpu {
	struct list_head runq;
	struct timer tick;
	bool tick_on;
};

static DEFINE_PER_CPU(struct csched_pcpu, csched_pcpus);

/* The hooks' contract (private.h): the named CPU's, or vCPU's, schedule lock is held. */
#define ASSERT_SCHED_LOCKED(cpu) ASSERT(spin_is_held_by_me(sched_cpu_lock(cpu)))
#define PCPU_CPU(pc) ((unsigned int)((pc) - &per_cpu(csched_pcpus, 0)))

static struct {
	spinlock_t lock;
	struct list_head all;
	unsigned int nr_vcpus;
	struct timer acct;
	s_time_t acct_next;
} csched;

static inline struct csched_vcpu *CSCHED_VCPU(const struct vcpu *v)
{
	return v->sched_priv;
}

static int csched_credit_read(const struct csched_vcpu *svc)
{
	return __atomic_load_n(&svc->credit, __ATOMIC_RELAXED);
}

static void csched_mark_active(struct csched_vcpu *svc)
{
	__atomic_store_n(&svc->active, true, __ATOMIC_RELAXED);
}

/* Charge svc for running from svc->start to now (schedule lock held). */
static void csched_burn(struct csched_vcpu *svc, s_time_t now)
{
	s_time_t delta = now - svc->start;
	s_time_t val;

	ASSERT_SCHED_LOCKED(svc->vcpu->processor);
	if (delta <= 0)
		return;
	val = delta * CSCHED_CREDITS_PER_MSEC + svc->residual;
	svc->residual = val % MILLISECS(1);
	__atomic_sub_fetch(&svc->credit, (int)(val / MILLISECS(1)), __ATOMIC_RELAXED);
	svc->start = now;
	csched_mark_active(svc);
}

/* Priority from the balance; keep_boost leaves a boosted vCPU with credit boosted. */
static void csched_update_pri(struct csched_vcpu *svc, bool keep_boost)
{
	int credit = csched_credit_read(svc);

	if (keep_boost && svc->pri == CSCHED_PRI_BOOST && credit >= 0)
		return;
	svc->pri = credit >= 0 ? CSCHED_PRI_UNDER : CSCHED_PRI_OVER;
}

static bool csched_queued(const struct csched_vcpu *svc)
{
	return !list_empty(&svc->runq_elem);
}

/* Queue svc behind every vCPU of its priority or better (and one more if it yielded). */
static void csched_runq_insert(struct csched_pcpu *pc, struct csched_vcpu *svc)
{
	struct list_head *pos;

	ASSERT(!csched_queued(svc));
	list_for_each(pos, &pc->runq) if (list_entry(pos, struct csched_vcpu, runq_elem)->pri <
					  svc->pri) break;
	if (svc->yielded && pos != &pc->runq)
		pos = pos->next;
	svc->yielded = false;
	list_add_tail(&svc->runq_elem, pos);
}

static void csched_runq_remove(struct csched_vcpu *svc)
{
	list_del(&svc->runq_elem);
}

/* Re-derive every queued vCPU's priority from its balance and re-sort (schedule lock held). */
static void csched_runq_resort(struct csched_pcpu *pc)
{
	struct list_head old;
	struct csched_vcpu *svc, *tmp;

	ASSERT_SCHED_LOCKED(PCPU_CPU(pc));
	if (list_empty(&pc->runq))
		return;
	/* Move the queue aside, then re-insert in order: stable within a priority. */
	old = pc->runq;
	old.next->prev = &old;
	old.prev->next = &old;
	INIT_LIST_HEAD(&pc->runq);
	list_for_each_entry_safe(svc, tmp, &old, runq_elem)
	{
		list_del(&svc->runq_elem);
		csched_update_pri(svc, true);
		csched_runq_insert(pc, svc);
	}
}

static int csched_curr_pri(unsigned int cpu)
{
	struct vcpu *curr = curr_on_cpu(cpu);

	return is_idle_vcpu(curr) ? CSCHED_PRI_IDLE : CSCHED_VCPU(curr)->pri;
}

static int csched_head_pri(const struct csched_pcpu *pc)
{
	if (list_empty(&pc->runq))
		return CSCHED_PRI_IDLE;
	return list_first_entry(&pc->runq, struct csched_vcpu, runq_elem)->pri;
}

/* cpu has vCPUs waiting: make one idle CPU schedule, so that it steals one. */
static void csched_poke_idler(unsigned int cpu)
{
	unsigned int other;

	for_each_online_cpu(other)
	{
		if (other != cpu && is_idle_vcpu(curr_on_cpu(other))) {
			cpu_raise_softirq(other, SCHEDULE_SOFTIRQ);
			return;
		}
	}
}

/*
 * svc was just queued on cpu: preempt cpu if svc outranks what runs there,
 * and if a vCPU will still be waiting there afterwards, wake an idle CPU
 * to steal it.
 */
static void csched_tickle(unsigned int cpu, const struct csched_vcpu *svc)
{
	struct csched_pcpu *pc = &per_cpu(csched_pcpus, cpu);
	bool preempt = svc->pri > csched_curr_pri(cpu);

	if (preempt)
		cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
	if (!preempt || !is_idle_vcpu(curr_on_cpu(cpu)) || !list_is_singular(&pc->runq))
		csched_poke_idler(cpu);
}

/* Per-CPU tick: charge the runner, refresh priorities, preempt if the queue head outranks it. */
static void csched_tick(void *data)
{
	unsigned int cpu = (unsigned int)(uintptr_t)data;
	struct csched_pcpu *pc = &per_cpu(csched_pcpus, cpu);
	spinlock_t *lock = sched_cpu_lock(cpu);
	unsigned long flags = spin_lock_irqsave(lock);
	struct vcpu *curr = curr_on_cpu(cpu);
	s_time_t now = NOW();

	if (!pc->tick_on)
		goto out;
	if (!is_idle_vcpu(curr)) {
		struct csched_vcpu *svc = CSCHED_VCPU(curr);

		csched_burn(svc, now);
		csched_update_pri(svc, false); /* a boost lasts until the first tick */
	}
	csched_runq_resort(pc);
	if (csched_head_pri(pc) > csched_curr_pri(cpu))
		raise_softirq(SCHEDULE_SOFTIRQ);
	else if (!list_empty(&pc->runq))
		csched_poke_idler(cpu); /* in case a wake-up's poke found no idle CPU then */
	set_timer(&pc->tick, now + CSCHED_TICK);
out:
	spin_unlock_irqrestore(lock, flags);
}

/* Distribute one period's credit among the active vCPUs by weight (csched.lock held). */
static void csched_acct_distribute(void)
{
	struct csched_vcpu *svc;
	unsigned long weight_left = 0;
	long credit_left = (long)CSCHED_CREDITS_PER_ACCT * (nr_cpus_online ? nr_cpus_online : 1);
	bool capped;

	ASSERT(spin_is_held_by_me(&csched.lock));
	list_for_each_entry(svc, &csched.all, all_elem)
	{
		svc->acct_capped = false;
		/* Active again next period only if it runs or is still runnable then. */
		svc->acct_active = __atomic_exchange_n(&svc->active, false, __ATOMIC_RELAXED) ||
				   vcpu_runnable(svc->vcpu);
		if (svc->acct_active)
			weight_left += svc->weight;
	}
	/* A vCPU can use at most one CPU: fix those at that, share the rest again. */
	do {
		capped = false;
		list_for_each_entry(svc, &csched.all, all_elem)
		{
			if (!svc->acct_active || svc->acct_capped || !weight_left)
				continue;
			if (credit_left * svc->weight / weight_left >= CSCHED_CREDITS_PER_ACCT) {
				svc->acct_capped = true;
				credit_left -= CSCHED_CREDITS_PER_ACCT;
				weight_left -= svc->weight;
				capped = true;
			}
		}
	} while (capped);

	list_for_each_entry(svc, &csched.all, all_elem)
	{
		int share = 0, old, new;

		if (svc->acct_active)
			share = svc->acct_capped
				    ? CSCHED_CREDITS_PER_ACCT
				    : (int)((credit_left * svc->weight + weight_left - 1) /
					    weight_left);
		old = csched_credit_read(svc);
		do {
			new = old + share;
			if (new > CSCHED_CREDITS_PER_TSLICE)
				new = CSCHED_CREDITS_PER_TSLICE;
			if (new < -CSCHED_CREDITS_PER_TSLICE)
				new = -CSCHED_CREDITS_PER_TSLICE;
		} while (!__atomic_compare_exchange_n(&svc->credit, &old, new, false,
						      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	}
}

/* The accounting timer (on CPU 0): new priorities follow at each CPU's next tick. */
static void csched_acct(void *data)
{
	unsigned long flags = spin_lock_irqsave(&csched.lock);
	s_time_t now = NOW();

	csched_acct_distribute();
	if (csched.nr_vcpus) {
		csched.acct_next += CSCHED_ACCT_PERIOD;
		if (csched.acct_next <= now)
			csched.acct_next = now + CSCHED_ACCT_PERIOD;
		set_timer(&csched.acct, csched.acct_next);
	}
	spin_unlock_irqrestore(&csched.lock, flags);
}

static int csched_init(void)
{
	spin_lock_init(&csched.lock, LOCK_LEVEL_CSCHED);
	INIT_LIST_HEAD(&csched.all);
	csched.nr_vcpus = 0;
	return init_timer(&csched.acct, csched_acct, NULL, 0);
}

static int csched_init_cpu(unsigned int cpu)
{
	struct csched_pcpu *pc = &per_cpu(csched_pcpus, cpu);

	INIT_LIST_HEAD(&pc->runq);
	pc->tick_on = false;
	return init_timer(&pc->tick, csched_tick, (void *)(uintptr_t)cpu, cpu);
}

static void *csched_alloc_vdata(struct vcpu *v)
{
	struct csched_vcpu *svc = xzalloc(struct csched_vcpu);

	if (!svc)
		return NULL;
	INIT_LIST_HEAD(&svc->runq_elem);
	INIT_LIST_HEAD(&svc->all_elem);
	svc->vcpu = v;
	svc->weight = CSCHED_DEFAULT_WEIGHT;
	svc->pri = CSCHED_PRI_UNDER;
	return svc;
}

static void csched_free_vdata(void *priv)
{
	xfree(priv);
}

static void csched_insert_vcpu(struct vcpu *v)
{
	struct csched_vcpu *svc = CSCHED_VCPU(v);

	ASSERT_SCHED_LOCKED(v->processor);
	spin_lock(&csched.lock);
	list_add_tail(&svc->all_elem, &csched.all);
	if (csched.nr_vcpus++ == 0) {
		csched.acct_next = NOW() + CSCHED_ACCT_PERIOD;
		set_timer(&csched.acct, csched.acct_next);
	}
	spin_unlock(&csched.lock);
	if (vcpu_runnable(v)) {
		csched_mark_active(svc);
		csched_runq_insert(&per_cpu(csched_pcpus, v->processor), svc);
		csched_tickle(v->processor, svc);
	}
}

static void csched_remove_vcpu(struct vcpu *v)
{
	struct csched_vcpu *svc = CSCHED_VCPU(v);

	ASSERT_SCHED_LOCKED(v->processor);
	if (csched_queued(svc))
		csched_runq_remove(svc);
	spin_lock(&csched.lock);
	list_del(&svc->all_elem);
	if (--csched.nr_vcpus == 0)
		stop_timer(&csched.acct);
	spin_unlock(&csched.lock);
}

static void csched_sleep(struct vcpu *v)
{
	struct csched_vcpu *svc = CSCHED_VCPU(v);

	ASSERT_SCHED_LOCKED(v->processor);
	if (curr_on_cpu(v->processor) == v)
		cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
	else if (csched_queued(svc))
		csched_runq_remove(svc);
}

static void csched_wake(struct vcpu *v)
{
	struct csched_vcpu *svc = CSCHED_VCPU(v);

	ASSERT_SCHED_LOCKED(v->processor);
	if (curr_on_cpu(v->processor) == v || csched_queued(svc))
		return;
	csched_update_pri(svc, false);
	/* Woken with credit: run soon, to keep latency low for I/O-bound vCPUs. */
	if (svc->pri == CSCHED_PRI_UNDER)
		svc->pri = CSCHED_PRI_BOOST;
	csched_mark_active(svc);
	csched_runq_insert(&per_cpu(csched_pcpus, v->processor), svc);
	csched_tickle(v->processor, svc);
}

static void csched_yield(struct vcpu *v)
{
	ASSERT_SCHED_LOCKED(v->processor);
	CSCHED_VCPU(v)->yielded = true;
}

/*
 * Take a queued vCPU that outranks min_pri from another CPU's queue (this
 * CPU's schedule lock held; the other is only try-locked, so two stealing
 * CPUs cannot deadlock).
 */
static struct csched_vcpu *csched_steal(unsigned int cpu, int min_pri)
{
	unsigned int peer;

	ASSERT_SCHED_LOCKED(cpu);
	for_each_online_cpu(peer)
	{
		struct csched_pcpu *ppc = &per_cpu(csched_pcpus, peer);
		spinlock_t *lock = sched_cpu_lock(peer);
		struct csched_vcpu *svc, *found = NULL;

		if (peer == cpu || list_empty(&ppc->runq) || !spin_trylock(lock))
			continue;
		list_for_each_entry(svc, &ppc->runq, runq_elem)
		{
			if (svc->pri <= min_pri)
				break; /* sorted: nothing better follows */
			if (!svc->vcpu->is_running && vcpu_runnable(svc->vcpu)) {
				found = svc;
				break;
			}
		}
		if (found) {
			csched_runq_remove(found);
			WRITE_ONCE(found->vcpu->processor, cpu);
		}
		spin_unlock(lock);
		if (found)
			return found;
	}
	return NULL;
}

/*
 * The head of pc's queue, after dropping any queued vCPU that stopped being
 * runnable (its lock held). A pause flag is set before vcpu_sleep() takes
 * the schedule lock to dequeue it, so a schedule in between can find it
 * queued; it is queued again by vcpu_wake() once its last flag clears.
 */
static struct csched_vcpu *csched_runq_first_runnable(struct csched_pcpu *pc)
{
	struct csched_vcpu *svc;

	ASSERT_SCHED_LOCKED(PCPU_CPU(pc));
	while ((svc = list_first_entry_or_null(&pc->runq, struct csched_vcpu, runq_elem)) &&
	       !vcpu_runnable(svc->vcpu))
		csched_runq_remove(svc);
	return svc;
}

static struct task_slice csched_do_schedule(unsigned int cpu, s_time_t now)
{
	struct csched_pcpu *pc = &per_cpu(csched_pcpus, cpu);
	struct vcpu *curr = curr_on_cpu(cpu);
	struct csched_vcpu *snext;
	struct task_slice ts;

	ASSERT_SCHED_LOCKED(cpu);
	if (!is_idle_vcpu(curr)) {
		struct csched_vcpu *scurr = CSCHED_VCPU(curr);

		csched_burn(scurr, now);
		csched_update_pri(scurr, false); /* no boost across a deschedule */
		if (vcpu_runnable(curr))
			csched_runq_insert(pc, scurr);
	}

	snext = csched_runq_first_runnable(pc);
	if (!snext || snext->pri <= CSCHED_PRI_OVER) {
		struct csched_vcpu *stolen =
		    csched_steal(cpu, snext ? snext->pri : CSCHED_PRI_IDLE);

		if (stolen) {
			csched_runq_insert(pc, stolen);
			snext = stolen;
		}
	}

	if (snext) {
		csched_runq_remove(snext);
		snext->start = now;
		ts.task = snext->vcpu;
		ts.time = CSCHED_TSLICE;
		if (!pc->tick_on) {
			pc->tick_on = true;
			set_timer(&pc->tick, now + CSCHED_TICK);
		}
	} else {
		ts.task = idle_vcpu[cpu];
		ts.time = -1; /* idle until something wakes */
		if (pc->tick_on) {
			pc->tick_on = false;
			stop_timer(&pc->tick);
		}
	}
	return ts;
}

static int csched_adjust_weight(struct domain *d, unsigned int weight)
{
	unsigned long flags = spin_lock_irqsave(&csched.lock);

	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i] && d->vcpu[i]->sched_priv)
			CSCHED_VCPU(d->vcpu[i])->weight = weight;
	spin_unlock_irqrestore(&csched.lock, flags);
	return 0;
}

static void csched_dump(unsigned int cpu)
{
	struct csched_vcpu *svc;

	list_for_each_entry(svc, &per_cpu(csched_pcpus, cpu).runq, runq_elem)
	    pr_info("  queued d%uv%u pri %d credit %d weight %u", svc->vcpu->domain->domain_id,
		    svc->vcpu->vcpu_id, svc->pri, csched_credit_read(svc), svc->weight);
}

int csched_vcpu_credit(const struct vcpu *v)
{
	return csched_credit_read(CSCHED_VCPU(v));
}

int csched_vcpu_pri(const struct vcpu *v)
{
	return is_idle_vcpu(v) ? CSCHED_PRI_IDLE : CSCHED_VCPU(v)->pri;
}

unsigned int csched_runq_len(unsigned int cpu)
{
	struct list_head *pos;
	unsigned int n = 0;

	list_for_each(pos, &per_cpu(csched_pcpus, cpu).runq) n++;
	return n;
}

const struct scheduler sched_credit_def = {
    .name = "credit",
    .default_weight = CSCHED_DEFAULT_WEIGHT,
    .tslice = CSCHED_TSLICE,
    .init = csched_init,
    .init_cpu = csched_init_cpu,
    .alloc_vdata = csched_alloc_vdata,
    .free_vdata = csched_free_vdata,
    .insert_vcpu = csched_insert_vcpu,
    .remove_vcpu = csched_remove_vcpu,
    .sleep = csched_sleep,
    .wake = csched_wake,
    .yield = csched_yield,
    .do_schedule = csched_do_schedule,
    .adjust_weight = csched_adjust_weight,
    .dump = csched_dump,
};
