// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel functions the script(2) objects call, built with the same flags
 * as they are (retpolines, return thunks, no jump tables, ...).  Each is
 * the kernel's code path for the case the benchmark takes, or a stub for
 * a case it never takes (a seccomp filter, RCU Tasks Trace work).
 */

#include <linux/kernel.h>
#include <linux/audit.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/restart_block.h>
#include <linux/resume_user_mode.h>
#include <linux/seccomp.h>
#include <linux/syscalls.h>
#include <linux/task_work.h>
#include <linux/uaccess.h>

#include "native_kshim.h"

/* kernel/sched/core.c, with PREEMPT_RCU: should_resched(0) and done */
int __sched __cond_resched(void)
{
	if (unlikely(READ_ONCE(shim_preempt_count) == 0)) {
		/* preempt_schedule_common(): never, nothing asks for it */
		return 1;
	}
	return 0;
}

/* No filter is installed: SYSCALL_WORK_SECCOMP is never set. */
int __seccomp_filter_syscall(int nr, const u64 args[6], long *ret)
{
	WARN_ON_ONCE(1);
	return 0;
}

u8 rcu_trc_cmpxchg_need_qs(struct task_struct *t, u8 old, u8 new)
{
	WARN_ON_ONCE(1);
	return old;
}

void rcu_tasks_trace_qs_blkd(struct task_struct *t)
{
	WARN_ON_ONCE(1);
}

/*
 * kernel/pid.c: rcu_read_lock(), the task's struct pid, its number in the
 * caller's namespace.  The null mode reads a number from the task, the
 * host mode is the host's getpid(2): entry, that same body, exit.
 */
pid_t __task_pid_nr_ns(struct task_struct *task, enum pid_type type,
		       struct pid_namespace *ns)
{
	if (READ_ONCE(shim_getpid_mode) == SHIM_GETPID_HOST)
		return shim_syscall2(__NR_getpid, 0, 0);
	return READ_ONCE(task->tgid);
}

long do_no_restart_syscall(struct restart_block *param)
{
	return -EINTR;
}

/* lib/usercopy.c and include/linux/uaccess.h: _inline_copy_from_user() */
unsigned long _copy_from_user(void *to, const void __user *from,
			      unsigned long n)
{
	unsigned long res;

	from = mask_user_address(from);
	res = copy_user_generic(to, (__force const void *)from, n);
	if (likely(!res))
		return 0;
	memset(to + (n - res), 0, res);
	return res;
}

/* _inline_copy_to_user() */
unsigned long _copy_to_user(void __user *to, const void *from,
			    unsigned long n)
{
	if (access_ok(to, n))
		n = copy_user_generic((__force void *)to, from, n);
	return n;
}

/* Audit is never enabled: the task has no audit context. */
bool __audit_inner_syscall_entry(int major, unsigned long a1, unsigned long a2,
				 unsigned long a3, unsigned long a4)
{
	WARN_ON_ONCE(1);
	return false;
}

void __audit_inner_syscall_exit(int success, long return_code)
{
	WARN_ON_ONCE(1);
}

/* No TIF_NOTIFY_RESUME and no task work are ever pending here. */
void resume_user_mode_work(struct pt_regs *regs)
{
	WARN_ON_ONCE(1);
}

void task_work_run(void)
{
	WARN_ON_ONCE(1);
}
