/*
 * The highest guest frame number a p2m may hold (common/p2m.c, tessera/p2m.h), which the
 * PVH planner (pvh_plan.c) also enforces: guest-physical addresses below 2^48, what the
 * 4-level nested page table maps (arch/x86/hvm/svm/npt.c; a wider gfn would alias one of
 * these in hardware) and what CPUID 0x80000008 reports as the guest's physical address
 * width (arch/x86/hvm/cpuid.c).
 */
#ifndef TESSERA_P2M_LIMIT_H
#define TESSERA_P2M_LIMIT_H

#define P2M_PADDR_BITS 48
#define P2M_MAX_GFN ((1UL << (P2M_PADDR_BITS - 12)) - 1)

#endif
