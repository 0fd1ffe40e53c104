/* SPDX-License-Identifier: GPL-2.0 */
/* anon_inode_getfd(): a file in native_kshim.c's descriptor table. */
#ifndef _SHIM_LINUX_ANON_INODES_H
#define _SHIM_LINUX_ANON_INODES_H

#include <linux/fs.h>

int anon_inode_getfd(const char *name, const struct file_operations *fops,
		     void *priv, int flags);

#endif /* _SHIM_LINUX_ANON_INODES_H */
