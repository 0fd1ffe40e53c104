/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compiler's list of images, for the exception table and the
 * unwinder, and its lock: one thread compiles here, and nothing looks the
 * list up (no fault is taken in compiled code by the benchmarks), so the
 * lock and the RCU read side are empty.
 */
#ifndef _SHIM_LINUX_RCULIST_H
#define _SHIM_LINUX_RCULIST_H

#include <stddef.h>

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name)	{ &(name), &(name) }
#define LIST_HEAD(name)		struct list_head name = LIST_HEAD_INIT(name)

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif

static inline void list_add_rcu(struct list_head *new, struct list_head *head)
{
	new->next = head->next;
	new->prev = head;
	head->next->prev = new;
	head->next = new;
}

static inline void list_del_rcu(struct list_head *entry)
{
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
}

#define list_for_each_entry_rcu(pos, head, member)				\
	for (pos = container_of((head)->next, typeof(*pos), member);		\
	     &pos->member != (head);						\
	     pos = container_of(pos->member.next, typeof(*pos), member))

#define rcu_read_lock()		do { } while (0)
#define rcu_read_unlock()	do { } while (0)

typedef struct {
	int unused;
} spinlock_t;

#define DEFINE_SPINLOCK(x)	spinlock_t x = { 0 }
#define spin_lock(l)		((void)(l))
#define spin_unlock(l)		((void)(l))

#endif /* _SHIM_LINUX_RCULIST_H */
