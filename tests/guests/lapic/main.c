/*
 * The vLAPIC test guest: a freestanding 64-bit PVH guest that checks the
 * hypervisor's virtual x2APIC, secondary vCPU start-up and guest time from
 * the inside. Output goes to port 0xE9 (the hypervisor logs it prefixed
 * with the domain's name); each scenario ends with one verdict line
 * "lapic-test: SCENARIO: PASS" (then SCHEDOP_shutdown poweroff) or
 * "lapic-test: SCENARIO: FAIL (why)" (then shutdown crash).
 *
 * Command line (hvm_start_info.cmdline_paddr): the scenario name.
 *   hello  prints a line and powers off (teardown tests).
 *   smp    3 vCPUs: each compares its x2APIC ID (MSR 0x802) with the MADT;
 *          vCPU 1 is started by VCPUOP_initialise + VCPUOP_up and sends a
 *          fixed IPI (physical destination) to vCPU 0; vCPU 2 is started by
 *          INIT + SIPI (real-mode trampoline at 0x8000) and sends one with a
 *          logical (cluster) destination; vCPU 0 also self-IPIs. Every IPI
 *          must arrive and be EOI'd.
 *   timer  per-vCPU upcall vector (HVMOP_set_evtchn_upcall_vector) through
 *          the vLAPIC, VIRQ_TIMER bound, a singleshot timer 10 ms ahead,
 *          HLT; the upcall must wake it and the pvclock must show >= 10 ms
 *          elapsed. Also: port 0x42 must not read 0xff.
 */
#include <public/event_channel.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/hvm_vcpu.h>
#include <public/hvm/start_info.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define IPI_VEC_PHYS 0xf0
#define IPI_VEC_LOGICAL 0xf1
#define UPCALL_VEC 0xf3
#define SELF_VEC 0xe0
#define TRAMP_BASE 0x8000u

void lapic_main(uint32_t start_info);
void lapic_ap_main(void);
void lapic_irq(unsigned int vec);
extern char lapic_ap64[], lapic_tramp16[], lapic_tramp_end[];
extern char lapic_irq_0xe0[], lapic_irq_0xf0[], lapic_irq_0xf1[], lapic_irq_0xf3[];
extern uint64_t ap_stack_top;
extern char pml4[];

/* ---- low level ---- */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0, %1" ::"a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			     : "memory");
}
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ __volatile__("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

/* Xen's 64-bit HVM hypercall: vmmcall, number in rax, arguments in rdi, rsi, rdx. */
static long hypercall3(unsigned long nr, unsigned long a1, unsigned long a2, unsigned long a3)
{
	long ret;

	__asm__ __volatile__("vmmcall"
			     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3)
			     : "a"(nr)
			     : "memory", "rcx", "r8", "r9", "r10", "r11");
	return ret;
}

static void *memcpy_(void *dst, const void *src, size_t n)
{
	char *d = dst;
	const char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b && (*a == 0);
}

/* ---- output: port 0xE9, one line at a time across vCPUs ---- */

static volatile int print_lock;

static void put_str(const char *s)
{
	while (*s)
		outb(0xe9, (uint8_t)*s++);
}

static void put_num(uint64_t v, unsigned int base)
{
	char buf[24];
	int i = 0;

	do {
		buf[i++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (i--)
		outb(0xe9, (uint8_t)buf[i]);
}

/* %s %u %lu %x %lx only. */
static void printk(const char *fmt, ...)
{
	va_list ap;

	while (__atomic_test_and_set(&print_lock, __ATOMIC_ACQUIRE))
		__asm__ __volatile__("pause");
	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		bool lng = false;

		if (*fmt != '%') {
			outb(0xe9, (uint8_t)*fmt);
			continue;
		}
		if (*++fmt == 'l')
			lng = true, fmt++;
		switch (*fmt) {
		case 's':
			put_str(va_arg(ap, const char *));
			break;
		case 'u':
			put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int), 10);
			break;
		case 'x':
			put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int), 16);
			break;
		default:
			outb(0xe9, '%');
			break;
		}
	}
	va_end(ap);
	__atomic_clear(&print_lock, __ATOMIC_RELEASE);
}

static const char *scenario = "?";

static void __attribute__((noreturn)) verdict(const char *why)
{
	struct sched_shutdown sd = {.reason = why ? SHUTDOWN_crash : SHUTDOWN_poweroff};

	if (why)
		printk("lapic-test: %s: FAIL (%s)\n", scenario, why);
	else
		printk("lapic-test: %s: PASS\n", scenario);
	hypercall3(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&sd, 0);
	for (;;)
		__asm__ __volatile__("cli; hlt");
}

/* ---- IDT ---- */

struct idt_gate {
	uint16_t off0, sel;
	uint8_t ist, attr;
	uint16_t off1;
	uint32_t off2, rsvd;
};
static struct idt_gate idt[256] __attribute__((aligned(16)));

