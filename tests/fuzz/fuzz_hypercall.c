/*
 * libFuzzer harness over the hypercall dispatcher (common/hypercall.c) and
 * every handler linked into the host unit tests, on the fake arch of
 * tests/unit/fake/. Each input is a script (tests/fuzz/fuzz_script.h) run on
 * a fresh fake machine:
 *
 *   - four boot domains through the real domain_create: d0 control (PVH, 2
 *     vCPUs), d1 xenstore (PVH, 1 vCPU), d2 guest (PVH, 2 vCPUs), d3 guest
 *     (PV, 1 vCPU); each with 8 frames of RAM (gfn 0..7 where translated),
 *     unpaused, vCPU 0 up (as the builder leaves them), and FUZZ_GUEST_MEM
 *     bytes of fake guest memory;
 *   - then the script's steps: hypercalls from any runnable vCPU with
 *     arguments biased toward small numbers, real domain ids and pointers
 *     into the caller's memory; writes into guest memory (so structures
 *     passed by pointer are fuzzed), grant entries, shared_info; clock
 *     advances that fire timers; injected copy faults, p2m failures and
 *     preemption; VIRQs and crashes raised by the hypervisor;
 *   - -ERESTART re-dispatches as the arch does (softirqs run in between), at
 *     most FUZZ_MAX_RESTARTS times per call;
 *   - after each call, invariants: the return value is a result or a Xen
 *     errno, each live domain's page list agrees with tot_pages and holds
 *     only its own allocated frames, pause counts stay non-negative;
 *   - at the end every domain is destroyed, the clock runs far ahead (a
 *     timer left armed by a dead domain fires and ASan sees it), and the
 *     heap's free page count must be back at its start: a leak aborts.
 *
 * Which vCPU runs is the script's choice (as in the unit tests): the
 * scheduler keeps its books (wake, sleep, block, runqueues) but its
 * SCHEDULE_SOFTIRQ is a no-op here, so it never switches to a vCPU behind
 * the harness's back; TIMER_SOFTIRQ runs for real.
 *
 * ASan, UBSan and LeakSanitizer watch everything. In this build xmalloc is
 * host malloc (tests/fuzz/fuzz.mk) so that ASan sees every hypervisor
 * object: an overflow or use after free of a domain, port table or grant
 * table is reported, and an object never freed is a leak LSan reports.
 * Deterministic: the fake clock, no randomness of our own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/xen.h>
#include <tessera/bitmap.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/grant_table.h>
#include <tessera/hypercall.h>
#include <tessera/list.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include <tessera/sched.h>
#include <tessera/softirq.h>
#include <tessera/time.h>
#include <tessera/timer.h>

#include "fake_arch.h"
#include "fake_ctl.h"
#include "fake_guest.h"
#include "fake_mm.h"
#include "fake_time.h"
#include "fuzz_script.h"

#define FUZZ_FRAMES 512		 /* the fake machine: 2 MiB */
#define FUZZ_RAM_FRAMES 8	 /* RAM each boot domain gets */
#define FUZZ_MAX_RESTARTS 100000 /* continuations of one call before we call it a livelock */
#define FUZZ_MAX_STEPS 256	 /* steps of one input (keeps each run short) */
#define FUZZ_MAX_DOMS 8		 /* domains a selector byte can name */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * Symbols the unit tests' own files provide for some sources (see the
 * UNIT_FLAGS_* renames in the tests/unit fragments); weak, so a definition moved
 * into tests/unit/fake/ wins.
 */
