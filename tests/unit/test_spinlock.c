/*
 * The lock checker (common/spinlock.c): what it lets through and what it stops.
 * Its failures are panics; PANICS() catches them through fake_panic_jmp.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <tessera/hypercall.h>
#include <tessera/privilege.h>
#include <tessera/spinlock.h>
#include "fake_arch.h"
#include "fake_guest.h"
#include "unit.h"

UNIT_SUITE(spinlock);

/* Runs stmt and reports whether it panicked; the message is in fake_panic_msg. */
#define PANICS(stmt)                                                                               \
	({                                                                                         \
		jmp_buf jb;                                                                        \
		volatile bool panicked = false;                                                    \
		fake_panic_jmp = &jb;                                                              \
		if (setjmp(jb) == 0) {                                                             \
			stmt;                                                                      \
		} else {                                                                           \
			panicked = true;                                                           \
		}                                                                                  \
		fake_panic_jmp = NULL;                                                             \
		panicked;                                                                          \
	})

UNIT_TEST(spinlock, locks_taken_in_level_order_pass_and_record_their_holder)
{
	DEFINE_SPINLOCK(a, LOCK_LEVEL_TEST_A);
	DEFINE_SPINLOCK(b, LOCK_LEVEL_TEST_B);

	CU_ASSERT_FALSE(spin_is_held_by_me(&a));
	spin_lock(&a);
	spin_lock(&b);
	CU_ASSERT_TRUE(spin_is_held_by_me(&a));
	CU_ASSERT_TRUE(spin_is_held_by_me(&b));
	spin_unlock(&a); /* release order is free */
	spin_unlock(&b);
	CU_ASSERT_FALSE(spin_is_held_by_me(&a));
	CU_ASSERT_FALSE(spin_is_held_by_me(&b));
}

UNIT_TEST(spinlock, an_inversion_panics_before_waiting)
{
	DEFINE_SPINLOCK(a, LOCK_LEVEL_TEST_A);
	DEFINE_SPINLOCK(b, LOCK_LEVEL_TEST_B);

	spin_lock(&b);
	CU_ASSERT_TRUE(PANICS(spin_lock(&a)));
	CU_ASSERT_PTR_NOT_NULL(strstr(fake_panic_msg, "lock order"));
	CU_ASSERT_FALSE(spin_is_locked(&a)); /* stopped before taking a ticket */
	spin_unlock(&b);
	/* The same two in order still pass afterwards. */
	spin_lock(&a);
	spin_lock(&b);
	spin_unlock(&b);
	spin_unlock(&a);
}

UNIT_TEST(spinlock, the_real_levels_catch_heap_lock_before_event_lock)
{
	DEFINE_SPINLOCK(heap, LOCK_LEVEL_HEAP);
	DEFINE_SPINLOCK(event, LOCK_LEVEL_EVENT);

	spin_lock(&heap);
	CU_ASSERT_TRUE(PANICS(spin_lock(&event)));
	CU_ASSERT_PTR_NOT_NULL(strstr(fake_panic_msg, "(event) holding"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fake_panic_msg, "(heap)"));
	spin_unlock(&heap);
}

UNIT_TEST(spinlock, a_trylock_out_of_order_is_allowed_and_recorded)
{
	DEFINE_SPINLOCK(a, LOCK_LEVEL_TEST_A);
	DEFINE_SPINLOCK(b, LOCK_LEVEL_TEST_B);

	spin_lock(&b);
	CU_ASSERT_TRUE(spin_trylock(&a));
	CU_ASSERT_TRUE(spin_is_held_by_me(&a));
	CU_ASSERT_FALSE(spin_trylock(&a)); /* busy: fails, no deadlock */
	spin_unlock(&a);
	spin_unlock(&b);
}

UNIT_TEST(spinlock, a_pair_class_takes_its_second_lock_at_the_higher_address)
{
	spinlock_t ev[2];

	spin_lock_init(&ev[0], LOCK_LEVEL_EVENT);
	spin_lock_init(&ev[1], LOCK_LEVEL_EVENT);
	spin_lock(&ev[0]);
	spin_lock(&ev[1]);
	spin_unlock(&ev[1]);
	spin_unlock(&ev[0]);

	spin_lock(&ev[1]);
	CU_ASSERT_TRUE(PANICS(spin_lock(&ev[0])));
	spin_unlock(&ev[1]);
}

UNIT_TEST(spinlock, a_class_that_is_no_pair_cannot_be_held_twice)
{
	spinlock_t gt[2];

	spin_lock_init(&gt[0], LOCK_LEVEL_GRANT);
	spin_lock_init(&gt[1], LOCK_LEVEL_GRANT);
	spin_lock(&gt[0]);
	CU_ASSERT_TRUE(PANICS(spin_lock(&gt[1])));
	spin_unlock(&gt[0]);
}

