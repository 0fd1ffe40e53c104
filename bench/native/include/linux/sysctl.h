/* SPDX-License-Identifier: GPL-2.0 */
/* The native build has no CONFIG_SYSCTL: the sysctls keep their defaults. */
#ifndef _SHIM_LINUX_SYSCTL_H
#define _SHIM_LINUX_SYSCTL_H

#endif /* _SHIM_LINUX_SYSCTL_H */
