/*
 * Descriptor tables: one GDT and one 64-bit TSS per CPU (the TSS holds the
 * ring-0 stack and the IST stacks for NMI, #DF and #MC) and one IDT shared
 * by every CPU, whose 256 gates all point at the entry stubs in entry.S.
 *
 * Locking: none. A CPU writes only its own GDT/TSS, once, while it comes
 * up; the IDT is written by the boot CPU before any other CPU starts and is
 * read-only afterwards.
 */
#include <asm/desc.h>
#include <asm/irq_vectors.h>
#include <asm/layout.h>
#include <asm/percpu.h>
#include <asm/system.h>
#include <asm/traps.h>
#include <tessera/panic.h>
#include <tessera/percpu.h>
#include <tessera/string.h>

#define GATE_INTR 0x0e /* 64-bit interrupt gate: IF cleared on entry */
#define GATE_PRESENT 0x80
#define DESC_TSS_AVAIL 0x9ULL

/* Flat code/data descriptors (base 0, limit 4 GiB; L=1 for the 64-bit code ones). */
#define SEG_CODE64_DPL0 0x00af9a000000ffffULL
#define SEG_DATA_DPL0 0x00cf92000000ffffULL
#define SEG_CODE32_DPL0 0x00cf9a000000ffffULL
#define SEG_CODE32_DPL3 0x00cffa000000ffffULL
#define SEG_DATA_DPL3 0x00cff2000000ffffULL
#define SEG_CODE64_DPL3 0x00affa000000ffffULL

static uint64_t gdt[NR_CPUS][GDT_ENTRIES] __aligned(16);
static struct tss64 tss[NR_CPUS] __aligned(128);
static struct idt_gate idt[256] __aligned(16);
static bool idt_built;

extern const unsigned long intr_stub_table[256];

BUILD_BUG_ON(sizeof(struct tss64) != 104);
BUILD_BUG_ON(sizeof(struct idt_gate) != 16);

static void idt_set_gate(unsigned int vec, unsigned long addr, unsigned int ist, unsigned int dpl)
{
	struct idt_gate *g = &idt[vec];

	g->offset_lo = addr & 0xffff;
	g->selector = HV_CS;
	g->ist = ist;
	g->type_attr = GATE_PRESENT | (dpl << 5) | GATE_INTR;
	g->offset_mid = (addr >> 16) & 0xffff;
	g->offset_hi = addr >> 32;
	g->reserved = 0;
}

/*
 * Every gate is DPL 0 for now, so a software int from a lower ring faults
 * with #GP; the PV work opens #BP/#OF (and Xen's 0x82 if wanted) to ring 3.
 */
static void idt_build(void)
{
	for (unsigned int v = 0; v < 256; v++)
		idt_set_gate(v, intr_stub_table[v], 0, 0);
	/* Exceptions that can hit with a bad or unusable stack get their own. */
	idt_set_gate(TRAP_nmi, intr_stub_table[TRAP_nmi], IST_NMI, 0);
	idt_set_gate(TRAP_double_fault, intr_stub_table[TRAP_double_fault], IST_DF, 0);
	idt_set_gate(TRAP_machine_check, intr_stub_table[TRAP_machine_check], IST_MC, 0);
	idt_built = true;
}

static void gdt_build(unsigned int cpu)
{
	uint64_t *g = gdt[cpu];
	uint64_t base = (uint64_t)(uintptr_t)&tss[cpu];
	uint64_t limit = sizeof(struct tss64) - 1;

	memset(g, 0, sizeof(gdt[cpu]));
	g[HV_CS >> 3] = SEG_CODE64_DPL0;
	g[HV_DS >> 3] = SEG_DATA_DPL0;
	g[GDT_R3_CS32 >> 3] = SEG_CODE32_DPL3;
	g[GDT_R3_DS >> 3] = SEG_DATA_DPL3;
	g[GDT_R3_CS64 >> 3] = SEG_CODE64_DPL3;
	g[HV_CS32 >> 3] = SEG_CODE32_DPL0;
	/* A fresh "available" TSS descriptor: ltr faults on one marked busy. */
	g[TSS_SEL >> 3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (DESC_TSS_AVAIL << 40) |
			  (1ULL << 47) | (((limit >> 16) & 0xf) << 48) |
			  (((base >> 24) & 0xff) << 56);
	g[(TSS_SEL >> 3) + 1] = base >> 32;
}

static void load_tables(unsigned int cpu)
{
	struct desc_ptr gdtr = {sizeof(gdt[cpu]) - 1, (uint64_t)(uintptr_t)gdt[cpu]};
	struct desc_ptr idtr = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};
	unsigned long tmp;

	__asm__ __volatile__("lgdt %0" ::"m"(gdtr) : "memory");
	/* Reload CS with a far return, then the data segments (fs/gs keep their bases). */
	__asm__ __volatile__("pushq %[cs]\n\t"
			     "leaq 1f(%%rip), %[tmp]\n\t"
			     "pushq %[tmp]\n\t"
			     "lretq\n"
			     "1:\n\t"
			     "movl %[ds], %k[tmp]\n\t"
			     "movl %k[tmp], %%ds\n\t"
			     "movl %k[tmp], %%es\n\t"
			     "movl %k[tmp], %%ss"
			     : [tmp] "=&r"(tmp)
			     : [cs] "i"(HV_CS), [ds] "i"(HV_DS)
			     : "memory");
	__asm__ __volatile__("ltr %w0" ::"r"(TSS_SEL) : "memory");
	__asm__ __volatile__("lidt %0" ::"m"(idtr) : "memory");
}

void desc_init_cpu(unsigned int cpu, const unsigned long *ist_tops)
{
	struct tss64 *t = &tss[cpu];
	struct cpu_info *ci = get_cpu_info();

	if (!idt_built)
		idt_build();

	memset(t, 0, sizeof(*t));
	/* Ring-0 stack for entries from guest rings: the top of this CPU's stack. */
	if (ci->stack_top) {
		t->rsp[0] = (uint64_t)(uintptr_t)ci->stack_top;
	} else {
		unsigned long rsp;

		__asm__("mov %%rsp, %0" : "=r"(rsp));
		t->rsp[0] = ROUNDUP(rsp, STACK_SIZE);
	}
	for (unsigned int i = 0; i < NR_IST_STACKS; i++)
		t->ist[i] = ist_tops[i];
	t->iomap_base = sizeof(*t);

	gdt_build(cpu);
	load_tables(cpu);
}

struct tss64 *desc_tss(unsigned int cpu)
{
	return &tss[cpu];
}
