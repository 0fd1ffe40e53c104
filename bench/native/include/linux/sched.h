/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The task: the fields of struct task_struct and struct thread_info that
 * the script(2) code and the inline helpers it calls touch, with the
 * kernel's access shapes (volatile bit tests of the thread flags, ...).
 * "current" is one load, as the kernel's this_cpu_read of
 * pcpu_hot.current_task is.
 */
#ifndef _SHIM_LINUX_SCHED_H
#define _SHIM_LINUX_SCHED_H

#include <linux/kernel.h>
#include <linux/restart_block.h>

/* arch/x86/include/asm/thread_info.h */
#define TIF_NOTIFY_RESUME	1
#define TIF_SIGPENDING		2
#define TIF_NEED_RESCHED	3
#define TIF_NOTIFY_SIGNAL	5
#define _TIF_NEED_RESCHED	(1UL << TIF_NEED_RESCHED)
#define _TIF_NOTIFY_RESUME	(1UL << TIF_NOTIFY_RESUME)
#define _TIF_SIGPENDING		(1UL << TIF_SIGPENDING)
#define _TIF_NOTIFY_SIGNAL	(1UL << TIF_NOTIFY_SIGNAL)
#define TS_COMPAT		0x0002
/* include/linux/thread_info.h */
#define SYSCALL_WORK_BIT_SECCOMP	0

#define PF_NO_NOTIFY_SIGNAL	0x00000001	/* value immaterial here */

struct thread_info {
	unsigned long flags;
	unsigned long syscall_work;
	u32 status;
};

union rcu_special {
	struct {
		u8 blocked;
		u8 need_qs;
		u8 exp_hint;
		u8 need_mb;
	} b;
	u32 s;
};

struct sigpending {
	struct {
		unsigned long sig[1];
	} signal;
};

struct callback_head;
struct audit_context;

struct task_struct {
	struct thread_info thread_info;
	unsigned int flags;
	struct callback_head *task_works;
	struct audit_context *audit_context;
	u8 rcu_tasks_holdout;
	int trc_reader_nesting;
	union rcu_special trc_reader_special;
	struct sigpending pending;
	struct restart_block restart_block;
	pid_t tgid;
};

extern struct task_struct *shim_current_task;

static __always_inline struct task_struct *get_current(void)
{
	return shim_current_task;
}
#define current get_current()
#define current_thread_info()	(&current->thread_info)

/* arch/x86/include/asm/bitops.h: constant_test_bit() */
static __always_inline bool shim_test_bit(long nr,
					  const volatile unsigned long *addr)
{
	return 1UL & (addr[nr / 64] >> (nr & 63));
}
#define test_bit(nr, addr)	shim_test_bit(nr, addr)

/* include/linux/thread_info.h: read_ti_thread_flags() */
static __always_inline unsigned long read_thread_flags(void)
{
	return READ_ONCE(current_thread_info()->flags);
}

static inline int test_tsk_thread_flag(struct task_struct *tsk, int flag)
{
	return test_bit(flag, &tsk->thread_info.flags);
}

/*
 * cond_resched(): with PREEMPT_DYNAMIC and preempt=voluntary the inline
 * static call is a direct call of __cond_resched(), in native_kshim.c.
 */
int __cond_resched(void);
#define cond_resched()		__cond_resched()

#endif /* _SHIM_LINUX_SCHED_H */
