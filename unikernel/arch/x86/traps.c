/*
 * The unikernel's IDT: exceptions 0..31 report and crash the domain (a
 * fault in a single-address-space kernel has nobody to recover it);
 * UK_EVTCHN_VECTOR runs the event channel upcall (kernel/events.c).
 * 64-bit interrupt gates (AMD APM vol. 2 4.8.4: type 0xE clears IF on
 * entry), DPL 0, selector 0x08 (head.S's 64-bit code segment), no IST.
 *
 * A test may arm uk_fault_catch around one instruction that is expected to
 * fault (uk/kernel.h): the exception is then recorded and execution goes on
 * at the address armed, instead of the crash.
 *
 * Locking: the IDT is written once at boot with interrupts off; the catch
 * is the running thread's (one CPU, armed only around one instruction).
 */
#include <uk/events.h>
#include <uk/kernel.h>

struct uk_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

struct idt_gate {
	uint16_t off0;
	uint16_t sel;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t off1;
	uint32_t off2;
	uint32_t zero;
};

static struct idt_gate idt[256] __attribute__((aligned(16)));
extern const uint64_t uk_exc_stubs[33]; /* entry.S */

void uk_trap(struct uk_regs *r);
void arch_traps_init(void);
void events_upcall(void); /* kernel/events.c */

static const char *const exc_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "?9",  "#TS",
    "#NP", "#SS", "#GP", "#PF", "?15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

static void set_gate(unsigned int vec, uint64_t addr)
{
	idt[vec].off0 = (uint16_t)addr;
	idt[vec].sel = 0x08;
	idt[vec].ist = 0;
	idt[vec].type_attr = 0x8e; /* present, DPL 0, 64-bit interrupt gate */
	idt[vec].off1 = (uint16_t)(addr >> 16);
	idt[vec].off2 = (uint32_t)(addr >> 32);
	idt[vec].zero = 0;
}

void arch_traps_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint64_t)(unsigned long)idt};
	unsigned int i;

	for (i = 0; i < 32; i++)
		set_gate(i, uk_exc_stubs[i]);
	set_gate(UK_EVTCHN_VECTOR, uk_exc_stubs[32]);
	asm volatile("lidt %0" : : "m"(idtr) : "memory");
}

struct uk_fault_catch uk_fault_catch;

void uk_trap(struct uk_regs *r)
{
	uint64_t cr2;

	if (r->vector == UK_EVTCHN_VECTOR) {
		events_upcall();
		return;
	}
	if (uk_fault_catch.resume && r->vector < 32) {
		uk_fault_catch.vector = (int)r->vector;
		uk_fault_catch.error_code = r->error_code;
		r->rip = uk_fault_catch.resume;
		uk_fault_catch.resume = 0;
		return;
	}
	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	uk_panic("exception %s (vector %lu, error 0x%lx) at rip 0x%lx, rsp 0x%lx, cr2 0x%lx, "
		 "rax 0x%lx rbx 0x%lx rcx 0x%lx rdx 0x%lx rsi 0x%lx rdi 0x%lx",
		 r->vector < 32 && exc_names[r->vector] ? exc_names[r->vector] : "?",
		 (unsigned long)r->vector, (unsigned long)r->error_code, (unsigned long)r->rip,
		 (unsigned long)r->rsp, (unsigned long)cr2, (unsigned long)r->rax,
		 (unsigned long)r->rbx, (unsigned long)r->rcx, (unsigned long)r->rdx,
		 (unsigned long)r->rsi, (unsigned long)r->rdi);
}
