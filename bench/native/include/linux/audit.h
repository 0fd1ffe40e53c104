/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The inner-syscall audit hooks of patch 0013 with CONFIG_AUDITSYSCALL:
 * with audit never enabled, the task has no audit context and each hook
 * is one test of current->audit_context.  The out-of-line halves are
 * stubs in native_kshim.c that no benchmark reaches.
 */
#ifndef _SHIM_LINUX_AUDIT_H
#define _SHIM_LINUX_AUDIT_H

#include <linux/sched.h>

bool __audit_inner_syscall_entry(int major, unsigned long a1, unsigned long a2,
				 unsigned long a3, unsigned long a4);
void __audit_inner_syscall_exit(int success, long return_code);

static inline struct audit_context *audit_context(void)
{
	return current->audit_context;
}

static inline bool audit_inner_syscall_entry(int major, unsigned long a1,
					     unsigned long a2, unsigned long a3,
					     unsigned long a4)
{
	if (unlikely(audit_context()))
		return __audit_inner_syscall_entry(major, a1, a2, a3, a4);
	return false;
}

static inline void audit_inner_syscall_exit(int success, long return_code)
{
	__audit_inner_syscall_exit(success, return_code);
}

#endif /* _SHIM_LINUX_AUDIT_H */
