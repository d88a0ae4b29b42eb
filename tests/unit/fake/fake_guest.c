/*
 * Fake guest memory and fake arch hooks of the ABI core (see fake_guest.h).
 */
#include <stdlib.h>
#include <string.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/guest_access.h>
#include <tessera/mm.h>
#include <tessera/sched.h>
#include <tessera/softirq.h>
#include <tessera/timer.h>
#include "fake_arch.h"
#include "fake_guest.h"
#include "fake_mm.h"

struct fake_mem {
	struct domain *d;
	unsigned char *buf;
	size_t size, used;
};

static struct fake_mem mems[FAKE_GUEST_MAX];

long fake_copy_fail_after = -1;
unsigned long fake_copy_from_calls, fake_copy_to_calls;
unsigned long fake_p2m_update_calls;
struct fake_p2m_call fake_p2m_last;
int fake_p2m_update_fail_next;
unsigned long fake_vcpu_kicks;
struct vcpu *fake_vcpu_last_kicked;
unsigned long fake_preempt_checks;
unsigned long fake_hypercall_restarts;
unsigned long fake_abi_free_at_setup;
static long preempt_every = -1, preempt_left = -1;

static struct fake_mem *mem_of(const struct domain *d)
{
	for (unsigned int i = 0; i < FAKE_GUEST_MAX; i++)
		if (mems[i].d == d && d)
			return &mems[i];
	return NULL;
}

void fake_guest_detach(struct domain *d)
{
	struct fake_mem *m = mem_of(d);

	if (m) {
		free(m->buf);
		memset(m, 0, sizeof(*m));
	}
}

void fake_guest_attach(struct domain *d, size_t size)
{
	struct fake_mem *m;

	fake_guest_detach(d);
	m = NULL;
	for (unsigned int i = 0; i < FAKE_GUEST_MAX && !m; i++)
		if (!mems[i].d)
			m = &mems[i];
	if (!m)
		abort(); /* more than FAKE_GUEST_MAX domains with memory: raise it */
	m->d = d;
	m->size = size ? size : FAKE_GUEST_DEFAULT_SIZE;
	m->buf = calloc(1, m->size);
	m->used = 0;
	if (!m->buf)
		abort();
}

uint64_t fake_guest_alloc(struct domain *d, size_t size, void **host)
{
	struct fake_mem *m = mem_of(d);
	size_t at;

	if (!m)
		abort(); /* fake_guest_attach(d) first */
	at = (m->used + 15) & ~(size_t)15;
	if (at + size > m->size)
		abort(); /* out of fake guest memory: attach a bigger buffer */
	m->used = at + size;
	memset(m->buf + at, 0, size);
	if (host)
		*host = m->buf + at;
	return FAKE_GUEST_BASE + at;
}

uint64_t fake_guest_put(struct domain *d, const void *src, size_t size)
{
	void *host;
	uint64_t gva = fake_guest_alloc(d, size, &host);

	memcpy(host, src, size);
	return gva;
}

void *fake_guest_host(struct domain *d, uint64_t gva)
{
	struct fake_mem *m = mem_of(d);

	if (!m || gva < FAKE_GUEST_BASE || gva - FAKE_GUEST_BASE >= m->size)
		return NULL;
	return m->buf + (gva - FAKE_GUEST_BASE);
}

uint64_t fake_guest_end(struct domain *d)
{
	struct fake_mem *m = mem_of(d);

	return m ? FAKE_GUEST_BASE + m->size : FAKE_GUEST_BASE;
}

struct vcpu *fake_set_current(struct vcpu *v)
{
	struct vcpu *prev = cpu_infos[fake_current_cpu].curr;

	cpu_infos[fake_current_cpu].curr = v;
	return prev;
}

/* How many of len bytes at gva lie inside v's buffer, and where; false if the injection fires. */
static bool fake_copy_window(struct vcpu *v, uint64_t gva, unsigned long len, unsigned char **p,
			     unsigned long *n)
{
	struct fake_mem *m = mem_of(v ? v->domain : NULL);
	uint64_t off;

	*n = 0;
	if (fake_copy_fail_after == 0) {
		fake_copy_fail_after = -1;
		return false;
	}
	if (fake_copy_fail_after > 0)
		fake_copy_fail_after--;
	if (!m || gva < FAKE_GUEST_BASE || gva - FAKE_GUEST_BASE >= m->size)
		return true;
	off = gva - FAKE_GUEST_BASE;
	*p = m->buf + off;
	*n = len < m->size - off ? len : (unsigned long)(m->size - off);
	return true;
}

unsigned long arch_copy_from_guest(struct vcpu *v, void *to, uint64_t gva, unsigned long len)
{
	unsigned char *p = NULL;
	unsigned long n;

	fake_copy_from_calls++;
	if (!fake_copy_window(v, gva, len, &p, &n))
		return len;
	if (n)
		memcpy(to, p, n);
	return len - n;
}

