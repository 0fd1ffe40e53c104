/* SPDX-License-Identifier: GPL-2.0 */
/*
 * task_tgid_vnr() is the kernel's inline call of __task_pid_nr_ns(); the
 * out-of-line function is in native_kshim.c: in the "null" mode it reads
 * the task's tgid, in the "host" mode it makes the host's getpid(2).
 */
#ifndef _SHIM_LINUX_PID_H
#define _SHIM_LINUX_PID_H

#include <linux/sched.h>

enum pid_type {
	PIDTYPE_PID,
	PIDTYPE_TGID,
	PIDTYPE_PGID,
	PIDTYPE_SID,
	PIDTYPE_MAX,
};

struct pid_namespace;

pid_t __task_pid_nr_ns(struct task_struct *task, enum pid_type type,
		       struct pid_namespace *ns);

static inline pid_t task_tgid_vnr(struct task_struct *tsk)
{
	return __task_pid_nr_ns(tsk, PIDTYPE_TGID, NULL);
}

#endif /* _SHIM_LINUX_PID_H */
