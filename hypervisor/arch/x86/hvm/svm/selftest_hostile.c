/*
 * SELFTEST(svm_hostile): hand-made 32-bit guests doing what a hostile PVH
 * guest may do to the CPU it runs on, each in a throwaway domain (the
 * svm_basic set-up of selftest.c). What each must show:
 *  - INVD exits (it would drop dirty cache lines of the host and of other
 *    domains) and is stepped over;
 *  - #DB exits (a #DB raised by its own delivery would loop inside the CPU
 *    with no host interrupt taken, CVE-2015-8104; #AC likewise,
 *    CVE-2015-5307, which QEMU's TCG cannot raise) and is still delivered to
 *    the guest's own handler, which says "D" on port 0xE9 and leaves a marker;
 *  - the domain then triple faults (ud2 with no #UD gate) and destroying it
 *    returns every page;
 *  - a flood of port 0xE9 output (32 KiB) is cut by the domain's console
 *    rate limit, so one guest cannot keep the serial line busy.
 * Runs on the boot CPU from the self-test list; no locking of its own.
 */
#include <asm/hvm.h>
#include <asm/page.h>
#include <asm/svm.h>
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

#define HT_DOMID 0x7f01
#define HT_CODE_GFN 0x100
#define HT_DATA_GFN 0x101
#define HT_DB_HANDLER 0x40
#define HT_MARKER 0x44424721u /* "!GBD" at data + 0x10 */

/* Code at gpa 0x100000: descriptor tables, INVD, then a single-step trap. */
static const uint8_t ht_code[] = {
	0x0f, 0x01, 0x15, 0x88, 0x11, 0x10, 0x00, /* lgdt 0x101188 */
	0x0f, 0x01, 0x1d, 0x80, 0x11, 0x10, 0x00, /* lidt 0x101180 */
	0xbc, 0x00, 0x20, 0x10, 0x00,             /* mov $0x102000, %esp */
	0x0f, 0x08,                               /* invd */
	0x9c,                                     /* pushf */
	0x81, 0x0c, 0x24, 0x00, 0x01, 0x00, 0x00, /* orl $0x100, (%esp): TF */
	0x9d,                                     /* popf */
	0x90,                                     /* nop: #DB (single step) after it */
	0xf4,                                     /* 1: hlt */
	0xeb, 0xfd,                               /* jmp 1b */
};

/* The #DB handler (vector 1 gate): "D" on port 0xE9, the marker, then ud2. */
static const uint8_t ht_db_handler[] = {
	0xb0, 0x44, 0xe6, 0xe9,                                     /* mov $'D', %al; out */
	0xb0, 0x0a, 0xe6, 0xe9,                                     /* mov $'\n', %al; out */
	0xc7, 0x05, 0x10, 0x10, 0x10, 0x00, 0x21, 0x47, 0x42, 0x44, /* movl $marker, 0x101010 */
	0x0f, 0x0b,                                                 /* ud2 */
};

/* The flood guest: 8 x 4 KiB of the data page to port 0xE9 (rep outsb), then ud2. */
#define HT_FLOOD_BYTES (8 * 4096)
static const uint8_t ht_code_flood[] = {
	0xbb, 0x08, 0x00, 0x00, 0x00, /* mov $8, %ebx */
	0xbe, 0x00, 0x10, 0x10, 0x00, /* 1: mov $0x101000, %esi */
	0xb9, 0x00, 0x10, 0x00, 0x00, /* mov $0x1000, %ecx */
	0x66, 0xba, 0xe9, 0x00,       /* mov $0xe9, %dx */
	0xf3, 0x6e,                   /* rep outsb */
	0x4b,                         /* dec %ebx */
	0x75, 0xed,                   /* jnz 1b */
	0x0f, 0x0b,                   /* ud2 */
};

struct ht_result {
	unsigned long invd_exits, exc_exits;
	uint32_t marker;
	bool triple_faulted;
};

/* Run the scheduler's loop on this CPU until d has shut down and v left the CPU, or the deadline. */
static void ht_run_until_down(struct domain *d, struct vcpu *v, s_time_t deadline)
{
	unsigned int cpu = smp_processor_id();

	while (NOW() < deadline && !(d->is_shut_down && !READ_ONCE(v->is_running))) {
		local_irq_enable();
		do_softirq();
		local_irq_disable();
		if (softirq_pending(cpu))
			continue;
		if (!is_idle_vcpu(current))
			arch_vcpu_run(current);
		else
			safe_halt();
	}
	local_irq_enable();
}

