/*
 * The guest the toolstack test builds (tests/guests/toolstack/ctl.c): it
 * checks what the builder gave it (start_info magic and command line, the
 * memory map, console and store params), prints one line through
 * console_io and powers off. A failed check crashes it instead, which the
 * control domain sees as a wrong shutdown reason.
 */
#include <public/hvm/params.h>
#include <public/hvm/start_info.h>
#include <public/sched.h>
#include <uk/events.h>
#include <uk/kernel.h>

void app_main(void)
{
	char cycle[16] = "?";
	uint64_t con_pfn = 0, con_port = 0, store_pfn = 0, store_port = 0;

	uk_cmdline_str("cycle", cycle, sizeof(cycle));
	if (uk_start_info->magic != XEN_HVM_START_MAGIC_VALUE || !uk_start_info->memmap_entries)
		uk_panic("toolstack-guest: bad start_info");
	if (hvm_get_param(HVM_PARAM_CONSOLE_PFN, &con_pfn) ||
	    hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN, &con_port) || !con_pfn || !con_port)
		uk_panic("toolstack-guest: no console page or port");
	hvm_get_param(HVM_PARAM_STORE_PFN, &store_pfn);
	hvm_get_param(HVM_PARAM_STORE_EVTCHN, &store_port);
	printf(
	    "toolstack-guest: hello from d%ld, cycle %s, console pfn 0x%llx port %llu, store pfn "
	    "0x%llx port %llu\n",
	    uk_domid(), cycle, (unsigned long long)con_pfn, (unsigned long long)con_port,
	    (unsigned long long)store_pfn, (unsigned long long)store_port);
	uk_shutdown(SHUTDOWN_poweroff);
}
