/* SPDX-License-Identifier: GPL-2.0 */
/* The system call numbers: the host's <asm/unistd.h> (x86_64). */
#ifndef _SHIM_LINUX_UNISTD_H
#define _SHIM_LINUX_UNISTD_H

#include <asm/unistd.h>

#endif /* _SHIM_LINUX_UNISTD_H */