static void idt_set(unsigned int vec, void *fn)
{
	uint64_t a = (uint64_t)fn;

	idt[vec] = (struct idt_gate){.off0 = (uint16_t)a,
				     .sel = 0x08,
				     .attr = 0x8e,
				     .off1 = (uint16_t)(a >> 16),
				     .off2 = (uint32_t)(a >> 32)};
}

static void idt_load(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} d = {sizeof(idt) - 1, (uint64_t)idt};

	__asm__ __volatile__("lidt %0" ::"m"(d));
}

/* ---- x2APIC ---- */

#define MSR_APIC_BASE 0x1b
#define X2APIC_ID 0x802
#define X2APIC_EOI 0x80b
#define X2APIC_SVR 0x80f
#define X2APIC_ISR7 0x817
#define X2APIC_ICR 0x830
#define X2APIC_SELF_IPI 0x83f

static volatile unsigned int irq_count[256];

static struct shared_info *shinfo;

void lapic_irq(unsigned int vec)
{
	irq_count[vec & 0xff]++;
	/* As Linux's upcall handler: clear upcall_pending (the port bits stay for the test to see).
	 */
	if (vec == UPCALL_VEC && shinfo)
		shinfo->vcpu_info[0].evtchn_upcall_pending = 0;
	wrmsr(X2APIC_EOI, 0);
}

/* ---- ACPI: the MADT's local APIC entries ---- */

#define MAX_CPUS 8
static uint32_t madt_apic_id[MAX_CPUS];
static unsigned int madt_count;

static const uint8_t *acpi_table(const uint8_t *xsdt, const char *sig)
{
	uint32_t len = *(const uint32_t *)(xsdt + 4);

	for (uint32_t off = 36; off + 8 <= len; off += 8) {
		const uint8_t *t = (const uint8_t *)*(const uint64_t *)(xsdt + off);

		if (t[0] == sig[0] && t[1] == sig[1] && t[2] == sig[2] && t[3] == sig[3])
			return t;
	}
	return NULL;
}

static const char *madt_read(const struct hvm_start_info *si)
{
	const uint8_t *rsdp = (const uint8_t *)si->rsdp_paddr, *xsdt, *madt;
	uint32_t len;

	if (!rsdp)
		return "no RSDP in start_info";
	xsdt = (const uint8_t *)*(const uint64_t *)(rsdp + 24);
	madt = acpi_table(xsdt, "APIC");
	if (!madt)
		return "no MADT";
	len = *(const uint32_t *)(madt + 4);
	for (uint32_t off = 44; off + 2 <= len; off += madt[off + 1]) {
		if (madt[off + 1] < 2)
			return "malformed MADT";
		if (madt[off] == 0 && madt_count < MAX_CPUS && (madt[off + 4] & 1))
			madt_apic_id[madt[off + 2]] = madt[off + 3], madt_count++;
	}
	return madt_count ? NULL : "MADT without local APICs";
}

/* ---- pvclock ---- */

static uint8_t shinfo_page[4096] __attribute__((aligned(4096)));

