/*
 * Included first in every hypervisor translation unit (C and assembly).
 * Hidden visibility lets -fpie code reach every symbol RIP-relative, so the
 * image runs at its high link address without a GOT.
 */
#ifndef TESSERA_CONFIG_H
#define TESSERA_CONFIG_H

#define TESSERA_VERSION_MAJOR 0
#define TESSERA_VERSION_MINOR 1
#define TESSERA_VERSION_STRING "0.1"

/* The Xen release whose ABI Tessera implements (XENVER_version, CPUID leaf 0x40000001). */
#define XEN_VERSION_MAJOR 4
#define XEN_VERSION_MINOR 17

#define NR_CPUS 64

#if !defined(__ASSEMBLY__) && !defined(TESSERA_HOST_TEST)
#pragma GCC visibility push(hidden)
#endif

#endif
