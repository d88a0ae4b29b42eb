/*
 * Who may do what (DESIGN.md section 2; docs/security.md lists every check).
 * Every privileged or cross-domain operation asks here, once, after it has
 * taken its reference to the target domain.
 */
#ifndef TESSERA_PRIVILEGE_H
#define TESSERA_PRIVILEGE_H

#include <tessera/domain.h>

static inline bool has_role(const struct domain *d, uint32_t role)
{
	return (d->roles & role) != 0;
}
static inline bool is_control_domain(const struct domain *d)
{
	return has_role(d, ROLE_CONTROL);
}

/* May caller act on target's own resources (itself, or a control domain)? 0 or -EPERM. */
int priv_target(const struct domain *caller, const struct domain *target);
/* May caller map target's memory without a grant (control role, not itself dying)? 0 or -EPERM. */
int priv_foreign_map(const struct domain *caller, const struct domain *target);
/* domctl/sysctl: control role. 0 or -EPERM. */
int priv_control(const struct domain *caller);
/* Introduce/release domains to the store, map their store rings: xenstore or control role. */
int priv_xenstore(const struct domain *caller, const struct domain *target);
/* A domctl command: the control role for all; the xenstore role for getdomaininfo. 0 or -EPERM. */
int priv_domctl(const struct domain *caller, uint32_t cmd);
/*
 * HVMOP_get_param of target's param index: itself or a control domain (priv_target), and the
 * xenstore role for HVM_PARAM_STORE_PFN/STORE_EVTCHN of any domain. 0 or -EPERM.
 */
int priv_hvm_get_param(const struct domain *caller, const struct domain *target, uint32_t index);

#endif
