/* x86 time: local APIC, TSC calibration, the one-shot APIC timer. */
#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <tessera/time.h>

/* Boot CPU: enable the local APIC, mask the IOAPIC, calibrate the TSC, start the timer. */
void time_init(void);

#endif
