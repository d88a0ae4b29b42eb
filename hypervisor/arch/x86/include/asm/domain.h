/*
 * The x86 part of struct vcpu and struct domain (tessera/domain.h embeds
 * them as v->arch and d->arch). PVH and HVM guests keep their state in
 * .hvm (asm/hvm/vcpu.h, asm/hvm/domain.h); PV guests will add theirs
 * beside it.
 */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <asm/hvm/domain.h>
#include <asm/hvm/vcpu.h>

struct arch_vcpu {
	struct hvm_vcpu hvm; /* PVH/HVM: valid when hvm.initialised */
};

struct arch_domain {
	struct hvm_domain hvm; /* PVH/HVM: valid when hvm.initialised */
};

#endif
