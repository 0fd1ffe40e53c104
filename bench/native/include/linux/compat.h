/* SPDX-License-Identifier: GPL-2.0 */
/* in_compat_syscall() of x86 with IA32 emulation: the TS_COMPAT test. */
#ifndef _SHIM_LINUX_COMPAT_H
#define _SHIM_LINUX_COMPAT_H

#include <linux/sched.h>

static inline bool in_compat_syscall(void)
{
	return IS_ENABLED(CONFIG_IA32_EMULATION) &&
	       (current_thread_info()->status & TS_COMPAT);
}

#endif /* _SHIM_LINUX_COMPAT_H */
