/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ksys_ helpers ops_misc.c calls (patch 0012).  In native_kshim.c each
 * makes the host's system call of the same name.
 */
#ifndef _SHIM_LINUX_SYSCALLS_H
#define _SHIM_LINUX_SYSCALLS_H

#include <linux/kernel.h>

typedef int clockid_t;
struct __kernel_timespec;

long ksys_clock_gettime(clockid_t which_clock,
			struct __kernel_timespec __user *tp);
long ksys_nanosleep(struct __kernel_timespec __user *rqtp,
		    struct __kernel_timespec __user *rmtp);

#endif /* _SHIM_LINUX_SYSCALLS_H */
