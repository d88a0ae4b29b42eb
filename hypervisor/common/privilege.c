/*
 * Role checks (tessera/privilege.h, DESIGN.md section 2). Each answers one
 * question with 0 or -EPERM; callers ask once, after taking their reference
 * on the target domain. docs/security.md lists which operation asks which.
 *
 * Locking: none; roles are fixed at domain creation.
 */
#include <public/domctl.h>
#include <public/hvm/params.h>
#include <tessera/errno.h>
#include <tessera/privilege.h>

int priv_target(const struct domain *caller, const struct domain *target)
{
	if (caller == target || is_control_domain(caller))
		return 0;
	return -EPERM;
}

int priv_foreign_map(const struct domain *caller, const struct domain *target)
{
	/*
	 * As Xen's XSM default for foreign mappings: a privileged (control)
	 * caller, and never mapping itself through the foreign path. A dying
	 * caller gets nothing new.
	 */
	if (!is_control_domain(caller) || caller == target || caller->state != DOMAIN_ALIVE)
		return -EPERM;
	return 0;
}

int priv_control(const struct domain *caller)
{
	return is_control_domain(caller) ? 0 : -EPERM;
}

int priv_xenstore(const struct domain *caller, const struct domain *target)
{
	if (has_role(caller, ROLE_XENSTORE | ROLE_CONTROL))
		return 0;
	return -EPERM;
}

int priv_domctl(const struct domain *caller, uint32_t cmd)
{
	if (is_control_domain(caller))
		return 0;
	/* As Xen's XSM default (XSM_XS_PRIV): the store watches domains come and go. */
	if (has_role(caller, ROLE_XENSTORE) && cmd == XEN_DOMCTL_getdomaininfo)
		return 0;
	return -EPERM;
}

int priv_hvm_get_param(const struct domain *caller, const struct domain *target, uint32_t index)
{
	if (!priv_target(caller, target))
		return 0;
	/* Tessera's rule (docs/security.md): the store finds each domain's ring and port. */
	if (has_role(caller, ROLE_XENSTORE) &&
	    (index == HVM_PARAM_STORE_PFN || index == HVM_PARAM_STORE_EVTCHN))
		return 0;
	return -EPERM;
}
