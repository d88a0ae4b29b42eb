/*
 * The logger type the Xen tool libraries take at open (Xen's xentoollog.h,
 * declared only): Tessera's libraries accept a logger argument for source
 * compatibility and ignore it; errors are reported through errno and return
 * values, as Xen's libraries also do.
 */
#ifndef TESSERA_XENTOOLLOG_H
#define TESSERA_XENTOOLLOG_H

typedef struct xentoollog_logger xentoollog_logger;

#endif
