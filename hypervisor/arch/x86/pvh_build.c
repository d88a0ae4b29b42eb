/*
 * The boot-domain builder: every domain of the boot bundle, in build order
 * (the xenstore domain, then control domains, then the rest), becomes a
 * running PVH domain, as Xen's hyperlaunch/dom0less builders do:
 *   domain_create with the bundle's domid, name, roles, vCPUs and memory;
 *   RAM populated per the PVH layout (asm/pvh_layout.h);
 *   the kernel ELF loaded at its physical addresses, entered at
 *   XEN_ELFNOTE_PHYS32_ENTRY (required: no note, no PVH boot);
 *   hvm_start_info v1 with modules (initrd first), command line, memory map
 *   and the RSDP of a minimal ACPI (MADT);
 *   console and xenstore ring pages with pre-created event channels and
 *   their HVM params;
 *   grant entry 1 (GNTTAB_RESERVED_XENSTORE) of each domain with a store page
 *   permitting the xenstore domain to map it, as Xen's xenstored expects;
 *   vCPU 0 set to the PVH entry state and brought up, the others left down
 *   for VCPUOP_up.
 * Every domain is built before any runs; then all are unpaused in build
 * order, so the xenstore domain starts first and finds every boot domain
 * already there (XEN_DOMCTL_getdomaininfo).
 * A domain that cannot be built is refused with a one-line reason and torn
 * down; the others are built regardless.
 *
 * hvm_start_info.flags: SIF_PRIVILEGED|SIF_INITDOMAIN for a domain holding
 * both the control and hardware roles (Linux then acts as dom0), 0 for the
 * rest. See docs/architecture.md, "Building boot domains".
 *
 * Runs once on the boot CPU at the end of boot; no locking of its own.
 */
#include <asm/hvm.h>
#include <asm/pvh_build.h>
#include <asm/pvh_layout.h>
#include <public/elfnote.h>
#include <public/grant_table.h>
#include <public/xen.h>
#include <tessera/console.h>
#include <tessera/console_backend.h>
#include <tessera/domain.h>
#include <tessera/domain_exit.h>
#include <tessera/elf.h>
#include <tessera/errno.h>
#include <tessera/format.h>
#include <tessera/grant_table.h>
#include <tessera/hypercall.h>
#include <tessera/mm.h>
#include <tessera/sched.h>
#include <tessera/string.h>

typedef unsigned long long ull;

#define BUILD_WHY_LEN 256

/* What the log line reports about a built domain. */
struct built_info {
	uint32_t entry;
	uint64_t start_info;
};

static const char *mode_refusal(uint32_t mode)
{
	switch (mode) {
	case BUNDLE_MODE_PVH:
		return NULL;
	case BUNDLE_MODE_PV:
		return "PV guests are not supported yet (PVH only)";
	case BUNDLE_MODE_HVM:
		return "HVM guests are not supported yet (PVH only)";
	default:
		return "unknown guest mode";
	}
}

/* The hypervisor's roles from the bundle's: the same bits, guest meaning none. */
static uint32_t bundle_roles_to_domain(uint32_t roles)
{
	return roles & (ROLE_CONTROL | ROLE_XENSTORE | ROLE_HARDWARE);
}

_Static_assert(BUNDLE_ROLE_CONTROL == ROLE_CONTROL && BUNDLE_ROLE_XENSTORE == ROLE_XENSTORE &&
		   BUNDLE_ROLE_HARDWARE == ROLE_HARDWARE,
	       "bundle role bits are the domain role bits");
_Static_assert((int)BUNDLE_MODE_PVH == (int)GUEST_MODE_PVH, "bundle modes are guest modes");

/* Linux treats SIF_INITDOMAIN as "I am dom0": only the domain that is both control and hardware. */
static uint32_t start_info_flags(uint32_t roles)
{
	uint32_t both = BUNDLE_ROLE_CONTROL | BUNDLE_ROLE_HARDWARE;

	return (roles & both) == both ? SIF_PRIVILEGED | SIF_INITDOMAIN : 0;
}