__attribute__((weak)) struct boot_info fake_version_boot_info = {.cmdline = "console=com1"};
__attribute__((weak)) void fake_console_io_log(enum log_level level, const char *fmt, ...);
__attribute__((weak)) void fake_console_io_log(enum log_level level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

static const unsigned int hc_list[FUZZ_NR_HC] = {FUZZ_HC_LIST};
static const domid_t domid_list[FUZZ_NR_DOMID] = {FUZZ_DOMID_LIST};

static const uint64_t specials[] = {
    0,
    1,
    2,
    0xff,
    0x100,
    0xffff,
    0x10000,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0x100000000ULL,
    0x7fffffffffffffffULL,
    0x8000000000000000ULL,
    ~0ULL,
    ~0ULL - 1,
    4095,
    4096,
    4097,
    511,
    512,
    1023,
    1024,
    4096 * 8,
    P2M_MAX_GFN,
    P2M_MAX_GFN + 1,
    0x00000015 /* XEN_DOMCTL_INTERFACE_VERSION */,
    0x00000015 /* XEN_SYSCTL_INTERFACE_VERSION */,
    FAKE_GUEST_BASE,
    FAKE_GUEST_BASE - 1,
    FAKE_GUEST_BASE + FUZZ_GUEST_MEM,
    FAKE_GUEST_BASE + FUZZ_GUEST_MEM - 1,
    0xffff800000000000ULL,
    0x00007ffffffff000ULL,
};

/* The input being read. */
static const uint8_t *in;
static size_t in_left;

static uint8_t next8(void)
{
	if (!in_left)
		return 0;
	in_left--;
	return *in++;
}

static uint16_t next16(void)
{
	uint16_t lo = next8();

	return (uint16_t)(lo | (uint16_t)next8() << 8);
}

static uint64_t next64(void)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)next8() << (8 * i);
	return v;
}

static bool trace; /* FUZZ_TRACE set: log each call (replaying an input by hand) */

/* Per-input state. */
static long pending_copy_fail = -1; /* FAULT: for the next call */
static int pending_p2m_fail;
static long pending_preempt = -1; /* PREEMPT: for the next call */
static mfn_t boot_ram[4][FUZZ_RAM_FRAMES];
static struct domain *attached[FAKE_GUEST_MAX];
static domid_t attached_id[FAKE_GUEST_MAX];

static void fuzz_fail(const char *what, long a, long b)
{
	fprintf(stderr, "fuzz: invariant broken: %s (%ld, %ld)\n", what, a, b);
	abort();
}

/* The live domains, in domid order (at most FUZZ_MAX_DOMS). */
static unsigned int live_domids(domid_t *ids)
{
	unsigned int n = 0;
	struct domain *d, *nx;

	for (d = first_domain(); d; d = nx) {
		nx = next_domain(d);
		if (d->state == DOMAIN_ALIVE && n < FUZZ_MAX_DOMS)
			ids[n++] = d->domain_id;
		put_domain(d);
	}
	return n;
}

/* A reference to the live domain selector b names, or NULL if none is left. */
static struct domain *pick_domain(uint8_t b)
{
	domid_t ids[FUZZ_MAX_DOMS];
	unsigned int n = live_domids(ids);

	return n ? get_domain_by_id(ids[(b & 7) % n]) : NULL;
}

/* Give d fake guest memory if it has none (domains made by domctl); forget dead domains' memory. */
static void ensure_mem(struct domain *d)
{
	int free_slot = -1;

	if (fake_guest_host(d, FAKE_GUEST_BASE))
		return;
	for (int i = 0; i < FAKE_GUEST_MAX; i++) {
		if (attached[i]) {
			struct domain *o = get_domain_by_id_incl_dying(attached_id[i]);

			if (o != attached[i]) {
				fake_guest_detach(attached[i]); /* compares the pointer only */
				attached[i] = NULL;
			}
			if (o)
				put_domain(o);
		}
		if (!attached[i] && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0)
		return; /* no room: its copies fault */
	fake_guest_attach(d, FUZZ_GUEST_MEM);
	attached[free_slot] = d;
	attached_id[free_slot] = d->domain_id;
}

/* One ARG (fuzz_script.h). */
static uint64_t next_arg(void)
{
	uint8_t kind = next8(), b;

	switch (kind % 8) {
	case FUZZ_ARG_SMALL:
		return next8();
	case FUZZ_ARG_GPTR:
		return FAKE_GUEST_BASE + next16() % (FUZZ_GUEST_MEM + 64);
	case FUZZ_ARG_DOMID:
		b = next8();
		return b % 16 < FUZZ_NR_DOMID ? domid_list[b % 16] : b;
	case FUZZ_ARG_RAW:
		return next64();
	case FUZZ_ARG_ZERO:
		return 0;
	case FUZZ_ARG_NEG:
		return (uint64_t) - (int64_t)(1 + next8());
	case FUZZ_ARG_GEND:
		return FAKE_GUEST_BASE + FUZZ_GUEST_MEM - next8();
	default:
		return specials[next8() % (sizeof(specials) / sizeof(specials[0]))];
	}
}

/* A vCPU that could be running (domain alive, no pause reason), from (d, id) on; NULL if none. */
static struct vcpu *runnable_vcpu(struct domain *d, unsigned int id)
{
	if (d->state != DOMAIN_ALIVE || !d->vcpu)
		return NULL;
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[(id + i) % d->max_vcpus];

		if (v && vcpu_runnable(v))
			return v;
	}
	return NULL;
}

