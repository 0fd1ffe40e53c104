/* SPDX-License-Identifier: GPL-2.0 */
/* include/linux/sched/signal.h, as in the tree the benchmarks build. */
#ifndef _SHIM_LINUX_SCHED_SIGNAL_H
#define _SHIM_LINUX_SCHED_SIGNAL_H

#include <linux/sched.h>

#define SHIM_SIGKILL	9

static inline int task_sigpending(struct task_struct *p)
{
	return unlikely(test_tsk_thread_flag(p, TIF_SIGPENDING));
}

static inline int signal_pending(struct task_struct *p)
{
	if (unlikely(test_tsk_thread_flag(p, TIF_NOTIFY_SIGNAL)) &&
	    likely(!(READ_ONCE(p->flags) & PF_NO_NOTIFY_SIGNAL)))
		return 1;
	return task_sigpending(p);
}

static inline int __fatal_signal_pending(struct task_struct *p)
{
	return unlikely(p->pending.signal.sig[0] & (1UL << (SHIM_SIGKILL - 1)));
}

static inline int fatal_signal_pending(struct task_struct *p)
{
	return task_sigpending(p) && __fatal_signal_pending(p);
}

/* include/linux/sched/signal.h: clear_thread_flag() and a full barrier */
static inline void clear_notify_signal(void)
{
	__atomic_and_fetch(&current_thread_info()->flags, ~_TIF_NOTIFY_SIGNAL,
			   __ATOMIC_SEQ_CST);
}

#endif /* _SHIM_LINUX_SCHED_SIGNAL_H */
