/*
 * The boot bundle as the hypervisor holds it: found among the boot modules,
 * validated by bundle_parse() (tessera/bundle.h), printed, and kept for the
 * domain builder.
 */
#ifndef TESSERA_BOOTBUNDLE_H
#define TESSERA_BOOTBUNDLE_H

#include <tessera/bootinfo.h>
#include <tessera/bundle.h>

/* Find, validate and print the bundle among the boot modules. Never fatal. */
void bootbundle_load_from(const struct boot_info *bi);

/*
 * The validated bundle (domains in build order), or NULL if there was none or
 * it was rejected. Its pointers point into the module, which must stay mapped
 * and unallocated until the boot domains are built.
 */
const struct bundle_view *bootbundle_get(void);

/* Which boot module is the bundle: index, or -1 (exposed for unit tests). */
int bootbundle_find_module(const struct boot_info *bi,
			   const void *(*peek)(const struct boot_module *m));

#endif