/* Let the softirqs run, as on the way back to a guest; current is kept. */
static void run_softirqs(void)
{
	struct vcpu *cur = current;

	do_softirq();
	fake_set_current(cur);
}

/* Cheap checks of the state every call must leave consistent. */
static void check_invariants(void)
{
	struct domain *d, *nx;

	if (total_free_pages() > fake_abi_free_at_setup)
		fuzz_fail("more free pages than at setup", (long)total_free_pages(),
			  (long)fake_abi_free_at_setup);
	for (d = first_domain(); d; d = nx) {
		unsigned long n = 0;
		struct page_info *pg;

		nx = next_domain(d);
		if (d->refcnt < 2)
			fuzz_fail("listed domain with fewer than two references", d->domain_id,
				  d->refcnt);
		if (d->pause_count < 0)
			fuzz_fail("negative domain pause count", d->domain_id, d->pause_count);
		for (unsigned int i = 0; d->vcpu && i < d->max_vcpus; i++)
			if (d->vcpu[i] && d->vcpu[i]->pause_count < 0)
				fuzz_fail("negative vCPU pause count", d->domain_id, i);
		spin_lock(&d->page_alloc_lock);
		list_for_each_entry(pg, &d->page_list, list)
		{
			if (page_get_owner(pg) != d)
				fuzz_fail("frame on a domain's list owned by another", d->domain_id,
					  (long)mfn_x(page_to_mfn(pg)));
			if (!(pg->count_info & PGC_allocated))
				fuzz_fail(
				    "frame on a domain's list without its allocation reference",
				    d->domain_id, (long)mfn_x(page_to_mfn(pg)));
			n++;
		}
		if (n != d->tot_pages)
			fuzz_fail("tot_pages differs from the page list", (long)d->tot_pages,
				  (long)n);
		spin_unlock(&d->page_alloc_lock);
		put_domain(d);
	}
}

static void step_call(void)
{
	uint8_t sel = next8(), hb = next8();
	unsigned long nr = hb < 0xf0 ? hc_list[hb % FUZZ_NR_HC] : next8();
	struct hypercall_args args, orig;
	struct domain *d = pick_domain(sel);
	struct vcpu *v = NULL;
	unsigned long restarts = 0;
	long ret;

	if (d) {
		v = runnable_vcpu(d, sel >> 3);
		ensure_mem(d);
	}
	for (int i = 0; i < HYPERCALL_MAX_ARGS; i++)
		args.a[i] = next_arg();
	orig = args;
	if (!v)
		goto out; /* nobody of that domain can run: the step is skipped */

	fake_set_current(v);
	fake_copy_fail_after = pending_copy_fail;
	fake_p2m_update_fail_next = pending_p2m_fail;
	fake_preempt_after(pending_preempt);
	while ((ret = hypercall_dispatch(nr, &args)) == -ERESTART) {
		/* As the arch: back to the guest (softirqs run), which re-executes the call. */
		if (++restarts > FUZZ_MAX_RESTARTS)
			fuzz_fail("a continuation that never ends", (long)nr, (long)args.a[0]);
		run_softirqs();
		fake_set_current(v);
		if (d->state != DOMAIN_ALIVE || !vcpu_runnable(v))
			break; /* the vCPU does not run again (paused, shut down, dying) */
	}
	fake_preempt_after(-1);
	fake_copy_fail_after = -1;
	fake_p2m_update_fail_next = 0;
	fake_set_current(idle_vcpu[0]);
	if (trace)
		fprintf(stderr,
			"fuzz: d%u v%u hypercall %lu (%#lx, %#lx, %#lx, %#lx, %#lx) = %ld (%lu "
			"restarts)\n",
			d->domain_id, v->vcpu_id, nr, orig.a[0], orig.a[1], orig.a[2], orig.a[3],
			orig.a[4], ret, restarts);
	if (ret < -4095)
		fuzz_fail("return value neither a result nor an errno", (long)nr, ret);
	check_invariants();
out:
	pending_copy_fail = -1;
	pending_p2m_fail = 0;
	pending_preempt = -1;
	if (d)
		put_domain(d);
}

