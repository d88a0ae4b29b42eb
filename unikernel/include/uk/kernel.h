/*
 * The unikernel's core API (unikernel/README.md): boot information, the
 * command line, printing, strings, shutdown. Including it gives every uk/
 * header a test kernel usually needs.
 *
 * Single address space: virtual == guest-physical for the first 4 GiB
 * (arch/x86/head.S), one vCPU, cooperative threads (uk/sched.h).
 * Entry: the unikernel initialises itself, then calls app_main() in the
 * first thread; an application defines app_main(); a test kernel defines
 * only TEST()s and gets the default app_main (uk/test.h).
 *
 * Locking: none beyond what each header says; one vCPU.
 */
#ifndef UK_KERNEL_H
#define UK_KERNEL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <public/hvm/start_info.h>
#include <public/xen.h>
#include <uk/arch.h>
#include <uk/errno.h>
#include <uk/hypercall.h>
#include <uk/mm.h>
#include <uk/string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define UK_MIN(a, b) ((a) < (b) ? (a) : (b))
#define UK_MAX(a, b) ((a) > (b) ? (a) : (b))

/* The application's entry, run in the first thread once everything below is up. */
void app_main(void);

/* ---- boot information (kernel/start.c) ---- */
extern const struct hvm_start_info *uk_start_info;
extern struct uk_xen_cpuid uk_xen;     /* the hypervisor's CPUID leaves */
extern shared_info_t *uk_shared_info;  /* mapped at boot (XENMEM_add_to_physmap) */
extern struct vcpu_info *uk_vcpu_info; /* vCPU 0's, inside uk_shared_info */
/* The TSC read by the entry's first instruction (arch/x86/head.S), for boot-time benchmarks. */
extern uint64_t uk_entry_tsc;
/* The domain's name: name= on the command line, else "uk". */
extern char uk_name[32];

/* ---- command line: words "KEY=VALUE" or "WORD" (kernel/cmdline.c) ---- */
const char *uk_cmdline(void);
/* The first word without '=' (a scenario name), copied into buf; 0 or -ENOENT. */
int uk_cmdline_first_word(char *buf, size_t size);
/* Copies KEY's value into buf (truncated); 0, or -ENOENT if KEY= is absent. */
int uk_cmdline_str(const char *key, char *buf, size_t size);
/* KEY's value as a decimal or 0x hex number; def if absent or malformed. */
long uk_cmdline_long(const char *key, long def);
/* Whether the bare word (or KEY=anything) is present. */
int uk_cmdline_has(const char *word);

/* ---- printing (kernel/printf.c, kernel/console.c) ---- */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* printf: %s %c %d %i %u %x %X %p %%, with l/ll/z, width, '-' and '0'. One console write per line.
 */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);

/* ---- the end (kernel/shutdown.c) ---- */
/* SCHEDOP_shutdown with a SHUTDOWN_* reason; halts if the hypervisor returns. */
void __attribute__((noreturn)) uk_shutdown(unsigned int reason);
/* Prints "uk: panic: ..." and shuts down with SHUTDOWN_crash. */
/*
 * An exception expected from one instruction (tests): set vector to -1 and
 * resume to the address after the instruction (inline asm, lea of a local
 * label), run it; an exception 0..31 then lands in vector/error_code and
 * execution continues at resume (which is cleared) instead of a panic.
 */
struct uk_fault_catch {
	volatile uint64_t resume;
	volatile int vector;
	volatile uint64_t error_code;
};
extern struct uk_fault_catch uk_fault_catch;

void __attribute__((noreturn)) uk_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define UK_BUG_ON(c)                                                                               \
	do {                                                                                       \
		if (c)                                                                             \
			uk_panic("BUG_ON(%s) at %s:%d", #c, __FILE__, __LINE__);                   \
	} while (0)

#endif /* UK_KERNEL_H */