/* Load everything into the new, paused domain d and start its vCPU 0. */
static int build_contents(struct domain *d, const struct bundle_view *v,
			  const struct bundle_dom *bd, const struct elf_image *img,
			  const struct pvh_layout *l, domid_t store_remote, struct built_info *info,
			  char *why, size_t whylen)
{
	struct pvh_module mods[1 + BUNDLE_MAX_MODULES];
	struct pvh_boot_params bp = {0};
	struct pvh_boot_placement place;
	uint32_t console_port, store_port;
	struct vcpu *v0 = d->vcpu[0];
	unsigned int nr = 0;
	int ret;

	for (unsigned int i = 1; i < bd->vcpus; i++)
		if (!vcpu_create(d, i)) {
			snprintf(why, whylen, "creating vCPU %u failed", i);
			return -ENOMEM;
		}
	ret = pvh_populate(d, l);
	if (ret) {
		snprintf(why, whylen, "out of memory populating %llu KiB of RAM (%d)",
			 (ull)bd->memory_kib, ret);
		return ret;
	}
	ret = pvh_load_elf(d, l, img, why, whylen);
	if (ret)
		return ret;
	ret = pvh_load_acpi(d, l);
	if (ret) {
		snprintf(why, whylen, "building the ACPI tables failed (%d)", ret);
		return ret;
	}
	if (bd->ramdisk)
		mods[nr++] = (struct pvh_module){.data = bd->ramdisk, .size = bd->ramdisk_size};
	for (unsigned int i = 0; i < bd->nr_modules; i++)
		mods[nr++] = (struct pvh_module){
		    .data = bundle_blob_data(v, &bd->modules[i].blob),
		    .size = bd->modules[i].blob.size,
		    .cmdline = bd->modules[i].cmdline,
		};
	bp = (struct pvh_boot_params){
	    .kernel_end = img->paddr_end,
	    .cmdline = bd->cmdline,
	    .modules = mods,
	    .nr_modules = nr,
	    .flags = start_info_flags(bd->roles),
	    .rsdp_gpa = l->acpi_gpa,
	};
	ret = pvh_load_boot_info(d, l, &bp, &place, why, whylen);
	if (ret)
		return ret;
	/* The hypervisor serves the console ring; its port is bound to the hypervisor. */
	ret = console_backend_attach(d, _gfn(l->console_gpa >> 12), &console_port);
	if (!ret)
		ret = pvh_setup_special_pages(d, l, console_port, store_remote, &store_port);
	/* The xenstore domain maps the ring through grant 1, as Xen's xenstored does. */
	if (!ret && store_remote != DOMID_INVALID)
		ret = gnttab_seed_entry(d, GNTTAB_RESERVED_XENSTORE, store_remote,
					_gfn(l->store_gpa / PVH_PAGE_SIZE), false);
	if (ret) {
		snprintf(why, whylen, "setting up the console and store pages failed (%d)", ret);
		return ret;
	}
	ret = hvm_vcpu_set_pvh_start(v0, img->xen.phys32_entry, (uint32_t)place.start_info_gpa);
	if (ret) {
		snprintf(why, whylen, "setting vCPU 0's PVH entry state failed (%d)", ret);
		return ret;
	}
	/* vCPU 0 is up (as VCPUOP_up would make it); the rest wait for VCPUOP_up. */
	spin_lock(&d->domain_lock);
	v0->is_initialised = true;
	clear_bit(VPF_down, &v0->pause_flags);
	spin_unlock(&d->domain_lock);
	info->entry = img->xen.phys32_entry;
	info->start_info = place.start_info_gpa;
	return 0;
}

static void destroy_partial(struct domain *d)
{
	while (domain_kill(d) == -ERESTART)
		;
}

static int build_one(const struct bundle_view *v, const struct bundle_dom *bd, domid_t store_remote,
		     struct built_info *info, char *why, size_t whylen)
{
	struct domain_create_args args;
	struct elf_image img;
	struct pvh_layout l;
	struct domain *d;
	char elf_why[ELF_WHY_LEN];
	const char *no;
	int ret;

