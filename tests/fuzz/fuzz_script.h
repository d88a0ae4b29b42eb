/*
 * The byte language of the hypercall fuzzer (tests/fuzz/fuzz_hypercall.c),
 * shared with the seed generator (tests/fuzz/mkseeds.c) so both read and
 * write the same format.
 *
 * An input is a script: a sequence of steps, each an opcode byte followed by
 * its operands. When the input ends mid-step, missing bytes read as zero; the
 * script stops after the last complete opcode. Multi-byte numbers are little
 * endian. Step kinds (opcode % 16):
 *
 *   0..7  CALL     caller, hc, then 5 arguments (ARG encoding below)
 *   8     BYTES    dom, off16, len, len raw bytes -> that domain's guest memory
 *   9     PUT      dom, off16, width, ARG -> a value of 1/2/4/8 bytes in guest memory
 *   10    GRANT    dom, ref, flags, domid, frame -> a v1 grant entry the domain writes
 *   11    SHARED   sel, off16, byte -> the guest writes its shared_info (off16 & 0x8000: a
 *                  vcpu_info; else & 0x4000: byte off16 & 0xfff of its boot RAM frame
 *                  (off16 >> 12) & 3, e.g. FIFO event words and control blocks)
 *   12    TIME     b -> the clock advances, timers and softirqs run
 *   13    FAULT    b -> the next call: a copy fails after b&0x7f copies, or (b&0x80) the
 *                  next p2m update of the arch fails
 *   14    PREEMPT  b -> the next call is preempted every b checks (0 = never)
 *   15    EVENT    sel, b -> the hypervisor raises a VIRQ, or crashes the domain
 *
 * caller: domain index (b & 7, among live domains in domid order) and vCPU
 * (b >> 3); the first runnable vCPU from there is used, none = step skipped.
 * hc: b < 0xf0 picks one of the implemented hypercalls, otherwise the next
 * byte is the raw hypercall number.
 * dom: domain index as for caller.
 *
 * ARG: a kind byte (kind % 8) and its payload:
 *   0 SMALL  1 byte, the value 0..255
 *   1 GPTR   2 bytes: an address in the domain's fake guest memory (modulo its
 *            size + 64, so a few point just past the end)
 *   2 DOMID  1 byte: a domain id (existing ones, DOMID_SELF and the reserved ids)
 *   3 RAW    8 bytes
 *   4 ZERO   nothing
 *   5 NEG    1 byte: -(1 + b)
 *   6 GEND   1 byte: the end of guest memory minus b (structures cut by the end)
 *   7 SPECIAL 1 byte: an interesting constant (limits, interface versions, ...)
 */
#ifndef FUZZ_SCRIPT_H
#define FUZZ_SCRIPT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum fuzz_op {
	FUZZ_OP_CALL = 0,
	FUZZ_OP_BYTES = 8,
	FUZZ_OP_PUT = 9,
	FUZZ_OP_GRANT = 10,
	FUZZ_OP_SHARED = 11,
	FUZZ_OP_TIME = 12,
	FUZZ_OP_FAULT = 13,
	FUZZ_OP_PREEMPT = 14,
	FUZZ_OP_EVENT = 15,
};

enum fuzz_arg {
	FUZZ_ARG_SMALL = 0,
	FUZZ_ARG_GPTR = 1,
	FUZZ_ARG_DOMID = 2,
	FUZZ_ARG_RAW = 3,
	FUZZ_ARG_ZERO = 4,
	FUZZ_ARG_NEG = 5,
	FUZZ_ARG_GEND = 6,
	FUZZ_ARG_SPECIAL = 7,
};

/* Bytes of fake guest memory per domain, at FAKE_GUEST_BASE. */
#define FUZZ_GUEST_MEM 16384

/*
 * The hypercalls the "hc" byte picks from (index = b % FUZZ_NR_HC), by
 * number, so the table does not depend on the handlers linked in.
 */
#define FUZZ_HC_LIST                                                                               \
	12 /* memory_op */, 17 /* xen_version */, 18 /* console_io */, 15 /* set_timer_op */,      \
	    20 /* grant_table_op */, 32 /* event_channel_op */, 29 /* sched_op */,                 \
	    24 /* vcpu_op */, 34 /* hvm_op */, 13 /* multicall */, 35 /* sysctl */,                \
	    36 /* domctl */
#define FUZZ_NR_HC 12

/* DOMID byte: b % 16 picks; 15 means the raw byte value b itself. */
#define FUZZ_DOMID_LIST                                                                            \
	0, 1, 2, 3, 0x7ff0 /* SELF */, 0x7ff4 /* INVALID */, 0x7ff2 /* XEN */, 0x7fff /* IDLE */,  \
	    0x7ff1 /* IO */, 4, 5, 6, 7, 0x7fef, 0xffff
