// SPDX-License-Identifier: GPL-2.0
/*
 * An accept filter as a script, in the manner of FreeBSD's accf_http and
 * accf_data: accept connections, and hand back only one whose request
 * header is complete, its "\r\n\r\n" come, within a time limit.  Slow or
 * incomplete clients are closed here, inside the one script(2) call, and
 * never reach the server.
 *
 * What it shows: a script with a subprogram, a deadline kept with
 * clock_gettime, read_min waiting for bytes with a timeout, memmem
 * searching them, and constant data (the terminator, in .rodata) next to
 * per-run state in a struct the caller passes in r1.
 *
 * r0: the accepted connection, its request in @buf; or a negative errno
 * when accepting failed.
 */
#include <linux/errno.h>
#include <linux/time.h>
#include <linux/types.h>

#include "script_ops.h"
#include "accept_filter.h"

/* Where a request's header ends: a constant of the object's .rodata. */
static const char header_end[] = "\r\n\r\n";
#define HEADER_END_LEN	(sizeof(header_end) - 1)

/* The time in milliseconds, or a negative errno. */
static long now_ms(void)
{
	struct __kernel_timespec ts;
	long ret;

	ret = script_clock_gettime(CLOCK_MONOTONIC, &ts);
	if (ret < 0)
		return ret;
	return ts.tv_sec * 1000 + (__u64)ts.tv_nsec / 1000000;
}

/*
 * Reads from @fd into @buf until the header is complete: its bytes (all
 * those read), or -ETIMEDOUT, -ENODATA (end of file first), -EMSGSIZE (no
 * room left) or an op's error.
 */
static long read_header(long fd, char *buf, unsigned long size, long ms)
{
	unsigned long len = 0, from;
	long deadline, now, n, i;

	deadline = now_ms();
	if (deadline < 0)
		return deadline;
	deadline += ms;
	for (;;) {
		if (len >= size)
			return -EMSGSIZE;
		now = now_ms();
		if (now < 0)
			return now;
		if (now >= deadline)
			return -ETIMEDOUT;
		/* At least one byte, as many as there are, until the deadline. */
		n = script_read_min(fd, buf + len, 1, size - len, deadline - now);
		if (!n)
			return -ENODATA;
		if (n < 0)
			return n;
		/* The terminator may straddle the bytes before and the new ones. */
		from = len >= HEADER_END_LEN ? len - HEADER_END_LEN + 1 : 0;
		len += n;
		i = script_memmem(buf + from, len - from, header_end,
				  HEADER_END_LEN);
		if (i >= 0)
			return len;
		if (i != -ENOENT)
			return i;
	}
}

long accept_filter(struct accept_filter_ctl *c)
{
	long fd, len;

	c->len = 0;
	c->dropped = 0;
	for (;;) {
		fd = script_accept4(c->listen_fd, 0, 0, c->accept_flags);
		if (fd < 0)
			return fd;
		len = read_header(fd, (char *)c->buf, c->buf_size,
				  c->timeout_ms);
		if (len > 0) {
			c->len = len;
			return fd;
		}
		/* Too slow, or gone: the server never sees this one. */
		script_close(fd);
		c->dropped++;
	}
}
