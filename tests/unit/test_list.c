/* tessera/list.h: intrusive doubly-linked lists. */
#include <tessera/list.h>
#include "unit.h"

struct item {
	int v;
	struct list_head elem;
};

static int collect(struct list_head *head, int *out, int max)
{
	struct item *it;
	int n = 0;

	list_for_each_entry(it, head, elem) if (n < max) out[n++] = it->v;
	return n;
}

UNIT_SUITE(list);

UNIT_TEST(list, new_list_is_empty_and_add_tail_keeps_fifo_order)
{
	LIST_HEAD(head);
	struct item a = {.v = 1}, b = {.v = 2}, c = {.v = 3};
	int got[4];

	CU_ASSERT_TRUE(list_empty(&head));
	list_add_tail(&a.elem, &head);
	CU_ASSERT_TRUE(list_is_singular(&head));
	list_add_tail(&b.elem, &head);
	list_add_tail(&c.elem, &head);
	CU_ASSERT_EQUAL(collect(&head, got, 4), 3);
	CU_ASSERT_EQUAL(got[0], 1);
	CU_ASSERT_EQUAL(got[1], 2);
	CU_ASSERT_EQUAL(got[2], 3);
	CU_ASSERT_PTR_EQUAL(list_first_entry(&head, struct item, elem), &a);
	CU_ASSERT_PTR_EQUAL(list_last_entry(&head, struct item, elem), &c);
}

UNIT_TEST(list, add_puts_at_front_and_add_tail_before_an_entry_inserts_there)
{
	LIST_HEAD(head);
	struct item a = {.v = 1}, b = {.v = 2}, c = {.v = 3};
	int got[4];

	list_add(&a.elem, &head);
	list_add(&b.elem, &head);	 /* b a */
	list_add_tail(&c.elem, &a.elem); /* b c a */
	CU_ASSERT_EQUAL(collect(&head, got, 4), 3);
	CU_ASSERT_EQUAL(got[0], 2);
	CU_ASSERT_EQUAL(got[1], 3);
	CU_ASSERT_EQUAL(got[2], 1);
}

UNIT_TEST(list, del_unlinks_and_leaves_entry_self_linked)
{
	LIST_HEAD(head);
	struct item a = {.v = 1}, b = {.v = 2}, c = {.v = 3};
	int got[4];

	list_add_tail(&a.elem, &head);
	list_add_tail(&b.elem, &head);
	list_add_tail(&c.elem, &head);
	list_del(&b.elem);
	CU_ASSERT_TRUE(list_empty(&b.elem));
	list_del(&b.elem); /* twice is harmless */
	CU_ASSERT_EQUAL(collect(&head, got, 4), 2);
	CU_ASSERT_EQUAL(got[0], 1);
	CU_ASSERT_EQUAL(got[1], 3);
	list_del(&a.elem);
	list_del(&c.elem);
	CU_ASSERT_TRUE(list_empty(&head));
	CU_ASSERT_PTR_NULL(list_first_entry_or_null(&head, struct item, elem));
}

UNIT_TEST(list, safe_walk_survives_deleting_every_entry)
{
	LIST_HEAD(head);
	struct item items[5], *it, *tmp;
	int seen = 0;

	for (int i = 0; i < 5; i++) {
		items[i].v = i;
		list_add_tail(&items[i].elem, &head);
	}
	list_for_each_entry_safe(it, tmp, &head, elem)
	{
		CU_ASSERT_EQUAL(it->v, seen);
		list_del(&it->elem);
		seen++;
	}
	CU_ASSERT_EQUAL(seen, 5);
	CU_ASSERT_TRUE(list_empty(&head));
}

UNIT_TEST(list, move_tail_moves_between_lists)
{
	LIST_HEAD(x);
	LIST_HEAD(y);
	struct item a = {.v = 1}, b = {.v = 2};

	list_add_tail(&a.elem, &x);
	list_add_tail(&b.elem, &x);
	list_move_tail(&a.elem, &y);
	CU_ASSERT_TRUE(list_is_singular(&x));
	CU_ASSERT_TRUE(list_is_singular(&y));
	CU_ASSERT_PTR_EQUAL(list_first_entry(&y, struct item, elem), &a);
	list_move_tail(&b.elem, &y);
	CU_ASSERT_TRUE(list_empty(&x));
	CU_ASSERT_PTR_EQUAL(list_last_entry(&y, struct item, elem), &b);
}