/* BYTES and PUT: the guest writes its own memory. */
static void step_write(bool put)
{
	struct domain *d = pick_domain(next8());
	uint16_t off = next16() % FUZZ_GUEST_MEM;
	uint8_t buf[256];
	size_t len;

	if (put) {
		static const unsigned int widths[4] = {1, 2, 4, 8};
		uint8_t w = next8();
		uint64_t v = next_arg();

		len = widths[w % 4];
		memcpy(buf, &v, len); /* little endian, as the guest */
	} else {
		len = next8();
		for (size_t i = 0; i < len; i++)
			buf[i] = next8();
	}
	if (!d)
		return;
	ensure_mem(d);
	if (off + len > FUZZ_GUEST_MEM)
		len = FUZZ_GUEST_MEM - off;
	if (fake_guest_host(d, FAKE_GUEST_BASE + off))
		memcpy(fake_guest_host(d, FAKE_GUEST_BASE + off), buf, len);
	put_domain(d);
}

/* GRANT: the domain writes a v1 entry of its grant table frame 0. */
static void step_grant(void)
{
	uint8_t sel = next8(), ref = next8() % 48, fb = next8(), db = next8(), frb = next8();
	struct domain *d = pick_domain(sel);
	grant_entry_v1_t *e;
	mfn_t mfn;

	if (!d)
		return;
	if (d->grant_table && gnttab_get_shared_frame(d, 0, &mfn) == 0) {
		e = (grant_entry_v1_t *)maddr_to_virt(mfn_to_paddr(mfn)) + ref;
		e->domid = db % 16 < FUZZ_NR_DOMID ? domid_list[db % 16] : db;
		if (frb & 0x80)
			e->frame = frb & 0x7f;
		else if (!d->auto_translated && d->domain_id < 4)
			e->frame = (uint32_t)mfn_x(boot_ram[d->domain_id][frb % FUZZ_RAM_FRAMES]);
		else
			e->frame = frb % FUZZ_RAM_FRAMES;
		/* Flags last, as a guest does (after a write barrier). */
		if (fb & 0x80)
			e->flags = fb & 0x7f;
		else if (fb & 2)
			e->flags = GTF_invalid;
		else
			e->flags = GTF_permit_access | ((fb & 1) ? GTF_readonly : 0);
	}
	put_domain(d);
}

/*
 * SHARED: the guest writes a byte of its shared_info page, of one vCPU's
 * vcpu_info, or of one of its boot RAM frames (where FIFO event words and
 * control blocks live: the guest changes them under the hypervisor's feet).
 */
static void step_shared(void)
{
	uint8_t sel = next8(), val;
	uint16_t off = next16();
	struct domain *d = pick_domain(sel);

	val = next8();
	if (!d)
		return;
	if ((off & 0xc000) == 0x4000) {
		if (d->domain_id < 4) {
			mfn_t mfn = boot_ram[d->domain_id][(off >> 12) & 3];

			((uint8_t *)maddr_to_virt(mfn_to_paddr(mfn)))[off & 0xfff] = val;
		}
	} else if (off & 0x8000) {
		struct vcpu *v = d->vcpu ? d->vcpu[(sel >> 3) % d->max_vcpus] : NULL;

		if (v && v->vcpu_info)
			((uint8_t *)v->vcpu_info)[off % sizeof(struct vcpu_info)] = val;
	} else if (d->shared_info) {
		((uint8_t *)d->shared_info)[off % 4096] = val;
	}
	put_domain(d);
}

