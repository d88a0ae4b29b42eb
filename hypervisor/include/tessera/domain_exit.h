/*
 * What happens to a boot domain when it shuts down (common/domain_exit.c).
 * Until a toolstack exists nobody else would destroy it, so each domain
 * carries a policy: keep it (shut down, resources held, as Xen leaves a
 * domain for its toolstack) or destroy it (the hypervisor runs domain_kill
 * from a softirq, preemptibly, and logs the pages that came back).
 *
 * The policy of boot domains comes from the hypervisor command line,
 * boot-domain-exit=keep|destroy (default keep); the bundle's plan may carry
 * one per domain later.
 */
#ifndef TESSERA_DOMAIN_EXIT_H
#define TESSERA_DOMAIN_EXIT_H

#include <tessera/domain.h>

enum domain_exit_policy {
	DOMAIN_EXIT_KEEP = 0,	 /* shut down and left as is */
	DOMAIN_EXIT_DESTROY = 1, /* destroyed by the hypervisor once every vCPU is off its CPU */
};

/* Boot CPU, once, before the boot domains are built: parse boot-domain-exit=, set up the softirq.
 */
void domain_exit_init(const char *cmdline);
/* The policy the builder gives boot domains. */
enum domain_exit_policy boot_domain_exit_policy(void);
/* d just shut down (common/domain.c domain_shutdown): act on d->exit_policy. Any CPU, no lock held.
 */
void domain_exit_notify(struct domain *d);

#endif
