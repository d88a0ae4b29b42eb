/*
 * The fake arch layer's state and hooks for host unit tests: a settable
 * clock, recorded timer deadlines and IPIs, and panic() as a test failure.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fake_arch.h"

struct cpu_info cpu_infos[NR_CPUS];
unsigned int nr_cpus_online = 1;
unsigned int fake_current_cpu;
s_time_t fake_now;
s_time_t fake_timer_deadline[NR_CPUS];
unsigned int fake_softirq_ipis[NR_CPUS];
jmp_buf *fake_panic_jmp;
char fake_panic_msg[256];

s_time_t NOW(void)
{
	return fake_now;
}
s_time_t console_timestamp(void)
{
	return fake_now;
}
void arch_timer_set_deadline(s_time_t deadline)
{
	fake_timer_deadline[fake_current_cpu] = deadline;
}
void arch_send_softirq_ipi(unsigned int cpu)
{
	fake_softirq_ipis[cpu]++;
}

/* Hypervisor code under test logs through here; keep it quiet unless asked. */
void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (!getenv("UNIT_VERBOSE"))
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* panic() in code under test: a test that expects it sets fake_panic_jmp; otherwise abort. */
void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fake_panic_msg, sizeof(fake_panic_msg), fmt, ap);
	va_end(ap);
	if (fake_panic_jmp)
		longjmp(*fake_panic_jmp, 1);
	fprintf(stderr, "unexpected panic: %s\n", fake_panic_msg);
	abort();
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
