/*
 * SELFTEST(svm_basic): a hand-made 32-bit PVH-mode guest in a throwaway
 * domain, run through the real scheduler and run loop. It writes to port
 * 0xE9 (plain and rep outsb), reads Xen's CPUID signature, reads an absent
 * port, makes a hypercall (xen_version) and then triple faults (ud2 with an
 * empty IDT). The test checks what it stored, the exits seen, that the
 * domain was shut down by the triple fault (reboot, as Xen), and that destroying it returns every
 * page. A second guest halts with interrupts on and must be woken by an event upcall delivered
 * through the callback vector (HVM_PARAM_CALLBACK_IRQ type 2).
 */
#include <asm/hvm.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/hvm/svm/svm.h>
#include <asm/system.h>
#include <public/hvm/params.h>
#include <public/sched.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/event.h>
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

#define ST_DOMID 0x7f00

/* 32-bit code at gpa 0x100000; data at 0x101000 (see the file comment). */
static const uint8_t svm_st_code[] = {
    0xb0, 0x41,				/* mov $'A', %al */
    0xe6, 0xe9,				/* out %al, $0xe9 */
    0xb0, 0x0a,				/* mov $'\n', %al */
    0xe6, 0xe9,				/* out %al, $0xe9 */
    0xb8, 0x00, 0x00, 0x00, 0x40,	/* mov $0x40000000, %eax */
    0x0f, 0xa2,				/* cpuid */
    0x89, 0x1d, 0x00, 0x10, 0x10, 0x00, /* mov %ebx, 0x101000 */
    0xe4, 0x80,				/* in $0x80, %al */
    0xa2, 0x04, 0x10, 0x10, 0x00,	/* mov %al, 0x101004 */
    0xb8, 0x11, 0x00, 0x00, 0x00,	/* mov $__HYPERVISOR_xen_version, %eax */
    0x31, 0xdb,				/* xor %ebx, %ebx (XENVER_version) */
    0x31, 0xc9,				/* xor %ecx, %ecx */
    0x0f, 0x01, 0xd9,			/* vmmcall */
    0xa3, 0x08, 0x10, 0x10, 0x00,	/* mov %eax, 0x101008 */
    0xbe, 0x00, 0x11, 0x10, 0x00,	/* mov $0x101100, %esi */
    0xb9, 0x03, 0x00, 0x00, 0x00,	/* mov $3, %ecx */
    0x66, 0xba, 0xe9, 0x00,		/* mov $0xe9, %dx */
    0xf3, 0x6e,				/* rep outsb */
    0x0f, 0x0b,				/* ud2: #UD, no IDT -> triple fault */
};

/*
 * The second guest: an IDT with one gate (vector 0xf3, the callback vector),
 * STI; HLT. The test marks an upcall pending once the vCPU has blocked in
 * HLT; the handler writes "E" to port 0xE9 and triple faults.
 */
#define ST_VECTOR 0xf3
static const uint8_t svm_st_code_evt[] = {
    0x0f, 0x01, 0x15, 0x88, 0x11, 0x10, 0x00, /* lgdt 0x101188 (the gate's CS needs a GDT) */
    0x0f, 0x01, 0x1d, 0x80, 0x11, 0x10, 0x00, /* lidt 0x101180 */
    0xbc, 0x00, 0x20, 0x10, 0x00,	      /* mov $0x102000, %esp (top of the data page) */
    0xfb,				      /* sti */
    0xf4,				      /* 1: hlt */
    0xeb, 0xfd,				      /* jmp 1b */
};
#define ST_EVT_HANDLER 0x20
static const uint8_t svm_st_handler_evt[] = {
    0xb0, 0x45, 0xe6, 0xe9, /* mov $'E', %al; out %al, $0xe9 */
    0xb0, 0x0a, 0xe6, 0xe9, /* mov $'\n', %al; out %al, $0xe9 */
    0x0f, 0x0b,		    /* ud2 */
};

struct svm_st_result {
	uint32_t sig, port80, version;
	unsigned long exits[8];
	bool
	    triple_faulted; /* shut down with the triple-fault action (reboot by default, as Xen) */
};

static int svm_st_once(struct svm_st_result *r, bool evt)
{
	struct stg_guest g;
	int ret;

	ret = stg_create(&g, ST_DOMID, "svmtest");
	if (ret)
		return ret;
	if (evt) {
		memcpy(g.code, svm_st_code_evt, sizeof(svm_st_code_evt));
		memcpy(g.code + ST_EVT_HANDLER, svm_st_handler_evt, sizeof(svm_st_handler_evt));
		stg_fill_tables(g.data, ST_VECTOR, (STG_CODE_GFN << PAGE_SHIFT) + ST_EVT_HANDLER);
		g.d->hvm_params[HVM_PARAM_CALLBACK_IRQ] =
		    ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | ST_VECTOR;
	} else {
		memcpy(g.code, svm_st_code, sizeof(svm_st_code));
	}
	memcpy(g.data + 0x100, "OK\n", 3);
	ret = stg_start(&g);
	if (ret)
		goto out;
	stg_run_until_down(&g, NOW() + MILLISECS(3000), evt);
	r->sig = *(uint32_t *)(g.data + 0);
	r->port80 = g.data[4];
	r->version = *(uint32_t *)(g.data + 8);
	memcpy(r->exits, svm_v(g.v)->exits_by_reason, sizeof(r->exits));
	r->triple_faulted = g.d->is_shut_down && g.d->shutdown_code == SHUTDOWN_reboot;
out:
	stg_destroy(&g);
	return ret;
}

SELFTEST(svm_basic)
{
	struct svm_st_result r;
	unsigned long before;
	int ret;

	if (!hvm_enabled()) {
		pr_info("selftest svm_basic: no SVM/NPT on this CPU");
		return -ENODEV;
	}
	/* A first round warms up the allocators' slabs; the second one is measured. */
	memset(&r, 0, sizeof(r));
	ret = svm_st_once(&r, false);
	if (ret)
		return ret;
	before = total_free_pages();
	memset(&r, 0, sizeof(r));
	ret = svm_st_once(&r, false);
	if (ret)
		return ret;
	pr_info("svm_basic: sig %#x port80 %#x version %#x exits io %lu vmmcall %lu cpuid %lu "
		"shutdown %lu other %lu; free pages %lu -> %lu",
		r.sig, r.port80, r.version, r.exits[0], r.exits[1], r.exits[3], r.exits[6],
		r.exits[7], before, total_free_pages());
	if (r.sig != 0x566e6558 || r.port80 != 0xff || r.version != ((4u << 16) | 17))
		return -EIO;
	if (r.exits[0] < 4 || r.exits[1] != 1 || r.exits[3] != 1 || r.exits[6] != 1 ||
	    !r.triple_faulted)
		return -EIO;
	if (total_free_pages() != before)
		return -ENOMEM;

	/* Event delivery: HLT blocks, an upcall wakes the vCPU and injects the callback vector. */
	memset(&r, 0, sizeof(r));
	ret = svm_st_once(&r, true);
	if (ret)
		return ret;
	pr_info("svm_basic: event guest: exits hlt %lu io %lu shutdown %lu", r.exits[2], r.exits[0],
		r.exits[6]);
	if (r.exits[2] < 1 || r.exits[0] != 2 || r.exits[6] != 1 || !r.triple_faulted)
		return -EIO;
	return 0;
}
