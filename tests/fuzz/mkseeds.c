/*
 * Writes the seed corpus of the hypercall fuzzer: one small script per
 * subsystem (tests/fuzz/fuzz_script.h) that reaches its deep paths with
 * well-formed arguments, so mutation starts from working calls instead of
 * having to discover interface versions and structure layouts.
 *
 * Usage: mkseeds DIR   (writes DIR/seed-<name>, a few hundred bytes each)
 *
 * Domain indexes are those of the harness: 0 control, 1 xenstore, 2 PVH
 * guest, 3 PV guest. Structures are built with the public headers and
 * placed in the caller's guest memory with BYTES steps.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/domctl.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/sysctl.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <public/xen.h>

#include "fuzz_script.h"

#define GUEST_BASE 0x0000100000000000ULL /* FAKE_GUEST_BASE (tests/unit/fake/fake_guest.h) */
#define PTR(off) (GUEST_BASE + (off))

static const char *outdir;
static unsigned int nr_written;

static void emit(const char *name, const struct fuzz_buf *s)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%s", outdir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(s->data, 1, s->len, f) != s->len || fclose(f)) {
		perror(path);
		exit(1);
	}
	nr_written++;
}

/* Put len bytes at off of domain dom's memory (in BYTES steps of at most 255 bytes). */
static void mem(struct fuzz_buf *s, uint8_t dom, uint16_t off, const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len) {
		uint8_t n = len > 255 ? 255 : (uint8_t)len;

		fuzz_bytes(s, dom, off, b, n);
		off = (uint16_t)(off + n);
		b += n;
		len -= n;
	}
}

/* A hypercall nr from domain dom with two arguments: a small command and a pointer. */
static void call_cmd_ptr(struct fuzz_buf *s, uint8_t dom, unsigned int nr, uint8_t cmd,
			 uint16_t off)
{
	fuzz_call(s, dom, 0, nr);
	fuzz_arg_small(s, cmd);
	fuzz_arg_gptr(s, off);
	fuzz_arg_zero(s);
	fuzz_arg_zero(s);
	fuzz_arg_zero(s);
}

/* As call_cmd_ptr with a third argument (a count). */
static void call_cmd_ptr_n(struct fuzz_buf *s, uint8_t dom, unsigned int nr, uint8_t cmd,
			   uint16_t off, uint8_t n)
{
	fuzz_call(s, dom, 0, nr);
	fuzz_arg_small(s, cmd);
	fuzz_arg_gptr(s, off);
	fuzz_arg_small(s, n);
	fuzz_arg_zero(s);
	fuzz_arg_zero(s);
}

static void seed_version(void)
{
	struct fuzz_buf s = {.len = 0};

	for (uint8_t cmd = 0; cmd <= 10; cmd++)
		call_cmd_ptr(&s, (uint8_t)(cmd % 4), __HYPERVISOR_xen_version, cmd, 0x100);
	emit("version", &s);
}

static void seed_console(void)
{
	struct fuzz_buf s = {.len = 0};
	static const char line[] = "hello from the fuzzer\n";

	mem(&s, 2, 0, line, sizeof(line) - 1);
	/* console_io(cmd, count, buffer) */
	fuzz_call(&s, 2, 0, __HYPERVISOR_console_io);
	fuzz_arg_small(&s, 0);
	fuzz_arg_small(&s, sizeof(line) - 1);
	fuzz_arg_gptr(&s, 0);
	fuzz_arg_zero(&s);
	fuzz_arg_zero(&s);
	fuzz_call(&s, 0, 0, __HYPERVISOR_console_io);
	fuzz_arg_small(&s, 1 /* CONSOLEIO_read */);
	fuzz_arg_small(&s, 64);
	fuzz_arg_gptr(&s, 0x200);
	fuzz_arg_zero(&s);
	fuzz_arg_zero(&s);
	emit("console", &s);
}

