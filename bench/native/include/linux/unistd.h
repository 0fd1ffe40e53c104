/* SPDX-License-Identifier: GPL-2.0 */
/* The system call numbers: the host's <asm/unistd.h> (x86_64). */
#ifndef _SHIM_LINUX_UNISTD_H
#define _SHIM_LINUX_UNISTD_H

#include <asm/unistd.h>

/* arch/x86/include/asm/unistd.h: x86-64 has newfstat */
#define __ARCH_WANT_NEW_STAT

#endif /* _SHIM_LINUX_UNISTD_H */
