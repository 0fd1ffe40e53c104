/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The little of <linux/fs.h> the ops use: MAX_RW_COUNT, and a struct file
 * that is a host descriptor with its access mode (<linux/file.h>), which
 * vfs_poll() polls (native_sys.c).
 */
#ifndef _SHIM_LINUX_FS_H
#define _SHIM_LINUX_FS_H

#include <linux/kernel.h>
#include <linux/fcntl.h>

#define PAGE_MASK	(~4095UL)
#define MAX_RW_COUNT	(INT_MAX & PAGE_MASK)

typedef unsigned int fmode_t;
#define FMODE_READ	((__force fmode_t)(1 << 0))
#define FMODE_WRITE	((__force fmode_t)(1 << 1))

struct file;
struct inode;
struct seq_file;

struct file_operations {
	int (*release)(struct inode *inode, struct file *file);
	void (*show_fdinfo)(struct seq_file *m, struct file *f);
	loff_t (*llseek)(struct file *file, loff_t offset, int whence);
};

/*
 * A file: the host descriptor and its mode, for the ops (<linux/file.h>);
 * or, for script(2)'s program descriptors, an entry of native_kshim.c's
 * descriptor table with its operations, its data and a reference count.
 */
struct file {
	fmode_t f_mode;
	int shim_fd;
	const struct file_operations *f_op;
	void *private_data;
	long f_count;
};

loff_t noop_llseek(struct file *file, loff_t offset, int whence);

struct poll_table_struct;
__poll_t vfs_poll(struct file *file, struct poll_table_struct *pt);

#endif /* _SHIM_LINUX_FS_H */