static void seed_evtchn(void)
{
	struct fuzz_buf s = {.len = 0};
	struct evtchn_alloc_unbound au = {.dom = DOMID_SELF, .remote_dom = 3};
	struct evtchn_bind_interdomain bi = {.remote_dom = 2, .remote_port = 1};
	struct evtchn_send sd = {.port = 1};
	struct evtchn_bind_virq bv = {.virq = VIRQ_TIMER, .vcpu = 0};
	struct evtchn_bind_ipi ipi = {.vcpu = 0};
	struct evtchn_status st = {.dom = DOMID_SELF, .port = 1};
	struct evtchn_unmask um = {.port = 1};
	struct evtchn_close cl = {.port = 1};

	mem(&s, 2, 0, &au, sizeof(au));
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, 0);
	mem(&s, 3, 0, &bi, sizeof(bi));
	call_cmd_ptr(&s, 3, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain, 0);
	mem(&s, 2, 0x40, &sd, sizeof(sd));
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_send, 0x40);
	mem(&s, 3, 0x40, &sd, sizeof(sd));
	call_cmd_ptr(&s, 3, __HYPERVISOR_event_channel_op, EVTCHNOP_send, 0x40);
	mem(&s, 2, 0x80, &bv, sizeof(bv));
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, 0x80);
	mem(&s, 2, 0xc0, &ipi, sizeof(ipi));
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi, 0xc0);
	mem(&s, 2, 0x100, &st, sizeof(st));
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_status, 0x100);
	mem(&s, 2, 0x140, &um, sizeof(um));
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_unmask, 0x140);
	fuzz_b(&s, FUZZ_OP_EVENT);
	fuzz_b(&s, 2);
	fuzz_b(&s, 1); /* VIRQ_TIMER to vCPU 0 of d2 */
	mem(&s, 3, 0x180, &cl, sizeof(cl));
	call_cmd_ptr(&s, 3, __HYPERVISOR_event_channel_op, EVTCHNOP_close, 0x180);
	emit("evtchn", &s);
}

/* SHARED into a RAM frame: byte byte of boot RAM frame frame (0..3) of domain dom. */
static void ram_byte(struct fuzz_buf *s, uint8_t dom, uint8_t frame, uint16_t byte, uint8_t val)
{
	fuzz_b(s, FUZZ_OP_SHARED);
	fuzz_b(s, dom);
	fuzz_u16(s, (uint16_t)(0x4000 | (frame & 3) << 12 | (byte & 0xfff)));
	fuzz_b(s, val);
}

/*
 * The FIFO ABI: d2 (PVH, gfns 0..7 are RAM) registers control blocks on both
 * vCPUs in frame 1, adds frame 2 as its event array, binds ports, sets
 * priorities, sends, masks and corrupts words, unmasks, and resets back to
 * 2-level; d3 (PV) tries frames it does not own.
 */
