/*
 * x86-64 primitives of the unikernel: port I/O, CPUID, MSRs, interrupt
 * flag, barriers and atomic bit operations (as the hypervisor's shared
 * pages need: Xen public/xen.h "the guest and Xen update these bits
 * concurrently", so locked instructions).
 *
 * Locking: the bit operations are atomic against Xen and our interrupt
 * handler; the rest are plain instructions.
 */
#ifndef UK_ARCH_H
#define UK_ARCH_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c,
			       uint32_t *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "0"(leaf), "2"(sub));
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	cpuid_count(leaf, 0, a, b, c, d);
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#define barrier() asm volatile("" : : : "memory")
/* x86 (AMD APM vol. 2 7.2): stores are not reordered with stores, loads not with loads. */
#define wmb() barrier()
#define rmb() barrier()
#define mb() asm volatile("mfence" : : : "memory")
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

static inline unsigned long irq_save(void)
{
	unsigned long flags;

	asm volatile("pushf; pop %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

static inline void irq_restore(unsigned long flags)
{
	if (flags & (1UL << 9))
		asm volatile("sti" : : : "memory");
}

static inline void irq_enable(void)
{
	asm volatile("sti" : : : "memory");
}

static inline void irq_disable(void)
{
	asm volatile("cli" : : : "memory");
}

/* sti; hlt: the STI shadow keeps an interrupt from landing between the two (APM vol. 3 STI). */
static inline void irq_enable_and_halt(void)
{
	asm volatile("sti; hlt" : : : "memory");
}

static inline void sync_set_bit(unsigned long nr, volatile void *addr)
{
	asm volatile("lock btsq %1, %0" : "+m"(*(volatile long *)addr) : "Ir"(nr) : "memory");
}

static inline void sync_clear_bit(unsigned long nr, volatile void *addr)
{
	asm volatile("lock btrq %1, %0" : "+m"(*(volatile long *)addr) : "Ir"(nr) : "memory");
}

static inline int sync_test_and_clear_bit(unsigned long nr, volatile void *addr)
{
	unsigned char old;

	asm volatile("lock btrq %2, %1; setc %0"
		     : "=qm"(old), "+m"(*(volatile long *)addr)
		     : "Ir"(nr)
		     : "memory");
	return old;
}

static inline int test_bit(unsigned long nr, const volatile void *addr)
{
	return (((const volatile unsigned long *)addr)[nr / 64] >> (nr % 64)) & 1;
}

static inline unsigned long xchg_ul(volatile unsigned long *p, unsigned long v)
{
	asm volatile("xchg %0, %1" : "+r"(v), "+m"(*p) : : "memory");
	return v;
}

static inline uint16_t cmpxchg_u16(volatile uint16_t *p, uint16_t old, uint16_t new)
{
	asm volatile("lock cmpxchgw %2, %1" : "+a"(old), "+m"(*p) : "r"(new) : "memory");
	return old;
}

/* CPUID probing of the hypervisor (arch/x86/cpuid.c). */
struct uk_xen_cpuid {
	uint32_t base;	  /* 0x40000000 or 0x40000100 (Viridian first) */
	uint32_t version; /* major << 16 | minor, from leaf base+1 */
	uint32_t max_leaf;
};
/* 0, -ENODEV (CPUID.1 says no hypervisor) or -ENOENT (no XenVMMXenVMM leaves). */
int arch_xen_cpuid_probe(struct uk_xen_cpuid *x);

#endif /* UK_ARCH_H */