#define FUZZ_NR_DOMID 15

/* --- Writing scripts (the seed generator and regression inputs) --- */

struct fuzz_buf {
	uint8_t data[4096];
	size_t len;
};

static inline void fuzz_b(struct fuzz_buf *s, uint8_t b)
{
	if (s->len < sizeof(s->data))
		s->data[s->len++] = b;
}

static inline void fuzz_u16(struct fuzz_buf *s, uint16_t v)
{
	fuzz_b(s, (uint8_t)v);
	fuzz_b(s, (uint8_t)(v >> 8));
}

static inline void fuzz_u64(struct fuzz_buf *s, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		fuzz_b(s, (uint8_t)(v >> (8 * i)));
}

/* ARG encoders. */
static inline void fuzz_arg_small(struct fuzz_buf *s, uint8_t v)
{
	fuzz_b(s, FUZZ_ARG_SMALL);
	fuzz_b(s, v);
}

static inline void fuzz_arg_gptr(struct fuzz_buf *s, uint16_t off)
{
	fuzz_b(s, FUZZ_ARG_GPTR);
	fuzz_u16(s, off);
}

/* idx into FUZZ_DOMID_LIST (0..3 are the boot domains, 4 DOMID_SELF). */
static inline void fuzz_arg_domid(struct fuzz_buf *s, uint8_t idx)
{
	fuzz_b(s, FUZZ_ARG_DOMID);
	fuzz_b(s, idx);
}

static inline void fuzz_arg_raw(struct fuzz_buf *s, uint64_t v)
{
	fuzz_b(s, FUZZ_ARG_RAW);
	fuzz_u64(s, v);
}

static inline void fuzz_arg_zero(struct fuzz_buf *s)
{
	fuzz_b(s, FUZZ_ARG_ZERO);
}

/* CALL as domain index dom (vCPU vcpu), hypercall number nr, then nargs ARGs follow (rest zero). */
static inline void fuzz_call(struct fuzz_buf *s, uint8_t dom, uint8_t vcpu, unsigned int nr)
{
	fuzz_b(s, FUZZ_OP_CALL);
	fuzz_b(s, (uint8_t)((dom & 7) | (vcpu << 3)));
	fuzz_b(s, 0xf0);
	fuzz_b(s, (uint8_t)nr);
}

/* BYTES: len raw bytes at off in domain dom's memory. */
static inline void fuzz_bytes(struct fuzz_buf *s, uint8_t dom, uint16_t off, const void *p,
			      uint8_t len)
{
	fuzz_b(s, FUZZ_OP_BYTES);
	fuzz_b(s, dom);
	fuzz_u16(s, off);
	fuzz_b(s, len);
	for (unsigned int i = 0; i < len; i++)
		fuzz_b(s, ((const uint8_t *)p)[i]);
}

/* PUT of a raw value (width 1, 2, 4 or 8 bytes) at off in domain dom's memory. */
static inline void fuzz_put_raw(struct fuzz_buf *s, uint8_t dom, uint16_t off, unsigned int width,
				uint64_t v)
{
	fuzz_b(s, FUZZ_OP_PUT);
	fuzz_b(s, dom);
	fuzz_u16(s, off);
	fuzz_b(s, (uint8_t)(width == 1 ? 0 : width == 2 ? 1 : width == 4 ? 2 : 3));
	fuzz_arg_raw(s, v);
}

/* PUT of a guest pointer (8 bytes) to off2, at off in domain dom's memory. */
static inline void fuzz_put_ptr(struct fuzz_buf *s, uint8_t dom, uint16_t off, uint16_t off2)
{
	fuzz_b(s, FUZZ_OP_PUT);
	fuzz_b(s, dom);
	fuzz_u16(s, off);
	fuzz_b(s, 3);
	fuzz_arg_gptr(s, off2);
}

/* GRANT: domain dom grants (flags byte, see the harness) its RAM frame index frame to domid idx. */
static inline void fuzz_grant(struct fuzz_buf *s, uint8_t dom, uint8_t ref, uint8_t flags,
			      uint8_t domid_idx, uint8_t frame)
{
	fuzz_b(s, FUZZ_OP_GRANT);
	fuzz_b(s, dom);
	fuzz_b(s, ref);
	fuzz_b(s, flags);
	fuzz_b(s, domid_idx);
	fuzz_b(s, frame);
}

static inline void fuzz_time(struct fuzz_buf *s, uint8_t b)
{
	fuzz_b(s, FUZZ_OP_TIME);
	fuzz_b(s, b);
}

#endif
