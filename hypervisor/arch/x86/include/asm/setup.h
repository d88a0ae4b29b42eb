/* Boot-time state kept for later subsystems. */
#ifndef ASM_SETUP_H
#define ASM_SETUP_H

#include <tessera/bootinfo.h>

extern struct boot_info boot_info;

#endif
