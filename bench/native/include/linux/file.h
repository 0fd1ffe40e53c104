/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CLASS(fd, f)(fd): the file of a descriptor, held for the scope.  Here
 * the file is the host descriptor and its access mode, which
 * shim_fdget() asks the host for (fcntl(F_GETFL), through native_sys.c).
 */
#ifndef _SHIM_LINUX_FILE_H
#define _SHIM_LINUX_FILE_H

#include <linux/fs.h>

struct fd {
	struct file file;
	bool empty;
};

struct fd shim_fdget(unsigned int fd);

/*
 * fget() and fput() of native_kshim.c's descriptor table, which holds
 * script(2)'s program descriptors (a namespace apart from the host's): a
 * lookup and a locked increment not from zero, and a locked decrement,
 * as fs/file.c's are under RCU.
 */
struct file *fget(unsigned int fd);
void fput(struct file *file);

typedef struct fd class_fd_t;
#define class_fd_constructor(fd)	shim_fdget(fd)
#define CLASS(_name, var)		class_##_name##_t var = class_##_name##_constructor
#define fd_empty(f)			((f).empty)
#define fd_file(f)			(&(f).file)

#endif /* _SHIM_LINUX_FILE_H */
