/* STUB */
#include <asm/system.h>
#include <tessera/sched.h>
void sched_init(void) {}
void idle_loop(void) { for (;;) safe_halt(); }