static void seed_fifo(void)
{
	struct fuzz_buf s = {.len = 0};
	struct evtchn_init_control ic0 = {.control_gfn = 1, .offset = 0, .vcpu = 0};
	struct evtchn_init_control ic1 = {.control_gfn = 1, .offset = 128, .vcpu = 1};
	struct evtchn_expand_array ea = {.array_gfn = 2};
	struct evtchn_alloc_unbound au = {.dom = DOMID_SELF, .remote_dom = 2};
	struct evtchn_bind_interdomain bi = {.remote_dom = 2, .remote_port = 1};
	struct evtchn_bind_ipi ipi = {.vcpu = 1};
	struct evtchn_set_priority sp = {.port = 2, .priority = 3};
	struct evtchn_send sd = {.port = 2};
	struct evtchn_send sd3 = {.port = 3};
	struct evtchn_unmask um = {.port = 3};
	struct evtchn_reset rs = {.dom = DOMID_SELF};
	struct evtchn_init_control bad = {.control_gfn = 0x7777, .offset = 4090, .vcpu = 0};

	mem(&s, 2, 0, &au, sizeof(au));
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, 0);
	mem(&s, 2, 0x40, &ic0, sizeof(ic0));
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_init_control, 0x40);
	mem(&s, 2, 0x80, &ic1, sizeof(ic1));
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_init_control, 0x80);
	mem(&s, 2, 0xc0, &ea, sizeof(ea));
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_expand_array, 0xc0);
	mem(&s, 2, 0x100, &bi, sizeof(bi));
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain, 0x100);
	mem(&s, 2, 0x140, &ipi, sizeof(ipi));
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi, 0x140);
	mem(&s, 2, 0x180, &sp, sizeof(sp));
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_set_priority, 0x180);
	mem(&s, 2, 0x1c0, &sd, sizeof(sd));
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_send, 0x1c0);
	/* The guest masks port 3's word (byte 3 of word 3 = bit 30), sends, unmasks. */
	ram_byte(&s, 2, 2, 3 * 4 + 3, 0x40);
	mem(&s, 2, 0x200, &sd3, sizeof(sd3));
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_send, 0x200);
	mem(&s, 2, 0x240, &um, sizeof(um));
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_unmask, 0x240);
	/* It clears its own LINKED bits and HEAD words, then more events come. */
	ram_byte(&s, 2, 2, 2 * 4 + 3, 0x00);
	ram_byte(&s, 2, 1, 8 + 7 * 4, 0x00);
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_send, 0x1c0);
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_send, 0x200);
	fuzz_b(&s, FUZZ_OP_EVENT);
	fuzz_b(&s, 2);
	fuzz_b(&s, 1); /* VIRQ_TIMER to vCPU 0 of d2 (unbound: dropped) */
	/* Hostile arguments: a frame that is not RAM, an offset past the page, another's frame. */
	mem(&s, 2, 0x280, &bad, sizeof(bad));
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_init_control, 0x280);
	mem(&s, 3, 0x40, &ic0, sizeof(ic0));
	call_cmd_ptr(&s, 3, __HYPERVISOR_event_channel_op, EVTCHNOP_init_control, 0x40);
	mem(&s, 3, 0xc0, &ea, sizeof(ea));
	call_cmd_ptr(&s, 3, __HYPERVISOR_event_channel_op, EVTCHNOP_expand_array, 0xc0);
	mem(&s, 2, 0x2c0, &rs, sizeof(rs));
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_reset, 0x2c0);
	/* Back on 2-level; FIFO again from scratch. */
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_init_control, 0x40);
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_expand_array, 0xc0);
	emit("fifo", &s);
}

static void seed_gnttab(void)
{
	struct fuzz_buf s = {.len = 0};
	struct gnttab_query_size qs = {.dom = DOMID_SELF};
	struct gnttab_map_grant_ref mp = {
	    .host_addr = 0x200 * 4096ULL,
	    .flags = GNTMAP_host_map,
	    .ref = 5,
	    .dom = 2,
	};
	struct gnttab_unmap_grant_ref um = {.host_addr = 0x200 * 4096ULL, .handle = 0};
	struct gnttab_copy cp = {.len = 64, .flags = GNTCOPY_source_gref};
	struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = 2};
	struct gnttab_get_version gv = {.dom = DOMID_SELF};

	mem(&s, 0, 0, &qs, sizeof(qs));
	call_cmd_ptr_n(&s, 0, __HYPERVISOR_grant_table_op, GNTTABOP_query_size, 0, 1);
	fuzz_grant(&s, 2, 5, 0 /* permit, writable */, 0 /* to d0 */, 1);
	fuzz_grant(&s, 2, 6, 1 /* permit, readonly */, 2 /* to d2 */, 2);
	mem(&s, 0, 0x40, &mp, sizeof(mp));
	call_cmd_ptr_n(&s, 0, __HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, 0x40, 1);
	cp.source.u.ref = 5;
	cp.source.domid = 2;
	cp.dest.u.gmfn = 3;
	cp.dest.domid = DOMID_SELF;
	mem(&s, 0, 0x100, &cp, sizeof(cp));
	call_cmd_ptr_n(&s, 0, __HYPERVISOR_grant_table_op, GNTTABOP_copy, 0x100, 1);
	mem(&s, 0, 0x180, &um, sizeof(um));
	call_cmd_ptr_n(&s, 0, __HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref, 0x180, 1);
	set_xen_guest_handle(st.frame_list, (xen_pfn_t *)(uintptr_t)PTR(0x300));
	mem(&s, 3, 0x200, &st, sizeof(st));
	call_cmd_ptr_n(&s, 3, __HYPERVISOR_grant_table_op, GNTTABOP_setup_table, 0x200, 1);
	mem(&s, 2, 0x200, &gv, sizeof(gv));
	call_cmd_ptr_n(&s, 2, __HYPERVISOR_grant_table_op, GNTTABOP_get_version, 0x200, 1);
	emit("gnttab", &s);
}

