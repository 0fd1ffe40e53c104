/* SPDX-License-Identifier: GPL-2.0 */
/*
 * queue_rcu_work(): the compiler frees an image after an RCU grace
 * period; with no concurrent reader here it frees it at once.
 */
#ifndef _SHIM_LINUX_WORKQUEUE_H
#define _SHIM_LINUX_WORKQUEUE_H

#include <linux/bitmap.h>
#include <linux/rculist.h>

struct work_struct {
	void (*func)(struct work_struct *work);
};

struct rcu_work {
	struct work_struct work;
};

struct workqueue_struct;
#define system_wq		((struct workqueue_struct *)NULL)

#define INIT_RCU_WORK(rw, f)	((rw)->work.func = (f))
#define to_rcu_work(w)		container_of(w, struct rcu_work, work)

static inline bool queue_rcu_work(struct workqueue_struct *wq,
				  struct rcu_work *rw)
{
	rw->work.func(&rw->work);
	return true;
}

#endif /* _SHIM_LINUX_WORKQUEUE_H */
