// SPDX-License-Identifier: GPL-2.0
/*
 * cat as a script: copy a descriptor to standard output through a buffer
 * until end of file, in one script(2) call however long the file is.
 *
 * What it shows: a C function compiled by clang -target bpf is a script;
 * its arguments come in r1 to r3 as a C function's do, each
 * script_<op>() call is an op (read, write_all), and the loop, the error
 * checks and the running total cost no system call of their own.
 *
 * r0: the bytes copied, or the first error as a negative errno.
 */
#include <linux/errno.h>
#include <linux/types.h>

#include "script_ops.h"

#define STDOUT_FD	1

long cat(long fd, void *buf, unsigned long size)
{
	long total = 0, n, w;

	for (;;) {
		n = script_read(fd, buf, size);
		if (n <= 0)
			return n ? n : total;	/* an error, or end of file */
		/* write_all waits until all n bytes are out (-1: no limit). */
		w = script_write_all(STDOUT_FD, buf, n, -1);
		if (w < 0)
			return w;
		if (w != n)
			return -EIO;
		total += n;
	}
}