static void seed_memory(void)
{
	struct fuzz_buf s = {.len = 0};
	struct xen_memory_reservation r = {.nr_extents = 4, .extent_order = 0, .domid = DOMID_SELF};
	xen_pfn_t gfns[4] = {0x20, 0x21, 0x22, 0x23};
	struct xen_add_to_physmap ap = {
	    .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .gpfn = 0x40};
	struct xen_add_to_physmap ag = {
	    .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .gpfn = 0x41};
	struct xen_remove_from_physmap rp = {.domid = DOMID_SELF, .gpfn = 0x40};
	domid_t self = DOMID_SELF;

	set_xen_guest_handle(r.extent_start, (xen_pfn_t *)(uintptr_t)PTR(0x100));
	mem(&s, 2, 0x100, gfns, sizeof(gfns));
	mem(&s, 2, 0, &r, sizeof(r));
	call_cmd_ptr(&s, 2, __HYPERVISOR_memory_op, XENMEM_populate_physmap, 0);
	r.nr_extents = 2;
	mem(&s, 2, 0x40, &r, sizeof(r));
	call_cmd_ptr(&s, 2, __HYPERVISOR_memory_op, XENMEM_decrease_reservation, 0x40);
	mem(&s, 2, 0x200, &self, sizeof(self));
	call_cmd_ptr(&s, 2, __HYPERVISOR_memory_op, XENMEM_current_reservation, 0x200);
	call_cmd_ptr(&s, 2, __HYPERVISOR_memory_op, XENMEM_maximum_gpfn, 0x200);
	mem(&s, 2, 0x240, &ap, sizeof(ap));
	call_cmd_ptr(&s, 2, __HYPERVISOR_memory_op, XENMEM_add_to_physmap, 0x240);
	mem(&s, 2, 0x280, &ag, sizeof(ag));
	call_cmd_ptr(&s, 2, __HYPERVISOR_memory_op, XENMEM_add_to_physmap, 0x280);
	mem(&s, 2, 0x2c0, &rp, sizeof(rp));
	call_cmd_ptr(&s, 2, __HYPERVISOR_memory_op, XENMEM_remove_from_physmap, 0x2c0);
	emit("memory", &s);
}

static void seed_domctl(void)
{
	struct fuzz_buf s = {.len = 0};
	struct xen_domctl c;

	memset(&c, 0, sizeof(c));
	c.cmd = XEN_DOMCTL_createdomain;
	c.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	c.domain = 5;
	c.u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
	c.u.createdomain.max_vcpus = 2;
	c.u.createdomain.max_grant_frames = -1;
	c.u.createdomain.max_maptrack_frames = -1;
	c.u.createdomain.grant_opts = 1;
	c.u.createdomain.arch.emulation_flags = XEN_X86_EMU_LAPIC; /* PVH */
	mem(&s, 0, 0, &c, sizeof(c));
	/* domctl and sysctl take the structure's address as their only argument */
	fuzz_call(&s, 0, 0, __HYPERVISOR_domctl);
	fuzz_arg_gptr(&s, 0);
	for (int i = 0; i < 4; i++)
		fuzz_arg_zero(&s);
	memset(&c, 0, sizeof(c));
	c.cmd = XEN_DOMCTL_getdomaininfo;
	c.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	c.domain = 2;
	mem(&s, 0, 0x400, &c, sizeof(c));
	fuzz_call(&s, 0, 0, __HYPERVISOR_domctl);
	fuzz_arg_gptr(&s, 0x400);
	for (int i = 0; i < 4; i++)
		fuzz_arg_zero(&s);
	c.cmd = XEN_DOMCTL_pausedomain;
	mem(&s, 0, 0x800, &c, sizeof(c));
	fuzz_call(&s, 0, 0, __HYPERVISOR_domctl);
	fuzz_arg_gptr(&s, 0x800);
	for (int i = 0; i < 4; i++)
		fuzz_arg_zero(&s);
	c.cmd = XEN_DOMCTL_max_mem;
	c.u.max_mem.max_memkb = 64;
	mem(&s, 0, 0xc00, &c, sizeof(c));
	fuzz_call(&s, 0, 0, __HYPERVISOR_domctl);
	fuzz_arg_gptr(&s, 0xc00);
	for (int i = 0; i < 4; i++)
		fuzz_arg_zero(&s);
	memset(&c, 0, sizeof(c));
	c.cmd = XEN_DOMCTL_destroydomain;
	c.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	c.domain = 3;
	mem(&s, 0, 0x1000, &c, sizeof(c));
	fuzz_call(&s, 0, 0, __HYPERVISOR_domctl);
	fuzz_arg_gptr(&s, 0x1000);
	for (int i = 0; i < 4; i++)
		fuzz_arg_zero(&s);
	emit("domctl", &s);
}

