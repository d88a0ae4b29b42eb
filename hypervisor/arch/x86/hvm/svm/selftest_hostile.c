/*
 * SELFTEST(svm_hostile): hand-made 32-bit guests doing what a hostile PVH
 * guest may do to the CPU it runs on, each in a throwaway domain (the
 * hand-made guest of selftest_guest.c). What each must show:
 *  - INVD and WBINVD exit (they would drop or write back the cache lines of
 *    the host and of other domains) and are stepped over;
 *  - #DB exits (a #DB raised by its own delivery would loop inside the CPU
 *    with no host interrupt taken, CVE-2015-8104; #AC likewise,
 *    CVE-2015-5307, which QEMU's TCG cannot raise) and is still delivered to
 *    the guest's own handler, which says "D" on port 0xE9 and leaves a marker;
 *  - the domain then triple faults (ud2 with no #UD gate) and destroying it
 *    returns every page;
 *  - a flood of port 0xE9 output (32 KiB) is cut by the domain's console
 *    rate limit, so one guest cannot keep the serial line busy;
 *  - a VMCB that VMRUN refuses (CR4.VMXE, which the guest's CPUID hides:
 *    what a guest could reach before CR4 writes were intercepted; QEMU then
 *    reports VMEXIT_INVALID as 0xffffffff) crashes that domain only.
 * Runs on the boot CPU from the self-test list; no locking of its own.
 */
#include <asm/hvm.h>
#include <asm/page.h>
#include <asm/hvm/svm/svm.h>
#include <asm/system.h>
#include <public/sched.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/hypercall.h>
#include <tessera/mm.h>
#include <tessera/p2m.h>
#include <tessera/page_info.h>
#include <tessera/sched.h>
#include <tessera/selftest.h>
#include <tessera/softirq.h>
#include <tessera/string.h>
#include <tessera/time.h>

#include "selftest_guest.h"

#define HT_DOMID 0x7f01
#define HT_DB_HANDLER 0x40
#define HT_MARKER 0x44424721u /* "!GBD" at data + 0x10 */

/* Code at gpa 0x100000: descriptor tables, INVD, WBINVD, then a single-step trap. */
static const uint8_t ht_code[] = {
    0x0f, 0x01, 0x15, 0x88, 0x11, 0x10, 0x00, /* lgdt 0x101188 */
    0x0f, 0x01, 0x1d, 0x80, 0x11, 0x10, 0x00, /* lidt 0x101180 */
    0xbc, 0x00, 0x20, 0x10, 0x00,	      /* mov $0x102000, %esp */
    0x0f, 0x08,				      /* invd */
    0x0f, 0x09,				      /* wbinvd */
    0x9c,				      /* pushf */
    0x81, 0x0c, 0x24, 0x00, 0x01, 0x00, 0x00, /* orl $0x100, (%esp): TF */
    0x9d,				      /* popf */
    0x90,				      /* nop: #DB (single step) after it */
    0xf4,				      /* 1: hlt */
    0xeb, 0xfd,				      /* jmp 1b */
};

/* The #DB handler (vector 1 gate): "D" on port 0xE9, the marker, then ud2. */
static const uint8_t ht_db_handler[] = {
    0xb0, 0x44, 0xe6, 0xe9,					/* mov $'D', %al; out */
    0xb0, 0x0a, 0xe6, 0xe9,					/* mov $'\n', %al; out */
    0xc7, 0x05, 0x10, 0x10, 0x10, 0x00, 0x21, 0x47, 0x42, 0x44, /* movl $marker, 0x101010 */
    0x0f, 0x0b,							/* ud2 */
};

/* The flood guest: 8 x 4 KiB of the data page to port 0xE9 (rep outsb), then ud2. */
#define HT_FLOOD_BYTES (8 * 4096)
static const uint8_t ht_code_flood[] = {
    0xbb, 0x08, 0x00, 0x00, 0x00, /* mov $8, %ebx */
    0xbe, 0x00, 0x10, 0x10, 0x00, /* 1: mov $0x101000, %esi */
    0xb9, 0x00, 0x10, 0x00, 0x00, /* mov $0x1000, %ecx */
    0x66, 0xba, 0xe9, 0x00,	  /* mov $0xe9, %dx */
    0xf3, 0x6e,			  /* rep outsb */
    0x4b,			  /* dec %ebx */
    0x75, 0xed,			  /* jnz 1b */
    0x0f, 0x0b,			  /* ud2 */
};

