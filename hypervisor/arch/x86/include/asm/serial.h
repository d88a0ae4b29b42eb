/* The COM1 boot console. */
#ifndef ASM_SERIAL_H
#define ASM_SERIAL_H

/* Program COM1 and register it as a console output. */
void serial_init(void);

#endif
