/*
 * Exceptions and interrupts: per-CPU setup of the descriptor tables and IST
 * stacks (desc.c does the tables), the C side of the entry stubs
 * (entry.S -> traps_dispatch), the fatal exception report and the
 * frame-pointer stack traces used by it and by panic().
 *
 * In the hypervisor every exception is fatal except #BP (logged, then
 * execution continues) and NMI (parks the CPU while panic() stops the
 * others, else logged). Vectors from 32 go to the handler registered with
 * set_intr_handler(); a vector without one is reported once.
 *
 * Locking: none. Handlers are single pointer stores read once per
 * interrupt; the per-CPU state here is written only by its own CPU.
 */
#include <asm/desc.h>
#include <asm/irq_vectors.h>
#include <asm/layout.h>
#include <asm/percpu.h>
#include <asm/regs.h>
#include <asm/smp.h>
#include <asm/system.h>
#include <asm/traps.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/panic.h>
#include <tessera/percpu.h>
#include <tessera/selftest.h>
#include <tessera/spinlock.h>
#include <tessera/symbols.h>

#define IST_STACK_SIZE (PAGE_SIZE << IST_STACK_ORDER)
#define TRACE_MAX_FRAMES 48

BUILD_BUG_ON(__builtin_offsetof(struct cpu_user_regs, rbp) != UREGS_rbp);
BUILD_BUG_ON(__builtin_offsetof(struct cpu_user_regs, rdi) != UREGS_rdi);
BUILD_BUG_ON(__builtin_offsetof(struct cpu_user_regs, error_code) != UREGS_error_code);
BUILD_BUG_ON(__builtin_offsetof(struct cpu_user_regs, entry_vector) != UREGS_entry_vector);
BUILD_BUG_ON(__builtin_offsetof(struct cpu_user_regs, rip) != UREGS_rip);
BUILD_BUG_ON(__builtin_offsetof(struct cpu_user_regs, ss) != UREGS_ss);
/* The entry frame ends at ss: es, ds, fs and gs of the ABI struct lie beyond it. */
BUILD_BUG_ON(offsetof(struct cpu_user_regs, ss) + 8 != UREGS_size);

extern char boot_stack[], boot_stack_top[];

/* The boot CPU's IST stacks: traps_init_bsp() runs before the heap exists. */
static uint8_t bsp_ist_stacks[NR_IST_STACKS][IST_STACK_SIZE] __aligned(PAGE_SIZE);
/* Base of each CPU's IST stacks, for the stack walker's bounds. */
static unsigned long ist_base[NR_CPUS][NR_IST_STACKS];

static intr_handler_t intr_handlers[256];
static uint64_t intr_warned[256 / 64];

/* Per CPU: nesting of the fatal path, and whether its report already showed the trace. */
static unsigned int fatal_depth[NR_CPUS];
static bool fatal_trace_shown[NR_CPUS];

static const char *const exception_names[32] = {
    [TRAP_divide_error] = "Divide error (#DE)",
    [TRAP_debug] = "Debug (#DB)",
    [TRAP_nmi] = "NMI",
    [TRAP_int3] = "Breakpoint (#BP)",
    [TRAP_overflow] = "Overflow (#OF)",
    [TRAP_bounds] = "Bound range exceeded (#BR)",
    [TRAP_invalid_op] = "Invalid opcode (#UD)",
    [TRAP_no_device] = "Device not available (#NM)",
    [TRAP_double_fault] = "Double fault (#DF)",
    [9] = "Coprocessor segment overrun",
    [TRAP_invalid_tss] = "Invalid TSS (#TS)",
    [TRAP_no_segment] = "Segment not present (#NP)",
    [TRAP_stack_error] = "Stack-segment fault (#SS)",
    [TRAP_gp_fault] = "General protection fault (#GP)",
    [TRAP_page_fault] = "Page fault (#PF)",
    [TRAP_x87_error] = "x87 floating-point error (#MF)",
    [TRAP_alignment_check] = "Alignment check (#AC)",
    [TRAP_machine_check] = "Machine check (#MC)",
    [TRAP_simd_error] = "SIMD floating-point exception (#XM)",
    [TRAP_virtualisation] = "Virtualisation exception (#VE)",
    [TRAP_control_protection] = "Control protection (#CP)",
    [TRAP_hypervisor_injection] = "Hypervisor injection (#HV)",
    [TRAP_vmm_communication] = "VMM communication (#VC)",
    [TRAP_security] = "Security exception (#SX)",
};

