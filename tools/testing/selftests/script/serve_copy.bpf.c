// SPDX-License-Identifier: GPL-2.0
/*
 * A relay as a script: copy @len bytes from one descriptor to another
 * through a buffer, with READ ops that block while the source is empty,
 * and WRITE_ALL ops.  r0 is the bytes copied, all @len of them, or the
 * first error (-ENODATA at end of file).  @copied and @reads are kept in
 * the caller's memory as the copy goes, so that a run that meets a signal
 * can be checked where it stopped.
 *
 * serve_test.c includes this file for struct serve_copy_ctl; clang
 * -target bpf compiles the rest into serve_copy.bpf.bin.
 */
#include <linux/types.h>

/**
 * struct serve_copy_ctl - serve_copy()'s arguments and results
 * @in_fd: in: where the bytes come from
 * @out_fd: in: where they go
 * @buf: in: user address of the buffer
 * @buf_size: in: its size
 * @len: in: bytes to copy
 * @copied: out: bytes copied so far
 * @reads: out: READ ops that returned
 */
struct serve_copy_ctl {
	__s64 in_fd;
	__s64 out_fd;
	__u64 buf;
	__u64 buf_size;
	__s64 len;
	__s64 copied;
	__s64 reads;
};

#ifdef __bpf__
#include <linux/errno.h>

#include "script_bpf.h"

long serve_copy(struct serve_copy_ctl *c)
{
	void *buf = (void *)c->buf;
	long n, ret, want;

	c->copied = 0;
	c->reads = 0;
	while (c->copied < c->len) {
		want = c->len - c->copied;
		if (want > c->buf_size)
			want = c->buf_size;
		n = script_read(c->in_fd, buf, want);
		c->reads++;
		if (n <= 0)
			return n ? n : -ENODATA;
		ret = script_write_all(c->out_fd, buf, n, -1);
		if (ret != n)
			return ret < 0 ? ret : -EIO;
		c->copied += n;
	}
	return c->copied;
}
#endif /* __bpf__ */
