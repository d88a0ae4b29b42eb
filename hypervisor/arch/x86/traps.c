/* STUB: replaced by the traps work. */
#include <asm/traps.h>
#include <tessera/arch.h>
void traps_init_bsp(void) {}
void arch_dump_stack(void) {}
