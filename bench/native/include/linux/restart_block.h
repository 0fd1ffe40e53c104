/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_RESTART_BLOCK_H
#define _SHIM_LINUX_RESTART_BLOCK_H

struct restart_block {
	unsigned long arch_data;
	long (*fn)(struct restart_block *block);
};

long do_no_restart_syscall(struct restart_block *parm);

#endif /* _SHIM_LINUX_RESTART_BLOCK_H */
