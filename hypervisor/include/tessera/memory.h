/*
 * Memory operations as the rest of the hypervisor uses them
 * (common/memory.c). The guest ABI is XENMEM_* in public/memory.h.
 */
#ifndef TESSERA_MEMORY_H
#define TESSERA_MEMORY_H

#include <tessera/compiler.h>
#include <tessera/domain.h>

/*
 * One entry of the E820-style map XENMEM_memory_map returns: 20 bytes,
 * packed, as every x86 guest (Linux's struct e820_entry) reads it.
 */
struct e820entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __packed;

#define E820_RAM 1
#define E820_RESERVED 2
#define E820_ACPI 3
#define E820_NVS 4
#define E820_UNUSABLE 5

/* Most entries a domain's map may hold (Xen's E820MAX for XENMEM_set_memory_map). */
#define E820_MAX_ENTRIES 1024

/*
 * Set the map d will see through XENMEM_memory_map (the domain builder, or
 * XENMEM_set_memory_map), replacing any earlier one; nr == 0 removes it.
 * The entries are copied. 0, -EINVAL (nr too large) or -ENOMEM.
 */
int domain_set_memory_map(struct domain *d, const struct e820entry *map, unsigned int nr);
/* Free d's map (domain teardown); safe to call more than once. */
void domain_memory_map_free(struct domain *d);

#endif