static void seed_sysctl(void)
{
	struct fuzz_buf s = {.len = 0};
	struct xen_sysctl c;

	memset(&c, 0, sizeof(c));
	c.cmd = XEN_SYSCTL_physinfo;
	c.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	mem(&s, 0, 0, &c, sizeof(c));
	fuzz_call(&s, 0, 0, __HYPERVISOR_sysctl);
	fuzz_arg_gptr(&s, 0);
	for (int i = 0; i < 4; i++)
		fuzz_arg_zero(&s);
	memset(&c, 0, sizeof(c));
	c.cmd = XEN_SYSCTL_getdomaininfolist;
	c.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	c.u.getdomaininfolist.max_domains = 8;
	set_xen_guest_handle(c.u.getdomaininfolist.buffer,
			     (xen_domctl_getdomaininfo_t *)(uintptr_t)PTR(0x400));
	mem(&s, 0, 0x200, &c, sizeof(c));
	fuzz_call(&s, 0, 0, __HYPERVISOR_sysctl);
	fuzz_arg_gptr(&s, 0x200);
	for (int i = 0; i < 4; i++)
		fuzz_arg_zero(&s);
	memset(&c, 0, sizeof(c));
	c.cmd = XEN_SYSCTL_readconsole;
	c.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	c.u.readconsole.count = 200;
	set_xen_guest_handle(c.u.readconsole.buffer, (char *)(uintptr_t)PTR(0x800));
	mem(&s, 0, 0x300, &c, sizeof(c));
	fuzz_call(&s, 0, 0, __HYPERVISOR_sysctl);
	fuzz_arg_gptr(&s, 0x300);
	for (int i = 0; i < 4; i++)
		fuzz_arg_zero(&s);
	emit("sysctl", &s);
}

static void seed_sched(void)
{
	struct fuzz_buf s = {.len = 0};
	struct sched_shutdown sh = {.reason = SHUTDOWN_reboot};
	uint32_t port = 1;
	struct sched_poll p = {.nr_ports = 1, .timeout = 0};
	struct evtchn_bind_virq bv = {.virq = VIRQ_TIMER, .vcpu = 0};

	call_cmd_ptr(&s, 2, __HYPERVISOR_sched_op, SCHEDOP_yield, 0);
	mem(&s, 2, 0, &bv, sizeof(bv));
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, 0);
	/* set_timer_op(now + a little), then block until it fires */
	fuzz_call(&s, 2, 0, __HYPERVISOR_set_timer_op);
	fuzz_arg_raw(&s, 10000000000ULL + 1000000);
	for (int i = 0; i < 4; i++)
		fuzz_arg_zero(&s);
	call_cmd_ptr(&s, 2, __HYPERVISOR_sched_op, SCHEDOP_block, 0);
	fuzz_time(&s, 4);
	mem(&s, 2, 0x40, &port, sizeof(port));
	set_xen_guest_handle(p.ports, (evtchn_port_t *)(uintptr_t)PTR(0x40));
	mem(&s, 2, 0x80, &p, sizeof(p));
	call_cmd_ptr(&s, 2, __HYPERVISOR_sched_op, SCHEDOP_poll, 0x80);
	fuzz_time(&s, 5);
	mem(&s, 3, 0, &sh, sizeof(sh));
	call_cmd_ptr(&s, 3, __HYPERVISOR_sched_op, SCHEDOP_shutdown, 0);
	emit("sched", &s);
}