static const char *exception_name(unsigned int vec)
{
	if (vec < 32 && exception_names[vec])
		return exception_names[vec];
	return "Reserved exception";
}

/* ---- setup ---- */

static void traps_init_cpu(unsigned int cpu, void *const stacks[NR_IST_STACKS])
{
	unsigned long tops[NR_IST_STACKS];

	for (unsigned int i = 0; i < NR_IST_STACKS; i++) {
		ist_base[cpu][i] = (unsigned long)stacks[i];
		/* The CPU aligns rsp to 16 before it pushes: the top itself is aligned. */
		tops[i] = ist_base[cpu][i] + IST_STACK_SIZE;
	}
	desc_init_cpu(cpu, tops);
}

/*
 * The legacy 8259 PICs come out of the BIOS delivering IRQ 0-7 on vectors
 * 8-15, where a timer tick would look like a #DF with a missing error code.
 * Move both to 0x20-0x2f and mask every line: interrupts come from the
 * local APIC and IOAPIC. A spurious IRQ 7/15 then lands on a device vector.
 */
#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1

static void i8259_disable(void)
{
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
	outb(PIC1_CMD, 0x11); /* ICW1: edge, cascade, ICW4 follows */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, FIRST_DEVICE_VECTOR); /* ICW2: vector base */
	outb(PIC2_DATA, FIRST_DEVICE_VECTOR + 8);
	outb(PIC1_DATA, 1 << 2); /* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 0x01); /* ICW4: 8086 mode */
	outb(PIC2_DATA, 0x01);
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

void traps_init_bsp(void)
{
	struct cpu_info *ci = get_cpu_info();
	void *stacks[NR_IST_STACKS];

	/* head.S runs the boot CPU on boot_stack; record it for rsp0 and the stack walker. */
	if (!ci->stack_top)
		ci->stack_top = boot_stack_top;
	for (unsigned int i = 0; i < NR_IST_STACKS; i++)
		stacks[i] = bsp_ist_stacks[i];
	traps_init_cpu(0, stacks);
	i8259_disable();
}

void traps_init_ap(unsigned int cpu)
{
	void *stacks[NR_IST_STACKS];

	for (unsigned int i = 0; i < NR_IST_STACKS; i++) {
		stacks[i] = alloc_xenheap_pages(IST_STACK_ORDER);
		if (!stacks[i])
			panic("CPU %u: no memory for its exception stacks", cpu);
	}
	traps_init_cpu(cpu, stacks);
}

void set_intr_handler(uint8_t vector, intr_handler_t fn)
{
	BUG_ON(vector < FIRST_INTR_VECTOR);
	__atomic_store_n(&intr_handlers[vector], fn, __ATOMIC_RELEASE);
}

/* ---- stack traces ---- */

/*
 * The bounds [lo, hi) of the stack of the calling CPU that holds sp: its
 * hypervisor stack, the boot stack, one of its IST stacks, or the
 * STACK_SIZE-aligned block we are running on. Anything else is not walked,
 * so that a corrupt frame pointer cannot fault again.
 */
static bool find_stack(unsigned long sp, unsigned long *lo, unsigned long *hi)
{
	struct cpu_info *ci = get_cpu_info();
	unsigned int cpu = ci->id;
	unsigned long here = (unsigned long)__builtin_frame_address(0);

	if (ci->stack_top) {
		*hi = (unsigned long)ci->stack_top;
		*lo = *hi - STACK_SIZE;
		if (sp >= *lo && sp < *hi)
			return true;
	}
	*lo = (unsigned long)boot_stack;
	*hi = (unsigned long)boot_stack_top;
	if (sp >= *lo && sp < *hi)
		return true;
	for (unsigned int i = 0; i < NR_IST_STACKS; i++) {
		*lo = ist_base[cpu][i];
		*hi = *lo + IST_STACK_SIZE;
		if (*lo && sp >= *lo && sp < *hi)
			return true;
	}
	*lo = ROUNDDOWN(here, STACK_SIZE);
	*hi = *lo + STACK_SIZE;
	return sp >= *lo && sp < *hi;
}

