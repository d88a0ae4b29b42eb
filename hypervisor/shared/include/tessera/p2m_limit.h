/*
 * The highest guest frame number a p2m may hold (common/p2m.c, tessera/p2m.h), which the
 * PVH planner (pvh_plan.c) also enforces: guest-physical addresses below 2^52.
 */
#ifndef TESSERA_P2M_LIMIT_H
#define TESSERA_P2M_LIMIT_H

#define P2M_MAX_GFN ((1UL << 40) - 1)

#endif
