/* SPDX-License-Identifier: GPL-2.0 */
/* The test kernel has no CONFIG_LIVEPATCH: no transition is ever pending. */
#ifndef _SHIM_LINUX_LIVEPATCH_H
#define _SHIM_LINUX_LIVEPATCH_H

#include <linux/sched.h>

static inline bool klp_patch_pending(struct task_struct *task)
{
	return false;
}

#endif /* _SHIM_LINUX_LIVEPATCH_H */