static uint64_t pvclock_ns(const struct vcpu_time_info *t)
{
	uint32_t ver;
	uint64_t ns;

	do {
		ver = __atomic_load_n(&t->version, __ATOMIC_ACQUIRE);
		uint64_t delta = rdtsc() - t->tsc_timestamp;

		if (t->tsc_shift >= 0)
			delta <<= t->tsc_shift;
		else
			delta >>= -t->tsc_shift;
		ns = t->system_time +
		     (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((ver & 1) || ver != __atomic_load_n(&t->version, __ATOMIC_ACQUIRE));
	return ns;
}

static const char *map_shared_info(void)
{
	struct xen_add_to_physmap xatp = {
	    .domid = DOMID_SELF,
	    .space = XENMAPSPACE_shared_info,
	    .idx = 0,
	    .gpfn = (uint64_t)shinfo_page >> 12,
	};

	if (hypercall3(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (unsigned long)&xatp, 0))
		return "XENMEM_add_to_physmap(shared_info) failed";
	shinfo = (struct shared_info *)shinfo_page;
	return NULL;
}

/* ---- scenario smp ---- */

static volatile uint32_t bsp_apic_id;
static volatile unsigned int aps_ok, aps_failed;
static uint8_t ap_stacks[2][8192] __attribute__((aligned(16)));

static unsigned int my_vcpu_id(void)
{
	uint32_t a, b, c, d;

	cpuid(0x40000004, &a, &b, &c, &d);
	return b;
}

void lapic_ap_main(void)
{
	unsigned int vid = my_vcpu_id();
	uint32_t id = (uint32_t)rdmsr(X2APIC_ID);
	uint64_t base = rdmsr(MSR_APIC_BASE);
	uint64_t icr;

	printk("vcpu%u: up (%s), x2apic id %u, madt %u, apic base %lx\n", vid,
	       vid == 1 ? "VCPUOP_up" : "INIT-SIPI", id, madt_apic_id[vid], base);
	if (vid >= MAX_CPUS || id != madt_apic_id[vid] || (base & 0x100) || !(base & 0xc00)) {
		__atomic_fetch_add(&aps_failed, 1, __ATOMIC_SEQ_CST);
		goto down;
	}
	wrmsr(X2APIC_SVR, 0x1ff);
	if (vid == 1) /* fixed, physical destination: vCPU 0's APIC ID */
		icr = ((uint64_t)bsp_apic_id << 32) | 0x4000 | IPI_VEC_PHYS;
	else /* fixed, logical destination: cluster of vCPU 0, its member bit */
		icr = ((uint64_t)(((bsp_apic_id >> 4) << 16) | (1u << (bsp_apic_id & 0xf))) << 32) |
		      0x4800 | IPI_VEC_LOGICAL;
	__atomic_fetch_add(&aps_ok, 1, __ATOMIC_SEQ_CST);
	wrmsr(X2APIC_ICR, icr);
	printk("vcpu%u: sent IPI %x to vcpu0\n", vid, (unsigned int)(icr & 0xff));
down:
	hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_down, vid, 0);
	for (;;)
		__asm__ __volatile__("cli; hlt");
}

/* Wait (interrupts on, HLT) until irq_count[vec] reaches n; false after many wake-ups. */
static bool wait_irq(unsigned int vec, unsigned int n)
{
	for (unsigned long i = 0; i < 100000; i++) {
		__asm__ __volatile__("cli");
		if (irq_count[vec] >= n) {
			__asm__ __volatile__("sti");
			return true;
		}
		__asm__ __volatile__("sti; hlt" ::: "memory");
	}
	return irq_count[vec] >= n;
}

static const char *scenario_smp(const struct hvm_start_info *si)
{
	struct vcpu_hvm_context ctx = {.mode = VCPU_HVM_MODE_64B};
	uint32_t a, b, c, d, id;
	uint64_t base;
	const char *why;

	cpuid(1, &a, &b, &c, &d);
	if (!(c & (1u << 21)))
		return "CPUID.1:ECX.x2APIC clear";
	why = madt_read(si);
	if (why)
		return why;
	if (madt_count < 3)
		return "the smp scenario needs 3 vCPUs in the MADT";
	id = (uint32_t)rdmsr(X2APIC_ID);
	base = rdmsr(MSR_APIC_BASE);
	printk("vcpu0: x2apic id %u, madt %u, cpuid initial id %u, apic base %lx\n", id,
	       madt_apic_id[0], b >> 24, base);
	if (id != madt_apic_id[0] || (b >> 24) != (id & 0xff))
		return "vCPU 0's x2APIC ID differs from the MADT's";
	if (base != 0xfee00d00UL)
		return "APIC_BASE is not EN|EXTD|BSP at 0xfee00000";
	bsp_apic_id = id;
	idt_set(SELF_VEC, lapic_irq_0xe0);
	idt_set(IPI_VEC_PHYS, lapic_irq_0xf0);
	idt_set(IPI_VEC_LOGICAL, lapic_irq_0xf1);
	idt_load();
	wrmsr(X2APIC_SVR, 0x1ff);

	/* A self-IPI while interrupts are off is taken at STI, then EOI'd. */
	wrmsr(X2APIC_SELF_IPI, SELF_VEC);
	if (!wait_irq(SELF_VEC, 1))
		return "self-IPI never arrived";
	if (rdmsr(X2APIC_ISR7) != 0)
		return "ISR not clear after EOI";
	printk("vcpu0: self-IPI taken and EOI'd\n");

	/* vCPU 1: VCPUOP_initialise (64-bit, our page tables) + VCPUOP_up. */
	ctx.cpu_regs.x86_64 = (struct vcpu_hvm_x86_64){
	    .rip = (uint64_t)lapic_ap64,
	    .rsp = (uint64_t)&ap_stacks[0][8192],
	    .rflags = 2,
	    .cr0 = 0x80000011,
	    .cr3 = (uint64_t)pml4,
	    .cr4 = 0x20,
	    .efer = 0x500,
	};
	if (hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_initialise, 1, (unsigned long)&ctx))
		return "VCPUOP_initialise(1) failed";
	if (hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_up, 1, 0))
		return "VCPUOP_up(1) failed";
	if (!wait_irq(IPI_VEC_PHYS, 1))
		return "no IPI from vCPU 1";
	printk("vcpu0: IPI %x from vcpu1 received\n", IPI_VEC_PHYS);

	/* vCPU 2: INIT, then SIPI (twice, as Linux) into the trampoline copied to 0x8000. */
	memcpy_((void *)(uint64_t)TRAMP_BASE, lapic_tramp16,
		(size_t)(lapic_tramp_end - lapic_tramp16));
	ap_stack_top = (uint64_t)&ap_stacks[1][8192];
	wrmsr(X2APIC_ICR, ((uint64_t)madt_apic_id[2] << 32) | 0x4500); /* INIT, assert */
	wrmsr(X2APIC_ICR, ((uint64_t)madt_apic_id[2] << 32) | 0x0500); /* INIT de-assert: ignored */
	wrmsr(X2APIC_ICR, ((uint64_t)madt_apic_id[2] << 32) | 0x4600 | (TRAMP_BASE >> 12));
	wrmsr(X2APIC_ICR, ((uint64_t)madt_apic_id[2] << 32) | 0x4600 | (TRAMP_BASE >> 12));
	if (!wait_irq(IPI_VEC_LOGICAL, 1))
		return "no IPI from vCPU 2";
	printk("vcpu0: IPI %x from vcpu2 received\n", IPI_VEC_LOGICAL);
	if (aps_failed || aps_ok != 2)
		return "a secondary vCPU saw a wrong x2APIC ID or APIC base";
	if (irq_count[IPI_VEC_PHYS] != 1 || irq_count[IPI_VEC_LOGICAL] != 1)
		return "an IPI arrived more than once";
	return NULL;
}

