/*
 * Fake arch hooks that domctl/sysctl use (tessera/arch.h): the CPU clock
 * rate and the PVH/HVM vCPU register state, which the fake keeps per vCPU.
 */
#ifndef FAKE_CTL_H
#define FAKE_CTL_H

#include <tessera/domain.h>
#include <public/xen.h>

/* What arch_cpu_khz() and arch_hvm_hap() answer. */
extern uint32_t fake_cpu_khz;
extern bool fake_hvm_hap;
/* What the next arch_vcpu_set_context / arch_vcpu_get_context answer instead of storing (0 = work).
 */
extern int fake_vcpu_context_fail;
/* Calls made to each hook. */
extern unsigned long fake_vcpu_set_context_calls, fake_vcpu_get_context_calls;
/* Forget every stored context (tests call it at setup: vCPU addresses are reused). */
void fake_ctl_reset(void);
/* The context stored for v (NULL if none or reset). */
const struct vcpu_guest_context *fake_vcpu_context(const struct vcpu *v);

#endif
