/* The boot bundle: the list of boot domains, given as a boot module. */
#ifndef TESSERA_BOOTBUNDLE_H
#define TESSERA_BOOTBUNDLE_H

#include <tessera/bootinfo.h>

/* Find, validate and print the bundle among the boot modules. Never fatal. */
void bootbundle_load_from(const struct boot_info *bi);

#endif