/* ---- scenario timer ---- */

static volatile evtchn_port_t timer_port;

static const char *scenario_timer(void)
{
	struct xen_hvm_evtchn_upcall_vector uv = {.vcpu = 0, .vector = UPCALL_VEC};
	struct evtchn_bind_virq bv = {.virq = VIRQ_TIMER, .vcpu = 0};
	struct vcpu_set_singleshot_timer st;
	uint32_t a, b, c, d;
	uint64_t t0, t1;
	uint8_t pit;
	const char *why;

	pit = inb(0x42);
	printk("port 0x42 reads %x\n", pit);
	if (pit == 0xff)
		return "port 0x42 reads 0xff (quick_pit_calibrate would spin)";
	cpuid(0x40000004, &a, &b, &c, &d);
	if (!(a & (1u << 6)))
		return "CPUID 0x40000004 lacks XEN_HVM_CPUID_UPCALL_VECTOR";
	why = map_shared_info();
	if (why)
		return why;
	idt_set(UPCALL_VEC, lapic_irq_0xf3);
	idt_load();
	wrmsr(X2APIC_SVR, 0x1ff);
	if (hypercall3(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, (unsigned long)&uv, 0))
		return "HVMOP_set_evtchn_upcall_vector failed";
	if (hypercall3(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, (unsigned long)&bv, 0))
		return "EVTCHNOP_bind_virq(VIRQ_TIMER) failed";
	timer_port = bv.port;
	t0 = pvclock_ns(&shinfo->vcpu_info[0].time);
	if (!shinfo->vcpu_info[0].time.tsc_to_system_mul)
		return "pvclock mul is 0";
	st = (struct vcpu_set_singleshot_timer){.timeout_abs_ns = t0 + 10000000ULL, .flags = 0};
	if (hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0, (unsigned long)&st))
		return "VCPUOP_set_singleshot_timer failed";
	if (!wait_irq(UPCALL_VEC, 1))
		return "no upcall after the singleshot timer";
	t1 = pvclock_ns(&shinfo->vcpu_info[0].time);
	printk("timer: upcall %u after %lu us (port %u pending %u)\n", irq_count[UPCALL_VEC],
	       (t1 - t0) / 1000, timer_port,
	       (unsigned int)((shinfo->evtchn_pending[timer_port / 64] >> (timer_port % 64)) & 1));
	if (t1 - t0 < 10000000ULL)
		return "woken before the 10 ms deadline";
	if (!(shinfo->evtchn_pending[timer_port / 64] & (1UL << (timer_port % 64))))
		return "VIRQ_TIMER's port is not pending";
	return NULL;
}

void lapic_main(uint32_t start_info)
{
	const struct hvm_start_info *si = (const struct hvm_start_info *)(uint64_t)start_info;
	const char *cmd = "?";

	if (si->magic != XEN_HVM_START_MAGIC_VALUE)
		verdict("bad start_info magic");
	if (si->cmdline_paddr)
		cmd = (const char *)si->cmdline_paddr;
	scenario = cmd;
	if (streq(cmd, "hello")) {
		printk("lapic: hello\n");
		verdict(NULL);
	}
	if (streq(cmd, "smp"))
		verdict(scenario_smp(si));
	if (streq(cmd, "timer"))
		verdict(scenario_timer());
	verdict("unknown scenario");
}
