/*
 * Tessera public ABI: interface-version selection.
 *
 * Tessera implements one interface level only: the newest one of Xen 4.17.
 * Code written against Xen's headers may test these macros, so the names
 * and values are kept; asking for an older level is refused at build time
 * rather than silently giving a different layout.
 */
#ifndef TESSERA_PUBLIC_XEN_COMPAT_H
#define TESSERA_PUBLIC_XEN_COMPAT_H

#define __XEN_LATEST_INTERFACE_VERSION__ 0x00040e00

#ifndef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ __XEN_LATEST_INTERFACE_VERSION__
#endif

#if __XEN_INTERFACE_VERSION__ != __XEN_LATEST_INTERFACE_VERSION__
#error "Tessera's public headers only provide interface version 0x00040e00"
#endif

#endif /* TESSERA_PUBLIC_XEN_COMPAT_H */
