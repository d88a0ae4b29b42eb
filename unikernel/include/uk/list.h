/*
 * A circular doubly linked list (the head is a node of its own).
 *
 * Locking: the user's.
 */
#ifndef UK_LIST_H
#define UK_LIST_H

#include <stddef.h>

struct uk_list {
	struct uk_list *next, *prev;
};

#define UK_LIST_INIT(name)                                                                         \
	{                                                                                          \
		&(name), &(name)                                                                   \
	}

static inline void uk_list_init(struct uk_list *l)
{
	l->next = l->prev = l;
}

static inline int uk_list_empty(const struct uk_list *l)
{
	return l->next == l;
}

/* Inserts n before pos (at the tail when pos is the head). */
static inline void uk_list_add_before(struct uk_list *n, struct uk_list *pos)
{
	n->prev = pos->prev;
	n->next = pos;
	pos->prev->next = n;
	pos->prev = n;
}

static inline void uk_list_add_tail(struct uk_list *n, struct uk_list *head)
{
	uk_list_add_before(n, head);
}

static inline void uk_list_del(struct uk_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

#define uk_container_of(p, type, member) ((type *)((char *)(p)-offsetof(type, member)))
#define uk_list_first(head, type, member) uk_container_of((head)->next, type, member)

#endif /* UK_LIST_H */