/* TIME: the clock moves on; expired timers and pending softirqs run (hypervisor context). */
static void step_time(void)
{
	static const s_time_t steps[8] = {
	    0,		MICROSECS(1), MICROSECS(100), MILLISECS(1), MILLISECS(10), MILLISECS(100),
	    SECONDS(1), SECONDS(60),
	};
	uint8_t b = next8();

	fake_now += steps[b & 7] * (1 + (b >> 3));
	fake_tsc = (uint64_t)fake_now * 2; /* the 2 GHz TSC of the fake */
	timer_interrupt();
	do_softirq();
	fake_set_current(idle_vcpu[0]);
}

/* EVENT: the hypervisor raises a VIRQ for a vCPU or a domain, or crashes a domain. */
static void step_event(void)
{
	static const uint32_t vcpu_virqs[] = {VIRQ_TIMER, VIRQ_DEBUG, VIRQ_XENOPROF, VIRQ_XENPMU};
	static const uint32_t global_virqs[] = {VIRQ_CONSOLE, VIRQ_DOM_EXC, VIRQ_CON_RING,
						VIRQ_ENOMEM,  VIRQ_TBUF,    VIRQ_PCPU_STATE,
						VIRQ_ARCH_0};
	uint8_t sel = next8(), b = next8();
	struct domain *d = pick_domain(sel);

	if (!d)
		return;
	if (b >= 0xf0) {
		domain_crash(d, "fuzz: the hypervisor crashes it");
	} else if (b & 1) {
		struct vcpu *v = d->vcpu ? d->vcpu[(sel >> 3) % d->max_vcpus] : NULL;

		if (v)
			send_guest_vcpu_virq(v, vcpu_virqs[(b >> 1) % 4]);
	} else if (b & 2) {
		send_global_virq(global_virqs[(b >> 2) % 7]);
	} else {
		send_guest_global_virq(d, global_virqs[(b >> 2) % 7]);
	}
	run_softirqs();
	fake_set_current(idle_vcpu[0]);
	put_domain(d);
}

/* The boot domains, as the builder leaves them: RAM, unpaused, vCPU 0 up. */
static void boot_domains(void)
{
	static const struct {
		uint32_t roles;
		enum guest_mode mode;
		unsigned int vcpus;
	} boot[4] = {
	    {ROLE_CONTROL, GUEST_MODE_PVH, 2},
	    {ROLE_XENSTORE, GUEST_MODE_PVH, 1},
	    {ROLE_GUEST, GUEST_MODE_PVH, 2},
	    {ROLE_GUEST, GUEST_MODE_PV, 1},
	};

	for (domid_t id = 0; id < 4; id++) {
		struct domain_create_args a =
		    fake_domain_args("fuzz", boot[id].roles, boot[id].vcpus);
		struct domain *d;

		a.mode = boot[id].mode;
		if (domain_create(id, &a, &d))
			fuzz_fail("boot domain_create failed", id, 0);
		ensure_mem(d);
		for (unsigned int i = 1; i < boot[id].vcpus; i++)
			if (!vcpu_create(d, i))
				fuzz_fail("boot vcpu_create failed", id, i);
		for (unsigned int g = 0; g < FUZZ_RAM_FRAMES; g++) {
			struct page_info *pg = alloc_domain_pages(d, 0);

			if (!pg)
				fuzz_fail("boot RAM allocation failed", id, g);
			memset(page_to_virt(pg), (int)g, 4096);
			boot_ram[id][g] = page_to_mfn(pg);
			if (d->auto_translated &&
			    p2m_set_entry(d, _gfn(g), page_to_mfn(pg), p2m_ram_rw))
				fuzz_fail("boot p2m_set_entry failed", id, g);
		}
		d->vcpu[0]->is_initialised = true;
		clear_bit(VPF_down, &d->vcpu[0]->pause_flags);
		vcpu_wake(d->vcpu[0]);
		if (domain_unpause_by_controller(d))
			fuzz_fail("boot unpause failed", id, 0);
	}
	run_softirqs();
	fake_set_current(idle_vcpu[0]);
}

