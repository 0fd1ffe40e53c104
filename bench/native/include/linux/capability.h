/* SPDX-License-Identifier: GPL-2.0 */
/*
 * capable(): kernel.script_restrict is 0 here, so nothing asks.
 * ns_capable_noaudit(): the compiler asks whether to blind constants; the
 * benchmark's loader is taken to have CAP_SYS_ADMIN, as make bench's is.
 */
#ifndef _SHIM_LINUX_CAPABILITY_H
#define _SHIM_LINUX_CAPABILITY_H

#include <linux/kernel.h>

#define CAP_SYS_ADMIN	21

bool capable(int cap);

struct user_namespace {
	int level;
};

extern struct user_namespace init_user_ns;

bool ns_capable_noaudit(struct user_namespace *ns, int cap);

#endif /* _SHIM_LINUX_CAPABILITY_H */