unsigned long arch_copy_to_guest(struct vcpu *v, uint64_t gva, const void *from, unsigned long len)
{
	unsigned char *p = NULL;
	unsigned long n;

	fake_copy_to_calls++;
	if (!fake_copy_window(v, gva, len, &p, &n))
		return len;
	if (n)
		memcpy(p, from, n);
	return len - n;
}

int arch_p2m_update(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned int order, enum p2m_type t)
{
	int ret = fake_p2m_update_fail_next;

	fake_p2m_update_calls++;
	fake_p2m_last = (struct fake_p2m_call){d, gfn, mfn, t, order};
	fake_p2m_update_fail_next = 0;
	return ret;
}

void arch_vcpu_kick(struct vcpu *v)
{
	fake_vcpu_kicks++;
	fake_vcpu_last_kicked = v;
	vcpu_unblock(v);
}

void fake_preempt_after(long n)
{
	preempt_every = n;
	preempt_left = n;
}

/* What hypercall.c sees as softirq_pending (abi_core.mk): the real bits, or a forced preemption. */
unsigned long fake_hc_softirq_pending(unsigned int cpu);
unsigned long fake_hc_softirq_pending(unsigned int cpu)
{
	fake_preempt_checks++;
	if (preempt_every >= 0) {
		if (preempt_left-- == 0) {
			preempt_left = preempt_every;
			return 1;
		}
		return 0;
	}
	return softirq_pending(cpu);
}

long fake_hypercall(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2,
		    unsigned long a3, unsigned long a4)
{
	struct hypercall_args args = {{a0, a1, a2, a3, a4}};
	long ret;

	fake_hypercall_restarts = 0;
	/* As the arch: a continuation re-executes the call with the updated arguments. */
	while ((ret = hypercall_dispatch(nr, &args)) == -ERESTART) {
		if (++fake_hypercall_restarts > 10000000)
			abort(); /* a continuation that never ends */
	}
	return ret;
}

struct domain_create_args fake_domain_args(const char *name, uint32_t roles, unsigned int vcpus)
{
	return (struct domain_create_args){
	    .name = name,
	    .roles = roles,
	    .mode = GUEST_MODE_PVH,
	    .max_vcpus = vcpus,
	};
}

struct domain *fake_domain_create(domid_t domid, uint32_t roles, unsigned int vcpus)
{
	struct domain_create_args args = fake_domain_args("fake", roles, vcpus);
	struct domain *d;

	if (domain_create(domid, &args, &d))
		return NULL;
	fake_guest_attach(d, 0);
	return d;
}

void fake_domain_kill(struct domain *d)
{
	while (domain_kill(d) == -ERESTART)
		;
}

static bool sched_ready;

void fake_abi_setup(unsigned long nr_frames)
{
	if (!sched_ready && !idle_vcpu[0]) {
		softirq_init();
		timer_subsys_init();
		sched_init();
	}
	sched_ready = true;
	/* Nothing pending from earlier tests: hypercall_preempt_check() starts false. */
	softirq_init();
	cpu_infos[0].online = true;
	fake_current_cpu = 0;
	cpu_infos[0].curr = idle_vcpu[0];
	fake_mm_setup(nr_frames);
	heap_add_range(_mfn(0), nr_frames);
	fake_abi_free_at_setup = total_free_pages();
	fake_copy_fail_after = -1;
	fake_copy_from_calls = fake_copy_to_calls = 0;
	fake_p2m_update_calls = 0;
	fake_p2m_update_fail_next = 0;
	fake_vcpu_kicks = 0;
	fake_vcpu_last_kicked = NULL;
	fake_preempt_after(-1);
	fake_preempt_checks = 0;
	fake_hc_open_fn = fake_hc_control_fn = NULL;
}

long fake_abi_teardown(void)
{
	struct domain *d, *n;
	long leaked;

	fake_set_current(idle_vcpu[fake_current_cpu]);
	fake_preempt_after(-1);
	for (d = first_domain(); d; d = n) {
		n = next_domain(d);
		fake_domain_kill(d);
		put_domain(d);
	}
	for (unsigned int i = 0; i < FAKE_GUEST_MAX; i++)
		if (mems[i].d)
			fake_guest_detach(mems[i].d);
	leaked = (long)fake_abi_free_at_setup - (long)total_free_pages();
	fake_mm_teardown();
	return leaked;
}

hypercall_fn *fake_hc_open_fn, *fake_hc_control_fn;

long fake_hc_open(const struct hypercall_args *args)
{
	return fake_hc_open_fn ? fake_hc_open_fn(args) : -ENOSYS;
}

long fake_hc_control(const struct hypercall_args *args)
{
	return fake_hc_control_fn ? fake_hc_control_fn(args) : -ENOSYS;
}