/*
 * A fresh fake machine for each input. The first is fake_abi_setup's; later
 * ones redo what it does but keep the machine's memory: mapping and faulting
 * in a new one per input cost more than running the input.
 */
static void machine_reset(void)
{
	static bool ready;

	if (!ready) {
		fake_abi_setup(FUZZ_FRAMES);
		ready = true;
		return;
	}
	softirq_init();
	cpu_infos[0].online = true;
	fake_current_cpu = 0;
	cpu_infos[0].curr = idle_vcpu[0];
	memset(frame_table, 0, FUZZ_FRAMES * sizeof(struct page_info));
	memset(fake_mm_base, 0xa5, FUZZ_FRAMES * 4096UL);
	heap_init();
	xmalloc_init();
	heap_add_range(_mfn(0), FUZZ_FRAMES);
	fake_abi_free_at_setup = total_free_pages();
	fake_copy_fail_after = -1;
	fake_p2m_update_fail_next = 0;
	fake_preempt_after(-1);
	fake_hc_open_fn = fake_hc_control_fn = NULL;
}

/* SCHEDULE_SOFTIRQ in this harness: the script decides who runs (see the header). */
static void no_schedule(void) {}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	trace = getenv("FUZZ_TRACE") != NULL;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct domain *d, *nx;
	long leaked;

	in = data;
	in_left = size;
	machine_reset();
	open_softirq(SCHEDULE_SOFTIRQ,
		     no_schedule); /* after sched_init, which fake_abi_setup runs once */
	fake_ctl_reset();
	fake_now = SECONDS(10);
	fake_tsc = (uint64_t)fake_now * 2;
	fake_tsc_mul = 1U << 31;
	fake_tsc_shift = 0;
	fake_boot_wallclock_ns = 0;
	memset(attached, 0, sizeof(attached));
	pending_copy_fail = -1;
	pending_p2m_fail = 0;
	pending_preempt = -1;
	boot_domains();
	check_invariants();

	for (unsigned int steps = 0; in_left && steps < FUZZ_MAX_STEPS; steps++) {
		uint8_t op = next8();
		uint8_t b;

		switch (op % 16) {
		case FUZZ_OP_BYTES:
			step_write(false);
			break;
		case FUZZ_OP_PUT:
			step_write(true);
			break;
		case FUZZ_OP_GRANT:
			step_grant();
			break;
		case FUZZ_OP_SHARED:
			step_shared();
			break;
		case FUZZ_OP_TIME:
			step_time();
			break;
		case FUZZ_OP_FAULT:
			b = next8();
			if (b & 0x80)
				pending_p2m_fail = -ENOMEM;
			else
				pending_copy_fail = b & 0x7f;
			break;
		case FUZZ_OP_PREEMPT:
			b = next8();
			pending_preempt = b ? b : -1;
			break;
		case FUZZ_OP_EVENT:
			step_event();
			break;
		default:
			step_call();
			break;
		}
	}

	/* Destroy everything as the toolstack would, then let any stray timer fire. */
	fake_set_current(idle_vcpu[0]);
	fake_preempt_after(-1);
	for (d = first_domain(); d; d = nx) {
		nx = next_domain(d);
		while (domain_kill(d) == -ERESTART)
			;
		put_domain(d);
	}
	d = first_domain();
	if (d)
		fuzz_fail("a domain is still listed after every domain_kill", d->domain_id,
			  d->state);
	fake_now += SECONDS(3600);
	timer_interrupt();
	do_softirq();
	fake_set_current(idle_vcpu[0]);
	/* As fake_abi_teardown, keeping the machine for the next input. */
	for (int i = 0; i < FAKE_GUEST_MAX; i++) {
		if (attached[i])
			fake_guest_detach(attached[i]);
		attached[i] = NULL;
	}
	leaked = (long)fake_abi_free_at_setup - (long)total_free_pages();
	fake_ctl_reset();
	if (leaked)
		fuzz_fail(
		    "frames leaked (free pages below the start after destroying every domain)",
		    leaked, 0);
	return 0;
}
