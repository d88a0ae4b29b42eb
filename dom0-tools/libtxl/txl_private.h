/*
 * libtxl internals shared by its files: store path helpers and the
 * teardown both a failed create and destroy use. No locking.
 */
#ifndef TXL_PRIVATE_H
#define TXL_PRIVATE_H

#include "txl.h"
#include "txl_ops.h"

#define TXL_PATH_LEN 128
#define TXL_XS_RETRIES 16 /* transaction commits refused with EAGAIN before giving up */

void txl_dom_path(char *buf, uint32_t domid, const char *sub); /* /local/domain/ID[/sub] */
void txl_uuid_string(char *buf, const uint8_t uuid[16]);       /* 37 bytes */
/* A store value (malloc'd) or NULL (errno set). */
char *txl_store_read(struct txl_ctx *ctx, const char *path);
/*
 * Destroy the domain and remove what the store holds for it: the domain
 * released, /local/domain/ID, its /vm/UUID (vm_path, or read from the
 * store when NULL) and /libxl/ID. Every step is tried; the first error is
 * returned.
 */
int txl_domain_teardown(struct txl_ctx *ctx, uint32_t domid, const char *vm_path);

#endif
