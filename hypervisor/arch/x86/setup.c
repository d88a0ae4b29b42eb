/*
 * start_hypervisor(): the boot CPU's path from the first line of C to the
 * idle loop. The order matters: console first (so every later failure can
 * be reported), then traps, memory, time, the other CPUs, the scheduler, and
 * finally the boot bundle.
 */
#include <asm/hvm.h>
#include <asm/percpu.h>
#include <asm/pvh_build.h>
#include <asm/serial.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <asm/system.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <tessera/arch.h>
#include <tessera/bootbundle.h>
#include <tessera/bootinfo.h>
#include <tessera/console.h>
#include <tessera/console_backend.h>
#include <tessera/domain_exit.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/panic.h>
#include <tessera/percpu.h>
#include <tessera/sched.h>
#include <tessera/selftest.h>
#include <tessera/softirq.h>
#include <tessera/string.h>
#include <tessera/timer.h>

struct boot_info boot_info;

static const char *mem_type_name(uint32_t type)
{
	switch (type) {
	case BOOT_MEM_RAM:
		return "RAM";
	case BOOT_MEM_RESERVED:
		return "reserved";
	case BOOT_MEM_ACPI:
		return "ACPI data";
	case BOOT_MEM_NVS:
		return "ACPI NVS";
	case BOOT_MEM_BAD:
		return "bad";
	default:
		return "unknown";
	}
}

/* Before our own page tables, the boot tables identity-map the first 4 GiB. */
static const void *early_map(paddr_t a, size_t len)
{
	const uint64_t limit = 4ULL << 30, pa = paddr_x(a);

	if (pa >= limit || len > limit - pa)
		return NULL;
	return (const void *)(uintptr_t)pa;
}

static void print_boot_info(const struct boot_info *bi)
{
	uint64_t ram = 0;

	pr_info("Boot loader: %s", bi->loader);
	pr_info("Command line: %s", bi->cmdline);
	pr_info("Physical memory map:");
	for (unsigned int i = 0; i < bi->nr_regions; i++) {
		const struct boot_mem_region *r = &bi->regions[i];

		pr_info("  %016lx - %016lx (%s)", (unsigned long)r->start,
			(unsigned long)(r->start + r->size), mem_type_name(r->type));
		if (r->type == BOOT_MEM_RAM)
			ram += r->size;
	}
	pr_info("RAM: %lu MiB", (unsigned long)(ram >> 20));
	for (unsigned int i = 0; i < bi->nr_modules; i++)
		pr_info("Module %u: %#lx, %lu bytes, \"%s\"", i,
			(unsigned long)paddr_x(bi->modules[i].start),
			(unsigned long)bi->modules[i].size, bi->modules[i].cmdline);
}

static void parse_cmdline(const char *cmdline)
{
	char buf[32];
	enum log_level level;

	if (cmdline_get(cmdline, "loglvl", buf, sizeof(buf))) {
		if (console_parse_level(buf, &level) == 0)
			console_set_level(level);
		else
			pr_warn("loglvl=%s: unknown level (err, warn, info, debug)", buf);
	}
}

void start_hypervisor(uint32_t magic, uint32_t info_pa);
void start_hypervisor(uint32_t magic, uint32_t info_pa)
{
	/* QEMU's TSC counts from machine reset: this is when the loader handed over. */
	uint64_t entry_tsc = rdtsc();
	int ret;

	percpu_init_this_cpu(0, 0);
	serial_init();
	pr_info("Tessera hypervisor %s (Xen %d.%d ABI)", TESSERA_VERSION_STRING, 4, 17);

	ret = multiboot_parse(magic, _paddr(info_pa), early_map, &boot_info);
	if (ret == -EINVAL)
		panic("boot loader information unreadable (magic %#x at %#x)", magic, info_pa);
	parse_cmdline(boot_info.cmdline);
	print_boot_info(&boot_info);
	if (ret == -E2BIG)
		pr_warn("boot information truncated: more than %u memory regions or %u modules",
			BOOT_MAX_REGIONS, BOOT_MAX_MODULES);

	traps_init_bsp();
	mm_init(&boot_info);
	time_init();
	softirq_init();
	timer_subsys_init();
	sched_init();
	hvm_init(); /* before the APs, which enable it in hvm_cpu_up() */
	smp_boot_cpus();
	console_backend_init(boot_info.cmdline);

	bootbundle_load_from(&boot_info);
	domain_exit_init(boot_info.cmdline);
	build_boot_domains(bootbundle_get());

#ifdef CONFIG_SELFTESTS
	selftests_run(boot_info.cmdline);
#else
	/* Self-tests are only in the test build; asking this one for them fails a test-exit run. */
	bool no_tests_here = cmdline_get(boot_info.cmdline, "selftest", NULL, 0);

	if (no_tests_here)
		pr_err("selftest= ignored: this build has no self-tests "
		       "(build/tessera-test.bin has them: make hypervisor-test)");
#endif

	/*
	 * QEMU's TSC counts from machine reset, so it also gives the time since reset
	 * (firmware and loader included): exact under -icount (see docs/performance.md).
	 */
	uint64_t tsc_to_us = time_scale_mult(tsc_hz, 1000000);

	pr_info(
	    "Boot complete: %u CPU%s online, idle loop reached after %lu us (%lu us since reset; "
	    "entered at %lu us)",
	    nr_cpus_online, nr_cpus_online == 1 ? "" : "s", (unsigned long)(NOW() / 1000),
	    (unsigned long)time_scale(rdtsc(), tsc_to_us),
	    (unsigned long)time_scale(entry_tsc, tsc_to_us));
	if (cmdline_get(boot_info.cmdline, "test-exit", NULL, 0))
#ifdef CONFIG_SELFTESTS
		selftests_finish();
#else
		arch_shutdown(no_tests_here ? HV_EXIT_FAILURE : HV_EXIT_SUCCESS);
#endif

	idle_loop();
}
