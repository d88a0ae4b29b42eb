/*
 * The PVH test guest (tests/guests/pvh): declarations shared by its files.
 * A freestanding 64-bit guest, one vCPU, identity-mapped (virtual ==
 * guest-physical below 4 GiB), written against Tessera's copy of the Xen
 * public headers so the same image runs on Xen 4.17.
 *
 * Locking: none; the guest runs on one vCPU with interrupts off.
 */
#ifndef PVH_GUEST_H
#define PVH_GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <public/xen.h>

/* hypercall.c: Xen's 64-bit HVM convention, through vmmcall or the hypercall page. */
long hypercall(unsigned long nr, unsigned long a1, unsigned long a2, unsigned long a3,
	       unsigned long a4, unsigned long a5);
#define HYPERCALL2(name, a1, a2)                                                                   \
	hypercall(__HYPERVISOR_##name, (unsigned long)(a1), (unsigned long)(a2), 0, 0, 0)
#define HYPERCALL3(name, a1, a2, a3)                                                               \
	hypercall(__HYPERVISOR_##name, (unsigned long)(a1), (unsigned long)(a2),                   \
		  (unsigned long)(a3), 0, 0)

/* Finds the Xen CPUID leaves; 0 or a negative value (no hypervisor, wrong signature). */
int xen_cpuid_probe(uint32_t *base, uint32_t *version);
/* Switches hypercalls to the hypercall page (CPUID base+2 names its MSR); 0 or -1. */
int hypercall_page_enable(uint32_t base, uint32_t *msr);
extern int hypercalls_ready; /* 0: only port 0xE9 output */
extern int hypercall_use_page;

/* print.c: printf to console_io (CONSOLEIO_write) and the 0xE9 debug port. */
#define OUT_E9 1
#define OUT_CONSOLE 2
extern unsigned int print_outputs;
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintk(const char *fmt, va_list ap);
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "0"(leaf), "2"(0));
}

#endif /* PVH_GUEST_H */