UNIT_TEST(spinlock, taking_a_held_lock_again_panics)
{
	DEFINE_SPINLOCK(a, LOCK_LEVEL_TEST_A);

	spin_lock(&a);
	CU_ASSERT_TRUE(PANICS(spin_lock(&a)));
	CU_ASSERT_PTR_NOT_NULL(strstr(fake_panic_msg, "taken twice"));
	spin_unlock(&a);
}

UNIT_TEST(spinlock, releasing_a_lock_another_cpu_holds_panics)
{
	DEFINE_SPINLOCK(a, LOCK_LEVEL_TEST_A);
	unsigned int me = fake_current_cpu;

	spin_lock(&a);
	fake_current_cpu = me ^ 1;
	CU_ASSERT_FALSE(spin_is_held_by_me(&a));
	CU_ASSERT_TRUE(PANICS(spin_unlock(&a)));
	fake_current_cpu = me;
	CU_ASSERT_TRUE(spin_is_held_by_me(&a));
	spin_unlock(&a);
	CU_ASSERT_TRUE(PANICS(spin_unlock(&a))); /* and a second release */
}

UNIT_TEST(spinlock, a_lock_without_a_level_panics)
{
	spinlock_t z = {0};

	CU_ASSERT_TRUE(PANICS(spin_lock(&z)));
	CU_ASSERT_PTR_NOT_NULL(strstr(fake_panic_msg, "no level"));
}

UNIT_TEST(spinlock, an_interrupt_handler_starts_a_new_chain)
{
	DEFINE_SPINLOCK(a, LOCK_LEVEL_TEST_A);
	DEFINE_SPINLOCK(b, LOCK_LEVEL_TEST_B);

	spin_lock(&b);
	spin_debug_irq_enter();
	spin_lock(&a); /* ordered against the handler's own locks only */
	spin_unlock(&a);
	spin_debug_irq_exit();
	spin_unlock(&b);
}

UNIT_TEST(spinlock, reinitialising_forgets_an_abandoned_lock)
{
	DEFINE_SPINLOCK(b, LOCK_LEVEL_TEST_B);
	DEFINE_SPINLOCK(a, LOCK_LEVEL_TEST_A);

	spin_lock(&b); /* as a test that panicked holding it would leave it */
	spin_lock_init(&b, LOCK_LEVEL_TEST_B);
	spin_lock(&a);
	spin_unlock(&a);
}

/* --- what the dispatcher and softirqs check --- */

static DEFINE_SPINLOCK(leaked, LOCK_LEVEL_TEST_A);

static long h_return_holding_a_lock(const struct hypercall_args *a)
{
	spin_lock(&leaked);
	return 0;
}

UNIT_TEST(spinlock, a_hypercall_that_returns_holding_a_lock_panics)
{
	struct hypercall_args a = {{0}};
	struct domain *d;

	fake_abi_setup(256);
	d = fake_domain_create(1, ROLE_GUEST, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	fake_set_current(d->vcpu[0]);
	fake_hc_open_fn = h_return_holding_a_lock;
	CU_ASSERT_TRUE(PANICS(hypercall_dispatch(FAKE_HC_OPEN, &a)));
	CU_ASSERT_TRUE(spin_is_held_by_me(&leaked));
	spin_unlock(&leaked);
	CU_ASSERT_EQUAL(spin_debug_nr_held(), 0);
	fake_hc_open_fn = NULL;
	CU_ASSERT_EQUAL(fake_abi_teardown(), 0);
}

/* --- docs/locking.md and enum lock_level are one list --- */

UNIT_TEST(spinlock, docs_locking_md_lists_every_level_in_enum_order)
{
	FILE *f = fopen(LOCKING_DOC, "r");
	char line[512];
	unsigned int rows = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned int n;
		char name[64], want[64];
		const char *lower;
		size_t i;

		/* A table row: "| 7 | `EVENT` | ...". */
		if (sscanf(line, "| %u | `%63[A-Z0-9_]` |", &n, name) != 2)
			continue;
		rows++;
		CU_ASSERT_EQUAL(n, rows); /* numbered from 1, no gap */
		lower = spin_debug_level_name(n);
		for (i = 0; lower[i] && i + 1 < sizeof(want); i++)
			want[i] = (char)toupper((unsigned char)lower[i]);
		want[i] = '\0';
		if (strcmp(name, want))
			fprintf(stderr, "docs/locking.md row %u is %s, enum lock_level says %s\n",
				n, name, want);
		CU_ASSERT_STRING_EQUAL(name, want);
	}
	fclose(f);
	CU_ASSERT_EQUAL(rows, LOCK_LEVEL_TEST_A - 1); /* every level but NONE and the test ones */
}
