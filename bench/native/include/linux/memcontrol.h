/* SPDX-License-Identifier: GPL-2.0 */
/* No CONFIG_MEMCG here: the compiler charges its code to no cgroup. */
#ifndef _SHIM_LINUX_MEMCONTROL_H
#define _SHIM_LINUX_MEMCONTROL_H
#endif /* _SHIM_LINUX_MEMCONTROL_H */
