/* SPDX-License-Identifier: GPL-2.0 */
/* The socket calls' entry points are in <linux/syscalls.h> here. */
#ifndef _SHIM_LINUX_SOCKET_H
#define _SHIM_LINUX_SOCKET_H

#include <linux/syscalls.h>

#endif /* _SHIM_LINUX_SOCKET_H */
