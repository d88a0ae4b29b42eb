/*
 * The PVH test guest's scenarios. The command line (hvm_start_info's
 * cmdline) names one scenario and options:
 *
 *   SCENARIO [name=NAME] [peer=DOMID] [role=grant|copy]
 *            [hypercall=vmmcall|page] [out=e9|console|both]
 *
 *   hello         print "pvh: hello from NAME"
 *   version       XENVER_version / extraversion / get_features, checked
 *                 against CPUID leaf base+1
 *   triple-fault  a null IDT, then int3: the hypervisor must crash only us
 *   evtchn-pong   allocate an unbound port for PEER, poll until it is pending
 *   evtchn-ping   bind to PEER's first port that is unbound for us, send
 *   grant-copy    role=grant: grant a page to PEER as ref 8 and wait for its
 *                 "copied" marker; role=copy: GNTTABOP_copy it from PEER,
 *                 check it, copy the marker back into the grant
 *
 * Each ends with one verdict line, "pvh-test: SCENARIO: PASS" (then
 * SCHEDOP_shutdown poweroff) or "pvh-test: SCENARIO: FAIL (why)" (then
 * shutdown crash), so the same image also runs under Xen 4.17.
 *
 * Locking: none (one vCPU, no interrupts).
 */
#include "pvh.h"
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/hvm/start_info.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/version.h>

#define PAGE_SHIFT 12
#define GRANT_REF 8
#define WAIT_ROUNDS 200000 /* SCHEDOP_yield rounds before a peer is given up */
#define MARKER_OFFSET 2048
#define PAYLOAD_LEN 1024

static const char marker[] = "pvh grant-copy: copied";

static struct {
	const char *scenario;
	char scenario_buf[32];
	char name[32];
	int peer; /* -1: none given */
	char role[16];
} opt = {.name = "pvh", .peer = -1};

static uint8_t shinfo_page[4096] __attribute__((aligned(4096)));
static uint8_t gnttab_page[4096] __attribute__((aligned(4096)));
static uint8_t data_page[4096] __attribute__((aligned(4096)));

void pvh_main(uint32_t start_info_pa);

static unsigned long gfn_of(const void *p)
{
	return (unsigned long)p >> PAGE_SHIFT; /* identity mapped */
}

static void shutdown(unsigned int reason)
{
	struct sched_shutdown s = {.reason = reason};

	HYPERCALL2(sched_op, SCHEDOP_shutdown, &s);
}

/* The end: without hypercalls there is nothing to return to but a halt. */
static void __attribute__((noreturn)) stop(unsigned int reason)
{
	if (hypercalls_ready) {
		shutdown(reason);
		printk("pvh: still running after shutdown; halting\n");
	} else {
		printk("pvh: no hypercalls to shut down with; halting\n");
	}
	for (;;)
		asm volatile("cli; hlt");
}

static void __attribute__((noreturn)) pass(void)
{
	printk("pvh-test: %s: PASS\n", opt.scenario);
	stop(SHUTDOWN_poweroff);
}

