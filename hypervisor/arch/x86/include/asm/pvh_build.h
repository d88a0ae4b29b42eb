/*
 * The boot-domain builder (arch/x86/pvh_build.c): turns the validated boot
 * bundle into running domains at the end of boot. Runs once, on the boot
 * CPU, before the scheduler has guests to run; no locking of its own.
 */
#ifndef ASM_PVH_BUILD_H
#define ASM_PVH_BUILD_H

#include <tessera/bundle.h>

/*
 * Build every domain of v (NULL: none) in its build order (xenstore, control, the rest),
 * printing one line per domain: built, or refused with the reason. A refused domain
 * leaves nothing behind; the others are built regardless. Returns the number built.
 */
unsigned int build_boot_domains(const struct bundle_view *v);

#endif
