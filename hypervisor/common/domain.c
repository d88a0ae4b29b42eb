/*
 * Domains and vCPUs: creation, the domain list, references, pause/unpause,
 * shutdown and crash, and destruction (domain_kill, then the last reference).
 *
 * Life cycle, as Xen's: ALIVE -> domain_kill() -> DYING (resources released
 * step by step, preemptible: -ERESTART means "call again") -> DEAD (off the
 * list; the list's reference dropped) -> freed when the last reference goes.
 * A dying domain's frames stay valid while another domain holds references
 * on them (grant or foreign mappings): they go back to the heap with the
 * last put_page(), not with the domain.
 *
 * Locking:
 *  - domlist_lock (irqsave): the list (sorted by domid) and taking a
 *    reference through it; refcnt itself is atomic.
 *  - d->domain_lock: d->state, the pause counts (domain and vCPU), the
 *    controller pause and the shutdown fields.
 *  - d->page_alloc_lock: page_list/tot_pages (common/page_ref.c).
 * Lock order: docs/locking.md (here: domlist_lock -> d->domain_lock ->
 * schedule locks). The release steps of domain_kill (grant tables, event
 * channels, p2m, pages) run with no lock of ours held.
 */
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/domain_exit.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/grant_table.h>
#include <tessera/hypercall.h>
#include <tessera/memory.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include <tessera/panic.h>
#include <tessera/sched.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <public/sched.h>
#include <public/xen.h>

static DEFINE_SPINLOCK(domlist_lock, LOCK_LEVEL_DOMLIST);
static struct domain *domain_list; /* sorted by domain_id */

/*
 * Where a vCPU without a legacy shared_info slot (id >= 32) and without a
 * registered vcpu_info points: a sink that is written but never read by
 * anyone that matters, as Xen's dummy_vcpu_info.
 */
static struct vcpu_info dummy_vcpu_info;

/* domain_kill's steps, in order (d->teardown_step). */
enum {
	TEARDOWN_TIMERS = 0, /* vCPU timers and polls: nothing of d's own fires from here on */
	TEARDOWN_GRANTS,     /* unmap what d mapped from others */
	TEARDOWN_EVTCHN,     /* close d's ports (remote ends notified) */
	TEARDOWN_VCPUS,	     /* the rest of the vCPU services: registered areas (vcpu_op_destroy) */
	TEARDOWN_P2M,	     /* drop d's physmap and the references it holds */
	TEARDOWN_PAGES,	     /* give back every frame d owns */
	TEARDOWN_DONE,
};

