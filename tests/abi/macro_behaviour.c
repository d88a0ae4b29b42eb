/*
 * Differential test of the code our public headers carry (io/ring.h macros,
 * the netif Toeplitz hash): the same scenario is built once against
 * Tessera's headers and once against Xen's (-DUSE_XEN_HEADERS); check.sh
 * diffs the two traces.  Covers ring sizing, init, free/unconsumed counts,
 * push-and-notify thresholds, final checks, index wrap-around at 2^32, the
 * flex (byte stream) ring helpers and the Toeplitz hash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef USE_XEN_HEADERS
#define xen_mb() __sync_synchronize()
#define xen_rmb() __sync_synchronize()
#define xen_wmb() __sync_synchronize()
#define XEN_NETIF_DEFINE_TOEPLITZ
#include <xen/io/ring.h>
#include <xen/io/netif.h>
#else
#define XEN_NETIF_DEFINE_TOEPLITZ
#include <public/io/ring.h>
#include <public/io/netif.h>
#endif

struct t_req {
	uint64_t id;
	uint32_t op;
};
struct t_rsp {
	uint64_t id;
	int16_t status;
};
DEFINE_RING_TYPES(t, struct t_req, struct t_rsp);

struct wide_req {
	uint8_t b[112];
};
DEFINE_RING_TYPES(wide, struct wide_req, struct wide_req);

DEFINE_XEN_FLEX_RING_AND_INTF(tflex);

static union {
	unsigned char bytes[4096];
	struct t_sring s;
} page __attribute__((aligned(4096)));

static void show(const char *what, t_front_ring_t *f, t_back_ring_t *b)
{
	printf("%-12s fprod=%u fcons=%u bprod=%u bcons=%u sreq=%u srsp=%u reqev=%u rspev=%u "
	       "free=%u full=%d unreq=%u unrsp=%u\n",
	       what, f->req_prod_pvt, f->rsp_cons, b->rsp_prod_pvt, b->req_cons, page.s.req_prod,
	       page.s.rsp_prod, page.s.req_event, page.s.rsp_event, (unsigned)RING_FREE_REQUESTS(f),
	       (int)RING_FULL(f), (unsigned)RING_HAS_UNCONSUMED_REQUESTS(b),
	       (unsigned)RING_HAS_UNCONSUMED_RESPONSES(f));
}

static void scenario(RING_IDX start)
{
	t_front_ring_t f;
	t_back_ring_t b;
	int notify, work, round, i;
	uint64_t next_id = 1;

	memset(&page, 0xa5, sizeof(page));
	SHARED_RING_INIT(&page.s);
	page.s.req_prod = page.s.rsp_prod = start;
	page.s.req_event = page.s.rsp_event = start + 1;
	FRONT_RING_ATTACH(&f, &page.s, start, sizeof(page));
	BACK_RING_ATTACH(&b, &page.s, start, sizeof(page));
	printf("start=%u size=%u pvt=%u pad0=%u\n", start, (unsigned)RING_SIZE(&f),
	       page.s.pvt.pvt_pad[0], page.s.__pad[0]);
	show("init", &f, &b);

	for (round = 0; round < 6; round++) {
		int n = 1 + round * 7; /* 1, 8, 15, ... up to a full ring */

		for (i = 0; i < n && !RING_FULL(&f); i++) {
			struct t_req *rq = RING_GET_REQUEST(&f, f.req_prod_pvt);
			rq->id = next_id++;
			rq->op = (uint32_t)round;
			f.req_prod_pvt++;
		}
		RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f, notify);
		printf("round %d pushed %d notify=%d\n", round, i, notify);
		show("pushed", &f, &b);

		/* Backend consumes all but one, answers each, then final-checks. */
		for (i = 0; RING_HAS_UNCONSUMED_REQUESTS(&b) > 1; i++) {
			struct t_req rq;
			struct t_rsp *rs;
			RING_COPY_REQUEST(&b, b.req_cons, &rq);
			b.req_cons++;
			rs = RING_GET_RESPONSE(&b, b.rsp_prod_pvt);
			rs->id = rq.id;
			rs->status = (int16_t)rq.op;
			b.rsp_prod_pvt++;
		}
		printf("  overflow cons=%d reqprod=%d rspprod=%d\n",
		       (int)RING_REQUEST_CONS_OVERFLOW(&b, b.req_cons),
		       (int)RING_REQUEST_PROD_OVERFLOW(&b, page.s.req_prod),
		       (int)RING_RESPONSE_PROD_OVERFLOW(&f, page.s.rsp_prod));
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&b, notify);
		printf("  backend answered %d notify=%d\n", i, notify);
		RING_FINAL_CHECK_FOR_REQUESTS(&b, work);
		printf("  backend final check work=%d\n", work);
		show("answered", &f, &b);

		/* Frontend consumes responses. */
		for (i = 0; RING_HAS_UNCONSUMED_RESPONSES(&f); i++) {
			struct t_rsp rs;
			RING_COPY_RESPONSE(&f, f.rsp_cons, &rs);
			f.rsp_cons++;
			if (rs.status != (int16_t)rs.status)
				printf("  bad response\n");
		}
		RING_FINAL_CHECK_FOR_RESPONSES(&f, work);
		printf("  frontend took %d final work=%d\n", i, work);
		show("consumed", &f, &b);
	}
}

static void flex(void)
{
	unsigned char buf[64], out[64], in[64];
	RING_IDX prod = 0, cons = 0, size = sizeof(buf);
	unsigned int i, step;

	for (i = 0; i < sizeof(out); i++)
		out[i] = (unsigned char)(i * 7 + 3);
	for (step = 5; step < 60; step += 9) {
		memset(in, 0, sizeof(in));
		tflex_write_packet(buf, out, step, &prod, cons, size);
		printf("flex wrote %u prod=%u queued=%u\n", step, prod,
		       tflex_queued(prod, cons, size));
		tflex_read_packet(in, buf, step, prod, &cons, size);
		printf("flex read %u cons=%u same=%d\n", step, cons, memcmp(in, out, step) == 0);
	}
	printf("flex queued full=%u empty=%u part=%u\n", tflex_queued(64, 0, 64),
	       tflex_queued(70, 70, 64), tflex_queued(3, 60, 64));
	printf("flex size(0)=%lu size(2)=%lu intf=%zu ref@%zu\n",
	       (unsigned long)XEN_FLEX_RING_SIZE(0), (unsigned long)XEN_FLEX_RING_SIZE(2),
	       sizeof(struct tflex_data_intf), offsetof(struct tflex_data_intf, ref));
}

static void toeplitz(void)
{
	/* The RSS verification key and inputs of varying length and key length. */
	static const uint8_t key[40] = {
	    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	    0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	    0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
	};
	uint8_t in[36];
	unsigned int i, len, klen;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 37 + 11);
	for (klen = 0; klen <= 40; klen += 8)
		for (len = 0; len <= sizeof(in); len += 3)
			printf("toeplitz klen=%u len=%u hash=%08x\n", klen, len,
			       (unsigned)xen_netif_toeplitz_hash(key, klen, in, len));
}

int main(void)
{
	static const unsigned sizes[] = {100, 200, 1000, 4096, 4097, 8192, 12345, 65536, 1u << 20};
	unsigned i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		printf("const size t/%u=%u wide/%u=%u\n", sizes[i],
		       (unsigned)__CONST_RING_SIZE(t, sizes[i]), sizes[i],
		       (unsigned)__CONST_RING_SIZE(wide, sizes[i]));
	scenario(0);
	scenario(0xfffffff0u); /* indices wrap during the run */
	flex();
	toeplitz();
	return 0;
}
