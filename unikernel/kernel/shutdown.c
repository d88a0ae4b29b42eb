/*
 * The end of the unikernel: SCHEDOP_shutdown with a reason
 * (public/sched.h SHUTDOWN_*), and panics, which crash the domain.
 *
 * Locking: none; interrupts are turned off for good.
 */
#include <public/sched.h>
#include <uk/console.h>
#include <uk/kernel.h>

extern int uk_hypercalls_ready; /* kernel/console.c */

void uk_shutdown(unsigned int reason)
{
	struct sched_shutdown s = {.reason = reason};

	irq_disable();
	if (uk_hypercalls_ready) {
		HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
		printf("uk: still running after shutdown (reason %u); halting\n", reason);
	} else {
		printf("uk: no hypercalls to shut down with; halting\n");
	}
	for (;;)
		asm volatile("cli; hlt");
}

void uk_panic(const char *fmt, ...)
{
	va_list ap;

	irq_disable();
	printf("uk: panic: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	uk_shutdown(SHUTDOWN_crash);
}
