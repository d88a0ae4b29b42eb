/* Fake arch layer for host unit tests: interrupt control is a no-op, one CPU. */
#ifndef ASM_SYSTEM_H
#define ASM_SYSTEM_H

#include <tessera/types.h>

static inline void cpu_relax(void) {}
static inline void local_irq_disable(void) {}
static inline void local_irq_enable(void) {}
static inline unsigned long local_save_flags(void)
{
	return 0;
}
static inline unsigned long local_irq_save(void)
{
	return 0;
}
static inline void local_irq_restore(unsigned long f)
{
	(void)f;
}
static inline bool local_irq_is_enabled(void)
{
	return true;
}
static inline void safe_halt(void) {}
static inline void halt(void) {}

#endif
