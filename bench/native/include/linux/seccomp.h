/* SPDX-License-Identifier: GPL-2.0 */
/*
 * seccomp_filter_syscall() as patch 0005 adds it: with no filter it is
 * the test of SYSCALL_WORK_SECCOMP that the syscall entry makes.  The
 * benchmark installs no filter, so __seccomp_filter_syscall() (a stub in
 * native_kshim.c) is never reached.
 */
#ifndef _SHIM_LINUX_SECCOMP_H
#define _SHIM_LINUX_SECCOMP_H

#include <linux/sched.h>

#define test_syscall_work(fl) \
	test_bit(SYSCALL_WORK_BIT_##fl, &current_thread_info()->syscall_work)

int __seccomp_filter_syscall(int nr, const u64 args[6], long *ret);

#define SECCOMP_FILTER_EXIT_THREAD	1

static inline int seccomp_filter_syscall(int nr, const u64 args[6], long *ret)
{
	if (unlikely(test_syscall_work(SECCOMP)))
		return __seccomp_filter_syscall(nr, args, ret);
	return 0;
}

#endif /* _SHIM_LINUX_SECCOMP_H */
