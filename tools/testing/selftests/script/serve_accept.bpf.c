// SPDX-License-Identifier: GPL-2.0
/*
 * An accept filter as a script: accept a connection, then read from it
 * until the end marker of a request's header ("\r\n\r\n" for HTTP) has
 * come, within a deadline, and only then hand the connection to the
 * caller, all in one script(2) call.
 *
 * The protocol, between serve_accept() and its caller:
 *  - the deadline, @timeout_ms, starts once the connection is accepted;
 *    accepting waits with no limit;
 *  - r0 is 0 once the marker has come: @end is the offset just past it,
 *    @len the bytes received (the request's body may have begun);
 *  - r0 is -ETIMEDOUT when the deadline passed first, -ENODATA when the
 *    peer shut its side down first, -EMSGSIZE when @buf_size bytes came
 *    without the marker, or the error of an op;
 *  - once accept4() succeeded, @fd is the connection in every case, and
 *    the caller owns it: to answer (a 408 after a timeout, say), close it.
 *
 * serve_test.c includes this file for struct serve_accept_ctl; clang
 * -target bpf compiles the rest into serve_accept.bpf.bin.
 */
#include <linux/types.h>

/**
 * struct serve_accept_ctl - serve_accept()'s arguments and results
 * @listen_fd: in: a listening socket
 * @accept_flags: in: accept4()'s flags
 * @timeout_ms: in: the deadline for the header, from the accept
 * @clock: in: the clock of the deadline, CLOCK_MONOTONIC say
 * @buf: in: user address of the buffer for the request
 * @buf_size: in: its size
 * @marker: in: user address of the end marker
 * @marker_len: in: its length, 1 to %SCRIPT_MEMMEM_MAX
 * @fd: out: accept4()'s result
 * @len: out: bytes received
 * @end: out: offset just past the marker, 0 when it did not come
 * @reads: out: READ_MIN ops that returned
 */
struct serve_accept_ctl {
	__s64 listen_fd;
	__s64 accept_flags;
	__s64 timeout_ms;
	__s64 clock;
	__u64 buf;
	__u64 buf_size;
	__u64 marker;
	__u64 marker_len;
	__s64 fd;
	__s64 len;
	__s64 end;
	__s64 reads;
};

#ifdef __bpf__
#include <linux/errno.h>
#include <linux/time_types.h>

#include "script_bpf.h"

/* The time on @clock in milliseconds, or a negative errno. */
static long now_ms(long clock)
{
	struct __kernel_timespec ts;
	long ret;

	ret = script_clock_gettime(clock, &ts);
	if (ret < 0)
		return ret;
	return ts.tv_sec * 1000 + (__u64)ts.tv_nsec / 1000000;
}

long serve_accept(struct serve_accept_ctl *c)
{
	unsigned long len = 0, from, ml = c->marker_len;
	char *buf = (char *)c->buf;
	long fd, deadline, now, n, i;

	c->len = 0;
	c->end = 0;
	c->reads = 0;
	fd = script_accept4(c->listen_fd, 0, 0, c->accept_flags);
	c->fd = fd;
	if (fd < 0)
		return fd;
	deadline = now_ms(c->clock);
	if (deadline < 0)
		return deadline;
	deadline += c->timeout_ms;
	for (;;) {
		if (len >= c->buf_size)
			return -EMSGSIZE;
		now = now_ms(c->clock);
		if (now < 0)
			return now;
		if (now >= deadline)
			return -ETIMEDOUT;
		n = script_read_min(fd, buf + len, 1, c->buf_size - len,
				    deadline - now);
		c->reads++;
		if (!n)
			return -ENODATA;
		if (n < 0)
			return n;
		/* The marker may straddle what came before and what came now. */
		from = len >= ml ? len - ml + 1 : 0;
		len += n;
		c->len = len;
		i = script_memmem(buf + from, len - from, (void *)c->marker, ml);
		if (i >= 0) {
			c->end = from + i + ml;
			return 0;
		}
		if (i != -ENOENT)
			return i;
	}
}
#endif /* __bpf__ */
