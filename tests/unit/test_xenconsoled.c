/*
 * xenconsoled's portable parts: the backend side of the PV console ring
 * (cons_ring.c) with wrap-around, partial takes, full input rings and a
 * guest writing nonsense indices; the log escaping and the detach key
 * (cons_text.c). The ring page is malloc'd at its exact size: ASan sees any
 * access outside it.
 */
#include <stdlib.h>
#include <string.h>
#include "cons_ring.h"
#include "cons_text.h"
#include "unit.h"

UNIT_SUITE(xenconsoled);

static struct xencons_interface *ring_new(void)
{
	return calloc(1, sizeof(struct xencons_interface));
}

/* The guest side: writes n bytes of output (as hvc_xen does). */
static void guest_write(struct xencons_interface *r, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		r->out[(r->out_prod + i) % sizeof(r->out)] = s[i];
	r->out_prod += (XENCONS_RING_IDX)n;
}

UNIT_TEST(xenconsoled, output_is_taken_in_order_across_the_ring_end)
{
	struct xencons_interface *r = ring_new();
	char msg[1500], got[2048];

	r->out_prod = r->out_cons = 2000; /* 48 bytes before the end of the ring */
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (char)('a' + i % 26);
	guest_write(r, msg, sizeof(msg));
	CU_ASSERT_EQUAL(cons_ring_take_output(r, got, 100), 100); /* partial */
	CU_ASSERT_EQUAL(cons_ring_take_output(r, got + 100, sizeof(got)), 1400);
	CU_ASSERT_EQUAL(memcmp(got, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(r->out_cons, r->out_prod);
	CU_ASSERT_EQUAL(cons_ring_take_output(r, got, sizeof(got)), 0); /* empty */
	free(r);
}

UNIT_TEST(xenconsoled, a_full_output_ring_and_counter_wrap_are_fine)
{
	struct xencons_interface *r = ring_new();
	char msg[2048], got[2048];

	r->out_prod = r->out_cons = 0xfffffc00u;
	memset(msg, 'x', sizeof(msg));
	guest_write(r, msg, sizeof(msg)); /* exactly full */
	CU_ASSERT_EQUAL(cons_ring_take_output(r, got, sizeof(got)), 2048);
	CU_ASSERT_EQUAL(r->out_cons, 0x400u);
	free(r);
}

UNIT_TEST(xenconsoled, impossible_output_indices_are_skipped_not_followed)
{
	struct xencons_interface *r = ring_new();
	char got[4096];

	r->out_cons = 10;
	r->out_prod = 10 + 2049; /* more than the ring holds */
	CU_ASSERT_EQUAL(cons_ring_take_output(r, got, sizeof(got)), -1);
	CU_ASSERT_EQUAL(r->out_cons, r->out_prod); /* resynchronised */
	r->out_cons = 100;
	r->out_prod = 99; /* consumer ahead */
	CU_ASSERT_EQUAL(cons_ring_take_output(r, got, sizeof(got)), -1);
	/* Any index values: never a stray access (ASan), never more than asked. */
	for (unsigned int i = 0, seed = 7; i < 5000; i++) {
		int n;

		seed = seed * 1103515245u + 12345u;
		r->out_cons = seed;
		r->out_prod = seed + (seed >> 20) % 4096;
		n = cons_ring_take_output(r, got, (seed >> 8) % 3000);
		CU_ASSERT(n >= -1 && n <= 2048);
	}
	free(r);
}

UNIT_TEST(xenconsoled, input_fills_the_ring_and_stops_when_full)
{
	struct xencons_interface *r = ring_new();
	char keys[1500];

	memset(keys, 'k', sizeof(keys));
	r->in_prod = r->in_cons = 1000; /* wraps at 1024 */
	CU_ASSERT_EQUAL(cons_ring_input_room(r), 1024);
	CU_ASSERT_EQUAL(cons_ring_put_input(r, keys, sizeof(keys)), 1024);
	CU_ASSERT_EQUAL(cons_ring_input_room(r), 0);
	CU_ASSERT_EQUAL(cons_ring_put_input(r, "z", 1), 0);
	r->in_cons += 3; /* the guest read three */
	CU_ASSERT_EQUAL(cons_ring_put_input(r, "abcd", 4), 3);
	CU_ASSERT_EQUAL(r->in[(1000 + 1024) % 1024], 'a');
	CU_ASSERT_EQUAL(r->in[(1000 + 1026) % 1024], 'c');
	r->in_cons = r->in_prod + 1; /* nonsense from the guest */
	CU_ASSERT_EQUAL(cons_ring_input_room(r), -1);
	CU_ASSERT_EQUAL(cons_ring_put_input(r, "a", 1), -1);
	free(r);
}

UNIT_TEST(xenconsoled, the_log_gets_text_and_escapes_the_rest)
{
	const char in[] = "ok\r\n\ttab \x1b[2Jcls \\ \x00\xff";
	char out[CONS_ESCAPE_MAX(sizeof(in))];
	size_t n = cons_log_escape(in, sizeof(in) - 1, out);

	out[n] = 0;
	CU_ASSERT_STRING_EQUAL(out, "ok\n\ttab \\x1b[2Jcls \\x5c \\x00\\xff");
	CU_ASSERT_EQUAL(cons_log_escape(in, 0, out), 0);
}

UNIT_TEST(xenconsoled, ctrl_close_bracket_is_the_detach_key)
{
	CU_ASSERT_EQUAL(cons_find_detach("abc", 3), -1);
	CU_ASSERT_EQUAL(cons_find_detach("ab\x1d"
					 "c",
					 4),
			2);
	CU_ASSERT_EQUAL(cons_find_detach("\x1d", 1), 0);
}