static void seed_vcpu(void)
{
	struct fuzz_buf s = {.len = 0};
	struct vcpu_set_singleshot_timer t = {.timeout_abs_ns = 10000000000ULL + 500000};
	struct vcpu_register_vcpu_info vi = {.mfn = 3, .offset = 64};
	struct vcpu_runstate_info ri;

	memset(&ri, 0, sizeof(ri));
	/* vcpu_op(cmd, vcpuid, arg) */
	fuzz_call(&s, 2, 0, __HYPERVISOR_vcpu_op);
	fuzz_arg_small(&s, VCPUOP_is_up);
	fuzz_arg_small(&s, 1);
	for (int i = 0; i < 3; i++)
		fuzz_arg_zero(&s);
	mem(&s, 2, 0, &t, sizeof(t));
	fuzz_call(&s, 2, 0, __HYPERVISOR_vcpu_op);
	fuzz_arg_small(&s, VCPUOP_set_singleshot_timer);
	fuzz_arg_small(&s, 0);
	fuzz_arg_gptr(&s, 0);
	fuzz_arg_zero(&s);
	fuzz_arg_zero(&s);
	fuzz_time(&s, 3);
	mem(&s, 2, 0x40, &vi, sizeof(vi));
	fuzz_call(&s, 2, 0, __HYPERVISOR_vcpu_op);
	fuzz_arg_small(&s, VCPUOP_register_vcpu_info);
	fuzz_arg_small(&s, 0);
	fuzz_arg_gptr(&s, 0x40);
	fuzz_arg_zero(&s);
	fuzz_arg_zero(&s);
	fuzz_call(&s, 2, 0, __HYPERVISOR_vcpu_op);
	fuzz_arg_small(&s, VCPUOP_get_runstate_info);
	fuzz_arg_small(&s, 0);
	fuzz_arg_gptr(&s, 0x100);
	fuzz_arg_zero(&s);
	fuzz_arg_zero(&s);
	emit("vcpu", &s);
}

static void seed_hvm(void)
{
	struct fuzz_buf s = {.len = 0};
	struct xen_hvm_param p = {
	    .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ, .value = 0x2ULL << 56 | 0xf3};

	mem(&s, 2, 0, &p, sizeof(p));
	call_cmd_ptr(&s, 2, __HYPERVISOR_hvm_op, HVMOP_set_param, 0);
	p.index = HVM_PARAM_STORE_EVTCHN;
	p.domid = 2;
	mem(&s, 0, 0x40, &p, sizeof(p));
	call_cmd_ptr(&s, 0, __HYPERVISOR_hvm_op, HVMOP_set_param, 0x40);
	call_cmd_ptr(&s, 2, __HYPERVISOR_hvm_op, HVMOP_get_param, 0);
	emit("hvm", &s);
}

static void seed_multicall(void)
{
	struct fuzz_buf s = {.len = 0};
	struct multicall_entry m[3];

	memset(m, 0, sizeof(m));
	m[0].op = __HYPERVISOR_xen_version;
	m[0].args[0] = XENVER_version;
	m[1].op = __HYPERVISOR_sched_op;
	m[1].args[0] = SCHEDOP_yield;
	m[2].op = __HYPERVISOR_multicall; /* nested: refused */
	m[2].args[0] = PTR(0);
	m[2].args[1] = 1;
	mem(&s, 2, 0, m, sizeof(m));
	fuzz_call(&s, 2, 0, __HYPERVISOR_multicall);
	fuzz_arg_gptr(&s, 0);
	fuzz_arg_small(&s, 3);
	for (int i = 0; i < 3; i++)
		fuzz_arg_zero(&s);
	emit("multicall", &s);
}

