/* SPDX-License-Identifier: GPL-2.0 */
/* fdinfo's seq_printf(): a stub, no benchmark reads a file's fdinfo. */
#ifndef _SHIM_LINUX_SEQ_FILE_H
#define _SHIM_LINUX_SEQ_FILE_H

#include <linux/kernel.h>

struct seq_file;

__printf(2, 3) void seq_printf(struct seq_file *m, const char *fmt, ...);

#endif /* _SHIM_LINUX_SEQ_FILE_H */