struct ht_result {
	unsigned long invd_exits, exc_exits;
	uint32_t marker;
	bool triple_faulted;
};

static int ht_once(struct ht_result *r, bool flood)
{
	struct stg_guest g;
	int ret;

	ret = stg_create(&g, HT_DOMID, "svmhostile");
	if (ret)
		return ret;
	if (flood) {
		memcpy(g.code, ht_code_flood, sizeof(ht_code_flood));
		memset(g.data, 'x', PAGE_SIZE);
		for (unsigned int i = 63; i < PAGE_SIZE; i += 64)
			g.data[i] = '\n';
	} else {
		memcpy(g.code, ht_code, sizeof(ht_code));
		memcpy(g.code + HT_DB_HANDLER, ht_db_handler, sizeof(ht_db_handler));
		/* The #DB gate only. */
		stg_fill_tables(g.data, 1, (STG_CODE_GFN << PAGE_SHIFT) + HT_DB_HANDLER);
	}
	ret = stg_start(&g);
	if (ret)
		goto out;
	stg_run_until_down(&g, NOW() + MILLISECS(3000), false);
	r->invd_exits = svm_v(g.v)->exits_by_reason[8];
	r->exc_exits = svm_v(g.v)->exits_by_reason[9];
	memcpy(&r->marker, g.data + 0x10, sizeof(r->marker));
	r->triple_faulted = g.d->is_shut_down && g.d->shutdown_code == SHUTDOWN_reboot;
out:
	stg_destroy(&g);
	return ret;
}

/* A guest whose VMCB VMRUN refuses: its domain crashes (SHUTDOWN_crash), nothing else. */
static int ht_invalid_vmcb(void)
{
	struct stg_guest g;
	bool crashed;
	int ret;

	ret = stg_create(&g, HT_DOMID, "svmhostile");
	if (ret)
		return ret;
	ret = stg_start(&g);
	if (ret)
		goto out;
	svm_v(g.v)->vmcb->cr4 |= X86_CR4_VMXE;
	stg_run_until_down(&g, NOW() + MILLISECS(3000), false);
	crashed = g.d->is_shut_down && g.d->shutdown_code == SHUTDOWN_crash;
	pr_info("svm_hostile: a VMCB VMRUN refuses: domain %s",
		crashed ? "crashed" : "not crashed");
	ret = crashed ? 0 : -EIO;
out:
	stg_destroy(&g);
	return ret;
}

SELFTEST(svm_hostile)
{
	struct ht_result r;
	unsigned long before;
	int ret;

	if (!hvm_enabled()) {
		pr_info("selftest svm_hostile: no SVM/NPT on this CPU");
		return -ENODEV;
	}
	/* A first round warms up the allocators' slabs; the second one is measured. */
	memset(&r, 0, sizeof(r));
	ret = ht_once(&r, false);
	if (ret)
		return ret;
	before = total_free_pages();
	memset(&r, 0, sizeof(r));
	ret = ht_once(&r, false);
	if (ret)
		return ret;
	pr_info("svm_hostile: exits invd/wbinvd %lu #DB/#AC %lu, marker %#x, triple fault %s; free "
		"pages "
		"%lu -> %lu",
		r.invd_exits, r.exc_exits, r.marker, r.triple_faulted ? "yes" : "no", before,
		total_free_pages());
	if (r.invd_exits != 2 || r.exc_exits != 1)
		return -EIO; /* INVD, WBINVD or #DB ran without the hypervisor seeing it */
	if (r.marker != HT_MARKER || !r.triple_faulted)
		return -EIO; /* the intercepted #DB must still reach the guest's handler */
	if (total_free_pages() != before)
		return -ENOMEM;

	/* Port 0xE9 goes through the domain's console rate limit (burst 16 KiB, then 8 KiB/s). */
	memset(&r, 0, sizeof(r));
	ret = ht_once(&r, true);
	if (ret)
		return ret;
	pr_info("svm_hostile: flood of %u bytes (%u lines) on port 0xE9 done, triple fault %s",
		HT_FLOOD_BYTES, HT_FLOOD_BYTES / 64, r.triple_faulted ? "yes" : "no");
	/* tests/integration/svm-hostile.sh counts the lines that reached the log. */
	if (!r.triple_faulted)
		return -EIO;
	return ht_invalid_vmcb();
}
