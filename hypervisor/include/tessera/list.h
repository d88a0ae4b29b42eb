/*
 * Intrusive doubly-linked circular lists. A struct list_head is embedded in
 * the object; an empty list is a head that points at itself. No locking:
 * the owner of the list serialises access.
 */
#ifndef TESSERA_LIST_H
#define TESSERA_LIST_H

#include <tessera/compiler.h>
#include <tessera/types.h>

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name)                                                                       \
	{                                                                                          \
		&(name), &(name)                                                                   \
	}
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void INIT_LIST_HEAD(struct list_head *l)
{
	l->next = l;
	l->prev = l;
}

/* Link n between two adjacent entries. */
static inline void list__link(struct list_head *n, struct list_head *prev, struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

/* Insert n right after head (stack order). */
static inline void list_add(struct list_head *n, struct list_head *head)
{
	list__link(n, head, head->next);
}

/* Insert n right before head: at the tail of a list, or before an entry. */
static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
	list__link(n, head->prev, head);
}

/* Unlink e; e is left pointing at itself so list_empty(e) and a second list_del are safe. */
static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	INIT_LIST_HEAD(e);
}
#define list_del_init list_del

static inline bool list_empty(const struct list_head *head)
{
	return head->next == head;
}
static inline bool list_is_singular(const struct list_head *head)
{
	return !list_empty(head) && head->next == head->prev;
}

/* Move e from wherever it is to the tail of head. */
static inline void list_move_tail(struct list_head *e, struct list_head *head)
{
	list_del(e);
	list_add_tail(e, head);
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(head, type, member) list_entry((head)->next, type, member)
#define list_last_entry(head, type, member) list_entry((head)->prev, type, member)
/* The first entry, or NULL for an empty list. */
#define list_first_entry_or_null(head, type, member)                                               \
	(list_empty(head) ? NULL : list_first_entry(head, type, member))
#define list_next_entry(pos, member) list_entry((pos)->member.next, __typeof__(*(pos)), member)

#define list_for_each(pos, head) for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)
/* Safe against removal of pos during the walk. */
#define list_for_each_safe(pos, n, head)                                                           \
	for ((pos) = (head)->next, (n) = (pos)->next; (pos) != (head);                             \
	     (pos) = (n), (n) = (pos)->next)
#define list_for_each_entry(pos, head, member)                                                     \
	for ((pos) = list_first_entry(head, __typeof__(*(pos)), member); &(pos)->member != (head); \
	     (pos) = list_next_entry(pos, member))
#define list_for_each_entry_safe(pos, n, head, member)                                             \
	for ((pos) = list_first_entry(head, __typeof__(*(pos)), member),                           \
	    (n) = list_next_entry(pos, member);                                                    \
	     &(pos)->member != (head); (pos) = (n), (n) = list_next_entry(n, member))

#endif
