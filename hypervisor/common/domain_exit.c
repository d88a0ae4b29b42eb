/*
 * Boot-domain exit policy (tessera/domain_exit.h): a domain whose policy is
 * "destroy" is torn down by the hypervisor after it shuts down, since there
 * is no toolstack yet to do what Xen's xl does on "on_poweroff=destroy".
 *
 * domain_shutdown() queues the domain (with a reference) and raises
 * DOMAIN_EXIT_SOFTIRQ. The softirq waits until none of the domain's vCPUs is
 * on a CPU (their state, hardware virtualization state included, may go with the last reference),
 * then calls domain_kill() once per softirq run: -ERESTART (the kill noticed
 * other softirqs pending) raises it again, so timers and the scheduler get
 * their turn in between, as Xen continues a preempted domain_kill. A vCPU
 * still leaving its CPU re-arms a short timer rather than spinning. When the
 * kill is done and the reference dropped, the log says how many pages came
 * back and what the heap's free count is now (the boot builder logs the
 * count before it built anything, so tests compare the two).
 *
 * Locking: exit_lock (irqsave) guards the queue and the busy flag; one CPU
 * at a time runs the teardown (busy), the others leave it to that one.
 */
#include <tessera/bootinfo.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/domain_exit.h>
#include <tessera/errno.h>
#include <tessera/hypercall.h>
#include <tessera/mm.h>
#include <tessera/softirq.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/timer.h>

#define EXIT_QUEUE_LEN 64
#define EXIT_RETRY_NS MILLISECS(1)

struct exit_entry {
	struct domain *d;	   /* a reference of ours */
	unsigned long free_before; /* heap free pages when the kill started */
	bool started;
};

static DEFINE_SPINLOCK(exit_lock, LOCK_LEVEL_DOMAIN_EXIT);
static struct exit_entry exit_queue[EXIT_QUEUE_LEN];
static unsigned int exit_len;
static bool exit_busy;
static struct timer exit_retry;
static bool exit_ready;
static enum domain_exit_policy boot_policy = DOMAIN_EXIT_KEEP;

enum domain_exit_policy boot_domain_exit_policy(void)
{
	return boot_policy;
}

/* Still on a CPU (or about to leave one)? Then its state may not go yet. */
static bool domain_exit_vcpus_busy(struct domain *d)
{
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = READ_ONCE(d->vcpu[i]);

		if (v && READ_ONCE(v->is_running))
			return true;
	}
	return false;
}

static void domain_exit_softirq(void)
{
	struct exit_entry e;
	unsigned long flags = spin_lock_irqsave(&exit_lock);
	unsigned long free_after;
	domid_t domid;
	int ret;

	if (exit_busy || !exit_len) {
		spin_unlock_irqrestore(&exit_lock, flags);
		return;
	}
	exit_busy = true;
	e = exit_queue[0];
	spin_unlock_irqrestore(&exit_lock, flags);

	if (domain_exit_vcpus_busy(e.d)) {
		set_timer(&exit_retry, NOW() + EXIT_RETRY_NS);
		goto out;
	}
	if (!e.started) {
		e.free_before = total_free_pages();
		e.started = true;
		exit_queue[0] = e; /* only the busy holder touches entry 0 */
	}
	ret = domain_kill(e.d);
	if (ret == -ERESTART) {
		raise_softirq(DOMAIN_EXIT_SOFTIRQ);
		goto out;
	}
	domid = e.d->domain_id;
	put_domain(e.d); /* the last reference, usually: the domain is freed here */
	free_after = total_free_pages();
	if (ret)
		pr_err("d%u: destroy failed (%d)", domid, ret);
	else
		pr_info("d%u: destroyed, %lu pages returned; heap free pages back to %lu", domid,
			free_after - e.free_before, free_after);
	flags = spin_lock_irqsave(&exit_lock);
	exit_len--;
	memmove(&exit_queue[0], &exit_queue[1], exit_len * sizeof(exit_queue[0]));
	if (exit_len)
		raise_softirq(DOMAIN_EXIT_SOFTIRQ);
	spin_unlock_irqrestore(&exit_lock, flags);
out:
	flags = spin_lock_irqsave(&exit_lock);
	exit_busy = false;
	spin_unlock_irqrestore(&exit_lock, flags);
}

static void domain_exit_retry(void *data)
{
	raise_softirq(DOMAIN_EXIT_SOFTIRQ);
}

void domain_exit_notify(struct domain *d)
{
	unsigned long flags;
	bool queued = false;

	if (READ_ONCE(d->exit_policy) != DOMAIN_EXIT_DESTROY || !READ_ONCE(exit_ready))
		return;
	if (!get_domain(d))
		return; /* dying already: someone else is destroying it */
	flags = spin_lock_irqsave(&exit_lock);
	if (exit_len < EXIT_QUEUE_LEN) {
		exit_queue[exit_len++] = (struct exit_entry){.d = d};
		queued = true;
	}
	spin_unlock_irqrestore(&exit_lock, flags);
	if (!queued) {
		pr_err("d%u: not destroyed: too many domains waiting for teardown", d->domain_id);
		put_domain(d);
		return;
	}
	raise_softirq(DOMAIN_EXIT_SOFTIRQ);
}

void domain_exit_init(const char *cmdline)
{
	char val[16];

	if (cmdline_get(cmdline, "boot-domain-exit", val, sizeof(val))) {
		if (!strcmp(val, "destroy"))
			boot_policy = DOMAIN_EXIT_DESTROY;
		else if (strcmp(val, "keep"))
			pr_warn(
			    "boot-domain-exit=%s: not keep or destroy; keeping shut-down domains",
			    val);
	}
	open_softirq(DOMAIN_EXIT_SOFTIRQ, domain_exit_softirq);
	if (init_timer(&exit_retry, domain_exit_retry, NULL, 0)) {
		pr_err("boot-domain-exit: no retry timer; shut-down domains are kept");
		boot_policy = DOMAIN_EXIT_KEEP;
		return;
	}
	WRITE_ONCE(exit_ready, true);
	if (boot_policy == DOMAIN_EXIT_DESTROY)
		pr_info(
		    "Boot domains are destroyed when they shut down (boot-domain-exit=destroy)");
}
