/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The uapi errno values, and the kernel-internal ones of <linux/errno.h>.
 * glibc's <errno.h> includes <linux/errno.h> too and gets this file.
 */
#ifndef _SHIM_LINUX_ERRNO_H
#define _SHIM_LINUX_ERRNO_H

#include <asm/errno.h>

#define ERESTARTSYS		512
#define ERESTARTNOINTR		513
#define ERESTARTNOHAND		514
#define ENOIOCTLCMD		515
#define ERESTART_RESTARTBLOCK	516
#define MAX_ERRNO		4095

#endif /* _SHIM_LINUX_ERRNO_H */
