/* SPDX-License-Identifier: GPL-2.0 */
/* No mutex is taken on the paths the native build runs (no CONFIG_SYSCTL). */
#ifndef _SHIM_LINUX_MUTEX_H
#define _SHIM_LINUX_MUTEX_H

#endif /* _SHIM_LINUX_MUTEX_H */
