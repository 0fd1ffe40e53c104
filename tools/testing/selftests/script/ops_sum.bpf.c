// SPDX-License-Identifier: GPL-2.0
/*
 * A script(2) program in C that chains ops through script_bpf.h: it opens
 * a file, reads it, adds up the decimal numbers in it and writes the sum
 * in hexadecimal to a descriptor.  ops_test.c runs it.
 */
#include <linux/errno.h>

#include "script_bpf.h"

/* In the caller's memory; ops_test.c has the same struct. */
struct sum_args {
	const char *path;		/* relative to dfd, NUL-terminated */
	long dfd;
	long out_fd;
	char *buf;			/* room for the file */
	unsigned long size;
	unsigned long long sum;		/* out */
	unsigned long count;		/* out: numbers found */
};

/*
 * The bytes written, or the first op's error: openat, read_min,
 * parse_u64 (but for -EINVAL: a byte that is no digit is skipped),
 * format_u64 or write_all.
 */
long sum_file(struct sum_args *a)
{
	unsigned long long v;
	char digits[24];
	long fd, n, i, r;

	fd = script_openat(a->dfd, a->path, 0, 0);
	if (fd < 0)
		return fd;
	n = script_read_min(fd, a->buf, a->size, a->size, -1);
	script_close(fd);
	if (n < 0)
		return n;
	a->sum = 0;
	a->count = 0;
	for (i = 0; i < n; i += r) {
		r = script_parse_u64(a->buf + i, n - i, &v, 10);
		if (r == -EINVAL) {
			r = 1;
			continue;
		}
		if (r < 0)
			return r;
		a->sum += v;
		a->count++;
	}
	r = script_format_u64(digits, sizeof(digits), a->sum, 16);
	if (r < 0)
		return r;
	return script_write_all(a->out_fd, digits, r, -1);
}