/* Tables in the data page: GDT (null, flat code32, data), IDT with the #DB gate only. */
static void ht_fill_data(uint8_t *p)
{
	uint8_t *gate = p + 0x200 + 1 * 8;
	uint32_t off = (HT_CODE_GFN << PAGE_SHIFT) + HT_DB_HANDLER;

	memset(p, 0, PAGE_SIZE);
	p[0x180] = 0xff, p[0x181] = 0x07; /* IDT: limit 0x7ff, base 0x101200 */
	p[0x182] = 0x00, p[0x183] = 0x12, p[0x184] = 0x10, p[0x185] = 0x00;
	p[0x188] = 0x17, p[0x189] = 0; /* GDT: limit 0x17, base 0x101040 */
	p[0x18a] = 0x40, p[0x18b] = 0x10, p[0x18c] = 0x10, p[0x18d] = 0x00;
	memcpy(p + 0x48, "\xff\xff\x00\x00\x00\x9b\xcf\x00", 8);
	memcpy(p + 0x50, "\xff\xff\x00\x00\x00\x93\xcf\x00", 8);
	gate[0] = (uint8_t)off, gate[1] = (uint8_t)(off >> 8);
	gate[2] = 0x08, gate[3] = 0;
	gate[4] = 0, gate[5] = 0x8e; /* present 32-bit interrupt gate: TF cleared on entry */
	gate[6] = (uint8_t)(off >> 16), gate[7] = (uint8_t)(off >> 24);
}

static int ht_once(struct ht_result *r, bool flood)
{
	struct domain_create_args args = {
		.name = "svmhostile", .mode = GUEST_MODE_PVH, .max_vcpus = 1, .max_pages = 8,
	};
	struct page_info *code, *data;
	struct domain *d;
	struct vcpu *v;
	uint8_t *p;
	int ret;

	ret = domain_create(HT_DOMID, &args, &d);
	if (ret)
		return ret;
	get_domain(d);
	v = d->vcpu[0];
	ret = -ENOMEM;
	code = alloc_domain_pages(d, 0);
	data = alloc_domain_pages(d, 0);
	if (!code || !data)
		goto out;
	p = page_to_virt(code);
	memset(p, 0xf4, PAGE_SIZE);
	if (flood) {
		memcpy(p, ht_code_flood, sizeof(ht_code_flood));
	} else {
		memcpy(p, ht_code, sizeof(ht_code));
		memcpy(p + HT_DB_HANDLER, ht_db_handler, sizeof(ht_db_handler));
	}
	p = page_to_virt(data);
	ht_fill_data(p);
	if (flood) {
		memset(p, 'x', PAGE_SIZE);
		for (unsigned int i = 63; i < PAGE_SIZE; i += 64)
			p[i] = '\n';
	}
	ret = p2m_set_entry(d, _gfn(HT_CODE_GFN), page_to_mfn(code), p2m_ram_rw);
	if (!ret)
		ret = p2m_set_entry(d, _gfn(HT_DATA_GFN), page_to_mfn(data), p2m_ram_rw);
	if (ret)
		goto out;
	ret = hvm_vcpu_set_pvh_start(v, HT_CODE_GFN << PAGE_SHIFT, 0);
	if (ret)
		goto out;
	v->is_initialised = true;
	clear_bit(VPF_down, &v->pause_flags);
	ret = domain_unpause_by_controller(d);
	if (ret)
		goto out;
	ht_run_until_down(d, v, NOW() + MILLISECS(3000));
	r->invd_exits = svm_v(v)->exits_by_reason[8];
	r->exc_exits = svm_v(v)->exits_by_reason[9];
	memcpy(&r->marker, p + 0x10, sizeof(r->marker));
	r->triple_faulted = d->is_shut_down && d->shutdown_code == SHUTDOWN_reboot;
	ret = 0;
out:
	while (domain_kill(d) == -ERESTART)
		;
	put_domain(d);
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
	pr_info("svm_hostile: exits invd %lu #DB/#AC %lu, marker %#x, triple fault %s; free pages "
		"%lu -> %lu",
		r.invd_exits, r.exc_exits, r.marker, r.triple_faulted ? "yes" : "no", before,
		total_free_pages());
	if (r.invd_exits != 1 || r.exc_exits != 1)
		return -EIO; /* INVD or #DB ran without the hypervisor seeing it */
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
	return r.triple_faulted ? 0 : -EIO;
}
