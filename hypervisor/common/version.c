/*
 * HYPERVISOR_xen_version (XENVER_*): which Xen Tessera speaks for, and what
 * the calling domain may rely on. Tessera reports Xen 4.17, the ABI it
 * implements (Linux and the tools check the major/minor), with strings that
 * name Tessera. Sub-op semantics and permissions follow Xen 4.17's
 * do_xen_version with its default (dummy XSM) policy: everything is open
 * except the command line and build id, which need the control role; a
 * guest asking for the command line gets "<denied>", as in Xen.
 *
 * Locking: none; everything read here is fixed after boot or per domain.
 */
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/guest_access.h>
#include <tessera/hypercall.h>
#include <tessera/privilege.h>
#include <tessera/string.h>
#include <asm/setup.h>
#include <public/version.h>
#include <public/xen.h>

/* Appended to "4.17" by guests that print the version ("4.17.0-tessera"). */
#define TESSERA_EXTRAVERSION ".0-tessera"

/*
 * The guest kinds we run: PVH and HVM (both "hvm" to Xen's tools). The PV
 * issue adds "xen-3.0-x86_64" when 64-bit PV guests run.
 */
#define TESSERA_CAPABILITIES "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64"

/* What a caller without the privilege gets instead of a string (Xen's xen_deny()). */
#define VERSION_DENIED "<denied>"

#define VERSION_PAGE_SIZE 4096

/*
 * XENVER_get_features submap 0 for d: only the bits Tessera honours.
 *  translated (PVH/HVM): auto_translated_physmap (gfns go through the p2m),
 *    writable_page_tables (the guest owns its page tables, as Xen says for
 *    translated guests), hvm_callback_vector (HVMOP_set_evtchn_upcall_vector
 *    and the CALLBACK_IRQ vector type), hvm_safe_pvclock (vcpu_time_info
 *    follows the pvclock protocol), not_direct_mapped (gfn != mfn).
 *  PV: direct_mapped only; the PV MMU bits (mmu_pt_update_preserve_ad,
 *    highmem_assist, gnttab_map_avail_bits) come with the PV issue.
 *  dom0: the hardware role, as Xen's is_hardware_domain (Linux then acts as
 *    the initial domain).
 * Not offered: memory_op_vnode_supported (no vNUMA), hvm_pirqs (no PIRQs),
 * supervisor_mode_kernel, pae_pgdir_above_4gb (32-bit PV).
 */
static uint32_t version_features(const struct domain *d)
{
	uint32_t f = 0;

	if (d->auto_translated)
		f |= (1U << XENFEAT_writable_page_tables) |
		     (1U << XENFEAT_auto_translated_physmap) | (1U << XENFEAT_hvm_callback_vector) |
		     (1U << XENFEAT_hvm_safe_pvclock) | (1U << XENFEAT_not_direct_mapped);
	else
		f |= 1U << XENFEAT_direct_mapped;
	if (has_role(d, ROLE_HARDWARE))
		f |= 1U << XENFEAT_dom0;
	return f;
}

/* Copy a string into a zeroed fixed-size ABI field. */
static void version_str(char *dst, size_t size, const char *src)
{
	memset(dst, 0, size);
	strlcpy(dst, src, size);
}

/* The ABI's per-command structures, as bytes for the copy out (their sizes vary by command). */
static long version_copy_out(XEN_GUEST_HANDLE(void) arg, const void *buf, size_t len)
{
	return copy_to_guest(guest_handle_cast(arg, char), buf, len) ? -EFAULT : 0;
}

DEFINE_XEN_GUEST_HANDLE(xen_feature_info_t);

long do_xen_version(const struct hypercall_args *args)
{
	int cmd = (int)args->a[0]; /* Xen takes an int */
	XEN_GUEST_HANDLE(void) arg = guest_handle_from_arg(args->a[1], void);
	struct domain *d = current->domain;
	bool privileged = is_control_domain(d);

	switch (cmd) {
	case XENVER_version:
		return (XEN_VERSION_MAJOR << 16) | XEN_VERSION_MINOR;

	case XENVER_extraversion: {
		xen_extraversion_t ev;

		version_str(ev, sizeof(ev), TESSERA_EXTRAVERSION);
		return version_copy_out(arg, ev, sizeof(ev));
	}

	case XENVER_compile_info: {
		xen_compile_info_t ci;

		version_str(ci.compiler, sizeof(ci.compiler), "gcc " __VERSION__);
		version_str(ci.compile_by, sizeof(ci.compile_by), "tessera");
		version_str(ci.compile_domain, sizeof(ci.compile_domain), "");
		/* No build date: builds are reproducible. */
		version_str(ci.compile_date, sizeof(ci.compile_date), "");
		return version_copy_out(arg, &ci, sizeof(ci));
	}

	case XENVER_capabilities: {
		static const xen_capabilities_info_t caps = TESSERA_CAPABILITIES; /* zero-padded */

		return version_copy_out(arg, caps, sizeof(caps));
	}

	case XENVER_changeset: {
		xen_changeset_info_t cs;

		version_str(cs, sizeof(cs), "unavailable");
		return version_copy_out(arg, cs, sizeof(cs));
	}

	case XENVER_platform_parameters: {
		xen_platform_parameters_t pp = {.virt_start = HYPERVISOR_VIRT_START};

		return version_copy_out(arg, &pp, sizeof(pp));
	}

	case XENVER_get_features: {
		xen_feature_info_t fi;

		if (copy_from_guest(&fi, guest_handle_cast(arg, xen_feature_info_t), 1))
			return -EFAULT;
		if (fi.submap_idx != 0)
			return -EINVAL;
		fi.submap = version_features(d);
		return version_copy_out(arg, &fi, sizeof(fi));
	}

	case XENVER_pagesize:
		/* As Xen: the argument must be NULL. */
		return guest_handle_is_null(arg) ? VERSION_PAGE_SIZE : -EINVAL;

	case XENVER_guest_handle: {
		BUILD_BUG_ON(sizeof(d->handle) != sizeof(xen_domain_handle_t));
		return version_copy_out(arg, d->handle, sizeof(d->handle));
	}

	case XENVER_commandline: {
		static const char zeros[sizeof(xen_commandline_t) - sizeof(boot_info.cmdline)];
		const size_t n = sizeof(boot_info.cmdline);
		XEN_GUEST_HANDLE(char) rest;

		if (!privileged)
			return version_copy_out(arg, VERSION_DENIED, sizeof(VERSION_DENIED));
		/* The whole xen_commandline_t, as Xen: our (NUL-terminated) line, then zeros. */
		BUILD_BUG_ON(sizeof(boot_info.cmdline) > sizeof(xen_commandline_t));
		if (version_copy_out(arg, boot_info.cmdline, n))
			return -EFAULT;
		rest = guest_handle_cast(arg, char);
		guest_handle_add_offset(rest, n);
		return copy_to_guest(rest, zeros, sizeof(zeros)) ? -EFAULT : 0;
	}

	case XENVER_build_id:
		/* The image carries no build-id note (Xen: -ENODATA then). */
		return privileged ? -ENODATA : -EPERM;

	default:
		return -ENOSYS;
	}
}