static void print_frame(unsigned long addr, bool is_return)
{
	unsigned long off, size;
	/* A return address may sit just past a noreturn call, at the next function. */
	const char *name = symbols_lookup(addr - is_return, &off, &size);

	if (name)
		pr_err("  [<%016lx>] %s+0x%lx/0x%lx", addr, name, off + is_return, size);
	else
		pr_err("  [<%016lx>] ?", addr);
}

/*
 * Follow the saved-rbp chain from fp: each frame is {caller's rbp, return
 * address}. Every frame read is checked to lie in a known stack; within one
 * stack the chain must move up, and it may cross stacks (IST to the
 * interrupted stack) only a couple of times, so it always ends.
 */
static void walk_frames(unsigned long fp)
{
	unsigned long lo = 0, hi = 0, prev_lo = 0, prev_fp = 0;
	unsigned int switches = 0;

	for (unsigned int n = 0; n < TRACE_MAX_FRAMES; n++) {
		const unsigned long *frame;

		if (!fp)
			return; /* the root: head.S and the AP entry clear rbp */
		if (!IS_ALIGNED(fp, sizeof(long)) || !find_stack(fp, &lo, &hi) ||
		    hi - fp < 2 * sizeof(long)) {
			pr_err("  [frame pointer %016lx outside the stack: trace ends]", fp);
			return;
		}
		if (n && lo == prev_lo && fp <= prev_fp) {
			pr_err("  [frame pointer %016lx does not move up the stack: trace ends]",
			       fp);
			return;
		}
		if (n && lo != prev_lo && ++switches > 2)
			return;
		frame = (const unsigned long *)fp;
		print_frame(frame[1], true);
		prev_lo = lo;
		prev_fp = fp;
		fp = frame[0];
	}
	pr_err("  [more than %u frames: trace truncated]", TRACE_MAX_FRAMES);
}

/* Length of an indirect call (0xff /2) whose ModRM byte is m and SIB byte sib. */
static unsigned int indirect_call_len(uint8_t m, uint8_t sib)
{
	unsigned int mod = m >> 6, rm = m & 7, len = 2;

	if (mod != 3 && rm == 4) {
		len++;
		if (mod == 0 && (sib & 7) == 5)
			len += 4;
	}
	if (mod == 1)
		len += 1;
	else if (mod == 2 || (mod == 0 && rm == 5))
		len += 4;
	return len;
}

/* Does a call instruction (direct, or indirect through a register or memory) end just before ret?
 */
static bool follows_call(unsigned long ret)
{
	static const unsigned int lens[] = {2, 3, 4, 6, 7};
	const uint8_t *p = (const uint8_t *)ret;

	if (!symbols_lookup(ret - 8, NULL, NULL) || !symbols_lookup(ret - 1, NULL, NULL))
		return false;
	if (p[-5] == 0xe8)
		return true;
	for (unsigned int i = 0; i < ARRAY_SIZE(lens); i++) {
		const uint8_t *insn = p - lens[i];

		if (insn[0] == 0xff && ((insn[1] >> 3) & 7) == 2 &&
		    indirect_call_len(insn[1], insn[2]) == lens[i])
			return true;
	}
	return false;
}

/*
 * GCC gives leaf functions no frame even with -fno-omit-frame-pointer, and
 * no function has one before its "push %rbp": then regs->rbp is still the
 * caller's frame and the walk would skip the caller. Its return address is
 * at [rsp] in that case; show it when it is plausibly one.
 */
static void print_frameless_caller(const struct cpu_user_regs *regs)
{
	unsigned long off, lo, hi, ret;
	const char *name = symbols_lookup(regs->rip, &off, NULL);

	if (!name)
		return;
	if (off != 0 && *(const uint8_t *)(regs->rip - off) == 0x55 /* push %rbp */)
		return;
	if (!IS_ALIGNED(regs->rsp, sizeof(long)) || !find_stack(regs->rsp, &lo, &hi) ||
	    hi - regs->rsp < sizeof(long))
		return;
	ret = *(const unsigned long *)regs->rsp;
	if (follows_call(ret))
		print_frame(ret, true);
}

void show_stack_trace(const struct cpu_user_regs *regs)
{
	pr_err("Call trace:");
	print_frame(regs->rip, false);
	print_frameless_caller(regs);
	walk_frames(regs->rbp);
}

