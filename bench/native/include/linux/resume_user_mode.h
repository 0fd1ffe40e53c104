/* SPDX-License-Identifier: GPL-2.0 */
/*
 * resume_user_mode_work(): the TIF_NOTIFY_RESUME work, which the native
 * build never has pending; a stub in native_kshim.c.
 */
#ifndef _SHIM_LINUX_RESUME_USER_MODE_H
#define _SHIM_LINUX_RESUME_USER_MODE_H

#include <linux/sched.h>

struct pt_regs;

void resume_user_mode_work(struct pt_regs *regs);

#endif /* _SHIM_LINUX_RESUME_USER_MODE_H */