static void __attribute__((noreturn, format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	printk("pvh-test: %s: FAIL (", opt.scenario ? opt.scenario : "boot");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk(")\n");
	stop(SHUTDOWN_crash);
}

static void yield(void)
{
	HYPERCALL2(sched_op, SCHEDOP_yield, NULL);
}

static int parse_uint(const char *s, size_t n, int *out)
{
	int v = 0;

	if (!n)
		return -1;
	for (; n; n--, s++) {
		if (*s < '0' || *s > '9' || v > 100000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

static void copy_word(char *dst, size_t dst_size, const char *src, size_t n)
{
	if (n >= dst_size)
		n = dst_size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int has_char(const char *w, size_t n, char c)
{
	while (n--)
		if (*w++ == c)
			return 1;
	return 0;
}

static int opt_is(const char *w, size_t n, const char *key)
{
	size_t k = strlen(key);

	return n > k && !strncmp(w, key, k);
}

/* Splits the command line into words; unknown options are a FAIL (a typo in a plan). */
static void parse_cmdline(const char *cl)
{
	while (*cl) {
		const char *w;
		size_t n;

		while (*cl == ' ')
			cl++;
		w = cl;
		while (*cl && *cl != ' ')
			cl++;
		n = (size_t)(cl - w);
		if (!n)
			break;
		if (opt_is(w, n, "name=")) {
			copy_word(opt.name, sizeof(opt.name), w + 5, n - 5);
		} else if (opt_is(w, n, "peer=")) {
			if (parse_uint(w + 5, n - 5, &opt.peer) ||
			    opt.peer >= (int)DOMID_FIRST_RESERVED)
				fail("bad peer= in the command line");
		} else if (opt_is(w, n, "role=")) {
			copy_word(opt.role, sizeof(opt.role), w + 5, n - 5);
		} else if (opt_is(w, n, "hypercall=")) {
			/* The page itself is set up once the CPUID leaves are found. */
			if (n == 14 && !strncmp(w + 10, "page", 4))
				hypercall_use_page = 1;
			else if (!(n == 17 && !strncmp(w + 10, "vmmcall", 7)))
				fail("hypercall= takes vmmcall or page");
		} else if (opt_is(w, n, "out=")) {
			if (n == 6 && !strncmp(w + 4, "e9", 2))
				print_outputs = OUT_E9;
			else if (n == 11 && !strncmp(w + 4, "console", 7))
				print_outputs = OUT_CONSOLE;
			else if (n == 8 && !strncmp(w + 4, "both", 4))
				print_outputs = OUT_E9 | OUT_CONSOLE;
			else
				fail("out= takes e9, console or both");
		} else if (!has_char(w, n, '=') && !opt.scenario) {
			copy_word(opt.scenario_buf, sizeof(opt.scenario_buf), w, n);
			opt.scenario = opt.scenario_buf;
		} else {
			copy_word(opt.scenario_buf, sizeof(opt.scenario_buf), w, n);
			opt.scenario = "cmdline";
			fail("unexpected word '%s'", opt.scenario_buf);
		}
	}
}

/* Checks and prints hvm_start_info (magic; version >= 1 has the memmap); returns the cmdline. */
static const char *read_start_info(uint32_t pa)
{
	const struct hvm_start_info *si = (const void *)(unsigned long)pa;
	const struct hvm_memmap_table_entry *mm;
	const char *cl = "";
	uint32_t i, n;

	if (!pa || (pa & 7))
		fail("start_info address 0x%x unusable", pa);
	if (si->magic != XEN_HVM_START_MAGIC_VALUE)
		fail("start_info magic 0x%x, expected 0x%x", si->magic, XEN_HVM_START_MAGIC_VALUE);
	if (si->cmdline_paddr) {
		if (si->cmdline_paddr >= (1ULL << 32))
			fail("cmdline at 0x%lx, above our 4 GiB map",
			     (unsigned long)si->cmdline_paddr);
		cl = (const char *)(unsigned long)si->cmdline_paddr;
	}
	n = si->version >= 1 ? si->memmap_entries : 0;
	printk("pvh: start_info at 0x%x: version %u, flags 0x%x, %u modules, rsdp 0x%lx, %u memmap "
	       "entries, "
	       "cmdline \"%s\"\n",
	       pa, si->version, si->flags, si->nr_modules, (unsigned long)si->rsdp_paddr, n, cl);
	if (n && si->memmap_paddr && si->memmap_paddr < (1ULL << 32)) {
		mm = (const void *)(unsigned long)si->memmap_paddr;
		for (i = 0; i < n && i < 16; i++)
			printk("pvh:   memmap[%u] 0x%lx-0x%lx type %u\n", i,
			       (unsigned long)mm[i].addr,
			       (unsigned long)(mm[i].addr + mm[i].size - 1), mm[i].type);
	}
	return cl;
}

static void need_peer(void)
{
	if (opt.peer < 0)
		fail("this scenario needs peer=DOMID");
}

static void scenario_version(uint32_t cpuid_version)
{
	xen_extraversion_t extra;
	struct xen_feature_info fi = {.submap_idx = 0};
	long ver, rc;

	ver = HYPERCALL2(xen_version, XENVER_version, NULL);
	if (ver < 0)
		fail("XENVER_version: %ld", ver);
	memset(extra, 0, sizeof(extra));
	rc = HYPERCALL2(xen_version, XENVER_extraversion, extra);
	if (rc < 0)
		fail("XENVER_extraversion: %ld", rc);
	extra[sizeof(extra) - 1] = '\0';
	rc = HYPERCALL2(xen_version, XENVER_get_features, &fi);
	if (rc < 0)
		fail("XENVER_get_features: %ld", rc);
	printk("pvh: Xen %lu.%lu%s, features[0] 0x%x, CPUID says %u.%u\n", (unsigned long)ver >> 16,
	       (unsigned long)ver & 0xffff, extra, fi.submap, cpuid_version >> 16,
	       cpuid_version & 0xffff);
	if ((uint32_t)ver != cpuid_version)
		fail("XENVER_version 0x%lx differs from CPUID's 0x%x", (unsigned long)ver,
		     cpuid_version);
	if ((ver >> 16) < 4)
		fail("version %lu.%lu is older than the Xen 4 ABI", (unsigned long)ver >> 16,
		     (unsigned long)ver & 0xffff);
	pass();
}

static void scenario_triple_fault(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = {0, 0};

	/* int3 -> #GP (vector past the limit) -> #DF -> shutdown: AMD APM vol. 2 8.2.9. */
	printk("pvh: loading a null IDT, then int3: this domain should be crashed now\n");
	asm volatile("lidt %0; int3" : : "m"(idtr) : "memory");
	fail("still running after the triple fault");
}

static int port_pending(evtchn_port_t port)
{
	const volatile shared_info_t *sh = (const volatile shared_info_t *)shinfo_page;
	unsigned int bits = sizeof(xen_ulong_t) * 8;

	return !!(sh->evtchn_pending[port / bits] & (1UL << (port % bits)));
}

static void map_shared_info(void)
{
	struct xen_add_to_physmap xatp = {.domid = DOMID_SELF,
					  .space = XENMAPSPACE_shared_info,
					  .idx = 0,
					  .gpfn = gfn_of(shinfo_page)};
	long rc = HYPERCALL2(memory_op, XENMEM_add_to_physmap, &xatp);

	if (rc)
		fail("XENMEM_add_to_physmap(shared_info) at gfn 0x%lx: %ld", gfn_of(shinfo_page),
		     rc);
	/*
	 * No upcall handler here: mask upcalls so that another port's event
	 * (a console notification) does not end every SCHEDOP_poll at once.
	 */
	((volatile shared_info_t *)shinfo_page)->vcpu_info[0].evtchn_upcall_mask = 1;
}

static void scenario_evtchn_pong(void)
{
	struct evtchn_alloc_unbound au = {.dom = DOMID_SELF};
	struct sched_poll poll;
	evtchn_port_t port;
	long rc;
	int i;

	need_peer();
	map_shared_info();
	au.remote_dom = (domid_t)opt.peer;
	rc = HYPERCALL2(event_channel_op, EVTCHNOP_alloc_unbound, &au);
	if (rc)
		fail("EVTCHNOP_alloc_unbound for d%d: %ld", opt.peer, rc);
	port = au.port;
	printk("pong: port %u unbound for d%d, polling\n", port, opt.peer);
	set_xen_guest_handle(poll.ports, &port);
	poll.nr_ports = 1;
	poll.timeout = 0;
	for (i = 0; !port_pending(port); i++) {
		if (i == WAIT_ROUNDS)
			fail("no event on port %u after %d polls", port, i);
		rc = HYPERCALL2(sched_op, SCHEDOP_poll, &poll);
		if (rc)
			fail("SCHEDOP_poll: %ld", rc);
	}
	printk("pong: got event on port %u\n", port);
	pass();
}

static void scenario_evtchn_ping(void)
{
	struct evtchn_bind_interdomain bi;
	struct evtchn_send send;
	evtchn_port_t rport = 0;
	long rc = -1;
	int round;

	need_peer();
	/* No xenstore: the peer's first port unbound for us is the one (others refuse the bind). */
	for (round = 0; round < WAIT_ROUNDS && rc; round++) {
		for (rport = 1; rport < 64; rport++) {
			bi.remote_dom = (domid_t)opt.peer;
			bi.remote_port = rport;
			rc = HYPERCALL2(event_channel_op, EVTCHNOP_bind_interdomain, &bi);
			if (!rc)
				break;
		}
		if (rc)
			yield();
	}
	if (rc)
		fail("no port of d%d unbound for us after %d rounds (last error %ld)", opt.peer,
		     round, rc);
	printk("ping: port %u bound to d%d port %u, sending\n", bi.local_port, opt.peer, rport);
	send.port = bi.local_port;
	rc = HYPERCALL2(event_channel_op, EVTCHNOP_send, &send);
	if (rc)
		fail("EVTCHNOP_send on port %u: %ld", send.port, rc);
	pass();
}

static uint8_t payload_byte(unsigned int i)
{
	return (uint8_t)(i * 7 + 3);
}

static void grant_side(void)
{
	struct xen_add_to_physmap xatp = {.domid = DOMID_SELF,
					  .space = XENMAPSPACE_grant_table,
					  .idx = 0,
					  .gpfn = gfn_of(gnttab_page)};
	volatile grant_entry_v1_t *gt = (volatile grant_entry_v1_t *)gnttab_page;
	volatile uint8_t *m = data_page + MARKER_OFFSET;
	unsigned int i;
	long rc;

	for (i = 0; i < PAYLOAD_LEN; i++)
		data_page[i] = payload_byte(i);
	rc = HYPERCALL2(memory_op, XENMEM_add_to_physmap, &xatp);
	if (rc)
		fail("XENMEM_add_to_physmap(grant_table 0) at gfn 0x%lx: %ld", gfn_of(gnttab_page),
		     rc);
	/* As Linux gnttab_grant_foreign_access: domid and frame before flags, with a barrier. */
	gt[GRANT_REF].domid = (domid_t)opt.peer;
	gt[GRANT_REF].frame = (uint32_t)gfn_of(data_page);
	asm volatile("" : : : "memory"); /* x86 stores stay in order */
	gt[GRANT_REF].flags = GTF_permit_access;
	printk("grant: ref %u -> gfn 0x%lx for d%d, waiting for the copy\n", GRANT_REF,
	       gfn_of(data_page), opt.peer);
	for (i = 0; i < WAIT_ROUNDS; i++) {
		if (m[0] == (uint8_t)marker[0] && !memcmp((const void *)m, marker, sizeof(marker)))
			break;
		yield();
	}
	if (i == WAIT_ROUNDS)
		fail("d%d never copied its marker into our grant", opt.peer);
	printk("grant: d%d copied its marker into ref %u\n", opt.peer, GRANT_REF);
	pass();
}

static void copy_side(void)
{
	struct gnttab_copy op;
	unsigned int i;
	long rc;

	for (i = 0; i < WAIT_ROUNDS; i++) {
		memset(&op, 0, sizeof(op));
		op.source.u.ref = GRANT_REF;
		op.source.domid = (domid_t)opt.peer;
		op.dest.u.gmfn = gfn_of(data_page);
		op.dest.domid = DOMID_SELF;
		op.len = PAYLOAD_LEN;
		op.flags = GNTCOPY_source_gref;
		rc = HYPERCALL3(grant_table_op, GNTTABOP_copy, &op, 1);
		if (rc)
			fail("GNTTABOP_copy: %ld", rc);
		if (op.status == GNTST_okay)
			break;
		/*
		 * The peer may not exist or have granted yet: as Xen's
		 * acquire_grant_for_copy, an entry not (yet) granted to us is
		 * GNTST_general_error ("bad flags or dom").
		 */
		if (op.status != GNTST_bad_domain && op.status != GNTST_permission_denied &&
		    op.status != GNTST_bad_gntref && op.status != GNTST_general_error)
			fail("GNTTABOP_copy from d%d ref %u: status %d", opt.peer, GRANT_REF,
			     op.status);
		yield();
	}
	if (i == WAIT_ROUNDS)
		fail("d%d never granted ref %u (last status %d)", opt.peer, GRANT_REF, op.status);
	for (i = 0; i < PAYLOAD_LEN; i++)
		if (data_page[i] != payload_byte(i))
			fail("byte %u is 0x%x, expected 0x%x", i, data_page[i], payload_byte(i));
	printk("copy: %u bytes from d%d ref %u are right, copying the marker back\n", PAYLOAD_LEN,
	       opt.peer, GRANT_REF);
	memcpy(data_page + MARKER_OFFSET, marker, sizeof(marker));
	memset(&op, 0, sizeof(op));
	op.source.u.gmfn = gfn_of(data_page);
	op.source.domid = DOMID_SELF;
	op.source.offset = MARKER_OFFSET;
	op.dest.u.ref = GRANT_REF;
	op.dest.domid = (domid_t)opt.peer;
	op.dest.offset = MARKER_OFFSET;
	op.len = sizeof(marker);
	op.flags = GNTCOPY_dest_gref;
	rc = HYPERCALL3(grant_table_op, GNTTABOP_copy, &op, 1);
	if (rc || op.status != GNTST_okay)
		fail("GNTTABOP_copy of the marker to d%d: rc %ld status %d", opt.peer, rc,
		     op.status);
	pass();
}

static void scenario_grant_copy(void)
{
	need_peer();
	if (!strncmp(opt.role, "grant", sizeof(opt.role)))
		grant_side();
	if (!strncmp(opt.role, "copy", sizeof(opt.role)))
		copy_side();
	fail("grant-copy needs role=grant or role=copy");
}

static int is(const char *s)
{
	return !strncmp(opt.scenario, s, sizeof(opt.scenario_buf));
}

void pvh_main(uint32_t start_info_pa)
{
	uint32_t base = 0, version = 0, msr = 0;
	const char *cmdline;
	int want_page;
	int rc;

	printk("pvh: test guest entered in 64-bit mode, start_info at 0x%x\n", start_info_pa);
	rc = xen_cpuid_probe(&base, &version);
	if (!rc) {
		/* console_io works: both outputs until the command line says otherwise. */
		hypercalls_ready = 1;
		print_outputs = OUT_E9 | OUT_CONSOLE;
	}
	/* start_info first, so a run without a hypervisor (QEMU's own PVH boot) still checks it. */
	cmdline = read_start_info(start_info_pa);
	if (rc)
		fail("%s",
		     rc == -1 ? "CPUID.1 says no hypervisor" : "no XenVMMXenVMM CPUID leaves");
	parse_cmdline(cmdline);
	if (!opt.scenario)
		fail("no scenario in the command line");
	want_page = hypercall_use_page;
	hypercall_use_page = 0;
	if (want_page && hypercall_page_enable(base, &msr))
		fail("the hypercall page (CPUID 0x%x) was not filled in", base + 2);
	printk("pvh: %s: Xen CPUID leaves at 0x%x (version %u.%u), hypercalls via %s", opt.name,
	       base, version >> 16, version & 0xffff,
	       hypercall_use_page ? "the hypercall page, MSR 0x" : "vmmcall");
	if (hypercall_use_page)
		printk("%x", msr);
	printk(", scenario %s\n", opt.scenario);

	if (is("hello")) {
		printk("pvh: hello from %s\n", opt.name);
		pass();
	}
	if (is("version"))
		scenario_version(version);
	if (is("triple-fault"))
		scenario_triple_fault();
	if (is("evtchn-pong"))
		scenario_evtchn_pong();
	if (is("evtchn-ping"))
		scenario_evtchn_ping();
	if (is("grant-copy"))
		scenario_grant_copy();
	fail("unknown scenario");
}