void arch_dump_stack(void)
{
	unsigned int cpu = smp_processor_id();

	if (fatal_trace_shown[cpu]) {
		pr_err("Call trace of CPU %u: in the exception report above", cpu);
		return;
	}
	pr_err("Call trace (CPU %u):", cpu);
	walk_frames((unsigned long)__builtin_frame_address(0));
}

/* ---- exceptions ---- */

static void print_regs(const struct cpu_user_regs *regs, unsigned long cr2)
{
	unsigned long off, size;
	const char *name = symbols_lookup(regs->rip, &off, &size);

	if (name)
		pr_err("RIP:    %04lx:[<%016lx>] %s+0x%lx/0x%lx", (unsigned long)regs->cs,
		       (unsigned long)regs->rip, name, off, size);
	else
		pr_err("RIP:    %04lx:[<%016lx>] (not in hypervisor text)", (unsigned long)regs->cs,
		       (unsigned long)regs->rip);
	pr_err("RFLAGS: %016lx   RSP: %04lx:%016lx", (unsigned long)regs->rflags,
	       (unsigned long)regs->ss, (unsigned long)regs->rsp);
	pr_err("rax: %016lx   rbx: %016lx   rcx: %016lx", (unsigned long)regs->rax,
	       (unsigned long)regs->rbx, (unsigned long)regs->rcx);
	pr_err("rdx: %016lx   rsi: %016lx   rdi: %016lx", (unsigned long)regs->rdx,
	       (unsigned long)regs->rsi, (unsigned long)regs->rdi);
	pr_err("rbp: %016lx   r8:  %016lx   r9:  %016lx", (unsigned long)regs->rbp,
	       (unsigned long)regs->r8, (unsigned long)regs->r9);
	pr_err("r10: %016lx   r11: %016lx   r12: %016lx", (unsigned long)regs->r10,
	       (unsigned long)regs->r11, (unsigned long)regs->r12);
	pr_err("r13: %016lx   r14: %016lx   r15: %016lx", (unsigned long)regs->r13,
	       (unsigned long)regs->r14, (unsigned long)regs->r15);
	pr_err("cr0: %016lx   cr2: %016lx", (unsigned long)read_cr0(), cr2);
	pr_err("cr3: %016lx   cr4: %016lx", (unsigned long)read_cr3(), (unsigned long)read_cr4());
}

static void print_pf_decoded(uint32_t ec, unsigned long cr2)
{
	pr_err("Page fault at address %016lx: %s, %s, %s mode%s%s%s", cr2,
	       (ec & PFEC_present) ? "protection violation" : "page not present",
	       (ec & PFEC_insn_fetch) ? "instruction fetch"
	       : (ec & PFEC_write)    ? "write"
				      : "read",
	       (ec & PFEC_user) ? "user" : "supervisor",
	       (ec & PFEC_reserved) ? ", reserved bit set" : "",
	       (ec & PFEC_prot_key) ? ", protection key" : "",
	       (ec & PFEC_shadow_stack) ? ", shadow stack" : "");
}

/* An exception the hypervisor cannot continue from: report everything, then panic. */
static void __noreturn fatal_exception(struct cpu_user_regs *regs, unsigned long cr2)
{
	unsigned int cpu = smp_processor_id();
	unsigned int vec = regs->entry_vector;

	local_irq_disable();
	if (fatal_depth[cpu]++) {
		/* Faulted while reporting: say the least that can work, then stop. */
		if (fatal_depth[cpu] == 2)
			pr_err("CPU %u: %s (vector %u) at %016lx while handling a fatal exception",
			       cpu, exception_name(vec), vec, (unsigned long)regs->rip);
		arch_shutdown(HV_EXIT_PANIC);
	}
	/* The fault may have hit with the console lock held. */
	console_force_unlock();

	pr_err("****************************************");
	pr_err("Fatal exception on CPU %u: %s, vector %u, error code %04x", cpu,
	       exception_name(vec), vec, regs->error_code);
	if (vec == TRAP_page_fault)
		print_pf_decoded(regs->error_code, cr2);
	print_regs(regs, cr2);
	show_stack_trace(regs);
	fatal_trace_shown[cpu] = true;
	panic("Fatal exception: %s on CPU %u", exception_name(vec), cpu);
}

