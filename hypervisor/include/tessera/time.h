/* System time in nanoseconds since boot, and the hardware one-shot timer hook. */
#ifndef TESSERA_TIME_H
#define TESSERA_TIME_H

#include <tessera/types.h>

#define MILLISECS(ms) ((s_time_t)(ms) * 1000000LL)
#define MICROSECS(us) ((s_time_t)(us) * 1000LL)
#define SECONDS(s) ((s_time_t)(s) * 1000000000LL)

/* Nanoseconds since boot on this CPU's clock (monotonic, comparable between CPUs). */
s_time_t NOW(void);

#endif
