/* Descriptor tables, exceptions and interrupts. */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

/* Boot CPU: load its GDT, TSS (IST stacks for NMI, #DF, #MC) and the IDT. */
void traps_init_bsp(void);

#endif
