/* SPDX-License-Identifier: GPL-2.0 */
/* include/linux/task_work.h: the pending test; task_work_run() a stub. */
#ifndef _SHIM_LINUX_TASK_WORK_H
#define _SHIM_LINUX_TASK_WORK_H

#include <linux/sched.h>

static inline bool task_work_pending(struct task_struct *task)
{
	return READ_ONCE(task->task_works);
}

void task_work_run(void);

#endif /* _SHIM_LINUX_TASK_WORK_H */
