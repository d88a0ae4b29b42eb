/*
 * The PVH domain builder (tessera_pvh_build.h): the toolstack's version of
 * the hypervisor's boot builder (hypervisor/arch/x86/pvh_build.c), through
 * libxenctrl and libxenforeignmemory. The ELF parser and the ACPI tables
 * are the hypervisor's own portable sources (hypervisor/shared/elf.c,
 * acpi_build.c) compiled into this library, and so is the plan
 * of the domain's memory (shared/pvh_plan.c), the same as the
 * hypervisor's builder makes. Every step after createdomain that fails destroys the
 * domain, so a failed build leaves nothing behind.
 * No locking: the caller's handles, one thread.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/acpi_build.h>
#include <asm/pvh_plan.h>
#include <public/elfnote.h>
#include <public/grant_table.h>
#include <public/hvm/params.h>
#include <tessera/elf.h>
#include <tessera_pvh_build.h>
#include "pvh_guest_mem.h"

typedef unsigned long long ull;

#define BUILD_MAX_VCPUS 128
#define CR0_PE 1UL

/* The hypervisor's format_why (tessera/format.h), which the unikernel build cannot include. */
static void __attribute__((format(printf, 3, 4)))
say(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (!why || !whylen)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

/* What build_check plans: the layout, the boot info and the one module (the ramdisk). */
struct build_plan {
	struct pvh_layout l;
	struct pvh_module ramdisk;
	struct pvh_boot_params boot;
	struct pvh_boot_placement place;
	uint64_t ramdisk_gpa;
};

/* The checks that need no hypercall: the image, the sizes, the layout and the boot info. */
static int build_check(const struct pvh_build_config *cfg, struct elf_image *img,
		       struct build_plan *plan, char *why, size_t whylen)
{
	char elf_why[ELF_WHY_LEN];
	int ret;

	if (!cfg->kernel || !cfg->kernel_size) {
		say(why, whylen, "no kernel image");
		return -EINVAL;
	}
	if (!cfg->vcpus || cfg->vcpus > BUILD_MAX_VCPUS) {
		say(why, whylen, "%u vCPUs: 1 to %u", cfg->vcpus, BUILD_MAX_VCPUS);
		return -EINVAL;
	}
	if (cfg->memory_kib > (~0ULL >> 10)) {
		say(why, whylen, "memory %llu KiB is too large", (ull)cfg->memory_kib);
		return -EINVAL;
	}
	ret = elf_parse(cfg->kernel, cfg->kernel_size, img, elf_why, sizeof(elf_why));
	if (ret) {
		say(why, whylen, "kernel: %s", elf_why);
		return ret;
	}
	if (!elf_xen_has(img, XEN_ELFNOTE_PHYS32_ENTRY)) {
		say(why, whylen, "kernel has no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel");
		return -EINVAL;
	}
	if (img->xen.phys32_entry < img->paddr_start || img->xen.phys32_entry >= img->paddr_end) {
		say(why, whylen, "PVH entry %#x is outside the loaded image [%#llx, %#llx)",
		    img->xen.phys32_entry, (ull)img->paddr_start, (ull)img->paddr_end);
		return -EINVAL;
	}
	ret = pvh_layout_plan(cfg->memory_kib * 1024, &plan->l, why, whylen);
	if (!ret)
		ret = pvh_plan_check_kernel(&plan->l, img, why, whylen);
	if (ret)
		return ret;
	plan->ramdisk = (struct pvh_module){.data = cfg->ramdisk, .size = cfg->ramdisk_size};
	plan->boot = (struct pvh_boot_params){
	    .kernel_end = img->paddr_end,
	    .cmdline = cfg->cmdline,
	    .modules = &plan->ramdisk,
	    .nr_modules = cfg->ramdisk && cfg->ramdisk_size ? 1 : 0,
	    .rsdp_gpa = plan->l.acpi_gpa,
	};
	return pvh_plan_boot_info(&plan->l, &plan->boot, &plan->ramdisk_gpa, &plan->place, why,
				  whylen);
}

static int fail_errno(char *why, size_t whylen, const char *what)
{
	int e = errno ? errno : EIO;

	say(why, whylen, "%s failed (errno %d)", what, e);
	return -e;
}

static int load_image(xenforeignmemory_handle *fmem, uint32_t domid, const struct elf_image *img,
		      char *why, size_t whylen)
{
	struct elf_segment seg;
	unsigned int cursor = 0;
	int ret;

	while (elf_next_load(img, &cursor, &seg)) {
		ret = pvh_mem_write(fmem, domid, seg.paddr, seg.data, seg.filesz);
		if (!ret && seg.memsz > seg.filesz)
			ret = pvh_mem_write(fmem, domid, seg.paddr + seg.filesz, NULL,
					    seg.memsz - seg.filesz);
		if (ret) {
			say(why, whylen, "kernel segment at %#llx: copy failed (%d)",
			    (ull)seg.paddr, ret);
			return ret;
		}
	}
	return 0;
}

static int load_boot_info(xc_interface *xch, xenforeignmemory_handle *fmem, uint32_t domid,
			  const struct pvh_build_config *cfg, const struct build_plan *plan,
			  char *why, size_t whylen)
{
	const struct pvh_layout *l = &plan->l;
	struct e820entry map[PVH_E820_MAX];
	size_t info_len = pvh_boot_info_size(&plan->place);
	uint8_t acpi[PVH_ACPI_PAGES * PVH_PAGE_SIZE];
	void *info = malloc(info_len);
	long n;
	int ret;

	if (!info)
		return -ENOMEM;
	pvh_write_boot_info(l, &plan->boot, &plan->place, &plan->ramdisk_gpa, info);
	ret = pvh_mem_write(fmem, domid, plan->place.start_info_gpa, info, info_len);
	free(info);
	if (!ret && plan->boot.nr_modules)
		ret =
		    pvh_mem_write(fmem, domid, plan->ramdisk_gpa, cfg->ramdisk, cfg->ramdisk_size);
	if (ret) {
		say(why, whylen, "writing the boot information failed (%d)", ret);
		return ret;
	}
	n = acpi_build_tables(acpi, sizeof(acpi), l->acpi_gpa, cfg->vcpus);
	ret = n < 0 ? (int)n : pvh_mem_write(fmem, domid, l->acpi_gpa, acpi, (uint64_t)n);
	if (ret) {
		say(why, whylen, "building the ACPI tables failed (%d)", ret);
		return ret;
	}
	/* The same map for XENMEM_memory_map (guests that ignore start_info's). */
	for (unsigned int i = 0; i < l->nr_map; i++)
		map[i] = (struct e820entry){
		    .addr = l->map[i].addr, .size = l->map[i].size, .type = l->map[i].type};
	if (xc_domain_set_memory_map(xch, domid, map, l->nr_map))
		return fail_errno(why, whylen, "XENMEM_set_memory_map");
	return 0;
}

/* Console and store rings: ports for their backends, HVM params, reserved grants. */
static int setup_rings(xc_interface *xch, uint32_t domid, const struct pvh_build_config *cfg,
		       const struct pvh_layout *l, struct pvh_build_result *out, char *why,
		       size_t whylen)
{
	int port;

	out->console_gfn = l->console_gpa / PVH_PAGE_SIZE;
	out->store_gfn = l->store_gpa / PVH_PAGE_SIZE;
	port = xc_evtchn_alloc_unbound(xch, domid, cfg->console_domid);
	if (port < 0)
		return fail_errno(why, whylen, "console event channel");
	out->console_port = (uint32_t)port;
	if (xc_hvm_param_set(xch, domid, HVM_PARAM_CONSOLE_PFN, out->console_gfn) ||
	    xc_hvm_param_set(xch, domid, HVM_PARAM_CONSOLE_EVTCHN, out->console_port))
		return fail_errno(why, whylen, "console HVM params");
	if (xc_tessera_gnttab_seed(xch, domid, GNTTAB_RESERVED_CONSOLE, cfg->console_domid,
				   out->console_gfn, 0))
		return fail_errno(why, whylen, "console grant entry");
	if (cfg->store_domid == DOMID_INVALID)
		return 0;
	port = xc_evtchn_alloc_unbound(xch, domid, cfg->store_domid);
	if (port < 0)
		return fail_errno(why, whylen, "store event channel");
	out->store_port = (uint32_t)port;
	if (xc_hvm_param_set(xch, domid, HVM_PARAM_STORE_PFN, out->store_gfn) ||
	    xc_hvm_param_set(xch, domid, HVM_PARAM_STORE_EVTCHN, out->store_port))
		return fail_errno(why, whylen, "store HVM params");
	/* The xenstore domain maps the ring through grant 1, as Xen's xenstored does. */
	if (xc_tessera_gnttab_seed(xch, domid, GNTTAB_RESERVED_XENSTORE, cfg->store_domid,
				   out->store_gfn, 0))
		return fail_errno(why, whylen, "store grant entry");
	return 0;
}

/* vCPU 0 at the PVH entry (32-bit flat, paging off, ebx = start_info), online. */
static int start_vcpu0(xc_interface *xch, uint32_t domid, uint32_t entry, uint64_t start_info,
		       char *why, size_t whylen)
{
	vcpu_guest_context_any_t *ctx = calloc(1, sizeof(*ctx));
	int ret = 0;

	if (!ctx)
		return -ENOMEM;
	ctx->c.flags = VGCF_online;
	ctx->c.user_regs.rip = entry;
	ctx->c.user_regs.rbx = start_info;
	ctx->c.user_regs.rflags = 2;
	ctx->c.ctrlreg[0] = CR0_PE;
	if (xc_vcpu_setcontext(xch, domid, 0, ctx))
		ret = fail_errno(why, whylen, "setting vCPU 0's PVH entry state");
	free(ctx);
	return ret;
}

static int build_contents(xc_interface *xch, xenforeignmemory_handle *fmem, uint32_t domid,
			  const struct pvh_build_config *cfg, const struct elf_image *img,
			  const struct build_plan *plan, struct pvh_build_result *out, char *why,
			  size_t whylen)
{
	const struct pvh_layout *l = &plan->l;
	uint64_t start_info = plan->place.start_info_gpa;
	int ret;

	if (cfg->vcpus > 1 && xc_domain_max_vcpus(xch, domid, cfg->vcpus))
		return fail_errno(why, whylen, "creating the vCPUs");
	if (xc_domain_setmaxmem(xch, domid, l->mem_bytes >> 10))
		return fail_errno(why, whylen, "setting the memory limit");
	ret = pvh_mem_populate(xch, domid, 0, l->low_end);
	if (!ret && l->high_end)
		ret = pvh_mem_populate(xch, domid, PVH_HIGH_START, l->high_end);
	if (ret) {
		say(why, whylen, "out of memory populating %llu KiB of RAM (%d)",
		    (ull)cfg->memory_kib, ret);
		return ret;
	}
	ret = load_image(fmem, domid, img, why, whylen);
	if (!ret)
		ret = load_boot_info(xch, fmem, domid, cfg, plan, why, whylen);
	if (!ret)
		ret = setup_rings(xch, domid, cfg, l, out, why, whylen);
	if (!ret)
		ret = start_vcpu0(xch, domid, img->xen.phys32_entry, start_info, why, whylen);
	if (ret)
		return ret;
	out->entry = img->xen.phys32_entry;
	out->start_info_gpa = start_info;
	if (!cfg->start_paused && xc_domain_unpause(xch, domid))
		return fail_errno(why, whylen, "unpausing");
	return 0;
}

int pvh_build_domain(xc_interface *xch, xenforeignmemory_handle *fmem,
		     const struct pvh_build_config *cfg, struct pvh_build_result *out, char *why,
		     size_t whylen)
{
	struct xen_domctl_createdomain create;
	struct build_plan plan;
	struct elf_image img;
	uint32_t domid;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = build_check(cfg, &img, &plan, why, whylen);
	if (ret)
		return ret;
	memset(&create, 0, sizeof(create));
	memcpy(create.handle, cfg->uuid, sizeof(create.handle));
	create.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
	create.max_vcpus = cfg->vcpus;
	create.max_grant_frames = -1;
	create.max_maptrack_frames = -1;
	create.grant_opts = XEN_DOMCTL_GRANT_version(1);
	create.arch.emulation_flags = XEN_X86_EMU_LAPIC;
	domid = cfg->domid;
	if (xc_domain_create(xch, &domid, &create))
		return fail_errno(why, whylen, "createdomain");
	ret = build_contents(xch, fmem, domid, cfg, &img, &plan, out, why, whylen);
	if (ret) {
		/* Nothing half-created: the domain and all it was given go. */
		xc_domain_destroy(xch, domid);
		return ret;
	}
	out->domid = domid;
	return 0;
}