static bool domain_ref_if(struct domain *d, bool alive_only)
{
	int old = __atomic_load_n(&d->refcnt, __ATOMIC_RELAXED);

	do {
		if (old <= 0)
			return false; /* already being freed */
		if (alive_only && READ_ONCE(d->state) != DOMAIN_ALIVE)
			return false;
	} while (!__atomic_compare_exchange_n(&d->refcnt, &old, old + 1, false, __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	return true;
}

bool get_domain(struct domain *d)
{
	return domain_ref_if(d, true);
}

/* Release what a domain still holds once nobody can reach it, and free it. */
static void domain_free(struct domain *d)
{
	if (d->vcpu) {
		for (unsigned int i = 0; i < d->max_vcpus; i++) {
			struct vcpu *v = d->vcpu[i];

			if (!v)
				continue;
			vcpu_op_destroy(v); /* idempotent: done by domain_kill already */
			if (v->sched_priv)
				sched_destroy_vcpu(v);
			arch_vcpu_destroy(v);
			xfree(v);
		}
		xfree(d->vcpu);
	}
	arch_domain_destroy(d); /* after the p2m teardown: the NPT mirrors it */
	if (d->grant_table)
		grant_table_destroy(d);
	domain_memory_map_free(d);
	if (d->shared_info)
		free_xenheap_pages(d->shared_info, 0);
	xfree(d);
}

void put_domain(struct domain *d)
{
	int left = __atomic_sub_fetch(&d->refcnt, 1, __ATOMIC_RELEASE);

	BUG_ON(left < 0);
	if (left)
		return;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	/* The list holds a reference until DEAD: nothing else can find d now. */
	BUG_ON(d->state != DOMAIN_DEAD);
	domain_free(d);
}

/* Find domid on the list; domlist_lock held. */
static struct domain *domain_find_locked(domid_t domid)
{
	ASSERT(spin_is_held_by_me(&domlist_lock));
	for (struct domain *d = domain_list; d && d->domain_id <= domid; d = d->next_in_list)
		if (d->domain_id == domid)
			return d;
	return NULL;
}

static struct domain *lookup(domid_t domid, bool alive_only)
{
	unsigned long flags = spin_lock_irqsave(&domlist_lock);
	struct domain *d = domain_find_locked(domid);

	if (d && !domain_ref_if(d, alive_only))
		d = NULL;
	spin_unlock_irqrestore(&domlist_lock, flags);
	return d;
}

struct domain *get_domain_by_id(domid_t domid)
{
	return lookup(domid, true);
}

struct domain *get_domain_by_id_incl_dying(domid_t domid)
{
	return lookup(domid, false);
}

struct domain *get_domain_by_any_id(domid_t domid, struct domain *self)
{
	if (domid == DOMID_SELF)
		return self && get_domain(self) ? self : NULL;
	return get_domain_by_id(domid);
}

/* The first domain on the list with domain_id >= from, with a reference; NULL if none. */
static struct domain *domain_from(unsigned int from)
{
	unsigned long flags = spin_lock_irqsave(&domlist_lock);
	struct domain *d;

	for (d = domain_list; d; d = d->next_in_list)
		if (d->domain_id >= from && domain_ref_if(d, false))
			break;
	spin_unlock_irqrestore(&domlist_lock, flags);
	return d;
}

struct domain *first_domain(void)
{
	return domain_from(0);
}

struct domain *next_domain(struct domain *d)
{
	/* By domid, not by d's link: d may have left the list since. */
	return domain_from((unsigned int)d->domain_id + 1);
}

void vcpu_info_reset(struct vcpu *v)
{
	struct domain *d = v->domain;

	if (v->vcpu_id < XEN_LEGACY_MAX_VCPUS)
		v->vcpu_info = &d->shared_info->vcpu_info[v->vcpu_id];
	else
		v->vcpu_info = &dummy_vcpu_info;
}

/* The online CPU after prev (round robin over the online CPUs), or 0. */
static unsigned int vcpu_pick_cpu(unsigned int prev)
{
	for (unsigned int i = 1; i <= NR_CPUS; i++) {
		unsigned int cpu = (prev + i) % NR_CPUS;

		if (cpu_infos[cpu].online)
			return cpu;
	}
	return 0;
}

struct vcpu *vcpu_create(struct domain *d, unsigned int id)
{
	unsigned int cpu = 0;
	bool published;
	struct vcpu *v;

	if (id >= d->max_vcpus || d->vcpu[id])
		return NULL;
	v = xzalloc(struct vcpu);
	if (!v)
		return NULL;
	v->vcpu_id = id;
	v->domain = d;
	v->pause_flags = 1UL << VPF_down; /* as Xen: down until VCPUOP_up or the builder */
	vcpu_info_reset(v);
	/*
	 * A valid pvclock from the start (Linux reads tsc_to_system_mul at boot,
	 * before anything else refreshes it); v is not visible yet, so nobody
	 * races the write. The shared dummy slot of ids >= 32 is left alone.
	 */
	if (v->vcpu_info != &dummy_vcpu_info)
		update_vcpu_system_time(v);
	if (id > 0 && d->vcpu[id - 1])
		cpu = vcpu_pick_cpu(d->vcpu[id - 1]->processor);
	else if (!cpu_infos[0].online)
		cpu = vcpu_pick_cpu(0);
	/* The arch state (x86: hardware virtualization) before the scheduler can see v. */
	if (arch_vcpu_create(v)) {
		arch_vcpu_destroy(v);
		xfree(v);
		return NULL;
	}
	/* Down, so the scheduler does not queue it yet. */
	if (sched_init_vcpu(v, cpu)) {
		arch_vcpu_destroy(v);
		xfree(v);
		return NULL;
	}
	/*
	 * Publish under domain_lock, inheriting the domain's pause at that moment,
	 * so a vCPU added to a paused domain stays paused and no domain_pause is
	 * missed; a racing creator of the same id, or a dying domain, loses.
	 */
	spin_lock(&d->domain_lock);
	published = !d->vcpu[id] && d->state == DOMAIN_ALIVE;
	if (published) {
		v->pause_count = d->pause_count;
		if (v->pause_count)
			set_bit(VPF_paused, &v->pause_flags);
		WRITE_ONCE(d->vcpu[id], v);
	}
	spin_unlock(&d->domain_lock);
	if (!published) {
		sched_destroy_vcpu(v);
		arch_vcpu_destroy(v);
		xfree(v);
		return NULL;
	}
	return v;
}

/* Set up d's subsystems; on failure the caller frees what was set up (domain_unwind). */
static int domain_init_subsystems(struct domain *d, const struct domain_create_args *args)
{
	int ret;

	ret = evtchn_domain_init(d, args->max_evtchn_port);
	if (ret)
		return ret;
	ret = grant_table_init(d, args->max_grant_frames, args->max_maptrack_frames);
	if (ret)
		return ret;
	/* Arch state first (the NPT root), so every p2m entry is mirrored from the start. */
	ret = arch_domain_create(d);
	if (ret)
		return ret;
	if (d->auto_translated) {
		ret = p2m_init(d);
		if (ret)
			return ret;
	}
	if (!vcpu_create(d, 0))
		return -ENOMEM;
	return 0;
}

/* Undo a domain_create that failed before d went on the list. */
static void domain_unwind(struct domain *d)
{
	if (d->p2m)
		while (p2m_teardown(d) == -ERESTART)
			;
	if (d->evtchn)
		evtchn_domain_destroy(d);
	d->state = DOMAIN_DEAD;
	domain_free(d);
}

int domain_create(domid_t domid, const struct domain_create_args *args, struct domain **out)
{
	struct domain *d = NULL, **pp;
	unsigned long flags;
	int ret;

	if (domid >= DOMID_FIRST_RESERVED || !args)
		return -EINVAL;
	if (args->max_vcpus < 1 || args->max_vcpus > MAX_VIRT_CPUS)
		return -EINVAL;
	if (args->mode != GUEST_MODE_PVH && args->mode != GUEST_MODE_PV &&
	    args->mode != GUEST_MODE_HVM)
		return -EINVAL;
	/* Cheap early refusal; the insertion below re-checks under the lock. */
	flags = spin_lock_irqsave(&domlist_lock);
	ret = domain_find_locked(domid) ? -EEXIST : 0;
	spin_unlock_irqrestore(&domlist_lock, flags);
	if (ret)
		return ret;

	d = xzalloc(struct domain);
	if (!d)
		return -ENOMEM;
	d->domain_id = domid;
	d->max_vcpus = args->max_vcpus;
	strlcpy(d->name, args->name ? args->name : "", sizeof(d->name));
	d->roles = args->roles;
	d->mode = args->mode;
	d->auto_translated = args->mode != GUEST_MODE_PV;
	if (args->handle)
		memcpy(d->handle, args->handle, sizeof(d->handle));
	spin_lock_init(&d->domain_lock, LOCK_LEVEL_DOMAIN);
	spin_lock_init(&d->page_alloc_lock, LOCK_LEVEL_PAGE_ALLOC);
	spin_lock_init(&d->event_lock, LOCK_LEVEL_EVENT);
	spin_lock_init(&d->physmap_lock, LOCK_LEVEL_PHYSMAP);
	spin_lock_init(&d->console.lock, LOCK_LEVEL_DOM_CONSOLE);
	INIT_LIST_HEAD(&d->page_list);
	d->max_pages = args->max_pages;
	d->refcnt = 1; /* the list's */
	d->state = DOMAIN_ALIVE;
	/* Created paused by the controller, as Xen's domain_create. */
	d->pause_count = 1;
	d->controller_pause_count = 1;

	ret = -ENOMEM;
	d->vcpu = xzalloc_array(struct vcpu *, d->max_vcpus);
	d->shared_info = alloc_xenheap_pages(0); /* zeroed */
	if (!d->vcpu || !d->shared_info)
		goto fail;
	/* Shared with the guest (XENMEM_add_to_physmap of XENMAPSPACE_shared_info). */
	virt_to_page(d->shared_info)->owner = d;
	ret = domain_init_subsystems(d, args);
	if (ret)
		goto fail;
	/* The guest finds the wallclock in shared_info from its first instruction. */
	update_domain_wallclock_time(d);

	flags = spin_lock_irqsave(&domlist_lock);
	for (pp = &domain_list; *pp && (*pp)->domain_id < domid; pp = &(*pp)->next_in_list)
		;
	if (*pp && (*pp)->domain_id == domid) {
		spin_unlock_irqrestore(&domlist_lock, flags);
		ret = -EEXIST;
		goto fail;
	}
	d->next_in_list = *pp;
	*pp = d;
	spin_unlock_irqrestore(&domlist_lock, flags);

	pr_info("d%u: created \"%s\" (mode %d, %u vCPUs, roles %#x)", domid, d->name, d->mode,
		d->max_vcpus, d->roles);
	if (out)
		*out = d;
	return 0;

fail:
	domain_unwind(d);
	return ret;
}

/* Make v not runnable for one more reason (domain_lock held); the caller sleeps it. */
static void vcpu_pause_locked(struct vcpu *v)
{
	ASSERT(spin_is_held_by_me(&v->domain->domain_lock));
	if (v->pause_count++ == 0)
		set_bit(VPF_paused, &v->pause_flags);
}

/* Drop one pause of v (domain_lock held); true if v lost its last one (the caller wakes it). */
static bool vcpu_unpause_locked(struct vcpu *v)
{
	ASSERT(spin_is_held_by_me(&v->domain->domain_lock));
	BUG_ON(v->pause_count <= 0);
	if (--v->pause_count)
		return false;
	clear_bit(VPF_paused, &v->pause_flags);
	return true;
}

/*
 * Wait until v is off its CPU (as Xen's vcpu_sleep_sync), unless it is the
 * caller: a domain may pause itself (shutdown), then it stops on return.
 * Only another CPU can be running it while we are here.
 */
static void vcpu_sleep_sync(struct vcpu *v)
{
	vcpu_sleep(v);
	while (v != current && READ_ONCE(v->is_running) &&
	       READ_ONCE(v->processor) != smp_processor_id())
		cpu_relax();
}

void vcpu_pause(struct vcpu *v)
{
	struct domain *d = v->domain;

	spin_lock(&d->domain_lock);
	vcpu_pause_locked(v);
	spin_unlock(&d->domain_lock);
	vcpu_sleep_sync(v);
}

void vcpu_unpause(struct vcpu *v)
{
	struct domain *d = v->domain;
	bool wake;

	spin_lock(&d->domain_lock);
	wake = vcpu_unpause_locked(v);
	spin_unlock(&d->domain_lock);
	if (wake)
		vcpu_wake(v);
}

#define for_each_vcpu(d, i, v)                                                                     \
	for ((i) = 0; (i) < (d)->max_vcpus; (i)++)                                                 \
		if (((v) = READ_ONCE((d)->vcpu[(i)])) != NULL)

/* One more pause of d and each of its vCPUs (domain_lock held); the caller sleeps them. */
static void domain_pause_locked(struct domain *d)
{
	struct vcpu *v;
	unsigned int i;

	ASSERT(spin_is_held_by_me(&d->domain_lock));
	d->pause_count++;
	for_each_vcpu(d, i, v) vcpu_pause_locked(v);
}

/* Wait until every vCPU of d is off its CPU (after domain_pause_locked). */
static void domain_sleep_sync(struct domain *d)
{
	struct vcpu *v;
	unsigned int i;

	for_each_vcpu(d, i, v) vcpu_sleep_sync(v);
}

/* Drop one pause of d (domain_lock held); marks in wake the vCPUs to wake. */
static void domain_unpause_locked(struct domain *d, unsigned long *wake)
{
	struct vcpu *v;
	unsigned int i;

	ASSERT(spin_is_held_by_me(&d->domain_lock));
	BUG_ON(d->pause_count <= 0);
	d->pause_count--;
	for_each_vcpu(d, i, v) if (vcpu_unpause_locked(v)) __set_bit(i, wake);
}

static void domain_wake(struct domain *d, const unsigned long *wake)
{
	struct vcpu *v;
	unsigned int i;

	for_each_vcpu(d, i, v) if (test_bit(i, wake)) vcpu_wake(v);
}

void domain_pause(struct domain *d)
{
	spin_lock(&d->domain_lock);
	domain_pause_locked(d);
	spin_unlock(&d->domain_lock);
	domain_sleep_sync(d);
}

void domain_unpause(struct domain *d)
{
	DECLARE_BITMAP(wake, MAX_VIRT_CPUS) = {0};

	spin_lock(&d->domain_lock);
	domain_unpause_locked(d, wake);
	spin_unlock(&d->domain_lock);
	domain_wake(d, wake);
}

/*
 * domctl pause/unpause, counted as Xen's domain_pause_by_systemcontroller:
 * each pause needs its own unpause; the count is capped at
 * DOMAIN_CONTROLLER_PAUSE_MAX (-EOVERFLOW beyond, so a toolstack cannot
 * overflow pause_count) and an unpause with none outstanding is -EINVAL.
 * The count and the pause it stands for change together under domain_lock,
 * so a racing unpause never drops a pause not yet taken.
 */
int domain_pause_by_controller(struct domain *d)
{
	spin_lock(&d->domain_lock);
	if (d->controller_pause_count >= DOMAIN_CONTROLLER_PAUSE_MAX) {
		spin_unlock(&d->domain_lock);
		return -EOVERFLOW;
	}
	d->controller_pause_count++;
	domain_pause_locked(d);
	spin_unlock(&d->domain_lock);
	domain_sleep_sync(d);
	return 0;
}

int domain_unpause_by_controller(struct domain *d)
{
	DECLARE_BITMAP(wake, MAX_VIRT_CPUS) = {0};

	spin_lock(&d->domain_lock);
	if (d->controller_pause_count == 0) {
		spin_unlock(&d->domain_lock);
		return -EINVAL; /* as Xen: unpause without a pause outstanding */
	}
	d->controller_pause_count--;
	domain_unpause_locked(d, wake);
	spin_unlock(&d->domain_lock);
	domain_wake(d, wake);
	return 0;
}

void domain_shutdown(struct domain *d, uint8_t reason)
{
	struct vcpu *v;
	unsigned int i;

	spin_lock(&d->domain_lock);
	/* As Xen: the first reason wins; a dying domain is past shutting down. */
	if (d->is_shutting_down || d->state != DOMAIN_ALIVE) {
		spin_unlock(&d->domain_lock);
		return;
	}
	d->is_shutting_down = true;
	/* As Xen: a code stored ahead by SCHEDOP_shutdown_code wins over this reason. */
	if (!d->shutdown_code_set)
		d->shutdown_code = reason;
	reason = d->shutdown_code;
	for_each_vcpu(d, i, v) vcpu_pause_locked(v);
	/* No vCPU defers its shutdown (Xen's defer_shutdown): all stop now. */
	d->is_shut_down = true;
	spin_unlock(&d->domain_lock);
	for_each_vcpu(d, i, v) vcpu_sleep(v); /* nosync: d may be shutting itself down */
	pr_info("d%u: shut down (reason %u)", d->domain_id, reason);
	/* The control domain learns through VIRQ_DOM_EXC, as in Xen. */
	send_global_virq(VIRQ_DOM_EXC);
	/* A boot domain may be set to be destroyed now (no toolstack would do it). */
	domain_exit_notify(d);
}

void domain_crash(struct domain *d, const char *why)
{
	pr_err("d%u: crashed: %s", d->domain_id, why ? why : "(no reason)");
	domain_shutdown(d, SHUTDOWN_crash);
}

/* Give back every frame d owns; -ERESTART when preempted (the rest stays on page_list). */
static int domain_relinquish_pages(struct domain *d)
{
	for (;;) {
		struct page_info *pg;

		spin_lock(&d->page_alloc_lock);
		pg = list_first_entry_or_null(&d->page_list, struct page_info, list);
		spin_unlock(&d->page_alloc_lock);
		if (!pg)
			return 0;
		relinquish_page(d, pg);
		if (hypercall_preempt_check())
			return -ERESTART;
	}
}

/* Remove a dead domain from the list and drop the list's reference. */
static void domain_unlist(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&domlist_lock);
	struct domain **pp;

	for (pp = &domain_list; *pp && *pp != d; pp = &(*pp)->next_in_list)
		;
	BUG_ON(!*pp);
	*pp = d->next_in_list;
	d->next_in_list = NULL;
	spin_unlock_irqrestore(&domlist_lock, flags);
	put_domain(d);
}

int domain_kill(struct domain *d)
{
	int ret = 0;

	spin_lock(&d->domain_lock);
	if (d->state == DOMAIN_DEAD || d->teardown_busy) {
		/* Done already, or another CPU is at it: that caller finishes. */
		ret = d->state == DOMAIN_DEAD ? 0 : -ERESTART;
		spin_unlock(&d->domain_lock);
		return ret;
	}
	d->teardown_busy = true;
	if (d->state == DOMAIN_ALIVE) {
		d->state = DOMAIN_DYING;
		spin_unlock(&d->domain_lock);
		domain_pause(d); /* never unpaused: its vCPUs stop for good */
	} else {
		spin_unlock(&d->domain_lock);
	}

	/* Each step is itself resumable; teardown_step records the ones done. */
	switch (d->teardown_step) {
	case TEARDOWN_TIMERS:
		/* First, so no vCPU timer fires into a domain whose ports are gone. */
		for (unsigned int i = 0; i < d->max_vcpus; i++) {
			if (d->vcpu[i]) {
				vcpu_time_destroy(d->vcpu[i]);
				sched_poll_destroy(d->vcpu[i]);
			}
		}
		d->teardown_step = TEARDOWN_GRANTS;
		/* fall through */
	case TEARDOWN_GRANTS:
		if (d->grant_table) {
			ret = gnttab_release_mappings(d);
			if (ret)
				goto out;
		}
		d->teardown_step = TEARDOWN_EVTCHN;
		/* fall through */
	case TEARDOWN_EVTCHN:
		if (d->evtchn)
			evtchn_domain_destroy(d);
		d->teardown_step = TEARDOWN_VCPUS;
		/* fall through */
	case TEARDOWN_VCPUS:
		/*
		 * Only now that every port is closed, as Xen releases vcpu_info in
		 * domain_relinquish_resources after evtchn_destroy: a peer's send
		 * raises d's vCPU under the sender's event lock, which the close
		 * took too, so none is still writing into a registered vcpu_info
		 * page that this step gives back (and that may then be freed).
		 */
		for (unsigned int i = 0; i < d->max_vcpus; i++)
			if (d->vcpu[i])
				vcpu_op_destroy(d->vcpu[i]);
		d->teardown_step = TEARDOWN_P2M;
		/* fall through */
	case TEARDOWN_P2M:
		if (d->p2m) {
			ret = p2m_teardown(d);
			if (ret)
				goto out;
		}
		d->teardown_step = TEARDOWN_PAGES;
		/* fall through */
	case TEARDOWN_PAGES:
		ret = domain_relinquish_pages(d);
		if (ret)
			goto out;
		d->teardown_step = TEARDOWN_DONE;
		/* fall through */
	default:
		break;
	}

	spin_lock(&d->domain_lock);
	d->state = DOMAIN_DEAD;
	d->teardown_busy = false;
	spin_unlock(&d->domain_lock);
	/*
	 * The heap's capacity with it: a leak of a few pages is invisible in
	 * free_memory (MiB) while each can pin a 2 MiB block that a guest's
	 * memory needs (tests/integration/xl-capacity.sh reads this line).
	 */
	pr_info("d%u: destroyed; heap free pages %lu, in 2 MiB blocks %lu", d->domain_id,
		total_free_pages(), heap_free_pages_from_order(9));
	domain_unlist(d);
	/* As Xen's domain_kill: the store and the toolstack look again (the domain is gone). */
	send_global_virq(VIRQ_DOM_EXC);
	return 0;

out:
	spin_lock(&d->domain_lock);
	d->teardown_busy = false;
	spin_unlock(&d->domain_lock);
	return ret;
}