static void do_nmi(struct cpu_user_regs *regs)
{
	if (READ_ONCE(cpus_stopping)) {
		/* panic() on another CPU stops us: stay here, NMIs blocked until a never-coming
		 * iret. */
		for (;;)
			__asm__ __volatile__("cli; hlt" ::: "memory");
	}
	/* Printing can deadlock if this CPU was interrupted inside the console lock. */
	pr_warn("NMI received on CPU %u at %016lx", smp_processor_id(), (unsigned long)regs->rip);
}

static unsigned long int3_count;

static void do_int3(struct cpu_user_regs *regs)
{
	char sym[SYMBOL_BUF_LEN];

	__atomic_fetch_add(&int3_count, 1, __ATOMIC_RELAXED);
	symbols_format(sym, sizeof(sym), regs->rip - 1);
	pr_info("Breakpoint (int3) on CPU %u at %s", smp_processor_id(), sym);
}

static void do_unhandled_intr(struct cpu_user_regs *regs)
{
	unsigned int vec = regs->entry_vector;
	uint64_t bit = 1ULL << (vec % 64);

	if (__atomic_fetch_or(&intr_warned[vec / 64], bit, __ATOMIC_RELAXED) & bit)
		return;
	pr_warn("Interrupt vector %#x on CPU %u has no handler (reported once; no EOI sent)", vec,
		smp_processor_id());
}

void traps_dispatch(struct cpu_user_regs *regs)
{
	unsigned int vec = regs->entry_vector;
	unsigned long cr2;

	if (vec >= FIRST_INTR_VECTOR) {
		intr_handler_t fn = __atomic_load_n(&intr_handlers[vec], __ATOMIC_ACQUIRE);
		spin_debug_irq_enter(); /* the lock checker's new chain (common/spinlock.c) */
		if (fn)
			fn(regs);
		else
			do_unhandled_intr(regs);
		spin_debug_irq_exit();
		return;
	}

	switch (vec) {
	case TRAP_nmi:
		do_nmi(regs);
		return;
	case TRAP_int3:
		do_int3(regs);
		return;
	default:
		break;
	}
	/* Read CR2 (the #PF address) before anything else can fault and overwrite it. */
	cr2 = read_cr2();
	fatal_exception(regs, cr2);
}

/* ---- self-tests (the test build only: their handler and counters are test data too) ---- */
#ifdef CONFIG_SELFTESTS

/* A vector no one else uses (between the device range and the IPIs); see irq_vectors.h. */
#define TRAPS_TEST_VECTOR 0xf0
BUILD_BUG_ON(TRAPS_TEST_VECTOR <= LAST_DEVICE_VECTOR || TRAPS_TEST_VECTOR >= CALL_FUNCTION_VECTOR);

static volatile unsigned int test_intr_hits;
static volatile unsigned int test_intr_vector;
static volatile unsigned long test_intr_frame;

static void traps_test_intr_handler(struct cpu_user_regs *regs)
{
	test_intr_hits++;
	test_intr_vector = regs->entry_vector;
	test_intr_frame = (unsigned long)__builtin_frame_address(0);
}

/* Load known values, take the trap, return whether every register came back intact. */
#define TRAP_PRESERVES_REGS(insn, ok)                                                              \
	do {                                                                                       \
		register unsigned long r8_ __asm__("r8") = 0x0808080808080808UL;                   \
		register unsigned long r9_ __asm__("r9") = 0x0909090909090909UL;                   \
		register unsigned long r10_ __asm__("r10") = 0x1010101010101010UL;                 \
		register unsigned long r11_ __asm__("r11") = 0x1111111111111111UL;                 \
		register unsigned long r12_ __asm__("r12") = 0x1212121212121212UL;                 \
		register unsigned long r13_ __asm__("r13") = 0x1313131313131313UL;                 \
		register unsigned long r14_ __asm__("r14") = 0x1414141414141414UL;                 \
		register unsigned long r15_ __asm__("r15") = 0x1515151515151515UL;                 \
		unsigned long a_ = 0xaaaaUL, b_ = 0xbbbbUL, c_ = 0xccccUL, d_ = 0xddddUL;          \
		unsigned long si_ = 0x5151UL, di_ = 0xd1d1UL;                                      \
		__asm__ __volatile__(insn                                                          \
				     : "+a"(a_), "+b"(b_), "+c"(c_), "+d"(d_), "+S"(si_),          \
				       "+D"(di_), "+r"(r8_), "+r"(r9_), "+r"(r10_), "+r"(r11_),    \
				       "+r"(r12_), "+r"(r13_), "+r"(r14_), "+r"(r15_)::"memory");  \
		(ok) = a_ == 0xaaaaUL && b_ == 0xbbbbUL && c_ == 0xccccUL && d_ == 0xddddUL &&     \
		       si_ == 0x5151UL && di_ == 0xd1d1UL && r8_ == 0x0808080808080808UL &&        \
		       r9_ == 0x0909090909090909UL && r10_ == 0x1010101010101010UL &&              \
		       r11_ == 0x1111111111111111UL && r12_ == 0x1212121212121212UL &&             \
		       r13_ == 0x1313131313131313UL && r14_ == 0x1414141414141414UL &&             \
		       r15_ == 0x1515151515151515UL;                                               \
	} while (0)

