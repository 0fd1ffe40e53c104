/* SPDX-License-Identifier: GPL-2.0 */
/* do_exit(): a seccomp filter's KILL_THREAD, which no benchmark installs. */
#ifndef _SHIM_LINUX_SCHED_TASK_H
#define _SHIM_LINUX_SCHED_TASK_H

#include <linux/sched.h>

#ifndef SIGSYS
#define SIGSYS		31
#endif

void __noreturn do_exit(long code);

#endif /* _SHIM_LINUX_SCHED_TASK_H */
