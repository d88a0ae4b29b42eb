/*
 * The hypervisor's PV console backend for boot domains (common/console_backend.c):
 * it serves each attached domain's console ring (struct xencons_interface,
 * public/io/console.h), printing its output on the serial line as
 * "(name) text" lines and giving serial input to one focused domain. The
 * focus starts with the control domain's console when it attaches at boot
 * (as Xen gives dom0 the serial line; conswitch=<c>x keeps it with the
 * hypervisor) and moves with a key sequence (conswitch=, default Ctrl-]
 * three times): each attached domain in domid order -> hypervisor -> first.
 *
 * The ring's other end is a hypervisor-bound event channel port of the
 * domain (evtchn_alloc_xen_port, tessera/event.h).
 */
#ifndef TESSERA_CONSOLE_BACKEND_H
#define TESSERA_CONSOLE_BACKEND_H

#include <tessera/domain.h>
#include <tessera/types.h>

/*
 * Serve d's console ring at guest frame ring_gfn: a page d owns as
 * ordinary RAM (p2m_ram_rw; for a PV domain ring_gfn is the machine frame),
 * zeroed by the builder and marked reserved in the guest's memory map. A
 * new port of d, bound to the hypervisor, is its event channel: *port_out
 * (the builder stores it in HVM_PARAM_CONSOLE_EVTCHN, the frame in
 * HVM_PARAM_CONSOLE_PFN). 0, -EINVAL (bad frame, dying domain), -EEXIST
 * (d has one already), -ENOMEM, -ENOSPC. The console goes away when the
 * port is closed (EVTCHNOP_close/reset by the guest, or the domain's
 * destruction), which also drops its reference on the ring frame.
 */
int console_backend_attach(struct domain *d, gfn_t ring_gfn, uint32_t *port_out);

/*
 * Boot: read conswitch= from the command line, start the poll timer
 * (serial input and the rings, every CONSOLE_POLL_MS) and the softirq that
 * drains a ring when its guest notifies. After timers and softirqs exist.
 */
void console_backend_init(const char *cmdline);

/* The console driver's non-blocking input: a byte (0..255), or -1 if none. Registered at boot. */
void console_input_register(int (*getc)(void));

#define CONSOLE_POLL_MS 20

/* ---- For the host unit tests (tests/unit/test_console_backend.c) ---- */

/* Parse a conswitch= value ("]", "a", "tx"...): the control code, or -EINVAL. */
int console_parse_conswitch(const char *val, uint8_t *code);
/* Set the switch code (as from conswitch=) and reset focus and sequence state; focus_control:
 * the control domain's console takes the focus when it attaches (until the focus first moves). */
void console_backend_configure(uint8_t switch_code, bool focus_control);
/* One poll: take serial input, drain every ring, flush stale partial lines. */
void console_backend_poll(void);
/* The domid input goes to, or DOMID_XEN for the hypervisor. */
domid_t console_backend_focus(void);

/*
 * The key-sequence state machine, portable: three presses of the switch
 * code switch the focus; one or two presses followed by another key are
 * delivered with it; presses held longer than CONSOLE_KEYSEQ_HOLD_NS with
 * nothing after them are delivered alone.
 */
#define CONSOLE_KEYSEQ_HOLD_NS (1000LL * 1000 * 1000)
struct console_keyseq {
	uint8_t code;	  /* the switch code (Ctrl-x = x & 0x1f) */
	uint8_t held;	  /* presses seen and not yet delivered (0..2) */
	s_time_t held_at; /* when the first held press came */
};
/*
 * Feed byte c at time now: the bytes to deliver go to out (up to 3), their
 * number is returned; *do_switch is set when the sequence completed.
 */
unsigned int console_keyseq_feed(struct console_keyseq *k, uint8_t c, s_time_t now, uint8_t out[3],
				 bool *do_switch);
/* Held presses older than the hold time at now: into out (up to 2), their number. */
unsigned int console_keyseq_expire(struct console_keyseq *k, s_time_t now, uint8_t out[2]);

#endif
