/*
 * Fake arch domain/vCPU hooks (tessera/arch.h) for host tests: there is no
 * VMCB or nested page table on the host, so creation succeeds with no arch
 * state and running a guest vCPU is never reached (no test enters idle_loop).
 */
#include <tessera/arch.h>
#include <tessera/domain.h>

int arch_domain_create(struct domain *d)
{
	(void)d;
	return 0;
}
void arch_domain_destroy(struct domain *d)
{
	(void)d;
}
int arch_vcpu_create(struct vcpu *v)
{
	(void)v;
	return 0;
}
void arch_vcpu_destroy(struct vcpu *v)
{
	(void)v;
}
void arch_vcpu_run(struct vcpu *v)
{
	(void)v;
}
