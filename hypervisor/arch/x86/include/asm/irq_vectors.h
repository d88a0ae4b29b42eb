/* Interrupt vector assignments (IDT). 0-31 are exceptions. */
#ifndef ASM_IRQ_VECTORS_H
#define ASM_IRQ_VECTORS_H

#define FIRST_DEVICE_VECTOR 0x20
#define LAST_DEVICE_VECTOR 0xef
#define CALL_FUNCTION_VECTOR 0xfa /* IPI: run a function on another CPU */
#define EVENT_CHECK_VECTOR 0xfb	  /* IPI: wake a CPU to run its softirqs */
#define LOCAL_TIMER_VECTOR 0xfc	  /* local APIC one-shot timer */
#define ERROR_APIC_VECTOR 0xfe
#define SPURIOUS_APIC_VECTOR 0xff

#endif
