/*
 * The unikernel's C entry (uk_start, called by arch/x86/head.S with the
 * physical address of struct hvm_start_info): find the hypervisor, read
 * start_info (Xen docs/misc/pvh.pandoc: magic, version >= 1 has the
 * memmap), the command line, then bring up memory, events, time and the
 * console ring, and run app_main() in the first thread.
 *
 * Without a hypervisor (QEMU booting the ELF as a PVH kernel itself) only
 * memory and threads come up; app_main still runs and sees uk_xen.base 0.
 *
 * Command line words the unikernel itself reads: name=NAME,
 * hypercall=vmmcall|page, out=e9|console|ring|both|all, verbose.
 *
 * Locking: none (runs alone, interrupts off, before any thread).
 */
#include <uk/console.h>
#include <uk/events.h>
#include <uk/kernel.h>
#include <uk/sched.h>
#include <uk/time.h>

const struct hvm_start_info *uk_start_info;
struct uk_xen_cpuid uk_xen;
char uk_name[32] = "uk";

extern int uk_hypercalls_ready;			       /* kernel/console.c */
void cmdline_set(const char *cl);		       /* kernel/cmdline.c */
void page_alloc_init(const struct hvm_start_info *si); /* kernel/page_alloc.c */
void uk_start(uint32_t start_info_pa);
void arch_traps_init(void); /* arch/x86/traps.c */

static void app_thread(void *arg)
{
	(void)arg;
	app_main();
}

static void print_memmap(const struct hvm_start_info *si)
{
	const struct hvm_memmap_table_entry *mm;
	uint32_t i;

	if (si->version < 1 || !si->memmap_paddr || si->memmap_paddr >= (1ULL << 32))
		return;
	mm = (const void *)(unsigned long)si->memmap_paddr;
	for (i = 0; i < si->memmap_entries && i < 32; i++)
		printf("uk:   memmap[%u] 0x%lx-0x%lx type %u\n", i, (unsigned long)mm[i].addr,
		       (unsigned long)(mm[i].addr + mm[i].size - 1), mm[i].type);
}

static void set_outputs(void)
{
	char out[16];

	if (uk_cmdline_str("out", out, sizeof(out)))
		return;
	if (!strcmp(out, "e9"))
		uk_console_outputs = UK_OUT_E9;
	else if (!strcmp(out, "console"))
		uk_console_outputs = UK_OUT_HCALL;
	else if (!strcmp(out, "ring"))
		uk_console_outputs = UK_OUT_RING;
	else if (!strcmp(out, "both"))
		uk_console_outputs = UK_OUT_E9 | UK_OUT_HCALL;
	else if (!strcmp(out, "all"))
		uk_console_outputs = UK_OUT_E9 | UK_OUT_HCALL | UK_OUT_RING;
	else
		printf("uk: out=%s unknown (e9, console, ring, both, all); keeping the default\n",
		       out);
}

void uk_start(uint32_t start_info_pa)
{
	const struct hvm_start_info *si = (const void *)(unsigned long)start_info_pa;
	int have_xen;
	char hc[16] = "";
	long rc;

	arch_traps_init();
	have_xen = !arch_xen_cpuid_probe(&uk_xen);
	if (have_xen) {
		uk_hypercalls_ready = 1;
		/*
		 * console_io where the hypervisor takes our writes (Tessera; Xen's dom0),
		 * else port 0xE9 (a domU of a release Xen, whose XSM refuses console_io
		 * before it looks at the count): one synchronous output, not the same
		 * line twice.
		 */
		uk_console_outputs =
		    HYPERVISOR_console_io(CONSOLEIO_write, 0, "") == 0 ? UK_OUT_HCALL : UK_OUT_E9;
	} else {
		/*
		 * Bare QEMU: the BIOS left the 8259 PICs delivering the PIT at
		 * vector 8; mask them (a PVH guest of a hypervisor has no PIC).
		 */
		uk_xen.base = 0;
		outb(0x21, 0xff);
		outb(0xa1, 0xff);
	}
	if (!start_info_pa || (start_info_pa & 7) || si->magic != XEN_HVM_START_MAGIC_VALUE)
		uk_panic("start_info at 0x%x unusable (magic 0x%x, expected 0x%x)", start_info_pa,
			 start_info_pa && !(start_info_pa & 7) ? si->magic : 0,
			 XEN_HVM_START_MAGIC_VALUE);
	uk_start_info = si;
	if (si->cmdline_paddr && si->cmdline_paddr < (1ULL << 32))
		cmdline_set((const char *)(unsigned long)si->cmdline_paddr);
	uk_cmdline_str("name", uk_name, sizeof(uk_name));
	set_outputs();
	page_alloc_init(si);
	if (uk_cmdline_has("verbose")) {
		printf("uk: start_info at 0x%x: version %u, flags 0x%x, %u modules, rsdp 0x%lx, "
		       "cmdline \"%s\"\n",
		       start_info_pa, si->version, si->flags, si->nr_modules,
		       (unsigned long)si->rsdp_paddr, uk_cmdline());
		print_memmap(si);
	}
	if (have_xen) {
		if (!uk_cmdline_str("hypercall", hc, sizeof(hc)) && !strcmp(hc, "page") &&
		    (rc = uk_hypercall_use_page()))
			uk_panic("the hypercall page (CPUID 0x%x) was not filled in: %ld",
				 uk_xen.base + 2, rc);
		rc = events_init();
		if (rc)
			uk_panic("event channels: %ld (%s)", rc, uk_errno_name(rc));
		rc = time_init();
		if (rc)
			uk_panic("VIRQ_TIMER: %ld (%s)", rc, uk_errno_name(rc));
		console_ring_init(); /* -ENODEV is fine: Xen's dom0 has none */
	}
	if (uk_cmdline_has("verbose"))
		printf("uk: %s: %lu of %lu pages free, console ring %s\n", uk_name,
		       page_free_count(), page_total_count(),
		       console_ring_present() ? "present" : "absent");
	sched_start(app_thread, NULL);
}
