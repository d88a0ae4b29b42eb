/* STUB */
#include <tessera/bootbundle.h>
void bootbundle_load_from(const struct boot_info *bi) {}
