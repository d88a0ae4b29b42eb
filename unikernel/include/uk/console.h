/*
 * The unikernel's consoles (kernel/console.c). printf lines go to the
 * outputs in uk_console_outputs:
 *   UK_OUT_E9      port 0xE9 (QEMU's debugcon; Tessera prints it as "(name) text")
 *   UK_OUT_HCALL   HYPERVISOR_console_io(CONSOLEIO_write): synchronous, survives a crash,
 *                  the hypervisor prints "(dN) text"; on Xen dom0 it is the serial line
 *   UK_OUT_RING    the PV console ring (HVM_PARAM_CONSOLE_PFN / CONSOLE_EVTCHN), what a
 *                  console backend (Tessera's, or xenconsoled) prints as "(name) text"
 * Default: E9 and HCALL once the hypervisor is found (tests want the
 * synchronous path); command line out=e9|console|ring|both|all.
 *
 * Locking: console writes disable interrupts (a handler may print).
 */
#ifndef UK_CONSOLE_H
#define UK_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#define UK_OUT_E9 1u
#define UK_OUT_HCALL 2u
#define UK_OUT_RING 4u
extern unsigned int uk_console_outputs;

/* Sets up the PV console ring from the HVM params: 0, or -ENODEV when the domain has none. */
int console_ring_init(void);
int console_ring_present(void);
/* Writes len bytes to the ring and notifies; waits (yielding) for room. Bytes written or -ENODEV.
 */
long console_ring_write(const char *buf, size_t len);
/* printf to the ring only. */
int console_ring_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reads up to size bytes of input from the ring (non-blocking); bytes read. */
size_t console_ring_read(char *buf, size_t size);
/* Called from the ring's event handler when input arrives (interrupt context: no blocking). */
void console_ring_set_input_handler(void (*fn)(void *data), void *data);

/* Writes raw bytes to the selected outputs (no line buffering). */
void console_write(const char *buf, size_t len, unsigned int outputs);

#endif /* UK_CONSOLE_H */
