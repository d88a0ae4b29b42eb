/*
 * A hand-made guest for the SVM self-tests (selftest.c, selftest_hostile.c):
 * a throwaway PVH domain with one vCPU and two pages, 32-bit code at gpa
 * 0x100000 (filled with HLT around what the test copies in) and data at
 * 0x101000, started in the PVH entry state and run through the real
 * scheduler and run loop on the calling CPU.
 */
#ifndef TESSERA_SVM_SELFTEST_GUEST_H
#define TESSERA_SVM_SELFTEST_GUEST_H

#include <tessera/domain.h>
#include <tessera/time.h>

#define STG_CODE_GFN 0x100
#define STG_DATA_GFN 0x101
/* Where stg_fill_tables puts them in the data page (gpa 0x101000 + offset). */
#define STG_GDT 0x40   /* null, flat 32-bit code (0x08), flat data (0x10) */
#define STG_IDTR 0x180 /* lidt operand: limit 0x7ff, base data + STG_IDT */
#define STG_GDTR 0x188 /* lgdt operand: limit 0x17, base data + STG_GDT */
#define STG_IDT 0x200

struct stg_guest {
	struct domain *d;
	struct vcpu *v;
	uint8_t *code; /* the code page, all HLT (0xf4) */
	uint8_t *data; /* the data page, all zero */
};

/* Create the domain (with a reference of ours) and its two pages; 0 or -errno. */
int stg_create(struct stg_guest *g, domid_t domid, const char *name);
/* Descriptor tables in the data page: the GDT, and an IDT with one 32-bit interrupt gate. */
void stg_fill_tables(uint8_t *data, unsigned int vector, uint32_t handler_gpa);
/* Map both pages, put vCPU 0 at the code page in the PVH entry state, unpause. */
int stg_start(struct stg_guest *g);
/*
 * The body of idle_loop until the domain has shut down and its vCPU left the
 * CPU, or the deadline; with kick, one upcall is raised the first time the
 * vCPU blocks.
 */
void stg_run_until_down(struct stg_guest *g, s_time_t deadline, bool kick);
/* Kill the domain and drop our reference: every page goes back. */
void stg_destroy(struct stg_guest *g);

#endif