/* int3 and a software interrupt on a registered vector both come back with every register intact.
 */
SELFTEST(traps_int3)
{
	unsigned long before = int3_count;
	bool irq_on = local_irq_is_enabled();
	bool ok;

	TRAP_PRESERVES_REGS("int3", ok);
	if (int3_count != before + 1) {
		pr_err("traps_int3: #BP handler ran %lu times, expected 1", int3_count - before);
		return -EINVAL;
	}
	if (!ok) {
		pr_err("traps_int3: registers changed across int3");
		return -EINVAL;
	}

	if (intr_handlers[TRAPS_TEST_VECTOR])
		return -EBUSY;
	set_intr_handler(TRAPS_TEST_VECTOR, traps_test_intr_handler);
	test_intr_hits = 0;
	TRAP_PRESERVES_REGS("int $0xf0", ok);
	set_intr_handler(TRAPS_TEST_VECTOR, NULL);
	if (test_intr_hits != 1 || test_intr_vector != TRAPS_TEST_VECTOR) {
		pr_err("traps_int3: vector %#x handler hits %u, saw vector %#x", TRAPS_TEST_VECTOR,
		       test_intr_hits, test_intr_vector);
		return -EINVAL;
	}
	if (!ok) {
		pr_err("traps_int3: registers changed across int $%#x", TRAPS_TEST_VECTOR);
		return -EINVAL;
	}
	/* After "push rbp" in the handler, an ABI-aligned call leaves rbp 16-byte aligned. */
	if (test_intr_frame & 15) {
		pr_err("traps_int3: handler ran on a misaligned stack (frame %#lx)",
		       test_intr_frame);
		return -EINVAL;
	}
	/* Without a handler the vector is reported (once) and execution goes on. */
	__asm__ __volatile__("int $0xf0; int $0xf0" ::: "memory");
	if (!(intr_warned[TRAPS_TEST_VECTOR / 64] & (1ULL << (TRAPS_TEST_VECTOR % 64)))) {
		pr_err("traps_int3: unhandled vector %#x not reported", TRAPS_TEST_VECTOR);
		return -EINVAL;
	}
	if (local_irq_is_enabled() != irq_on) {
		pr_err("traps_int3: interrupt flag not restored");
		return -EINVAL;
	}
	return 0;
}

/* The fatal report must name this function as the faulting RIP. */
void __attribute__((noinline, noclone)) traps_selftest_ud_here(void);
void __attribute__((noinline, noclone)) traps_selftest_ud_here(void)
{
	__asm__ __volatile__("ud2" ::: "memory");
}

SELFTEST_EXPLICIT(crash_ud)
{
	traps_selftest_ud_here();
	return -EINVAL; /* not reached */
}

/* Nothing is mapped here: the boot identity map stops at 4 GiB and guests are not running. */
#define TRAPS_TEST_BAD_ADDR 0x00007fffdeadb000UL

SELFTEST_EXPLICIT(crash_pf)
{
	(void)*(volatile unsigned long *)TRAPS_TEST_BAD_ADDR;
	return -EINVAL;
}

SELFTEST_EXPLICIT(crash_panic)
{
	panic("selftest");
}
#endif /* CONFIG_SELFTESTS */
