/* STUB */
#include <tessera/softirq.h>
void softirq_init(void) {}
