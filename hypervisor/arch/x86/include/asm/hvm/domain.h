/*
 * The per-domain state every hardware-assisted (PVH/HVM) domain has,
 * whatever the vendor: the port 0xE9 debug line (hvm/io.c). The vendor's
 * own part (SVM: the nested page table) is nested as .svm.
 *
 * Locking: e9_lock guards the 0xE9 line (several vCPUs may write).
 */
#ifndef ASM_HVM_DOMAIN_H
#define ASM_HVM_DOMAIN_H

#include <asm/hvm/svm/domain.h>
#include <tessera/spinlock.h>
#include <tessera/types.h>

struct hvm_domain {
	bool initialised; /* the vendor state exists (hvm_domain_initialise) */
	/* Port 0xE9 output: the line being assembled, under e9_lock. */
	spinlock_t e9_lock;
	unsigned int e9_len;
	char e9_line[128];
	/* MSRs refused with #GP so far, each logged once (hvm/msr.c); slots taken atomically. */
	uint32_t refused_msrs[32];
	unsigned int nr_refused_msrs;
	/* Accesses to gpas with nothing behind them: the log's rate limit (hvm/mmio.c). */
	s_time_t mmio_log_start;
	unsigned int mmio_log_count;
	struct svm_domain svm; /* the vendor part (asm/hvm/svm/domain.h) */
};

#endif
