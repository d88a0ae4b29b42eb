/* Tessera public ABI: Xen keeps the PVH start info under arch-x86/; same content as
 * hvm/start_info.h. */
#include "../../hvm/start_info.h"