	if (bd->refused[0]) {
		snprintf(why, whylen, "%s", bd->refused);
		return -EINVAL;
	}
	no = mode_refusal(bd->mode);
	if (no) {
		snprintf(why, whylen, "%s", no);
		return -EOPNOTSUPP;
	}
	ret = elf_parse(bd->kernel, (size_t)bd->kernel_size, &img, elf_why, sizeof(elf_why));
	if (ret) {
		snprintf(why, whylen, "kernel: %s", elf_why);
		return ret;
	}
	if (!elf_xen_has(&img, XEN_ELFNOTE_PHYS32_ENTRY)) {
		snprintf(why, whylen,
			 "kernel has no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel");
		return -EINVAL;
	}
	if (img.xen.phys32_entry < img.paddr_start || img.xen.phys32_entry >= img.paddr_end) {
		snprintf(why, whylen, "PVH entry %#x is outside the loaded image [%#llx, %#llx)",
			 img.xen.phys32_entry, (ull)img.paddr_start, (ull)img.paddr_end);
		return -EINVAL;
	}
	ret = pvh_layout_plan(bd->memory_kib * 1024, &l, why, whylen);
	if (ret)
		return ret;
	args = (struct domain_create_args){
	    .name = bd->name,
	    .roles = bundle_roles_to_domain(bd->roles),
	    .mode = GUEST_MODE_PVH,
	    .max_vcpus = bd->vcpus,
	    .max_pages = (unsigned long)(l.mem_bytes / PVH_PAGE_SIZE),
	};
	ret = domain_create((domid_t)bd->domid, &args, &d);
	if (ret) {
		snprintf(why, whylen, "domain_create failed (%d)", ret);
		return ret;
	}
	d->exit_policy = (uint8_t)boot_domain_exit_policy();
	ret = build_contents(d, v, bd, &img, &l, store_remote, info, why, whylen);
	if (ret)
		destroy_partial(d);
	return ret;
}

/* Second pass: the built domains start in build order (the xenstore domain first). */
static void start_built(const domid_t *ids, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++) {
		struct domain *d = get_domain_by_id(ids[i]);
		int ret;

		if (!d)
			continue; /* cannot happen: nothing runs yet to destroy it */
		ret = domain_unpause_by_controller(d);
		if (ret) {
			pr_err("d%u: unpausing failed (%d); destroyed", ids[i], ret);
			destroy_partial(d);
		}
		put_domain(d);
	}
}

static void format_mem(uint64_t kib, char *buf, size_t size)
{
	if (kib % 1024)
		snprintf(buf, size, "%llu KiB", (ull)kib);
	else
		snprintf(buf, size, "%llu MiB", (ull)(kib >> 10));
}

unsigned int build_boot_domains(const struct bundle_view *v)
{
	domid_t store_remote = DOMID_INVALID;
	domid_t built_ids[BUNDLE_MAX_DOMAINS];
	unsigned int built = 0;

	if (!v || !v->nr_domains)
		return 0;
	if (!hvm_enabled()) {
		pr_err("boot domains: all %u refused: PVH needs AMD SVM with nested paging, which "
		       "this CPU does not offer (QEMU: -cpu qemu64,+svm,+npt)",
		       v->nr_domains);
		return 0;
	}
	/* Teardown tests compare this with the count after destroying them (common/domain_exit.c).
	 */
	pr_info("boot domains: heap free pages before building: %lu", total_free_pages());
	for (unsigned int i = 0; i < v->nr_domains; i++) {
		const struct bundle_dom *bd = &v->domains[i];
		struct built_info info = {0};
		char why[BUILD_WHY_LEN], mem[24];
		/* The xenstore domain is built first: the others' store ports name it, if it ran.
		 */
		domid_t remote = (bd->roles & BUNDLE_ROLE_XENSTORE) ? DOMID_INVALID : store_remote;

		if (build_one(v, bd, remote, &info, why, sizeof(why))) {
			pr_err("d%u '%s': refused: %s", bd->domid, bd->name, why);
			continue;
		}
		built_ids[built++] = (domid_t)bd->domid;
		if (bd->roles & BUNDLE_ROLE_XENSTORE)
			store_remote = (domid_t)bd->domid;
		format_mem(bd->memory_kib, mem, sizeof(mem));
		pr_info("d%u '%s': PVH, %s, %u vCPU%s, entry %#x, start_info %#llx, built",
			bd->domid, bd->name, mem, bd->vcpus, bd->vcpus == 1 ? "" : "s", info.entry,
			(ull)info.start_info);
	}
	/* With the count before, the per-domain overhead beyond guest RAM (make bench). */
	pr_info("boot domains: %u built; heap free pages after building: %lu", built,
		total_free_pages());
	start_built(built_ids, built);
	return built;
}