/* Continuations and faults: a preempted populate, a copy fault mid-way, a failing p2m update. */
static void seed_faults(void)
{
	struct fuzz_buf s = {.len = 0};
	struct xen_memory_reservation r = {.nr_extents = 6, .extent_order = 0, .domid = DOMID_SELF};
	xen_pfn_t gfns[6] = {0x30, 0x31, 0x32, 0x33, 0x34, 0x35};

	set_xen_guest_handle(r.extent_start, (xen_pfn_t *)(uintptr_t)PTR(0x100));
	mem(&s, 2, 0x100, gfns, sizeof(gfns));
	mem(&s, 2, 0, &r, sizeof(r));
	fuzz_b(&s, FUZZ_OP_PREEMPT);
	fuzz_b(&s, 1);
	call_cmd_ptr(&s, 2, __HYPERVISOR_memory_op, XENMEM_populate_physmap, 0);
	fuzz_b(&s, FUZZ_OP_FAULT);
	fuzz_b(&s, 3);
	call_cmd_ptr(&s, 2, __HYPERVISOR_memory_op, XENMEM_decrease_reservation, 0);
	fuzz_b(&s, FUZZ_OP_FAULT);
	fuzz_b(&s, 0x80);
	call_cmd_ptr(&s, 2, __HYPERVISOR_memory_op, XENMEM_populate_physmap, 0);
	fuzz_b(&s, FUZZ_OP_EVENT);
	fuzz_b(&s, 3);
	fuzz_b(&s, 0xff); /* the hypervisor crashes d3 */
	emit("faults", &s);
}

/* Timers that fire: periodic, a poll with a timeout, a remote shutdown by the control domain. */
static void seed_timers(void)
{
	struct fuzz_buf s = {.len = 0};
	struct vcpu_set_periodic_timer pt = {.period_ns = 1000000};
	struct evtchn_bind_virq bv = {.virq = VIRQ_TIMER, .vcpu = 0};
	uint32_t port = 1;
	struct sched_poll p = {.nr_ports = 1, .timeout = 10000000000ULL + 3000000};
	struct sched_remote_shutdown rs = {.domain_id = 2, .reason = SHUTDOWN_poweroff};
	struct xen_hvm_evtchn_upcall_vector uv = {.vcpu = 0, .vector = 0xf3};

	mem(&s, 2, 0, &bv, sizeof(bv));
	call_cmd_ptr(&s, 2, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, 0);
	mem(&s, 2, 0x20, &uv, sizeof(uv));
	call_cmd_ptr(&s, 2, __HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, 0x20);
	mem(&s, 2, 0x40, &pt, sizeof(pt));
	fuzz_call(&s, 2, 0, __HYPERVISOR_vcpu_op);
	fuzz_arg_small(&s, VCPUOP_set_periodic_timer);
	fuzz_arg_small(&s, 0);
	fuzz_arg_gptr(&s, 0x40);
	fuzz_arg_zero(&s);
	fuzz_arg_zero(&s);
	fuzz_time(&s, 4);
	mem(&s, 2, 0x80, &port, sizeof(port));
	set_xen_guest_handle(p.ports, (evtchn_port_t *)(uintptr_t)PTR(0x80));
	mem(&s, 2, 0xc0, &p, sizeof(p));
	call_cmd_ptr(&s, 2, __HYPERVISOR_sched_op, SCHEDOP_poll, 0xc0);
	fuzz_time(&s, 5);
	mem(&s, 0, 0, &rs, sizeof(rs));
	call_cmd_ptr(&s, 0, __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, 0);
	fuzz_time(&s, 6);
	emit("timers", &s);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	outdir = argv[1];
	seed_version();
	seed_console();
	seed_evtchn();
	seed_fifo();
	seed_gnttab();
	seed_memory();
	seed_domctl();
	seed_sysctl();
	seed_sched();
	seed_vcpu();
	seed_hvm();
	seed_multicall();
	seed_faults();
	seed_timers();
	printf("mkseeds: %u seeds in %s\n", nr_written, outdir);
	return 0;
}
