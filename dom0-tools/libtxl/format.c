/*
 * xl's text output, column for column as Xen 4.17's xl prints it: the
 * domain table of `xl list`, `xl vcpu-list`, the uptime strings and the
 * `xl info` lines (the fields this toolstack can fill). No locking.
 */
#include <stdio.h>
#include <string.h>
#include "txl.h"

static const char *name_or_null(const struct txl_dominfo *d)
{
	return d->name[0] ? d->name : "(null)"; /* what Xen's xl shows for a nameless domain */
}

void txl_print_list(FILE *fp, const struct txl_dominfo *d, unsigned int nr)
{
	static const char reasons[] = "-rscw"; /* poweroff, reboot, suspend, crash, watchdog */
	unsigned int i;

	fprintf(fp, "Name                                        ID   Mem VCPUs\tState\tTime(s)\n");
	for (i = 0; i < nr; i++) {
		unsigned int r = d[i].shutdown ? d[i].shutdown_reason : 0;

		fprintf(fp, "%-40s %5u %5lu %5u     %c%c%c%c%c%c  %8.1f\n", name_or_null(&d[i]),
			d[i].domid, (unsigned long)(d[i].current_memkb / 1024), d[i].vcpu_online,
			d[i].running ? 'r' : '-', d[i].blocked ? 'b' : '-', d[i].paused ? 'p' : '-',
			d[i].shutdown ? 's' : '-', r < sizeof(reasons) - 1 ? reasons[r] : '?',
			d[i].dying ? 'd' : '-', (double)d[i].cpu_time_ns / 1e9);
	}
}

/*
 * Per-vCPU facts (CPU, state, time) need XEN_DOMCTL_getvcpuinfo, which the
 * hypervisor does not offer yet: each vCPU gets the domain's state, CPU
 * "-", and the domain's time on vCPU 0 (documented in dom0-tools/xl/README.md).
 */
void txl_print_vcpu_list(FILE *fp, const struct txl_dominfo *d, unsigned int nr)
{
	unsigned int i, v;

	fprintf(fp, "%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU", "State",
		"Time(s)", "Affinity (Hard / Soft)");
	for (i = 0; i < nr; i++) {
		if (d[i].max_vcpu_id == ~0u)
			continue;
		for (v = 0; v <= d[i].max_vcpu_id; v++) {
			bool online = v < d[i].vcpu_online;

			fprintf(fp, "%-32s %5u %5u", name_or_null(&d[i]), d[i].domid, v);
			if (online)
				fprintf(fp, "%5c %3c%c- ", '-', d[i].running ? 'r' : '-',
					d[i].blocked ? 'b' : '-');
			else
				fprintf(fp, "%5c %3c%cp ", '-', '-', '-');
			fprintf(fp, "%9.1f  all / all\n",
				v == 0 ? (double)d[i].cpu_time_ns / 1e9 : 0.0);
		}
	}
}

void txl_format_uptime(char *buf, size_t len, unsigned long secs, bool short_mode)
{
	unsigned long day = secs / 86400, hour = secs / 3600 % 24, min = secs / 60 % 60,
		      sec = secs % 60;
	const char *days = day == 1 ? "day" : "days";

	if (short_mode) {
		if (day)
			snprintf(buf, len, "%lu %s, %2lu:%02lu", day, days, hour, min);
		else
			snprintf(buf, len, "%2lu:%02lu", hour, min);
	} else {
		if (day)
			snprintf(buf, len, "%lu %s, %2lu:%02lu:%02lu", day, days, hour, min, sec);
		else
			snprintf(buf, len, "%2lu:%02lu:%02lu", hour, min, sec);
	}
}

static void caps(char *buf, size_t len, uint32_t c)
{
	static const char *const names[] = {
	    "hvm",     "pv",   "directio",  "hap",	"shadow", "iommu_hap_pt_share",
	    "vmtrace", "vpmu", "gnttab-v1", "gnttab-v2"};
	unsigned int i;
	size_t n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]) && n < len; i++)
		if (c & (1u << i))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "", names[i]);
}

/* The "key : value" lines of xl info, in Xen's order; fields we lack are left out. */
void txl_print_info(FILE *fp, const struct txl_physinfo *pi, const char *host, const char *release)
{
	char vc[128];
	unsigned long mib = 1024 * 1024 / 4096;

	caps(vc, sizeof(vc), pi->capabilities);
	fprintf(fp, "%-23s: %s\n", "host", host);
	fprintf(fp, "%-23s: %s\n", "release", release);
	fprintf(fp, "%-23s: %s\n", "machine", "x86_64");
	fprintf(fp, "%-23s: %u\n", "nr_cpus", pi->nr_cpus);
	fprintf(fp, "%-23s: %u\n", "max_cpu_id", pi->max_cpu_id);
	fprintf(fp, "%-23s: %u\n", "nr_nodes", pi->nr_nodes);
	fprintf(fp, "%-23s: %u\n", "cores_per_socket", pi->cores_per_socket);
	fprintf(fp, "%-23s: %u\n", "threads_per_core", pi->threads_per_core);
	fprintf(fp, "%-23s: %u\n", "cpu_mhz", pi->cpu_khz / 1000);
	fprintf(fp, "%-23s: %s\n", "virt_caps", vc);
	fprintf(fp, "%-23s: %lu\n", "total_memory", (unsigned long)(pi->total_pages / mib));
	fprintf(fp, "%-23s: %lu\n", "free_memory", (unsigned long)(pi->free_pages / mib));
	fprintf(fp, "%-23s: %u\n", "xen_major", pi->xen_major);
	fprintf(fp, "%-23s: %u\n", "xen_minor", pi->xen_minor);
	fprintf(fp, "%-23s: %s\n", "xen_extra", pi->xen_extra);
	fprintf(fp, "%-23s: %u.%u%s\n", "xen_version", pi->xen_major, pi->xen_minor, pi->xen_extra);
	fprintf(fp, "%-23s: %s\n", "xen_caps", pi->xen_caps);
	fprintf(fp, "%-23s: %u\n", "xen_pagesize", 4096u);
	fprintf(fp, "%-23s: %s\n", "xen_commandline", pi->xen_commandline);
	fprintf(fp, "%-23s: %s\n", "xend_config_format", "4");
}
