/* SPDX-License-Identifier: GPL-2.0 */
/* capable(): kernel.script_restrict is 0 here, so nothing asks. */
#ifndef _SHIM_LINUX_CAPABILITY_H
#define _SHIM_LINUX_CAPABILITY_H

#include <linux/kernel.h>

#define CAP_SYS_ADMIN	21

bool capable(int cap);

#endif /* _SHIM_LINUX_CAPABILITY_H */
