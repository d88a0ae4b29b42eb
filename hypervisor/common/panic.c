/*
 * panic(): print why, where from, stop the other CPUs, end the run.
 * Under QEMU with isa-debug-exit the run ends with HV_EXIT_PANIC, so a test
 * harness sees a panic as a distinct exit status.
 */
#include <stdarg.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/panic.h>
#include <asm/system.h>

static volatile int panicking;

void panic(const char *fmt, ...)
{
	va_list ap;

	local_irq_disable();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST)) {
		/* Another CPU is already panicking: let it finish. */
		for (;;)
			halt();
	}
	arch_stop_other_cpus();
	console_force_unlock();

	pr_err("****************************************");
	pr_err("Panic:");
	va_start(ap, fmt);
	vlog_printf(LOG_ERR, fmt, ap);
	va_end(ap);
	arch_dump_stack();
	pr_err("****************************************");
	arch_shutdown(HV_EXIT_PANIC);
}
